"""accounts.services: verification, roles, profiles and API tokens."""

import hashlib
from datetime import timedelta
from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from conftest import with_role
from govcommons.accounts import services
from govcommons.accounts.models import (
    ApiToken,
    Role,
    RoleGrant,
    User,
    VerificationMethod,
    VerificationRequest,
    VerificationRequestStatus,
    VerificationStatus,
)
from govcommons.core.errors import ConflictError, DomainError
from govcommons.notifications.models import EmailCategory, EmailStatus, OutgoingEmail
from govcommons.notifications.services import set_email_preference


def ask(member, organization, **overrides) -> VerificationRequest:
    fields = {
        "job_title": "Head of digital services",
        "work_email": "",
        "evidence": "See the staff directory at https://city.example/staff",
    }
    fields.update(overrides)
    return services.request_verification(member=member, organization=organization, **fields)


# --- Verification by email domain ------------------------------------------------------------


def test_address_on_an_organisation_domain_verifies_and_attaches_the_member(
    make_member, make_domain
):
    domain = make_domain(domain="health.gov.example")
    member = make_member(email="ana@health.gov.example")

    organization = services.verify_by_email_domain(member=member, email="ana@health.gov.example")

    member.refresh_from_db()
    assert organization == domain.organization
    assert member.verification_status == VerificationStatus.VERIFIED
    assert member.verification_method == VerificationMethod.DOMAIN
    assert member.organization == domain.organization
    assert member.verified_email == "ana@health.gov.example"
    assert member.verified_by is None
    assert member.verified_at is not None


def test_address_on_a_subdomain_belongs_to_the_organisation_of_the_parent_domain(
    make_member, make_domain
):
    domain = make_domain(domain="city.example")
    member = make_member(email="x@parks.city.example")

    organization = services.verify_by_email_domain(member=member, email="x@parks.city.example")

    member.refresh_from_db()
    assert organization == domain.organization
    assert member.is_verified
    assert member.organization == domain.organization


def test_the_longest_matching_domain_wins(make_member, make_domain):
    make_domain(domain="city.example")
    parks = make_domain(domain="parks.city.example")
    member = make_member()

    organization = services.verify_by_email_domain(member=member, email="x@parks.city.example")

    assert organization == parks.organization


def test_address_on_an_unknown_domain_verifies_nobody(make_member, make_domain):
    make_domain(domain="city.example")
    member = make_member(email="x@elsewhere.example")

    assert services.verify_by_email_domain(member=member, email="x@elsewhere.example") is None
    member.refresh_from_db()
    assert member.verification_status == VerificationStatus.UNVERIFIED
    assert member.organization is None


def test_a_lookalike_domain_is_not_a_subdomain(make_member, make_domain):
    make_domain(domain="city.example")
    member = make_member()

    assert services.verify_by_email_domain(member=member, email="x@badcity.example") is None
    member.refresh_from_db()
    assert not member.is_verified


def test_domain_verification_leaves_an_already_verified_member_as_they_were(
    verified_member, make_domain, organization
):
    verified_member.organization = organization
    verified_member.save()
    make_domain(domain="city.example")

    assert services.verify_by_email_domain(member=verified_member, email="x@city.example") is None
    verified_member.refresh_from_db()
    assert verified_member.verification_method == VerificationMethod.MODERATOR
    assert verified_member.organization == organization


def test_domain_verification_closes_the_pending_request(member, make_domain, organization):
    domain = make_domain(domain="city.example")
    pending = ask(member, organization)

    services.verify_by_email_domain(member=member, email="x@city.example")

    pending.refresh_from_db()
    assert pending.status == VerificationRequestStatus.GRANTED
    assert pending.reason == "Verified by a confirmed work email address."
    member.refresh_from_db()
    assert member.organization == domain.organization


# --- Verification by a moderator -------------------------------------------------------------


def test_member_asks_for_verification(member, organization):
    request = ask(member, organization, work_email="ana@city.example")

    assert request.status == VerificationRequestStatus.PENDING
    assert request.member == member
    assert request.organization == organization
    assert request.work_email == "ana@city.example"


