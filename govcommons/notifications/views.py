"""Email settings and one-click unsubscribe."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from govcommons.accounts.models import User

from . import services
from .models import EmailCategory, EmailPreference

OPTIONAL = [c for c in EmailCategory if c not in services.ALWAYS_SENT]


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
