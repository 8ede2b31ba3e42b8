"""Member pages through the Django client: who may open what, profiles, settings and tokens."""

import hashlib
import random
import re
from io import BytesIO
from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from conftest import with_role
from govcommons.accounts import services
from govcommons.accounts.models import (
    ApiToken,
    Role,
    RoleGrant,
    VerificationRequest,
    VerificationRequestStatus,
)
from govcommons.notifications.models import OutgoingEmail

LOGIN, DENIED, TWO_FACTOR, OK = "login", "denied", "two-factor", "ok"
KINDS = [
    "anonymous",
    "member",
    "verified_member",
    "moderator",
    "moderator_without_two_factor",
    "administrator",
]
# Moderators' tools: anonymous visitors sign in, members are refused, a moderator without
# two-factor is told to turn it on.
STAFF_ONLY = {
    "anonymous": LOGIN,
    "member": DENIED,
    "verified_member": DENIED,
    "moderator": OK,
    "moderator_without_two_factor": TWO_FACTOR,
    "administrator": OK,
}
SIGNED_IN = {kind: LOGIN if kind == "anonymous" else OK for kind in KINDS}


@pytest.fixture
def sign_in(request, client):
    """Sign the test client in as one kind of user; returns the user (None for anonymous)."""

    def as_kind(kind: str):
        if kind == "anonymous":
            return None
        user = request.getfixturevalue(kind)
        client.force_login(user)
        return user

    return as_kind


def login_redirect(path: str) -> str:
    return reverse("account_login") + "?" + urlencode({"next": path}, safe="/")


def assert_outcome(response, outcome: str, path: str, *, ok_status: int = 200) -> None:
    body = response.content.decode()
    if outcome == LOGIN:
        assert response.status_code == 302
        assert response["Location"] == login_redirect(path)
    elif outcome == DENIED:
        assert response.status_code == 403
        assert "You cannot open this page" in body
    elif outcome == TWO_FACTOR:
        assert response.status_code == 403
        assert "Turn on two-factor authentication first" in body
        assert reverse("mfa_activate_totp") in body
    else:
        assert response.status_code == ok_status


def field_error(body: str, name: str) -> str:
    """The error shown beside a field, as the reader sees it."""
    found = re.search(rf'<p class="field__error" id="id_{name}-error">(.*?)</p>', body, re.S)
    assert found, f"no error beside {name}"
    return re.sub(r"<[^>]+>", "", found.group(1)).strip()


@pytest.fixture
def applicant(make_member):
    return make_member(display_name="Applicant Person")


@pytest.fixture
def pending_request(applicant, organization):
    return services.request_verification(
        member=applicant,
        organization=organization,
        job_title="Data officer",
        work_email="",
        evidence="My manager can confirm.",
    )


# --- Permission matrix -----------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_moderation_queue_is_for_moderators(client, sign_in, kind, pending_request):
    sign_in(kind)
    path = reverse("accounts:moderation")

    response = client.get(path)

    assert_outcome(response, STAFF_ONLY[kind], path)
    if STAFF_ONLY[kind] == OK:
        assert "Applicant Person" in response.content.decode()
        assert reverse("accounts:decide_verification", args=[pending_request.pk]) in (
            response.content.decode()
        )


@pytest.mark.parametrize("kind", KINDS)
def test_verification_request_page_is_for_moderators(client, sign_in, kind, pending_request):
    sign_in(kind)
    path = reverse("accounts:decide_verification", args=[pending_request.pk])

    response = client.get(path)

    assert_outcome(response, STAFF_ONLY[kind], path)
    if STAFF_ONLY[kind] == OK:
        assert "My manager can confirm." in response.content.decode()