def test_a_member_has_at_most_one_pending_request(member, organization, make_organization):
    first = ask(member, organization)

    with pytest.raises(ConflictError) as refused:
        ask(member, make_organization())

    assert refused.value.message == "You already have a request waiting for a moderator."
    assert list(VerificationRequest.objects.filter(member=member)) == [first]


def test_a_member_may_ask_again_once_the_first_request_is_decided(member, organization, moderator):
    first = ask(member, organization)
    services.decide_verification(
        moderator=moderator, request_id=first.pk, grant=False, reason="No such person listed."
    )

    second = ask(member, organization, evidence="My manager, bob@city.example, can confirm.")

    assert second.status == VerificationRequestStatus.PENDING
    assert VerificationRequest.objects.filter(member=member).count() == 2


def test_a_verified_member_cannot_ask_again(verified_member, organization):
    with pytest.raises(DomainError) as refused:
        ask(verified_member, organization)

    assert refused.value.message == "You are already verified."
    assert VerificationRequest.objects.count() == 0


def test_a_request_without_evidence_is_refused(member, organization):
    with pytest.raises(ValidationError) as refused:
        ask(member, organization, evidence="")

    assert list(refused.value.message_dict) == ["evidence"]
    assert VerificationRequest.objects.count() == 0


def test_moderator_grants_verification(
    member, organization, moderator, django_capture_on_commit_callbacks
):
    pending = ask(member, organization, job_title="Data officer")

    with django_capture_on_commit_callbacks() as callbacks:
        decided = services.decide_verification(
            moderator=moderator, request_id=pending.pk, grant=True, reason=""
        )

    member.refresh_from_db()
    assert decided.status == VerificationRequestStatus.GRANTED
    assert decided.decided_by == moderator
    assert decided.decided_at is not None
    assert member.verification_status == VerificationStatus.VERIFIED
    assert member.verification_method == VerificationMethod.MODERATOR
    assert member.verified_by == moderator
    assert member.organization == organization
    assert member.job_title == "Data officer"
    email = OutgoingEmail.objects.get()
    assert email.category == EmailCategory.VERIFICATION
    assert email.recipient == member
    assert email.idempotency_key == f"verification-decision-{pending.pk}"
    assert email.subject == "You are now a verified public servant on GovCommons"
    assert len(callbacks) == 1


def test_granting_keeps_the_job_title_the_member_already_gave(member, organization, moderator):
    member.job_title = "Chief data officer"
    member.save()
    pending = ask(member, organization, job_title="Data officer")

    services.decide_verification(moderator=moderator, request_id=pending.pk, grant=True, reason="")

    member.refresh_from_db()
    assert member.job_title == "Chief data officer"


def test_moderator_refuses_with_a_reason(member, organization, moderator):
    pending = ask(member, organization)

    decided = services.decide_verification(
        moderator=moderator, request_id=pending.pk, grant=False, reason="  Not in the directory. "
    )

    member.refresh_from_db()
    assert decided.status == VerificationRequestStatus.REFUSED
    assert decided.reason == "Not in the directory."
    assert member.verification_status == VerificationStatus.UNVERIFIED
    assert member.organization is None
    email = OutgoingEmail.objects.get()
    assert email.subject == "Your GovCommons verification request"
    assert "The moderator's note: Not in the directory." in email.body_text


@pytest.mark.parametrize("reason", ["", "   "])
def test_refusing_needs_a_reason(member, organization, moderator, reason):
    pending = ask(member, organization)

    with pytest.raises(DomainError) as refused:
        services.decide_verification(
            moderator=moderator, request_id=pending.pk, grant=False, reason=reason
        )

    assert refused.value.field == "reason"
    pending.refresh_from_db()
    assert pending.status == VerificationRequestStatus.PENDING
    assert pending.decided_by is None
    assert OutgoingEmail.objects.count() == 0


def test_an_already_decided_request_cannot_be_decided_again(
    member, organization, moderator, administrator
):
    pending = ask(member, organization)
    services.decide_verification(moderator=moderator, request_id=pending.pk, grant=True, reason="")

    with pytest.raises(ConflictError) as refused:
        services.decide_verification(
            moderator=administrator, request_id=pending.pk, grant=False, reason="Changed my mind"
        )

    assert refused.value.message == "This request was already decided (Granted)."
    pending.refresh_from_db()
    assert pending.status == VerificationRequestStatus.GRANTED
    assert pending.decided_by == moderator
    assert OutgoingEmail.objects.count() == 1


