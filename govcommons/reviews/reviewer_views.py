"""Peer review pages for reviewers, members and the public: invitations, the review form, the
frozen version, freshness, the public review summary, /about/review, declared conflicts."""

from django.http import HttpResponse


def _todo(request, *args, **kwargs):
    return HttpResponse(status=501)


my_invitations = invitation = write_review = version = rereview_queue = freshness = _todo
practice_review = flag_outdated = about = conflicts = stats = _todo
