"""Writes to the organisations directory, called as views and the API call them."""

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from govcommons.core.errors import ConflictError, DomainError
from govcommons.organizations import selectors, services
from govcommons.organizations.models import (
    Organization,
    OrganizationDomain,
    OrganizationProposal,
    ProposalStatus,
)

DATA = {"name": "Lyon Digital Office", "country": "FR", "level": "local"}


def test_domains_are_lowercased_stripped_of_at_signs_and_deduplicated():
    assert services.normalise_domains([" @Lyon.FR ", "lyon.fr", "", "Health.Gov.Example"]) == [
        "health.gov.example",
        "lyon.fr",
    ]


@pytest.mark.parametrize("raw", ["lyon", "lyon fr.example", "lyon.fr/x", "a@b.example"])
def test_a_value_that_is_not_a_domain_is_refused_naming_it(raw):
    with pytest.raises(DomainError) as refused:
        services.normalise_domains(["good.example", raw])
    assert refused.value.field == "email_domains"
    assert refused.value.message == f"“{raw}” is not an email domain like lyon.fr."


@pytest.mark.parametrize(
    "role", ["member", "verified_member", "moderator_without_two_factor", "anonymous"]
)
def test_only_moderators_create_organisations(request, role):
    actor = AnonymousUser() if role == "anonymous" else request.getfixturevalue(role)
    with pytest.raises(PermissionDenied):
        services.create_organization(actor=actor, data=DATA, email_domains=["lyon.fr"])
    assert Organization.objects.count() == 0
    assert OrganizationDomain.objects.count() == 0


def test_a_refused_domain_leaves_no_half_created_organisation(moderator, make_domain):
    owner = make_domain(domain="lyon.fr").organization
    with pytest.raises(DomainError):
        services.create_organization(actor=moderator, data=DATA, email_domains=["lyon.fr"])
    assert list(Organization.objects.values_list("name", flat=True)) == [owner.name]


def test_an_edit_loaded_before_a_save_in_the_same_second_is_refused(moderator, organization):
    saved_at = datetime(2030, 5, 1, 12, 0, 0, 700_000, tzinfo=UTC)
    Organization.objects.filter(pk=organization.pk).update(updated_at=saved_at)
    with pytest.raises(ConflictError):
        services.update_organization(
            actor=moderator,
            organization_id=organization.pk,
            data={"name": "Late edit"},
            email_domains=[],
            loaded_at=saved_at - timedelta(milliseconds=500),
        )
    organization.refresh_from_db()
    assert organization.name != "Late edit"


def test_an_edit_of_the_current_version_is_saved(moderator, organization):
    organization.refresh_from_db()
    services.update_organization(
        actor=moderator,
        organization_id=organization.pk,
        data={"name": "Fresh edit"},
        email_domains=["fresh.example"],
        loaded_at=organization.updated_at,
    )
    organization.refresh_from_db()
    assert organization.name == "Fresh edit"
    assert list(organization.email_domains.values_list("domain", flat=True)) == ["fresh.example"]


def test_a_parent_cycle_through_several_levels_is_refused(moderator, make_organization):
    top = make_organization()
    middle = make_organization(parent=top)
    bottom = make_organization(parent=middle)
    top.refresh_from_db()
    with pytest.raises(DomainError) as refused:
        services.update_organization(
            actor=moderator,
            organization_id=top.pk,
            data={"parent": bottom},
            email_domains=[],
            loaded_at=top.updated_at,
        )
    assert refused.value.field == "parent"
    top.refresh_from_db()
    assert top.parent_id is None


def test_only_moderators_decide_proposals(member, verified_member):
    proposal = services.propose_organization(member=member, data=DATA)
    with pytest.raises(PermissionDenied):
        services.decide_proposal(
            moderator=verified_member, proposal_id=proposal.pk, accept=True, reason=""
        )
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PENDING
    assert Organization.objects.count() == 0


def test_refusing_without_a_reason_is_refused(member, moderator):
    proposal = services.propose_organization(member=member, data=DATA)
    with pytest.raises(DomainError) as refused:
        services.decide_proposal(
            moderator=moderator, proposal_id=proposal.pk, accept=False, reason=" "
        )
    assert refused.value.field == "reason"
    assert OrganizationProposal.objects.get().status == ProposalStatus.PENDING


def test_the_proposed_parent_and_sector_carry_over_to_the_accepted_organisation(
    member, moderator, organization, sector
):
    proposal = services.propose_organization(
        member=member,
        data={**DATA, "parent": organization, "sector": sector, "region": "Rhône"},
    )
    decided = services.decide_proposal(
        moderator=moderator, proposal_id=proposal.pk, accept=True, reason=""
    )
    created = decided.organization
    assert (created.parent, created.sector, created.region, created.name) == (
        organization,
        sector,
        "Rhône",
        "Lyon Digital Office",
    )


@pytest.mark.parametrize(
    ("email", "expected"),
    [
        ("ann@lyon.fr", "City"),
        ("ann@LYON.FR", "City"),
        ("ann@parks.lyon.fr", "City"),
        ("ann@digital.lyon.fr", "Digital"),
        ("ann@team.digital.lyon.fr", "Digital"),
        ("ann@notlyon.fr", None),
        ("ann@fr", None),
    ],
)
def test_an_address_belongs_to_the_organisation_with_the_longest_matching_domain(
    make_domain, make_organization, email, expected
):
    make_domain(organization=make_organization(name="City"), domain="lyon.fr")
    make_domain(organization=make_organization(name="Digital"), domain="digital.lyon.fr")
    found = selectors.organization_for_email(email)
    assert (found.name if found else None) == expected