def test_a_moderator_cannot_decide_their_own_request(
    make_member, organization, django_capture_on_commit_callbacks
):
    # A moderator who is not yet verified asks, then tries to grant it to themselves.
    moderator = with_role(make_member(), Role.MODERATOR)
    pending = ask(moderator, organization)

    with pytest.raises(DomainError) as refused:
        services.decide_verification(
            moderator=moderator, request_id=pending.pk, grant=True, reason=""
        )

    assert refused.value.message == "You cannot decide your own verification request."
    pending.refresh_from_db()
    moderator.refresh_from_db()
    assert pending.status == VerificationRequestStatus.PENDING
    assert not moderator.is_verified
    assert OutgoingEmail.objects.count() == 0


@pytest.mark.parametrize("decider", ["member", "verified_member", "moderator_without_two_factor"])
def test_only_a_moderator_with_two_factor_decides(request, make_member, organization, decider):
    applicant = make_member()
    pending = ask(applicant, organization)
    user = request.getfixturevalue(decider)

    with pytest.raises(PermissionDenied):
        services.decide_verification(moderator=user, request_id=pending.pk, grant=True, reason="")

    pending.refresh_from_db()
    applicant.refresh_from_db()
    assert pending.status == VerificationRequestStatus.PENDING
    assert pending.decided_by is None
    assert not applicant.is_verified
    assert OutgoingEmail.objects.count() == 0


def test_the_decision_email_reaches_the_member_with_the_reason(
    member,
    organization,
    moderator,
    mailbox,
    run_tasks,
    django_capture_on_commit_callbacks,
    settings,
):
    pending = ask(member, organization)

    with django_capture_on_commit_callbacks(execute=True):
        services.decide_verification(
            moderator=moderator,
            request_id=pending.pk,
            grant=False,
            reason="Ask your manager to write to us.",
        )
    run_tasks()

    [message] = mailbox.wait_for(1)
    text = mailbox.text_of(message)
    assert message["To"] == member.email
    assert message["Subject"] == "Your GovCommons verification request"
    assert "The moderator's note: Ask your manager to write to us." in text
    assert f"A moderator could not verify you as a public servant of {organization.name}." in text
    assert "Ask your manager to write to us." in mailbox.html_of(message)
    unfolded = "".join(message["List-Unsubscribe"].split())
    assert unfolded.startswith(f"<{settings.SITE_URL}/emails/unsubscribe/")
    assert OutgoingEmail.objects.get().status == EmailStatus.SENT


def test_a_member_who_turned_off_verification_email_gets_none(
    member, organization, moderator, mailbox, run_tasks, django_capture_on_commit_callbacks
):
    set_email_preference(member=member, category=EmailCategory.VERIFICATION, enabled=False)
    pending = ask(member, organization)

    with django_capture_on_commit_callbacks(execute=True):
        services.decide_verification(
            moderator=moderator, request_id=pending.pk, grant=True, reason=""
        )
    run_tasks()

    member.refresh_from_db()
    assert member.is_verified
    assert OutgoingEmail.objects.count() == 0
    assert mailbox.messages == []


def test_member_withdraws_their_request(member, organization):
    pending = ask(member, organization)

    services.withdraw_verification_request(member=member, request_id=pending.pk)

    pending.refresh_from_db()
    assert pending.status == VerificationRequestStatus.WITHDRAWN
    assert pending.decided_by == member


def test_a_member_cannot_withdraw_someone_elses_request(member, make_member, organization):
    pending = ask(make_member(), organization)

    with pytest.raises(PermissionDenied):
        services.withdraw_verification_request(member=member, request_id=pending.pk)

    pending.refresh_from_db()
    assert pending.status == VerificationRequestStatus.PENDING


def test_a_decided_request_cannot_be_withdrawn(member, organization, moderator):
    pending = ask(member, organization)
    services.decide_verification(moderator=moderator, request_id=pending.pk, grant=True, reason="")

    with pytest.raises(ConflictError):
        services.withdraw_verification_request(member=member, request_id=pending.pk)

    pending.refresh_from_db()
    assert pending.status == VerificationRequestStatus.GRANTED


# --- Roles -----------------------------------------------------------------------------------