@pytest.mark.parametrize("kind", KINDS)
def test_only_moderators_decide_a_verification_request(
    client, sign_in, kind, pending_request, applicant, django_capture_on_commit_callbacks
):
    user = sign_in(kind)
    path = reverse("accounts:decide_verification", args=[pending_request.pk])

    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(path, {"decision": "grant", "reason": ""})

    outcome = STAFF_ONLY[kind]
    assert_outcome(response, outcome, path, ok_status=302)
    pending_request.refresh_from_db()
    applicant.refresh_from_db()
    if outcome == OK:
        assert response["Location"] == reverse("accounts:moderation")
        assert pending_request.status == VerificationRequestStatus.GRANTED
        assert pending_request.decided_by == user
        assert applicant.is_verified
        assert OutgoingEmail.objects.filter(recipient=applicant).count() == 1
    else:
        assert pending_request.status == VerificationRequestStatus.PENDING
        assert pending_request.decided_by is None
        assert not applicant.is_verified
        assert OutgoingEmail.objects.count() == 0


@pytest.mark.parametrize("kind", KINDS)
def test_roles_page_is_for_those_who_may_grant(client, sign_in, kind, make_member):
    target = make_member()
    sign_in(kind)
    path = reverse("accounts:roles", args=[target.handle])

    response = client.get(path)

    assert_outcome(response, STAFF_ONLY[kind], path)


@pytest.mark.parametrize("kind", KINDS)
def test_only_moderators_and_administrators_grant_expert_reviewer(
    client, sign_in, kind, make_member, topic
):
    target = make_member()
    user = sign_in(kind)
    path = reverse("accounts:roles", args=[target.handle])

    response = client.post(
        path, {"role": Role.EXPERT_REVIEWER, "topic": topic.pk, "note": "Ten years in the field"}
    )

    outcome = STAFF_ONLY[kind]
    assert_outcome(response, outcome, path, ok_status=302)
    if outcome == OK:
        assert response["Location"] == path
        grant = RoleGrant.objects.get(member=target)
        assert (grant.role, grant.topic, grant.note) == (
            Role.EXPERT_REVIEWER,
            topic,
            "Ten years in the field",
        )
        assert grant.granted_by == user
        assert grant.granted_at is not None
    else:
        assert RoleGrant.objects.filter(member=target).count() == 0


@pytest.mark.parametrize("kind", KINDS)
def test_only_moderators_and_administrators_revoke_expert_reviewer(
    client, sign_in, kind, make_member, topic
):
    target = make_member()
    grant = services.grant_role(actor=None, member=target, role=Role.EXPERT_REVIEWER, topic=topic)
    user = sign_in(kind)
    path = reverse("accounts:revoke_role", args=[target.handle, grant.pk])

    response = client.post(path)

    outcome = STAFF_ONLY[kind]
    assert_outcome(response, outcome, path, ok_status=302)
    grant.refresh_from_db()
    if outcome == OK:
        assert response["Location"] == reverse("accounts:roles", args=[target.handle])
        assert grant.revoked_by == user
        assert grant.revoked_at is not None
    else:
        assert grant.revoked_at is None
        assert grant.revoked_by is None


@pytest.mark.parametrize(
    "name", ["accounts:settings", "accounts:api_tokens", "accounts:verification"]
)
@pytest.mark.parametrize("kind", KINDS)
def test_settings_pages_are_for_signed_in_members(client, sign_in, kind, name):
    sign_in(kind)
    path = reverse(name)

    response = client.get(path)

    assert_outcome(response, SIGNED_IN[kind], path)


@pytest.mark.parametrize(
    ("kind", "outcome"),
    [
        ("anonymous", LOGIN),
        ("member", "asked"),
        ("verified_member", "already verified"),
        ("moderator", "asked"),
        ("moderator_without_two_factor", "asked"),
        ("administrator", "asked"),
    ],
)
def test_unverified_members_ask_for_verification(client, sign_in, kind, outcome, organization):
    user = sign_in(kind)
    path = reverse("accounts:verification")

    response = client.post(
        path,
        {
            "organization": organization.pk,
            "job_title": "Data officer",
            "work_email": "me@work.example",
            "evidence": "See the staff directory.",
        },
    )

    if outcome == LOGIN:
        assert_outcome(response, LOGIN, path)
        assert VerificationRequest.objects.count() == 0
    elif outcome == "asked":
        assert response.status_code == 302
        assert response["Location"] == path
        request = VerificationRequest.objects.get()
        assert (request.member, request.organization, request.status) == (
            user,
            organization,
            VerificationRequestStatus.PENDING,
        )
    else:
        assert response.status_code == 200
        assert "You are verified" in response.content.decode()
        assert VerificationRequest.objects.count() == 0


