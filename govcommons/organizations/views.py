"""The organisations directory: list, page, create, edit, propose, decide on proposals."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from govcommons.accounts.decorators import moderator_required
from govcommons.core.errors import ConflictError, DomainError
from govcommons.core.forms import add_service_error
from govcommons.core.pagination import paginate
from govcommons.core.ratelimit import limit_posts
from govcommons.practices import selectors as practice_selectors

from . import permissions, selectors, services
from .forms import DirectoryFilterForm, OrganizationForm, ProposalDecisionForm, ProposalForm
from .models import Organization, OrganizationProposal

PRACTICES_SHOWN = 10


def directory(request):
    form = DirectoryFilterForm(
        request.GET or None, countries_present=selectors.countries_in_directory()
    )
    filters = form.filters() if request.GET else {}
    page = paginate(selectors.filtered_organizations(**filters), request.GET.get("page"))
    context = {
        "form": form,
        "page_obj": page,
        "filtered": bool(filters),
        "can_edit": permissions.can_edit_organizations(request.user),
    }
    if request.htmx:
        return render(request, "organizations/_results.html", context)
    return render(request, "organizations/directory.html", context)


def detail(request, slug: str):
    try:
        organization = selectors.get_organization(slug)
    except Organization.DoesNotExist as exc:
        raise Http404 from exc
    return render(
        request,
        "organizations/detail.html",
        {
            "organization": organization,
            "children": selectors.organization_children(organization),
            "members_page": paginate(
                selectors.organization_members(organization, request.user).select_related(
                    "organization"
                ),
                request.GET.get("page"),
            ),
            "can_edit": permissions.can_edit_organizations(request.user),
            # One more than shown, to know whether to offer "see all" without a count query.
            "owned_practices": list(
                practice_selectors.practices_of_organization(request.user, organization)[
                    : PRACTICES_SHOWN + 1
                ]
            ),
            "adopted_practices": list(
                practice_selectors.practices_adopted_by(request.user, organization)[
                    : PRACTICES_SHOWN + 1
                ]
            ),
            "practices_shown": PRACTICES_SHOWN,
        },
    )


@moderator_required
@require_http_methods(["GET", "POST"])
def create(request):
    form = OrganizationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organization = services.create_organization(
                actor=request.user, data=form.organization_data(), email_domains=form.domain_list()
            )
        except (DomainError, ValidationError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Organisation added to the directory."))
            return redirect(organization)
    return render(request, "organizations/form.html", {"form": form, "organization": None})


@moderator_required
@require_http_methods(["GET", "POST"])
def edit(request, slug: str):
    try:
        organization = selectors.get_organization(slug)
    except Organization.DoesNotExist as exc:
        raise Http404 from exc
    form = OrganizationForm(request.POST or None, instance=organization)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            organization = services.update_organization(
                actor=request.user,
                organization_id=organization.pk,
                data=form.organization_data(),
                email_domains=form.domain_list(),
                loaded_at=form.cleaned_data["loaded_at"] or timezone.now(),
            )
        except ConflictError as error:
            add_service_error(form, error)
            conflict = selectors.get_organization(slug)
        except (DomainError, ValidationError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Organisation saved."))
            return redirect(organization)
    if conflict is not None:
        # Let the next save go through, now that the member has seen the other version.
        form.data = form.data.copy()
        form.data["loaded_at"] = conflict.updated_at.isoformat()
    return render(
        request,
        "organizations/form.html",
        {"form": form, "organization": organization, "conflict": conflict},
    )


@login_required
@require_http_methods(["GET", "POST"])
@limit_posts("organization_proposal")
def propose(request):
    form = ProposalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.propose_organization(member=request.user, data=form.cleaned_data)
        except (DomainError, ValidationError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Thank you. A moderator will review your proposal."))
            return redirect("organizations:list")
    return render(
        request,
        "organizations/propose.html",
        {"form": form, "mine": selectors.proposals_by(request.user)[:10]},
    )


@moderator_required
@require_http_methods(["GET", "POST"])
def decide_proposal(request, proposal_id: int):
    proposal = (
        OrganizationProposal.objects.select_related("proposed_by", "sector", "parent")
        .filter(pk=proposal_id)
        .first()
    )
    if proposal is None:
        raise Http404
    form = ProposalDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            proposal = services.decide_proposal(
                moderator=request.user,
                proposal_id=proposal.pk,
                accept=form.cleaned_data["decision"] == "accept",
                reason=form.cleaned_data["reason"],
            )
        except DomainError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Decision saved."))
            if proposal.organization_id:
                return redirect(proposal.organization)
            return redirect("accounts:moderation")
    return render(
        request, "organizations/decide_proposal.html", {"proposal": proposal, "form": form}
    )
