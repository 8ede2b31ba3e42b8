"""deliver_email: stored email reaches a real SMTP server once, however often the task runs."""

import socket

import pytest
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from govcommons.notifications.models import EmailCategory, EmailStatus, OutgoingEmail
from govcommons.notifications.services import queue_rendered_email
from govcommons.notifications.tasks import deliver_email


@pytest.fixture
def queued(member, django_capture_on_commit_callbacks):
    """One optional-category email to a member, queued and handed to the task queue."""
    with django_capture_on_commit_callbacks(execute=True):
        return queue_rendered_email(
            key="decision-1",
            category=EmailCategory.VERIFICATION,
            to_address=member.email,
            subject="Your verification",
            body_text="You are verified.",
            body_html="<p>You are <strong>verified</strong>.</p>",
            recipient=member,
        )


def test_running_the_task_twice_sends_one_email(queued, mailbox, run_tasks):
    deliver_email.enqueue(queued.pk)

    run_tasks()

    # run_tasks returns after both tasks ran, and SMTP delivery is synchronous.
    assert len(mailbox.messages) == 1
    assert sorted(DBTaskResult.objects.values_list("status", "return_value")) == [
        (TaskResultStatus.SUCCESSFUL, "already sent"),
        (TaskResultStatus.SUCCESSFUL, "sent"),
    ]
    queued.refresh_from_db()
    assert queued.status == EmailStatus.SENT
    assert queued.attempts == 1
    assert queued.sent_at is not None


def test_a_sent_email_is_never_sent_again(queued, mailbox, run_tasks):
    run_tasks()
    mailbox.wait_for(1)

    assert deliver_email.call(queued.pk) == "already sent"
    assert len(mailbox.messages) == 1


def test_the_message_has_text_html_and_the_unsubscribe_headers(queued, mailbox, run_tasks):
    run_tasks()

    [message] = mailbox.wait_for(1)
    assert message.get_content_type() == "multipart/alternative"
    assert message["To"] == queued.to_address
    assert message["Subject"] == "Your verification"
    # SMTP carries lines ended by CRLF.
    assert mailbox.text_of(message).replace("\r\n", "\n") == queued.body_text
    assert mailbox.html_of(message).replace("\r\n", "\n") == queued.body_html
    assert "".join(message["List-Unsubscribe"].split()) == queued.headers["List-Unsubscribe"]
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_account_email_has_no_unsubscribe_header(
    member, mailbox, run_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        queue_rendered_email(
            key="account-1",
            category=EmailCategory.ACCOUNT,
            to_address=member.email,
            subject="Confirm your address",
            body_text="Click the link.",
            recipient=member,
        )
    run_tasks()

    [message] = mailbox.wait_for(1)
    assert message.get_content_type() == "text/plain"
    assert message["List-Unsubscribe"] is None


def test_a_task_for_a_missing_email_does_nothing(db, mailbox):
    assert deliver_email.call(999999) == "missing"
    assert mailbox.messages == []


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_failed_delivery_is_recorded_and_a_retry_sends_it(queued, settings, run_tasks, mailbox):
    smtp_port = settings.EMAIL_PORT
    settings.EMAIL_PORT = closed_port()

    run_tasks()

    queued.refresh_from_db()
    assert queued.status == EmailStatus.QUEUED
    assert queued.attempts == 1
    assert queued.last_error == "[Errno 111] Connection refused"
    assert DBTaskResult.objects.get().status == TaskResultStatus.FAILED
    assert mailbox.messages == []

    settings.EMAIL_PORT = smtp_port
    deliver_email.enqueue(queued.pk)
    run_tasks()

    [message] = mailbox.wait_for(1)
    queued.refresh_from_db()
    assert message["Subject"] == "Your verification"
    assert queued.status == EmailStatus.SENT
    assert queued.attempts == 2
    assert queued.last_error == ""


def test_a_real_worker_process_delivers_queued_email(member, mailbox, start_worker):
    # A transactional test: the email row and its task are committed for the worker to see.
    email = queue_rendered_email(
        key="worker-1",
        category=EmailCategory.MODERATION,
        to_address=member.email,
        subject="A flag to look at",
        body_text="Someone flagged a comment.",
        recipient=member,
    )
    start_worker(EMAIL_HOST="127.0.0.1", EMAIL_PORT=mailbox.port)

    [message] = mailbox.wait_for(1, timeout=60)

    assert message["Subject"] == "A flag to look at"
    assert message["To"] == member.email
    assert mailbox.text_of(message).startswith("Someone flagged a comment.")
    assert OutgoingEmail.objects.filter(pk=email.pk).exists()
