"""Every write to the organisations directory."""

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.text import slugify
from django.utils.translation import gettext as _

from govcommons.core.errors import ConflictError, DomainError

from . import permissions
from .models import Organization, OrganizationDomain, OrganizationProposal, ProposalStatus

ORGANIZATION_FIELDS = [
    "name",
    "parent",
    "country",
    "region",
    "level",
    "sector",
    "website",
    "description",
]


def _unique_slug(name: str) -> str:
    base = slugify(name)[:200] or "organisation"
    slug = base
    while Organization.objects.filter(slug=slug).exists():
        slug = f"{base}-{get_random_string(4, 'abcdefghijkmnpqrstuvwxyz23456789')}"
    return slug


def normalise_domains(domains: list[str]) -> list[str]:
    cleaned = []
    for raw in domains:
        domain = raw.strip().lower().lstrip("@")
        if not domain:
            continue
        if "." not in domain or " " in domain or "/" in domain or "@" in domain:
            raise DomainError(
                _("“%(domain)s” is not an email domain like lyon.fr.") % {"domain": raw.strip()},
                field="email_domains",
            )
        cleaned.append(domain)
    return sorted(set(cleaned))


def _set_domains(organization: Organization, domains: list[str]) -> None:
    taken = (
        OrganizationDomain.objects.filter(domain__in=domains)
        .exclude(organization=organization)
        .select_related("organization")
        .first()
    )
    if taken:
        raise DomainError(
            _("%(domain)s already belongs to %(org)s.")
            % {"domain": taken.domain, "org": taken.organization.name},
            field="email_domains",
        )
    OrganizationDomain.objects.filter(organization=organization).exclude(
        domain__in=domains
    ).delete()
    existing = set(organization.email_domains.values_list("domain", flat=True))
    OrganizationDomain.objects.bulk_create(
        OrganizationDomain(organization=organization, domain=d)
        for d in domains
        if d not in existing
    )


def _check_parent(organization: Organization, parent: Organization | None) -> None:
    node = parent
    while node is not None:
        if node.pk == organization.pk:
            raise DomainError(_("An organisation cannot be part of itself."), field="parent")
        node = node.parent


@transaction.atomic
def create_organization(*, actor, data: dict, email_domains: list[str]) -> Organization:
    if not permissions.can_edit_organizations(actor):
        raise PermissionDenied
    organization = Organization(slug=_unique_slug(data["name"]), **data)
    organization.full_clean()
    organization.save()
    _set_domains(organization, normalise_domains(email_domains))
    return organization


@transaction.atomic
def update_organization(
    *, actor, organization_id: int, data: dict, email_domains: list[str], loaded_at: datetime
) -> Organization:
    """Save an edit unless someone else saved the organisation since the form was loaded."""
    if not permissions.can_edit_organizations(actor):
        raise PermissionDenied
    organization = Organization.objects.select_for_update().get(pk=organization_id)
    # Exact to the microsecond (the form carries them): at whole seconds, a save made in the same
    # second as the version the form was loaded with would go unnoticed and be overwritten.
    if organization.updated_at > loaded_at:
        raise ConflictError(
            _(
                "Someone else saved this organisation while you were editing. Your changes are "
                "still in the form: compare them with the current version and save again."
            )
        )
    _check_parent(organization, data.get("parent"))
    for name, value in data.items():
        setattr(organization, name, value)
    organization.full_clean()
    organization.save()
    _set_domains(organization, normalise_domains(email_domains))
    return organization


@transaction.atomic
def propose_organization(*, member, data: dict) -> OrganizationProposal:
    if not permissions.can_propose_organization(member):
        raise PermissionDenied
    if data.get("email_domain"):
        # Checked now, beside the field, rather than when a moderator tries to accept it.
        try:
            domains = normalise_domains([data["email_domain"]])
        except DomainError as error:
            raise DomainError(error.message, field="email_domain") from error
        data = {**data, "email_domain": domains[0] if domains else ""}
    proposal = OrganizationProposal(proposed_by=member, **data)
    proposal.full_clean()
    proposal.save()
    return proposal


@transaction.atomic
def decide_proposal(
    *, moderator, proposal_id: int, accept: bool, reason: str
) -> OrganizationProposal:
    """Accepting creates the organisation, with the proposed email domain.

    Refusing needs a reason.
    """
    if not permissions.can_decide_proposals(moderator):
        raise PermissionDenied
    proposal = OrganizationProposal.objects.select_for_update().get(pk=proposal_id)
    if proposal.status != ProposalStatus.PENDING:
        raise ConflictError(_("This proposal was already decided."))
    if not accept and not reason.strip():
        raise DomainError(_("Say why you refuse the proposal."), field="reason")
    if accept:
        data = {
            name: getattr(proposal, name) for name in ORGANIZATION_FIELDS if hasattr(proposal, name)
        }
        data.pop("description", None)
        try:
            proposal.organization = create_organization(
                actor=moderator,
                data=data,
                email_domains=[proposal.email_domain] if proposal.email_domain else [],
            )
        except (ValidationError, IntegrityError) as exc:
            raise DomainError(
                _("The proposal cannot be accepted as it is: %(error)s") % {"error": exc}
            ) from exc
    proposal.status = ProposalStatus.ACCEPTED if accept else ProposalStatus.REFUSED
    proposal.decided_by = moderator
    proposal.decided_at = timezone.now()
    proposal.reason = reason.strip()
    proposal.save(update_fields=["status", "decided_by", "decided_at", "reason", "organization"])
    return proposal
