"""Peer review pages for a submission: the editor's queue and desk, the authors' answers."""

from django.http import HttpResponse


def _todo(request, *args, **kwargs):
    return HttpResponse(status=501)


queue = submission_detail = invite = decide = publish = withdraw = answer_points = _todo
resubmit = cancel_invitation = rate_review = _todo
