"""Question pages (being built)."""

from django.http import Http404


def _missing(*args, **kwargs):
    raise Http404


question_list = _missing
ask = _missing
question_detail = _missing
question_edit = _missing
question_vote = _missing
answer_post = _missing
document_question = _missing
answer_edit = _missing
answer_remove = _missing
answer_vote = _missing
answer_accept = _missing
