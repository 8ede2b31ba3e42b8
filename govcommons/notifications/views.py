"""The notifications page, opening one notification, email settings and one-click unsubscribe."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from govcommons.accounts.models import User
from govcommons.core.pagination import paginate

from . import selectors, services
from .models import EmailCategory, EmailPreference

OPTIONAL = [c for c in EmailCategory if c not in services.ALWAYS_SENT]


@login_required
@require_GET
def notification_list(request):
    page = paginate(selectors.notifications_for(request.user), request.GET.get("page"))
    return render(
        request,
        "notifications/list.html",
        # The header's count (one query for both): the page and the bell always agree.
        {"page_obj": page, "unread": selectors.header_counts(request.user).unread},
    )


def _local_path(url: str) -> str | None:
    """The url if it is a path on this site; None for anything that could leave it
    ("//evil.example", "/\\evil.example", "https://..."), so a stored url is never an open
    redirect."""
    if not url.startswith("/") or url.startswith(("//", "/\\")):
        return None
    if not url_has_allowed_host_and_scheme(url, allowed_hosts=None):
        return None
    return url


@login_required
@require_GET
def open_notification(request, pk: int):
    """Mark the member's notification read and go where it points."""
    notification = selectors.get_notification_for(request.user, pk)
    services.mark_read(member=request.user, notification_id=notification.pk)
    return redirect(_local_path(notification.url) or "notifications:list")


@login_required
@require_POST
def read_all(request):
    marked = services.mark_read(member=request.user)
    if marked:
        messages.success(request, _("All your notifications are marked as read."))
    return redirect("notifications:list")


@login_required
@require_http_methods(["GET", "POST"])
def email_settings(request):
    if request.method == "POST":
        for category in OPTIONAL:
            services.set_email_preference(
                member=request.user, category=category, enabled=f"email_{category}" in request.POST
            )
        messages.success(request, _("Your email settings are saved."))
        return redirect("notifications:settings")
    disabled = set(
        EmailPreference.objects.filter(member=request.user, enabled=False).values_list(
            "category", flat=True
        )
    )
    return render(
        request,
        "notifications/settings.html",
        {"choices": [(c, c not in disabled) for c in OPTIONAL]},
    )


# The token in the link is the authentication: mail clients post here without a CSRF token
# (RFC 8058 one-click unsubscribe).
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    found = services.read_unsubscribe_token(token)
    member = User.objects.filter(pk=found[0]).first() if found else None
    if member is None:
        return render(request, "notifications/unsubscribe.html", {"invalid": True}, status=400)
    category = EmailCategory(found[1])
    done = False
    if request.method == "POST":
        services.set_email_preference(member=member, category=category, enabled=False)
        done = True
    return render(
        request,
        "notifications/unsubscribe.html",
        {"category": category, "done": done, "token": token},
    )
