"""Reads for the bell and the notifications page: a member only ever sees their own."""

from dataclasses import dataclass

from django.db.models import Count, Exists, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404

from govcommons.accounts.models import User
from govcommons.reviews.models import ReviewInvitation

from .models import Notification


@dataclass(frozen=True)
class HeaderCounts:
    unread: int
    has_review_invitations: bool


def header_counts(member) -> HeaderCounts:
    """What the header needs on every page, in one query: the unread count (served by the
    partial index notification_unread_idx) and whether the member was ever invited to review.

    Kept on the member object, which lives as long as the request: a page that shows the
    unread count too (the notifications page) reads it with the header's query, not another.
    """
    known = getattr(member, "_header_counts", None)
    if known is not None:
        return known
    counts = _header_counts(member)
    member._header_counts = counts
    return counts


def _header_counts(member) -> HeaderCounts:
    unread = (
        Notification.objects.filter(recipient=OuterRef("pk"), read_at__isnull=True)
        .order_by()
        .values("recipient")
        .annotate(n=Count("pk"))
        .values("n")
    )
    row = (
        User.objects.filter(pk=member.pk)
        .values(
            unread=Coalesce(Subquery(unread, output_field=IntegerField()), Value(0)),
            invited=Exists(ReviewInvitation.objects.filter(reviewer=OuterRef("pk"))),
        )
        .first()
    )
    if row is None:
        return HeaderCounts(unread=0, has_review_invitations=False)
    return HeaderCounts(unread=row["unread"], has_review_invitations=row["invited"])


def notifications_for(member) -> QuerySet[Notification]:
    """The member's notifications, newest first."""
    return Notification.objects.filter(recipient=member).order_by("-created_at", "-pk")


def get_notification_for(member, notification_id: int) -> Notification:
    """The member's own notification; anyone else's is a 404, as if it did not exist."""
    notification = Notification.objects.filter(pk=notification_id, recipient=member).first()
    if notification is None:
        raise Http404
    return notification
