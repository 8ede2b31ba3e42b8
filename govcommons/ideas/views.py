"""Ideas pages (being built)."""

from django.http import Http404


def _missing(*args, **kwargs):
    raise Http404


idea_list = _missing
idea_create = _missing
idea_detail = _missing
idea_edit = _missing
idea_vote = _missing
idea_move = _missing
idea_link = _missing
