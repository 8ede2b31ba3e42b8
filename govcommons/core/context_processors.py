"""Values every template may use."""

from django.conf import settings


def site(request):
    user = getattr(request, "user", None)
    return {
        "SITE_URL": settings.SITE_URL,
        "is_moderator_user": bool(user and user.is_authenticated and user.is_moderator),
    }
