"""Values every template may use."""

from django.conf import settings
from django.utils.functional import cached_property

from govcommons.accounts.permissions import holds_moderator_role
from govcommons.notifications.selectors import HeaderCounts, header_counts
from govcommons.reviews.permissions import is_editor


class AccountHeader:
    """What the header shows a signed-in member: the unread count and the review links.

    Lazy: nothing is queried until a template reads it (an htmx partial or a page without the
    header costs nothing), and each value is read at most once per request. At most two queries:
    the unread count with "ever invited to review" (one query), and the editor role (none for
    moderators; cached on the user, so review pages that check it again pay nothing more).
    """

    def __init__(self, user):
        self._user = user

    @cached_property
    def _counts(self) -> HeaderCounts:
        return header_counts(self._user)

    @property
    def unread(self) -> int:
        return self._counts.unread

    @property
    def has_review_invitations(self) -> bool:
        return self._counts.has_review_invitations

    @cached_property
    def is_editor(self) -> bool:
        # Like the Moderation link, shown to a moderator by role; the page itself asks for
        # two-factor. So a moderator's header needs no query for it.
        return holds_moderator_role(self._user) or is_editor(self._user)


def site(request):
    user = getattr(request, "user", None)
    signed_in = bool(user and user.is_authenticated)
    return {
        "SITE_URL": settings.SITE_URL,
        "is_moderator_user": bool(signed_in and user.is_moderator),
        "account_header": AccountHeader(user) if signed_in else None,
    }
