"""Discussion pages (being built)."""

from django.http import Http404


def _missing(*args, **kwargs):
    raise Http404


discussion = _missing
new_comments = _missing
discussion_options = _missing
comment_permalink = _missing
comment_edit = _missing
comment_remove = _missing
comment_useful = _missing
comment_answer = _missing
comment_history = _missing
mention_suggestions = _missing
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