def test_moderator_grants_expert_reviewer_in_a_topic(moderator, member, topic):
    grant = services.grant_role(
        actor=moderator, member=member, role=Role.EXPERT_REVIEWER, topic=topic, note="Known expert"
    )

    assert grant.role == Role.EXPERT_REVIEWER
    assert grant.topic == topic
    assert grant.granted_by == moderator
    assert grant.granted_at is not None
    assert grant.revoked_at is None
    assert grant.note == "Known expert"
    member.refresh_from_db()
    assert (member.is_moderator, member.is_superuser, member.is_staff) == (False, False, False)


@pytest.mark.parametrize("role", [Role.MODERATOR, Role.ADMINISTRATOR])
def test_moderator_cannot_grant_moderator_or_administrator(moderator, member, role):
    with pytest.raises(PermissionDenied):
        services.grant_role(actor=moderator, member=member, role=role)

    member.refresh_from_db()
    assert RoleGrant.objects.filter(member=member).count() == 0
    assert (member.is_moderator, member.is_superuser) == (False, False)


@pytest.mark.parametrize(
    ("role", "flags"),
    [
        (Role.MODERATOR, (True, False, False)),
        (Role.ADMINISTRATOR, (False, True, True)),
    ],
)
def test_administrator_grants_every_role_and_the_flags_follow(administrator, member, role, flags):
    grant = services.grant_role(actor=administrator, member=member, role=role)

    member.refresh_from_db()
    assert grant.granted_by == administrator
    assert grant.topic is None
    assert (member.is_moderator, member.is_superuser, member.is_staff) == flags


def test_administrator_grants_expert_reviewer(administrator, member, topic):
    grant = services.grant_role(
        actor=administrator, member=member, role=Role.EXPERT_REVIEWER, topic=topic
    )

    assert grant.granted_by == administrator


@pytest.mark.parametrize("actor", ["member", "verified_member", "moderator_without_two_factor"])
def test_members_without_powers_grant_nothing(request, make_member, topic, actor):
    target = make_member()

    with pytest.raises(PermissionDenied):
        services.grant_role(
            actor=request.getfixturevalue(actor),
            member=target,
            role=Role.EXPERT_REVIEWER,
            topic=topic,
        )

    assert RoleGrant.objects.filter(member=target).count() == 0


def test_an_administrator_without_two_factor_grants_nothing(make_member):
    admin = with_role(make_member(), Role.ADMINISTRATOR, two_factor=False)
    target = make_member()

    with pytest.raises(PermissionDenied):
        services.grant_role(actor=admin, member=target, role=Role.MODERATOR)

    target.refresh_from_db()
    assert not target.is_moderator
    assert RoleGrant.objects.filter(member=target).count() == 0


def test_expert_reviewer_needs_a_topic(moderator, member):
    with pytest.raises(DomainError) as refused:
        services.grant_role(actor=moderator, member=member, role=Role.EXPERT_REVIEWER)

    assert refused.value.field == "topic"
    assert RoleGrant.objects.filter(member=member).count() == 0


def test_a_sitewide_role_ignores_a_topic(administrator, member, topic):
    grant = services.grant_role(
        actor=administrator, member=member, role=Role.MODERATOR, topic=topic
    )

    assert grant.topic is None


def test_the_same_active_role_cannot_be_granted_twice(administrator, member, topic):
    services.grant_role(actor=administrator, member=member, role=Role.MODERATOR)
    services.grant_role(actor=administrator, member=member, role=Role.EXPERT_REVIEWER, topic=topic)

    with pytest.raises(ConflictError):
        services.grant_role(actor=administrator, member=member, role=Role.MODERATOR)
    with pytest.raises(ConflictError):
        services.grant_role(
            actor=administrator, member=member, role=Role.EXPERT_REVIEWER, topic=topic
        )

    assert RoleGrant.objects.filter(member=member).count() == 2


def test_an_expert_may_review_several_topics(moderator, member, make_topic):
    first, second = make_topic(), make_topic()

    services.grant_role(actor=moderator, member=member, role=Role.EXPERT_REVIEWER, topic=first)
    services.grant_role(actor=moderator, member=member, role=Role.EXPERT_REVIEWER, topic=second)

    assert set(RoleGrant.objects.filter(member=member).values_list("topic", flat=True)) == {
        first.pk,
        second.pk,
    }


