"""View guards that explain a refusal instead of a bare 403."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render

from . import permissions


def moderator_required(view):
    """Moderators (and administrators) with two-factor on, outside development."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if permissions.holds_moderator_role(user) and not permissions.staff_two_factor_satisfied(
            user
        ):
            return render(request, "accounts/two_factor_required.html", status=403)
        if not permissions.can_moderate(user):
            return render(request, "403.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper


def verified_required(view):
    """Verified public servants only; others get a page that explains how to get verified."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not permissions.can_submit_for_review(request.user):
            return render(request, "accounts/verification_required.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper
