"""Member pages: profiles, settings, verification, API tokens and the moderators' tools."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from govcommons.core.errors import DomainError
from govcommons.core.forms import add_service_error
from govcommons.core.pagination import paginate
from govcommons.core.ratelimit import limit_posts
from govcommons.organizations import selectors as organization_selectors
from govcommons.practices.selectors import practices_by_author

from . import permissions, selectors, services
from .decorators import moderator_required
from .forms import (
    ApiTokenForm,
    ProfileForm,
    RoleGrantForm,
    VerificationDecisionForm,
    VerificationRequestForm,
)
from .models import RoleGrant, VerificationRequest


def profile(request, handle: str):
    member = selectors.get_profile(handle)
    return render(
        request,
        "accounts/profile.html",
        {
            "member": member,
            "shown": permissions.visible_profile_fields(request.user, member),
            "roles": selectors.active_roles(member),
            "can_manage_roles": bool(permissions.grantable_roles(request.user)),
            "practices_page": paginate(
                practices_by_author(request.user, member).select_related("item__organization"),
                request.GET.get("page"),
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def settings_profile(request):
    member = request.user
    form = ProfileForm(request.POST or None, request.FILES or None, instance=member)
    if request.method == "POST" and form.is_valid():
        data = form.profile_fields()
        if member.is_verified:
            data.pop("organization")  # set by verification, not by the member
        try:
            services.update_profile(
                member=member,
                fields=data,
                expertise=list(form.cleaned_data["expertise"]),
                avatar=form.cleaned_data["avatar_upload"],
                remove_avatar=form.cleaned_data["remove_avatar"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Your profile is saved."))
            return redirect("accounts:settings")
    return render(request, "accounts/settings_profile.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
@limit_posts("verification_request")
def verification(request):
    member = request.user
    history = list(selectors.verification_requests_of(member)[:10])
    pending = next((r for r in history if r.status == "pending"), None)
    form = None
    if permissions.can_request_verification(member) and pending is None:
        form = VerificationRequestForm(
            request.POST or None,
            initial={"organization": member.organization, "job_title": member.job_title},
        )
        if request.method == "POST" and form.is_valid():
            try:
                services.request_verification(member=member, **form.cleaned_data)
            except (DomainError, ValidationError) as error:
                add_service_error(form, error)
            else:
                messages.success(
                    request,
                    _("Your request is with the moderators. We will email you their decision."),
                )
                return redirect("accounts:verification")
    return render(
        request,
        "accounts/verification.html",
        {"form": form, "pending": pending, "history": history},
    )


@login_required
@require_POST
def withdraw_verification(request, request_id: int):
    try:
        services.withdraw_verification_request(member=request.user, request_id=request_id)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your request is withdrawn."))
    return redirect("accounts:verification")


@login_required
@require_http_methods(["GET", "POST"])
@limit_posts("api_token")
def api_tokens(request):
    form = ApiTokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_token = services.create_api_token(
                member=request.user, name=form.cleaned_data["name"], days=form.cleaned_data["days"]
            )
        except (DomainError, ValidationError) as error:
            add_service_error(form, error)
        else:
            form = ApiTokenForm()
    return render(
        request,
        "accounts/api_tokens.html",
        {"form": form, "new_token": new_token, "tokens": selectors.tokens_of(request.user)},
        status=201 if new_token else 200,
    )


@login_required
@require_POST
def revoke_api_token(request, token_id: int):
    services.revoke_api_token(member=request.user, token_id=token_id)
    messages.success(request, _("The token is revoked; programs using it can no longer sign in."))
    return redirect("accounts:api_tokens")


# --- Moderators' tools -----------------------------------------------------------------------


@moderator_required
def moderation(request):
    return render(
        request,
        "accounts/moderation.html",
        {
            "verification_page": paginate(
                selectors.pending_verification_requests(), request.GET.get("page")
            ),
            "proposals": organization_selectors.pending_proposals()[:10],
            "proposal_count": organization_selectors.pending_proposals().count(),
        },
    )


@moderator_required
@require_http_methods(["GET", "POST"])
def decide_verification(request, request_id: int):
    verification_request = get_object_or_404(
        VerificationRequest.objects.select_related(
            "member", "organization", "member__organization"
        ),
        pk=request_id,
    )
    form = VerificationDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.decide_verification(
                moderator=request.user,
                request_id=verification_request.pk,
                grant=form.cleaned_data["decision"] == "grant",
                reason=form.cleaned_data["reason"],
            )
        except DomainError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Decision saved; the member has been emailed."))
            return redirect("accounts:moderation")
    return render(
        request,
        "accounts/decide_verification.html",
        {"verification_request": verification_request, "form": form},
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_roles(request, handle: str):
    allowed = permissions.grantable_roles(request.user)
    if not allowed:
        if permissions.holds_moderator_role(request.user):
            return render(request, "accounts/two_factor_required.html", status=403)
        raise PermissionDenied
    member = selectors.get_profile(handle)
    form = RoleGrantForm(request.POST or None, allowed_roles=allowed)
    if request.method == "POST" and form.is_valid():
        try:
            services.grant_role(actor=request.user, member=member, **form.cleaned_data)
        except DomainError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Role granted and logged."))
            return redirect("accounts:roles", handle=member.handle)
    return render(
        request,
        "accounts/roles.html",
        {
            "member": member,
            "form": form,
            "log": selectors.role_log(member),
            "allowed": allowed,
        },
    )


@login_required
@require_POST
def revoke_role(request, handle: str, grant_id: int):
    if not permissions.grantable_roles(request.user) and permissions.holds_moderator_role(
        request.user
    ):
        return render(request, "accounts/two_factor_required.html", status=403)
    get_object_or_404(RoleGrant, pk=grant_id, member__handle=handle)
    try:
        services.revoke_role(actor=request.user, grant_id=grant_id)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Role revoked and logged."))
    return redirect("accounts:roles", handle=handle)
