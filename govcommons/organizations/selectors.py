"""Reads of the organisations directory."""

from django.db.models import Count, Q, QuerySet

from govcommons.accounts.models import User

from .models import Organization, OrganizationDomain, OrganizationProposal, ProposalStatus


def organization_for_email(email: str) -> Organization | None:
    """The organisation owning the address's domain, or a parent domain of it.

    `x@parks.lyon.fr` belongs to the organisation that lists `lyon.fr`; the longest match wins.
    """
    domain = email.rsplit("@", 1)[-1].strip().lower()
    parts = domain.split(".")
    candidates = [".".join(parts[i:]) for i in range(len(parts) - 1)]
    if not candidates:
        return None
    matches = {
        d.domain.lower(): d.organization
        for d in OrganizationDomain.objects.select_related("organization").filter(
            domain__in=candidates
        )
    }
    for candidate in candidates:
        if candidate in matches:
            return matches[candidate]
    return None


def filtered_organizations(
    *, country: str = "", level: str = "", sector: str = "", q: str = ""
) -> QuerySet[Organization]:
    organizations = Organization.objects.select_related("sector", "parent")
    if country:
        organizations = organizations.filter(country=country)
    if level:
        organizations = organizations.filter(level=level)
    if sector:
        organizations = organizations.filter(sector__slug=sector)
    if q:
        organizations = organizations.filter(Q(name__icontains=q) | Q(region__icontains=q))
    return organizations.annotate(member_count=Count("members", distinct=True)).order_by(
        "name", "pk"
    )


def get_organization(slug: str) -> Organization:
    return (
        Organization.objects.select_related("sector", "parent", "parent__parent")
        .prefetch_related("email_domains")
        .get(slug=slug)
    )


def organization_children(organization: Organization) -> QuerySet[Organization]:
    return organization.children.select_related("sector").order_by("name")


def organization_members(organization: Organization, viewer) -> QuerySet[User]:
    """Members shown on an organisation's page: to visitors, only those who made it public."""
    members = User.objects.filter(organization=organization, is_active=True)
    if not viewer.is_authenticated:
        members = members.filter(public_organization=True)
    return members.order_by("display_name", "pk")


def pending_proposals() -> QuerySet[OrganizationProposal]:
    return (
        OrganizationProposal.objects.filter(status=ProposalStatus.PENDING)
        .select_related("proposed_by", "sector", "parent")
        .order_by("created_at", "pk")
    )


def proposals_by(member) -> QuerySet[OrganizationProposal]:
    return OrganizationProposal.objects.filter(proposed_by=member).order_by("-created_at")


def countries_in_directory() -> list[str]:
    return list(Organization.objects.order_by().values_list("country", flat=True).distinct())
