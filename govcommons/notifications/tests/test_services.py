"""notifications.services: preferences, unsubscribe tokens and queueing email exactly once."""

import pytest
from django.core import signing
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from govcommons.notifications import services
from govcommons.notifications.models import (
    EmailCategory,
    EmailPreference,
    EmailStatus,
    OutgoingEmail,
)


def queue(**overrides):
    fields = {
        "key": "test-email-1",
        "category": EmailCategory.VERIFICATION,
        "to_address": "ana@example.org",
        "subject": "Your verification",
        "body_text": "Hello Ana,\n\nYou are verified.\n\n",
        "body_html": "<p>Hello Ana,</p>",
    }
    fields.update(overrides)
    return services.queue_rendered_email(**fields)


def unsubscribe_url(settings, member, category: str) -> str:
    token = services.unsubscribe_token(member.pk, category)
    return settings.SITE_URL + reverse("notifications:unsubscribe", args=[token])


# --- Unsubscribe tokens ----------------------------------------------------------------------


@pytest.mark.parametrize("category", [EmailCategory.VERIFICATION, EmailCategory.MODERATION])
def test_an_unsubscribe_token_names_the_member_and_the_category(member, category):
    token = services.unsubscribe_token(member.pk, category)

    assert services.read_unsubscribe_token(token) == (member.pk, category)


def test_a_tampered_token_is_refused(member):
    token = services.unsubscribe_token(member.pk, EmailCategory.VERIFICATION)
    payload, signature = token.split(":", 1)
    forged = signing.dumps({"m": member.pk + 1, "c": "verification"}, salt="another salt")

    assert services.read_unsubscribe_token(payload[:-1] + "A" + ":" + signature) is None
    assert services.read_unsubscribe_token(token[:-3] + "abc") is None
    assert services.read_unsubscribe_token(forged) is None
    assert services.read_unsubscribe_token("not-a-token") is None


@pytest.mark.parametrize("category", ["account", "newsletter"])
def test_a_token_for_account_email_or_an_unknown_category_is_refused(member, category):
    token = signing.dumps({"m": member.pk, "c": category}, salt=services.UNSUBSCRIBE_SALT)

    assert services.read_unsubscribe_token(token) is None


# --- Preferences -----------------------------------------------------------------------------


def test_every_category_is_wanted_until_turned_off(member):
    assert {c: services.wants_email(member, c) for c in EmailCategory} == {
        EmailCategory.ACCOUNT: True,
        EmailCategory.VERIFICATION: True,
        EmailCategory.MODERATION: True,
        EmailCategory.REVIEWS: True,
        EmailCategory.DISCUSSIONS: True,
        EmailCategory.IDEAS: True,
        EmailCategory.SEARCHES: True,
    }


def test_turning_a_category_off_and_on_keeps_one_row(member):
    services.set_email_preference(member=member, category="verification", enabled=False)
    assert services.wants_email(member, "verification") is False
    assert services.wants_email(member, "moderation") is True

    services.set_email_preference(member=member, category="verification", enabled=True)

    assert services.wants_email(member, "verification") is True
    assert EmailPreference.objects.filter(member=member).count() == 1


def test_account_email_is_always_wanted(member):
    services.set_email_preference(member=member, category=EmailCategory.ACCOUNT, enabled=False)

    assert services.wants_email(member, EmailCategory.ACCOUNT) is True
    assert queue(category=EmailCategory.ACCOUNT, recipient=member) is not None


def test_email_to_an_address_without_a_member_is_always_wanted():
    assert services.wants_email(None, EmailCategory.MODERATION) is True


# --- Queueing --------------------------------------------------------------------------------


def test_the_same_key_queues_one_email_and_one_task(member, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first = queue(recipient=member)
        second = queue(recipient=member, subject="A second try")

    assert first is not None
    assert second is None
    assert list(OutgoingEmail.objects.all()) == [first]
    assert OutgoingEmail.objects.get().subject == "Your verification"
    assert len(callbacks) == 1
    task = DBTaskResult.objects.get()
    assert task.task_path == "govcommons.notifications.tasks.deliver_email"
    assert task.args_kwargs == {"args": [first.pk], "kwargs": {}}


def test_an_optional_category_carries_an_unsubscribe_link_and_header(member, settings):
    email = queue(recipient=member)

    link = unsubscribe_url(settings, member, EmailCategory.VERIFICATION)
    assert email.status == EmailStatus.QUEUED
    assert email.headers == {
        "List-Unsubscribe": f"<{link}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    assert email.body_text == (
        "Hello Ana,\n\nYou are verified.\n\n"
        "-- \n"
        "GovCommons\n"
        f"Stop emails about verification decisions: {link}\n"
        f"Email settings and unsubscribe: {settings.SITE_URL}/settings/emails/\n"
    )
    assert email.body_html.startswith("<p>Hello Ana,</p><hr>")
    assert f'<a href="{link}">Stop emails about verification decisions</a>' in email.body_html


def test_account_email_has_no_unsubscribe_link(member, settings):
    email = queue(category=EmailCategory.ACCOUNT, recipient=member, body_html="")

    assert email.headers == {}
    assert "/emails/unsubscribe/" not in email.body_text
    assert email.body_text.endswith(
        "This is an account and security email, sent because of something you did on "
        f"GovCommons.\nEmail settings and unsubscribe: {settings.SITE_URL}/settings/emails/\n"
    )
    assert email.body_html == ""


def test_email_to_an_address_without_a_member_has_no_unsubscribe_link():
    email = queue(category=EmailCategory.MODERATION, recipient=None)

    assert email.headers == {}
    assert "/emails/unsubscribe/" not in email.body_text


def test_nothing_is_queued_for_a_category_the_member_turned_off(
    member, django_capture_on_commit_callbacks
):
    services.set_email_preference(member=member, category="verification", enabled=False)

    with django_capture_on_commit_callbacks() as callbacks:
        assert queue(recipient=member) is None

    assert OutgoingEmail.objects.count() == 0
    assert callbacks == []


def test_a_subject_is_one_line_of_at_most_300_characters():
    email = queue(subject="  First line\nsecond line" + "x" * 400 + "  ")

    assert email.subject.startswith("First line second line")
    assert len(email.subject) == 300


def test_queue_email_renders_the_templates_for_the_member(
    member, organization, moderator, settings
):
    from govcommons.accounts.models import VerificationRequest

    request = VerificationRequest.objects.create(
        member=member,
        organization=organization,
        job_title="Officer",
        evidence="Directory",
        status="granted",
    )

    email = services.queue_email(
        key="render-1",
        category=EmailCategory.VERIFICATION,
        recipient=member,
        template="accounts/email/verification_decision",
        context={"request": request, "granted": True},
    )

    assert email.to_address == member.email
    assert email.subject == "You are now a verified public servant on GovCommons"
    assert email.body_text.startswith(f"Hello {member.display_name},")
    assert f"See your verification page: {settings.SITE_URL}/verification/" in email.body_text
    assert f'<a href="{settings.SITE_URL}/verification/">' in email.body_html