def test_revoking_records_who_and_when_and_the_flags_follow(administrator, member):
    grant = services.grant_role(actor=administrator, member=member, role=Role.MODERATOR)
    member.refresh_from_db()
    assert member.is_moderator

    revoked = services.revoke_role(actor=administrator, grant_id=grant.pk)

    member.refresh_from_db()
    assert revoked.revoked_by == administrator
    assert revoked.revoked_at is not None
    assert revoked.granted_by == administrator
    assert member.is_moderator is False


def test_a_revoked_role_can_be_granted_again_and_the_log_keeps_both(administrator, member):
    first = services.grant_role(actor=administrator, member=member, role=Role.ADMINISTRATOR)
    services.revoke_role(actor=administrator, grant_id=first.pk)

    services.grant_role(actor=administrator, member=member, role=Role.ADMINISTRATOR)

    member.refresh_from_db()
    assert member.is_superuser
    assert member.is_staff
    grants = RoleGrant.objects.filter(member=member).order_by("pk")
    assert [g.revoked_at is None for g in grants] == [False, True]


def test_revoking_one_of_two_roles_keeps_the_other_flag(administrator, member):
    moderator_grant = services.grant_role(actor=administrator, member=member, role=Role.MODERATOR)
    services.grant_role(actor=administrator, member=member, role=Role.ADMINISTRATOR)

    services.revoke_role(actor=administrator, grant_id=moderator_grant.pk)

    member.refresh_from_db()
    assert (member.is_moderator, member.is_superuser, member.is_staff) == (False, True, True)


def test_moderator_cannot_revoke_a_moderator_role(moderator, administrator, member):
    grant = services.grant_role(actor=administrator, member=member, role=Role.MODERATOR)

    with pytest.raises(PermissionDenied):
        services.revoke_role(actor=moderator, grant_id=grant.pk)

    grant.refresh_from_db()
    member.refresh_from_db()
    assert grant.revoked_at is None
    assert member.is_moderator


def test_a_role_cannot_be_revoked_twice(moderator, member, topic):
    grant = services.grant_role(
        actor=moderator, member=member, role=Role.EXPERT_REVIEWER, topic=topic
    )
    services.revoke_role(actor=moderator, grant_id=grant.pk)
    revoked_at = RoleGrant.objects.get(pk=grant.pk).revoked_at

    with pytest.raises(ConflictError):
        services.revoke_role(actor=moderator, grant_id=grant.pk)

    assert RoleGrant.objects.get(pk=grant.pk).revoked_at == revoked_at


def test_the_command_line_grants_and_revokes_without_an_actor(member):
    grant = services.grant_role(actor=None, member=member, role=Role.ADMINISTRATOR)
    services.revoke_role(actor=None, grant_id=grant.pk)

    grant.refresh_from_db()
    member.refresh_from_db()
    assert grant.granted_by is None
    assert grant.revoked_by is None
    assert grant.revoked_at is not None
    assert member.is_superuser is False


# --- Profile ---------------------------------------------------------------------------------


def png_file(name: str = "face.png") -> ContentFile:
    out = BytesIO()
    Image.new("RGB", (256, 256), "navy").save(out, format="PNG")
    return ContentFile(out.getvalue(), name=name)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_update_profile_saves_fields_expertise_and_avatar_together(member, make_topic, media):
    topics = [make_topic(), make_topic()]

    services.update_profile(
        member=member,
        fields={"display_name": "Ana Lopez", "job_title": "Data lead", "public_bio": True},
        expertise=topics,
        avatar=png_file(),
    )

    member.refresh_from_db()
    assert member.display_name == "Ana Lopez"
    assert member.job_title == "Data lead"
    assert member.public_bio is True
    assert set(member.expertise.all()) == set(topics)
    assert member.avatar.name.startswith("avatars/")
    assert (media / member.avatar.name).is_file()


def test_update_profile_saves_nothing_when_a_field_is_invalid(member, make_topic, media):
    topic = make_topic()
    before = member.display_name

    with pytest.raises(ValidationError) as refused:
        services.update_profile(
            member=member,
            fields={"display_name": "Ana Lopez", "level": "galactic"},
            expertise=[topic],
            avatar=png_file(),
        )

    assert list(refused.value.message_dict) == ["level"]
    member.refresh_from_db()
    assert member.display_name == before
    assert member.level == ""
    assert member.avatar.name == ""
    assert list(member.expertise.all()) == []
    assert list(media.rglob("*.png")) == []


