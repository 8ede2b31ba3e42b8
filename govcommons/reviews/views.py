"""Peer review pages (being written)."""

from django.http import HttpResponse


def _todo(request, *args, **kwargs):
    return HttpResponse(status=501)


queue = rereview_queue = stats = submission_detail = invite = decide = publish = _todo
withdraw = answer_points = resubmit = my_invitations = invitation = cancel_invitation = _todo
write_review = rate_review = freshness = practice_review = flag_outdated = about = _todo
conflicts = _todo
