"""Sign-up and email confirmation through allauth, with our adapter's name, handle and email."""

import re
from urllib.parse import urlsplit

import pytest
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from django.urls import reverse

from govcommons.accounts.models import User, VerificationMethod, VerificationStatus
from govcommons.notifications.models import EmailCategory, EmailStatus, OutgoingEmail

NEW_PASSWORD = "a long enough passphrase 42"


def signup_data(**overrides) -> dict:
    data = {
        "email": "ann@newcomer.example",
        "display_name": "Ann Example",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
    }
    data.update(overrides)
    return data


def field_error(body: str, name: str) -> str:
    """The error shown beside a field, as the reader sees it."""
    found = re.search(rf'<p class="field__error" id="id_{name}-error">(.*?)</p>', body, re.S)
    assert found, f"no error beside {name}"
    return re.sub(r"<[^>]+>", "", found.group(1)).strip()


def sign_up(client, capture, **overrides):
    with capture(execute=True):
        return client.post(reverse("account_signup"), signup_data(**overrides))


def confirmation_path(message_text: str) -> str:
    url = re.search(r"https?://\S+/accounts/confirm-email/\S+/", message_text).group(0)
    return urlsplit(url).path


def test_sign_up_creates_a_member_with_their_name_and_a_unique_handle(
    client, make_member, django_capture_on_commit_callbacks
):
    make_member(handle="ann-example")

    response = sign_up(client, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(email="ann@newcomer.example")
    assert user.display_name == "Ann Example"
    assert re.fullmatch(r"ann-example-[a-z2-9]{4}", user.handle)
    assert user.verification_status == VerificationStatus.UNVERIFIED
    assert user.check_password(NEW_PASSWORD)
    address = EmailAddress.objects.get(user=user)
    assert (address.email, address.verified, address.primary) == (user.email, False, True)


def test_the_first_member_with_a_name_gets_the_plain_handle(
    client, django_capture_on_commit_callbacks
):
    sign_up(client, django_capture_on_commit_callbacks, display_name="Zoë Ørsted")

    assert User.objects.get(email="ann@newcomer.example").handle == "zoe-rsted"


def test_sign_up_queues_a_confirmation_email_that_the_worker_delivers(
    client, mailbox, run_tasks, settings, django_capture_on_commit_callbacks
):
    sign_up(client, django_capture_on_commit_callbacks)
    user = User.objects.get(email="ann@newcomer.example")
    queued = OutgoingEmail.objects.get()
    assert queued.category == EmailCategory.ACCOUNT
    assert queued.to_address == "ann@newcomer.example"
    assert queued.recipient == user
    assert queued.status == EmailStatus.QUEUED
    assert mailbox.messages == []

    run_tasks()

    [message] = mailbox.wait_for(1)
    text = mailbox.text_of(message)
    assert message["To"] == "ann@newcomer.example"
    assert message["Subject"] == "[GovCommons] Please Confirm Your Email Address"
    assert message.get_content_type() == "text/plain"
    assert text.startswith("Hello from GovCommons!")
    assert confirmation_path(text).startswith("/accounts/confirm-email/")
    assert f"Email settings and unsubscribe: {settings.SITE_URL}/settings/emails/" in text
    # Account email is always sent: no way to unsubscribe from it.
    assert message["List-Unsubscribe"] is None
    assert "/emails/unsubscribe/" not in text
    queued.refresh_from_db()
    assert queued.status == EmailStatus.SENT


@pytest.mark.parametrize(
    ("overrides", "field", "error"),
    [
        (
            {"password2": NEW_PASSWORD + "!"},
            "password2",
            "Error: You must type the same password each time.",
        ),
        ({"display_name": ""}, "display_name", "Error: This field is required."),
        ({"display_name": "   "}, "display_name", "Error: This field is required."),
        (
            {"password1": "short", "password2": "short"},
            "password1",
            "Error: This password is too short. It must contain at least 10 characters.",
        ),
    ],
)
def test_bad_sign_up_says_what_is_wrong_beside_the_field_and_keeps_the_email(
    client, member, overrides, field, error, django_capture_on_commit_callbacks
):
    users_before = User.objects.count()

    response = sign_up(client, django_capture_on_commit_callbacks, **overrides)

    body = response.content.decode()
    assert response.status_code == 200
    assert field_error(body, field) == error
    assert 'value="ann@newcomer.example"' in body
    assert User.objects.count() == users_before
    assert OutgoingEmail.objects.count() == 0


def test_sign_up_with_a_taken_email_reveals_nothing_and_tells_the_owner(
    client, member, django_capture_on_commit_callbacks
):
    # allauth prevents account enumeration: the page is the same as for a new address, and the
    # owner of the address is told by email that someone tried to sign up with it.
    users_before = User.objects.count()

    response = sign_up(client, django_capture_on_commit_callbacks, email=member.email.upper())

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert User.objects.count() == users_before
    email = OutgoingEmail.objects.get()
    assert email.to_address == member.email
    assert email.subject == "[GovCommons] Account Already Exists"
    assert email.recipient == member


def test_confirming_through_the_emailed_link_verifies_a_work_address_on_a_subdomain(
    client, make_domain, mailbox, run_tasks, django_capture_on_commit_callbacks
):
    domain = make_domain(domain="city.example")
    sign_up(client, django_capture_on_commit_callbacks, email="ann@parks.city.example")
    run_tasks()
    path = confirmation_path(mailbox.text_of(mailbox.wait_for(1)[0]))

    page = client.get(path)
    assert page.status_code == 200
    assert "ann@parks.city.example" in page.content.decode()
    response = client.post(path)

    assert response.status_code == 302
    user = User.objects.get(email="ann@parks.city.example")
    assert EmailAddress.objects.get(user=user).verified is True
    assert user.verification_status == VerificationStatus.VERIFIED
    assert user.verification_method == VerificationMethod.DOMAIN
    assert user.organization == domain.organization
    assert user.verified_email == "ann@parks.city.example"
    # Signed in at once, and told so.
    assert int(client.session["_auth_user_id"]) == user.pk
    home = client.get(response["Location"], follow=True)
    assert (
        f"You are now a verified public servant of {domain.organization.name}."
        in home.content.decode()
    )


@pytest.mark.parametrize("address", ["ana@city.example", "ana@parks.city.example"])
def test_confirming_an_address_on_an_organisation_domain_verifies_the_member(
    client, make_member, make_domain, address
):
    domain = make_domain(domain="city.example")
    member = make_member(email=address, confirmed_email=False)
    key = EmailConfirmationHMAC(EmailAddress.objects.get(user=member)).key

    assert client.get(reverse("account_confirm_email", args=[key])).status_code == 200
    response = client.post(reverse("account_confirm_email", args=[key]))

    assert response.status_code == 302
    member.refresh_from_db()
    assert member.verification_method == VerificationMethod.DOMAIN
    assert member.is_verified
    assert member.organization == domain.organization


def test_confirming_an_address_on_an_unknown_domain_does_not_verify(
    client, make_member, make_domain
):
    make_domain(domain="city.example")
    member = make_member(email="ana@elsewhere.example", confirmed_email=False)
    key = EmailConfirmationHMAC(EmailAddress.objects.get(user=member)).key

    response = client.post(reverse("account_confirm_email", args=[key]))

    assert response.status_code == 302
    member.refresh_from_db()
    assert EmailAddress.objects.get(user=member).verified is True
    assert member.verification_status == VerificationStatus.UNVERIFIED
    assert member.verification_method == ""
    assert member.organization is None


def test_a_second_address_on_a_work_domain_verifies_a_signed_in_member(client, member, make_domain):
    domain = make_domain(domain="health.gov.example")
    second = EmailAddress.objects.create(
        user=member, email="ana@health.gov.example", verified=False, primary=False
    )
    client.force_login(member)

    response = client.post(
        reverse("account_confirm_email", args=[EmailConfirmationHMAC(second).key])
    )

    assert response.status_code == 302
    member.refresh_from_db()
    assert member.is_verified
    assert member.verified_email == "ana@health.gov.example"
    assert member.organization == domain.organization


def test_a_tampered_confirmation_key_verifies_nothing(client, make_member, make_domain):
    make_domain(domain="city.example")
    member = make_member(email="ana@city.example", confirmed_email=False)
    key = EmailConfirmationHMAC(EmailAddress.objects.get(user=member)).key

    client.post(reverse("account_confirm_email", args=[key[:-2] + "xx"]))

    member.refresh_from_db()
    assert EmailAddress.objects.get(user=member).verified is False
    assert not member.is_verified


def test_password_reset_email_goes_through_the_worker(
    client, member, mailbox, run_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_reset_password"), {"email": member.email})
    run_tasks()

    assert response.status_code == 302
    [message] = mailbox.wait_for(1)
    assert message["To"] == member.email
    assert message["Subject"] == "[GovCommons] Password Reset Email"
    assert "/accounts/password/reset/key/" in mailbox.text_of(message)
    assert OutgoingEmail.objects.get().category == EmailCategory.ACCOUNT
