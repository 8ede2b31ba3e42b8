"""Queue email for the worker: stored first, sent once.

Every email has a plain-text part and a link to stop that kind of email.
"""

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse

from .models import EmailCategory, EmailPreference, OutgoingEmail

UNSUBSCRIBE_SALT = "govcommons.notifications.unsubscribe"
# Account and security email (confirmation, password reset) is sent because the member asked.
ALWAYS_SENT = {EmailCategory.ACCOUNT}


def unsubscribe_token(member_id: int, category: str) -> str:
    return signing.dumps({"m": member_id, "c": category}, salt=UNSUBSCRIBE_SALT)


def read_unsubscribe_token(token: str) -> tuple[int, str] | None:
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT, max_age=60 * 60 * 24 * 365)
    except signing.BadSignature:
        return None
    if data.get("c") not in EmailCategory.values or data.get("c") in ALWAYS_SENT:
        return None
    return int(data["m"]), data["c"]


def wants_email(member, category: str) -> bool:
    if category in ALWAYS_SENT or member is None:
        return True
    return not EmailPreference.objects.filter(
        member=member, category=category, enabled=False
    ).exists()


@transaction.atomic
def set_email_preference(*, member, category: str, enabled: bool) -> EmailPreference:
    preference, _created = EmailPreference.objects.update_or_create(
        member=member, category=category, defaults={"enabled": enabled}
    )
    return preference


def _footer_links(member, category: str) -> dict[str, str]:
    links = {"settings_url": settings.SITE_URL + reverse("notifications:settings")}
    if member is not None and category not in ALWAYS_SENT:
        links["unsubscribe_url"] = settings.SITE_URL + reverse(
            "notifications:unsubscribe", args=[unsubscribe_token(member.pk, category)]
        )
    return links


@transaction.atomic
def queue_rendered_email(
    *,
    key: str,
    category: str,
    to_address: str,
    subject: str,
    body_text: str,
    body_html: str = "",
    recipient=None,
) -> OutgoingEmail | None:
    """Store an email and hand it to the worker after commit. The same key never queues twice."""
    if not wants_email(recipient, category):
        return None
    links = _footer_links(recipient, category)
    footer_context = {"category": EmailCategory(category), **links}
    body_text = (
        body_text.rstrip()
        + "\n\n"
        + render_to_string("notifications/email/footer.txt", footer_context)
    )
    if body_html:
        body_html = body_html + render_to_string("notifications/email/footer.html", footer_context)
    headers = {}
    if "unsubscribe_url" in links:
        headers["List-Unsubscribe"] = f"<{links['unsubscribe_url']}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    try:
        with transaction.atomic():
            email = OutgoingEmail.objects.create(
                idempotency_key=key,
                category=category,
                recipient=recipient,
                to_address=to_address,
                subject=subject.strip().replace("\n", " ")[:300],
                body_text=body_text,
                body_html=body_html,
                headers=headers,
            )
    except IntegrityError:
        return None
    from .tasks import deliver_email

    transaction.on_commit(lambda: deliver_email.enqueue(email.pk))
    return email


def queue_email(
    *, key: str, category: str, recipient, template: str, context: dict, to_address: str = ""
) -> OutgoingEmail | None:
    """Render `<template>_subject.txt`, `_message.txt` and `_message.html` and queue them."""
    context = {"member": recipient, "SITE_URL": settings.SITE_URL, **context}
    return queue_rendered_email(
        key=key,
        category=category,
        to_address=to_address or recipient.email,
        subject=render_to_string(f"{template}_subject.txt", context),
        body_text=render_to_string(f"{template}_message.txt", context),
        body_html=render_to_string(f"{template}_message.html", context),
        recipient=recipient,
    )


@transaction.atomic
def notify(
    *,
    key: str,
    recipient,
    category: str,
    message: str,
    url: str,
    email_template: str = "",
    email_context: dict | None = None,
):
    """Tell a member something they must act on: under the bell and, unless they turned that
    kind of email off, by email. The same key never notifies twice (re-run tasks, retries)."""
    from .models import Notification

    notification, created = Notification.objects.get_or_create(
        key=key[:200],
        defaults={
            "recipient": recipient,
            "category": category,
            "message": message[:300],
            "url": url[:500],
        },
    )
    if created and email_template:
        queue_email(
            key=f"email:{key}"[:200],
            category=category,
            recipient=recipient,
            template=email_template,
            context={"message": message, "url": settings.SITE_URL + url, **(email_context or {})},
        )
    return notification


@transaction.atomic
def mark_read(*, member, notification_id: int | None = None) -> int:
    """Mark one notification (or all of them) read; only the recipient's own."""
    from django.utils import timezone

    from .models import Notification

    rows = Notification.objects.filter(recipient=member, read_at__isnull=True)
    if notification_id is not None:
        rows = rows.filter(pk=notification_id)
    return rows.update(read_at=timezone.now())
