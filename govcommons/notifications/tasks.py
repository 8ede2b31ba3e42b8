"""Background delivery of stored email. Idempotent: a sent email is never sent again."""

from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from .models import EmailStatus, OutgoingEmail


@task()
def deliver_email(email_id: int) -> str:
    email = OutgoingEmail.objects.filter(pk=email_id).first()
    if email is None:
        return "missing"
    if email.status == EmailStatus.SENT:
        return "already sent"
    if email.status == EmailStatus.SKIPPED:
        return "skipped"
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body_text,
        to=[email.to_address],
        headers=email.headers or None,
    )
    if email.body_html:
        message.attach_alternative(email.body_html, "text/html")
    OutgoingEmail.objects.filter(pk=email.pk).update(attempts=email.attempts + 1)
    try:
        message.send()
    except Exception as exc:
        OutgoingEmail.objects.filter(pk=email.pk).update(last_error=str(exc)[:2000])
        raise
    with transaction.atomic():
        OutgoingEmail.objects.filter(pk=email.pk).update(
            status=EmailStatus.SENT, sent_at=timezone.now(), last_error=""
        )
    return "sent"