def test_replacing_an_avatar_deletes_the_old_file_after_commit(
    member, media, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.update_profile(member=member, fields={}, avatar=png_file())
    member.refresh_from_db()
    old = media / member.avatar.name

    with django_capture_on_commit_callbacks(execute=True):
        services.update_profile(member=member, fields={}, avatar=png_file())

    member.refresh_from_db()
    assert not old.exists()
    assert (media / member.avatar.name).is_file()


def test_removing_the_avatar_deletes_the_file(member, media, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.update_profile(member=member, fields={}, avatar=png_file())
    member.refresh_from_db()
    old = media / member.avatar.name

    with django_capture_on_commit_callbacks(execute=True):
        services.update_profile(member=member, fields={}, remove_avatar=True)

    member.refresh_from_db()
    assert member.avatar.name == ""
    assert not old.exists()


# --- API tokens ------------------------------------------------------------------------------


def test_a_new_token_is_returned_once_and_only_its_hash_is_stored(member):
    token, raw = services.create_api_token(member=member, name="  Intranet sync ", days=30)

    token.refresh_from_db()
    assert raw.startswith("gc_")
    assert len(raw) == 46
    assert token.name == "Intranet sync"
    assert token.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert token.prefix == raw[:10]
    assert raw not in {token.name, token.prefix, token.token_hash}
    expected_expiry = timezone.now() + timedelta(days=30)
    assert abs(token.expires_at - expected_expiry) < timedelta(minutes=1)


@pytest.mark.parametrize("days", [0, 367])
def test_a_token_lives_between_one_day_and_a_year(member, days):
    with pytest.raises(DomainError) as refused:
        services.create_api_token(member=member, name="Sync", days=days)

    assert refused.value.field == "days"
    assert ApiToken.objects.count() == 0


def test_a_usable_token_authenticates_its_member_and_notes_its_use(member):
    token, raw = services.create_api_token(member=member, name="Sync", days=7)

    assert services.authenticate_api_token(raw) == member
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_last_use_is_written_at_most_once_a_minute(member, django_assert_num_queries):
    _token, raw = services.create_api_token(member=member, name="Sync", days=7)
    services.authenticate_api_token(raw)

    with django_assert_num_queries(1):
        assert services.authenticate_api_token(raw) == member


def test_an_expired_token_is_refused(member):
    token, raw = services.create_api_token(member=member, name="Sync", days=7)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    assert services.authenticate_api_token(raw) is None


def test_a_revoked_token_is_refused(member):
    token, raw = services.create_api_token(member=member, name="Sync", days=7)

    revoked = services.revoke_api_token(member=member, token_id=token.pk)

    assert revoked.revoked_at is not None
    assert services.authenticate_api_token(raw) is None


def test_the_token_of_an_inactive_member_is_refused(member):
    _token, raw = services.create_api_token(member=member, name="Sync", days=7)
    User.objects.filter(pk=member.pk).update(is_active=False)

    assert services.authenticate_api_token(raw) is None


@pytest.mark.parametrize("raw", ["", "gc_unknown", "Bearer gc_x", "not-a-token"])
def test_unknown_tokens_are_refused(member, raw):
    services.create_api_token(member=member, name="Sync", days=7)

    assert services.authenticate_api_token(raw) is None


def test_another_member_cannot_revoke_a_token(member, make_member):
    token, raw = services.create_api_token(member=member, name="Sync", days=7)

    with pytest.raises(PermissionDenied):
        services.revoke_api_token(member=make_member(), token_id=token.pk)

    token.refresh_from_db()
    assert token.revoked_at is None
    assert services.authenticate_api_token(raw) == member


def test_revoking_twice_keeps_the_first_revocation_time(member):
    token, _raw = services.create_api_token(member=member, name="Sync", days=7)
    first = services.revoke_api_token(member=member, token_id=token.pk).revoked_at

    second = services.revoke_api_token(member=member, token_id=token.pk).revoked_at

    assert second == first
