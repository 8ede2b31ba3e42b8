"""Email settings and the one-click unsubscribe link, through the Django client."""

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse

from govcommons.notifications import services
from govcommons.notifications.models import EmailCategory, EmailPreference

INVALID = "This unsubscribe link is not valid any more."


def unsubscribe_path(member_id: int, category: str) -> str:
    return reverse(
        "notifications:unsubscribe", args=[services.unsubscribe_token(member_id, category)]
    )


@pytest.fixture
def mail_client():
    """A client as a mail program is one: no session, no CSRF cookie, checks enforced."""
    return Client(enforce_csrf_checks=True)


def test_the_unsubscribe_link_asks_before_it_acts(client, member):
    path = unsubscribe_path(member.pk, EmailCategory.VERIFICATION)

    response = client.get(path)

    body = response.content.decode()
    assert response.status_code == 200
    assert "Stop emails about verification decisions?" in body
    assert f'action="{path}"' in body
    assert EmailPreference.objects.count() == 0
    assert services.wants_email(member, EmailCategory.VERIFICATION) is True


def test_confirming_turns_the_category_off_without_a_csrf_token(mail_client, member):
    path = unsubscribe_path(member.pk, EmailCategory.VERIFICATION)

    response = mail_client.post(path)

    assert response.status_code == 200
    assert "You are unsubscribed" in response.content.decode()
    assert services.wants_email(member, EmailCategory.VERIFICATION) is False
    assert services.wants_email(member, EmailCategory.MODERATION) is True


def test_a_mail_programs_one_click_post_turns_the_category_off(mail_client, member):
    path = unsubscribe_path(member.pk, EmailCategory.MODERATION)

    response = mail_client.post(path, {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    preference = EmailPreference.objects.get(member=member)
    assert (preference.category, preference.enabled) == (EmailCategory.MODERATION, False)


def test_unsubscribing_twice_keeps_one_choice(mail_client, member):
    path = unsubscribe_path(member.pk, EmailCategory.MODERATION)

    mail_client.post(path)
    mail_client.post(path)

    assert EmailPreference.objects.filter(member=member).count() == 1


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_tampered_link_gets_a_400_page_and_changes_nothing(mail_client, member, method):
    token = services.unsubscribe_token(member.pk, EmailCategory.VERIFICATION)
    path = reverse("notifications:unsubscribe", args=[token[:-4] + "AAAA"])

    response = getattr(mail_client, method)(path)

    assert response.status_code == 400
    assert INVALID in response.content.decode()
    assert EmailPreference.objects.count() == 0


def test_a_link_signed_for_another_member_id_cannot_be_forged(mail_client, member):
    forged = signing.dumps({"m": member.pk, "c": "verification"}, salt="guessed-salt")

    response = mail_client.post(reverse("notifications:unsubscribe", args=[forged]))

    assert response.status_code == 400
    assert EmailPreference.objects.count() == 0


def test_account_email_cannot_be_unsubscribed(mail_client, member):
    path = unsubscribe_path(member.pk, EmailCategory.ACCOUNT)

    response = mail_client.post(path)

    assert response.status_code == 400
    assert INVALID in response.content.decode()
    assert EmailPreference.objects.count() == 0
    assert services.wants_email(member, EmailCategory.ACCOUNT) is True


def test_the_link_of_a_deleted_member_is_not_valid(mail_client, member):
    path = unsubscribe_path(member.pk, EmailCategory.VERIFICATION)
    member.delete()

    response = mail_client.post(path)

    assert response.status_code == 400
    assert EmailPreference.objects.count() == 0


def test_email_settings_need_a_signed_in_member(client):
    path = reverse("notifications:settings")

    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={path}"


def test_email_settings_offer_only_the_optional_categories(client, member):
    client.force_login(member)

    body = client.get(reverse("notifications:settings")).content.decode()

    assert 'name="email_verification" checked' in body
    assert 'name="email_moderation" checked' in body
    assert 'name="email_reviews" checked' in body
    assert "email_account" not in body


def test_email_settings_offer_a_peer_review_toggle(client, member):
    client.force_login(member)

    body = client.get(reverse("notifications:settings")).content.decode()

    assert (
        '<input type="checkbox" id="email_reviews" name="email_reviews" checked>'
        '<label for="email_reviews">Peer review: invitations, reminders, reviews and decisions'
        "</label>"
    ) in body

    client.post(reverse("notifications:settings"), {"email_verification": "on"})

    assert services.wants_email(member, EmailCategory.REVIEWS) is False
    assert services.wants_email(member, EmailCategory.VERIFICATION) is True
    body = client.get(reverse("notifications:settings")).content.decode()
    assert 'name="email_reviews">' in body


def test_email_settings_save_the_members_choices(client, member):
    client.force_login(member)

    response = client.post(reverse("notifications:settings"), {"email_moderation": "on"})

    assert response.status_code == 302
    assert response["Location"] == reverse("notifications:settings")
    assert services.wants_email(member, EmailCategory.VERIFICATION) is False
    assert services.wants_email(member, EmailCategory.MODERATION) is True
    body = client.get(reverse("notifications:settings")).content.decode()
    assert 'name="email_verification">' in body
    assert 'name="email_moderation" checked' in body

    client.post(reverse("notifications:settings"), {"email_verification": "on"})

    assert services.wants_email(member, EmailCategory.VERIFICATION) is True
    assert services.wants_email(member, EmailCategory.MODERATION) is False
    assert EmailPreference.objects.filter(member=member).count() == len(EmailCategory) - 1


def test_email_settings_change_only_the_signed_in_members_choices(client, member, make_member):
    other = make_member()
    client.force_login(member)

    client.post(reverse("notifications:settings"), {})

    assert services.wants_email(member, EmailCategory.VERIFICATION) is False
    assert services.wants_email(other, EmailCategory.VERIFICATION) is True
    assert EmailPreference.objects.filter(member=other).count() == 0


def test_email_settings_refuse_a_post_without_csrf_token(member):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)

    response = client.post(reverse("notifications:settings"), {})

    assert response.status_code == 403
    assert EmailPreference.objects.count() == 0