# --- Verification pages ----------------------------------------------------------------------


def test_the_verification_page_shows_the_pending_request_instead_of_the_form(
    client, applicant, pending_request, organization
):
    client.force_login(applicant)

    response = client.get(reverse("accounts:verification"))

    body = response.content.decode()
    assert "Your request is waiting for a moderator" in body
    assert reverse("accounts:withdraw_verification", args=[pending_request.pk]) in body
    assert "Send my request" not in body


def test_a_second_request_while_one_is_pending_changes_nothing(
    client, applicant, pending_request, make_organization
):
    client.force_login(applicant)

    response = client.post(
        reverse("accounts:verification"),
        {
            "organization": make_organization().pk,
            "job_title": "Another title",
            "evidence": "Another try.",
        },
    )

    assert response.status_code == 200
    assert list(VerificationRequest.objects.all()) == [pending_request]


def test_a_verification_request_without_evidence_says_so_beside_the_field(
    client, member, organization
):
    client.force_login(member)

    response = client.post(
        reverse("accounts:verification"),
        {"organization": organization.pk, "job_title": "Data officer", "evidence": ""},
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert field_error(body, "evidence") == "Error: This field is required."
    assert 'value="Data officer"' in body
    assert VerificationRequest.objects.count() == 0


def test_a_member_withdraws_their_request(client, applicant, pending_request):
    client.force_login(applicant)

    response = client.post(reverse("accounts:withdraw_verification", args=[pending_request.pk]))

    assert response.status_code == 302
    pending_request.refresh_from_db()
    assert pending_request.status == VerificationRequestStatus.WITHDRAWN


def test_a_member_cannot_withdraw_someone_elses_request(client, member, pending_request):
    client.force_login(member)

    response = client.post(reverse("accounts:withdraw_verification", args=[pending_request.pk]))

    assert response.status_code == 403
    pending_request.refresh_from_db()
    assert pending_request.status == VerificationRequestStatus.PENDING


def test_refusing_without_a_reason_says_so_beside_the_reason(
    client, moderator, pending_request, applicant
):
    client.force_login(moderator)

    response = client.post(
        reverse("accounts:decide_verification", args=[pending_request.pk]),
        {"decision": "refuse", "reason": "  "},
    )

    assert response.status_code == 200
    assert field_error(response.content.decode(), "reason") == (
        "Error: Say why you refuse, so that the member knows what to do."
    )
    pending_request.refresh_from_db()
    assert pending_request.status == VerificationRequestStatus.PENDING
    assert OutgoingEmail.objects.count() == 0


def test_refusing_with_a_reason_emails_it_to_the_member(
    client, moderator, pending_request, applicant, django_capture_on_commit_callbacks
):
    client.force_login(moderator)

    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(
            reverse("accounts:decide_verification", args=[pending_request.pk]),
            {"decision": "refuse", "reason": "Your manager did not answer."},
        )

    assert response.status_code == 302
    pending_request.refresh_from_db()
    assert pending_request.status == VerificationRequestStatus.REFUSED
    assert pending_request.reason == "Your manager did not answer."
    email = OutgoingEmail.objects.get()
    assert email.recipient == applicant
    assert "The moderator's note: Your manager did not answer." in email.body_text


def test_a_moderator_cannot_decide_their_own_request_on_the_page(client, make_member, organization):
    moderator = with_role(make_member(), Role.MODERATOR)
    own = services.request_verification(
        member=moderator,
        organization=organization,
        job_title="Moderator",
        work_email="",
        evidence="Trust me.",
    )
    client.force_login(moderator)

    response = client.post(
        reverse("accounts:decide_verification", args=[own.pk]),
        {"decision": "grant", "reason": ""},
    )

    assert response.status_code == 200
    assert "You cannot decide your own verification request." in response.content.decode()
    own.refresh_from_db()
    moderator.refresh_from_db()
    assert own.status == VerificationRequestStatus.PENDING
    assert not moderator.is_verified
    assert OutgoingEmail.objects.count() == 0


def test_a_decided_request_shows_its_status_and_cannot_be_decided_again(
    client, moderator, administrator, pending_request
):
    services.decide_verification(
        moderator=moderator, request_id=pending_request.pk, grant=True, reason=""
    )
    client.force_login(administrator)
    path = reverse("accounts:decide_verification", args=[pending_request.pk])

    page = client.get(path)
    response = client.post(path, {"decision": "refuse", "reason": "Changed my mind."})

    assert "Save decision" not in page.content.decode()
    assert response.status_code == 200
    assert "This request was already decided (Granted)." in response.content.decode()
    pending_request.refresh_from_db()
    assert pending_request.status == VerificationRequestStatus.GRANTED
    assert pending_request.decided_by == moderator
    assert OutgoingEmail.objects.count() == 1


def test_an_unknown_verification_request_is_not_found(client, moderator):
    client.force_login(moderator)

    response = client.get(reverse("accounts:decide_verification", args=[999999]))

    assert response.status_code == 404


def test_the_moderation_queue_runs_a_bounded_number_of_queries(
    client, moderator, make_member, organization, django_assert_max_num_queries
):
    for _ in range(30):
        services.request_verification(
            member=make_member(),
            organization=organization,
            job_title="Officer",
            work_email="",
            evidence="Directory.",
        )
    client.force_login(moderator)

    with django_assert_max_num_queries(12):
        response = client.get(reverse("accounts:moderation"))

    assert response.status_code == 200
    assert "Verification requests (30)" in response.content.decode()


# --- Roles -----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.MODERATOR, Role.ADMINISTRATOR])
def test_a_moderator_may_not_grant_sitewide_roles(client, moderator, make_member, role):
    target = make_member()
    client.force_login(moderator)

    response = client.post(reverse("accounts:roles", args=[target.handle]), {"role": role})

    assert response.status_code == 200
    assert field_error(response.content.decode(), "role") == (
        f"Error: Select a valid choice. {role} is not one of the available choices."
    )
    target.refresh_from_db()
    assert RoleGrant.objects.filter(member=target).count() == 0
    assert (target.is_moderator, target.is_superuser) == (False, False)


def test_the_role_choices_are_those_the_actor_may_grant(client, moderator, administrator, member):
    path = reverse("accounts:roles", args=[member.handle])
    client.force_login(moderator)
    as_moderator = client.get(path).content.decode()
    client.force_login(administrator)
    as_administrator = client.get(path).content.decode()

    assert re.findall(r'<option value="(\w+)"', as_moderator) == ["expert_reviewer", "editor"]
    assert re.findall(r'<option value="(\w+)"', as_administrator) == [
        "expert_reviewer",
        "editor",
        "moderator",
        "administrator",
    ]


@pytest.mark.parametrize(
    ("role", "flags"),
    [(Role.MODERATOR, (True, False, False)), (Role.ADMINISTRATOR, (False, True, True))],
)
def test_an_administrator_grants_and_revokes_sitewide_roles_and_the_flags_follow(
    client, administrator, make_member, role, flags
):
    target = make_member()
    client.force_login(administrator)

    granted = client.post(reverse("accounts:roles", args=[target.handle]), {"role": role})

    assert granted.status_code == 302
    target.refresh_from_db()
    assert (target.is_moderator, target.is_superuser, target.is_staff) == flags
    grant = RoleGrant.objects.get(member=target)
    assert grant.granted_by == administrator

    revoked = client.post(reverse("accounts:revoke_role", args=[target.handle, grant.pk]))

    assert revoked.status_code == 302
    target.refresh_from_db()
    grant.refresh_from_db()
    assert (target.is_moderator, target.is_superuser, target.is_staff) == (False, False, False)
    assert grant.revoked_by == administrator
    assert grant.revoked_at is not None


def test_a_moderator_cannot_revoke_a_moderator_role(client, moderator, administrator, member):
    grant = services.grant_role(actor=administrator, member=member, role=Role.MODERATOR)
    client.force_login(moderator)

    response = client.post(reverse("accounts:revoke_role", args=[member.handle, grant.pk]))

    assert response.status_code == 403
    grant.refresh_from_db()
    member.refresh_from_db()
    assert grant.revoked_at is None
    assert member.is_moderator


def test_an_expert_reviewer_grant_needs_a_topic(client, moderator, member):
    client.force_login(moderator)

    response = client.post(
        reverse("accounts:roles", args=[member.handle]),
        {"role": Role.EXPERT_REVIEWER, "note": "Great reviewer"},
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert field_error(body, "topic") == "Error: Choose the topic this role is for."
    assert 'value="Great reviewer"' in body
    assert RoleGrant.objects.filter(member=member).count() == 0


def test_granting_a_role_twice_says_so(client, moderator, member, topic):
    services.grant_role(actor=moderator, member=member, role=Role.EXPERT_REVIEWER, topic=topic)
    client.force_login(moderator)

    response = client.post(
        reverse("accounts:roles", args=[member.handle]),
        {"role": Role.EXPERT_REVIEWER, "topic": topic.pk},
    )

    assert response.status_code == 200
    assert "This member already has that role." in response.content.decode()
    assert RoleGrant.objects.filter(member=member).count() == 1


def test_the_role_log_shows_who_granted_and_revoked(client, administrator, member):
    first = services.grant_role(actor=None, member=member, role=Role.MODERATOR)
    services.revoke_role(actor=administrator, grant_id=first.pk)
    services.grant_role(actor=administrator, member=member, role=Role.MODERATOR)
    client.force_login(administrator)

    response = client.get(reverse("accounts:roles", args=[member.handle]))

    body = response.content.decode()
    assert body.count("by the command line") == 1
    assert body.count("by Ad Ministrator") == 2


def test_revoking_a_grant_through_another_members_address_is_not_found(
    client, moderator, make_member, topic
):
    owner, other = make_member(), make_member()
    grant = services.grant_role(actor=None, member=owner, role=Role.EXPERT_REVIEWER, topic=topic)
    client.force_login(moderator)

    response = client.post(reverse("accounts:revoke_role", args=[other.handle, grant.pk]))

    assert response.status_code == 404
    grant.refresh_from_db()
    assert grant.revoked_at is None


def test_revoking_an_unknown_grant_is_not_found(client, moderator, member):
    client.force_login(moderator)

    response = client.post(reverse("accounts:revoke_role", args=[member.handle, 999999]))

    assert response.status_code == 404


def test_roles_of_an_unknown_member_are_not_found(client, moderator):
    client.force_login(moderator)

    assert client.get(reverse("accounts:roles", args=["nobody-here"])).status_code == 404


# --- Profile page ----------------------------------------------------------------------------


@pytest.fixture
def profile_owner(make_member, organization, sector, make_topic):
    owner = make_member(
        display_name="Ana Lopez",
        job_title="Head of data",
        organization=organization,
        level="regional",
        sector=sector,
        country="FR",
        region="Occitanie",
        bio="I **love** open data.",
        public_job_title=True,
        public_organization=True,
        public_level=False,
        public_sector=False,
        public_location=False,
        public_expertise=True,
        public_bio=False,
    )
    owner.expertise.set([make_topic(name="Open data")])
    return owner


def test_visitors_see_only_the_public_part_of_a_profile(client, profile_owner, organization):
    response = client.get(profile_owner.get_absolute_url())

    body = response.content.decode()
    assert response.status_code == 200
    assert "Ana Lopez" in body
    assert "Head of data" in body
    assert organization.name in body
    assert "Open data" in body
    assert "Regional" not in body
    assert profile_owner.sector.name not in body
    assert "Occitanie" not in body
    assert "love" not in body
    assert "Members who sign in may see more of this profile." in body


def test_signed_in_members_see_the_whole_profile(client, member, profile_owner):
    client.force_login(member)

    response = client.get(profile_owner.get_absolute_url())

    body = response.content.decode()
    assert "Regional" in body
    assert profile_owner.sector.name in body
    assert "Occitanie, France" in body
    assert "I <strong>love</strong> open data." in body
    assert "Members who sign in may see more" not in body


def test_a_verified_member_shows_the_badge(client, verified_member):
    response = client.get(verified_member.get_absolute_url())

    assert "Verified public servant" in response.content.decode()


def test_an_inactive_members_profile_is_not_found(client, make_member):
    gone = make_member(is_active=False)

    assert client.get(gone.get_absolute_url()).status_code == 404


def test_the_owner_is_invited_to_edit_and_get_verified(client, member):
    client.force_login(member)

    body = client.get(member.get_absolute_url()).content.decode()

    assert "You have not contributed yet" in body
    assert reverse("accounts:settings") in body
    assert "get verified as a public servant" in body


def test_moderators_see_a_link_to_manage_roles(client, moderator, member):
    client.force_login(moderator)

    body = client.get(member.get_absolute_url()).content.decode()

    assert reverse("accounts:roles", args=[member.handle]) in body


@pytest.mark.parametrize("signed_in", [False, True])
@pytest.mark.parametrize("topics", [1, 60])
def test_the_profile_page_runs_a_bounded_number_of_queries(
    client, make_member, make_topic, member, topics, signed_in, django_assert_max_num_queries
):
    owner = make_member()
    parent = make_topic()
    owner.expertise.set([make_topic(parent=parent) for _ in range(topics)])
    services.grant_role(actor=None, member=owner, role=Role.EXPERT_REVIEWER, topic=parent)
    if signed_in:
        client.force_login(member)

    with django_assert_max_num_queries(8):
        response = client.get(owner.get_absolute_url())

    assert response.status_code == 200
    assert response.content.decode().count('class="tag"') == topics


# --- Profile settings ------------------------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def image_upload(name: str, image_format: str, size=(400, 300), **save) -> SimpleUploadedFile:
    out = BytesIO()
    Image.new("RGB", size, "teal").save(out, format=image_format, **save)
    return SimpleUploadedFile(name, out.getvalue(), content_type=f"image/{image_format.lower()}")


def profile_form(**overrides) -> dict:
    data = {
        "display_name": "Ana Lopez",
        "job_title": "Data lead",
        "level": "local",
        "country": "FR",
        "region": "Occitanie",
        "bio": "Open data *fan*.",
        "public": ["job_title", "bio"],
    }
    data.update(overrides)
    return data


def test_a_member_saves_their_profile(client, member, make_topic, media):
    topics = [make_topic(), make_topic()]
    client.force_login(member)

    response = client.post(
        reverse("accounts:settings"), profile_form(expertise=[t.pk for t in topics])
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:settings")
    member.refresh_from_db()
    assert (member.display_name, member.job_title, member.level, member.region) == (
        "Ana Lopez",
        "Data lead",
        "local",
        "Occitanie",
    )
    assert member.country.code == "FR"
    assert member.public_fields == {"job_title", "bio"}
    assert set(member.expertise.all()) == set(topics)


def test_a_verified_member_cannot_change_their_organisation(
    client, verified_member, organization, make_organization, media
):
    verified_member.organization = organization
    verified_member.save()
    client.force_login(verified_member)

    response = client.post(
        reverse("accounts:settings"), profile_form(organization=make_organization().pk)
    )

    assert response.status_code == 302
    verified_member.refresh_from_db()
    assert verified_member.organization == organization
    assert verified_member.display_name == "Ana Lopez"


def assert_avatar_refused(response, member, before: str, error: str) -> None:
    body = response.content.decode()
    assert response.status_code == 200
    assert field_error(body, "avatar_upload") == f"Error: {error}"
    # What the member typed is still there.
    assert 'value="Ana Lopez"' in body
    assert 'value="Data lead"' in body
    member.refresh_from_db()
    assert member.display_name == before
    assert member.job_title == ""
    assert member.avatar.name == ""


def test_a_text_file_named_png_is_refused_and_nothing_is_saved(client, member, media):
    before = member.display_name
    client.force_login(member)
    fake = SimpleUploadedFile("face.png", b"just some text, not pixels", content_type="image/png")

    response = client.post(reverse("accounts:settings"), profile_form(avatar_upload=fake))

    assert_avatar_refused(
        response,
        member,
        before,
        "This file is not an image we can read. Use a JPEG, PNG, WebP or GIF image.",
    )
    assert list(media.rglob("*")) == []


def test_an_image_over_the_size_limit_is_refused_and_nothing_is_saved(
    client, member, media, settings
):
    before = member.display_name
    client.force_login(member)
    noise = random.Random(7).randbytes(900 * 900 * 3)  # noise does not compress
    out = BytesIO()
    Image.frombytes("RGB", (900, 900), noise).save(out, format="PNG")
    size = len(out.getvalue())
    assert size > settings.AVATAR_MAX_BYTES
    upload = SimpleUploadedFile("big.png", out.getvalue(), content_type="image/png")

    response = client.post(reverse("accounts:settings"), profile_form(avatar_upload=upload))

    assert_avatar_refused(
        response,
        member,
        before,
        f"The image is {round(size / 1_048_576, 1)} MB; the limit is 2 MB.",
    )
    assert list(media.rglob("*.png")) == []


def test_a_gif_avatar_is_reencoded_to_a_256_pixel_png(client, member, media):
    client.force_login(member)

    response = client.post(
        reverse("accounts:settings"),
        profile_form(avatar_upload=image_upload("me.gif", "GIF", size=(300, 200))),
    )

    assert response.status_code == 302
    member.refresh_from_db()
    assert re.fullmatch(r"avatars/[a-z0-9]{20}\.png", member.avatar.name)
    with Image.open(media / member.avatar.name) as stored:
        assert stored.format == "PNG"
        assert stored.size == (256, 256)


def test_an_avatar_loses_its_exif_data(client, member, media):
    exif = Image.Exif()
    exif[0x013B] = "Secret Photographer"  # Artist
    exif[0x010F] = "SpyCam"  # Make
    client.force_login(member)

    response = client.post(
        reverse("accounts:settings"),
        profile_form(avatar_upload=image_upload("me.jpg", "JPEG", exif=exif.tobytes())),
    )

    assert response.status_code == 302
    member.refresh_from_db()
    stored_bytes = (media / member.avatar.name).read_bytes()
    assert b"Secret Photographer" not in stored_bytes
    assert b"SpyCam" not in stored_bytes
    with Image.open(media / member.avatar.name) as stored:
        assert dict(stored.getexif()) == {}
        assert "exif" not in stored.info


def test_a_member_removes_their_avatar(client, member, media, django_capture_on_commit_callbacks):
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("accounts:settings"), profile_form(avatar_upload=image_upload("a.png", "PNG"))
        )
    member.refresh_from_db()
    stored = media / member.avatar.name
    assert stored.is_file()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:settings"), profile_form(remove_avatar="on"))

    assert response.status_code == 302
    member.refresh_from_db()
    assert member.avatar.name == ""
    assert not stored.exists()


def test_an_empty_name_is_refused_beside_the_field(client, member, media):
    before = member.display_name
    client.force_login(member)

    response = client.post(reverse("accounts:settings"), profile_form(display_name=""))

    body = response.content.decode()
    assert response.status_code == 200
    assert field_error(body, "display_name") == "Error: This field is required."
    assert 'value="Data lead"' in body
    member.refresh_from_db()
    assert member.display_name == before


# --- API tokens ------------------------------------------------------------------------------


def test_a_new_token_is_shown_once_and_stored_hashed(client, member):
    client.force_login(member)

    response = client.post(reverse("accounts:api_tokens"), {"name": "Intranet sync", "days": 30})

    body = response.content.decode()
    assert response.status_code == 201
    raw = re.search(r'<p class="token-once" id="new-token">(gc_[\w-]+)</p>', body).group(1)
    assert body.count(raw) == 1
    token = ApiToken.objects.get(member=member)
    assert token.name == "Intranet sync"
    assert token.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in {token.name, token.prefix, token.token_hash}
    assert services.authenticate_api_token(raw) == member

    again = client.get(reverse("accounts:api_tokens")).content.decode()
    assert raw not in again
    assert f"{token.prefix}…" in again


def test_a_token_needs_a_name_and_a_listed_lifetime(client, member):
    client.force_login(member)

    response = client.post(reverse("accounts:api_tokens"), {"name": "", "days": 5})

    body = response.content.decode()
    assert response.status_code == 200
    assert field_error(body, "name") == "Error: This field is required."
    assert field_error(body, "days") == (
        "Error: Select a valid choice. 5 is not one of the available choices."
    )
    assert ApiToken.objects.count() == 0


def test_the_owner_revokes_a_token(client, member):
    token, raw = services.create_api_token(member=member, name="Sync", days=30)
    client.force_login(member)

    response = client.post(reverse("accounts:revoke_api_token", args=[token.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:api_tokens")
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert services.authenticate_api_token(raw) is None
    assert "Revoked" in client.get(reverse("accounts:api_tokens")).content.decode()


def test_another_member_cannot_revoke_a_token(client, member, make_member):
    token, raw = services.create_api_token(member=member, name="Sync", days=30)
    client.force_login(make_member())

    response = client.post(reverse("accounts:revoke_api_token", args=[token.pk]))

    assert response.status_code == 403
    token.refresh_from_db()
    assert token.revoked_at is None
    assert services.authenticate_api_token(raw) == member


def test_a_visitor_cannot_revoke_a_token(client, member):
    token, _raw = services.create_api_token(member=member, name="Sync", days=30)
    path = reverse("accounts:revoke_api_token", args=[token.pk])

    response = client.post(path)

    assert_outcome(response, LOGIN, path)
    token.refresh_from_db()
    assert token.revoked_at is None


def test_members_see_only_their_own_tokens(client, member, make_member):
    services.create_api_token(member=make_member(), name="Someone else's", days=30)
    services.create_api_token(member=member, name="Mine", days=30)
    client.force_login(member)

    body = client.get(reverse("accounts:api_tokens")).content.decode()

    assert "Mine" in body
    assert "Someone else" not in body


# --- The Django admin ------------------------------------------------------------------------


def test_the_admin_login_goes_through_allauth(client):
    response = client.get("/admin/login/?next=/admin/")

    assert response.status_code == 302
    assert response["Location"] == reverse("account_login") + "?next=%2Fadmin%2F"


def test_a_visitor_opening_the_admin_is_sent_to_sign_in(client):
    response = client.get("/admin/", follow=True)

    assert response.redirect_chain == [
        ("/admin/login/?next=/admin/", 302),
        (reverse("account_login") + "?next=%2Fadmin%2F", 302),
    ]


def test_an_administrator_with_two_factor_opens_the_admin(client, administrator):
    client.force_login(administrator)

    response = client.get("/admin/")

    assert response.status_code == 200
    assert "GovCommons administration" in response.content.decode()


def test_an_administrator_without_two_factor_is_refused_the_admin(client, make_member):
    admin = with_role(make_member(), Role.ADMINISTRATOR, two_factor=False)
    assert (admin.is_staff, admin.is_superuser) == (True, True)
    client.force_login(admin)

    response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=/admin/"
    assert client.get("/admin/accounts/user/").status_code == 302


@pytest.mark.parametrize("kind", ["member", "moderator"])
def test_members_who_are_not_staff_are_refused_the_admin(client, sign_in, kind):
    sign_in(kind)

    response = client.get("/admin/", follow=True)

    assert response.redirect_chain == [("/admin/login/?next=/admin/", 302)]
    assert response.status_code == 403
