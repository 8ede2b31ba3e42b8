"""Review emails and reminders in the background: a review invitation reaches a real SMTP server
with a working unsubscribe link; overdue reviewers are reminded once, by the task and by a real
worker process that enqueues it on its own, and never by two workers at once."""

import re
import time
from datetime import timedelta
from email.header import decode_header, make_header

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from govcommons.core.models import WorkerHeartbeat
from govcommons.core.worker import enqueue_periodic_tasks
from govcommons.notifications import services as notification_services
from govcommons.notifications.models import EmailCategory, Notification, OutgoingEmail
from govcommons.reviews import services
from govcommons.reviews.models import EventKind, InvitationState, ReviewEvent, ReviewInvitation
from govcommons.reviews.tasks import send_review_reminders
from govcommons.reviews.tests.factories import invite, review, submitted

REMINDERS = "govcommons.reviews.tasks.send_review_reminders"
POLL_SECONDS = 0.05
# A deadline, not a delay: generous, so that a loaded machine does not fail the test.
DEADLINE_SECONDS = 60.0


def make_overdue(invitation: ReviewInvitation, days: int = 1) -> None:
    """Move the due date into the past (the service only accepts future dates)."""
    ReviewInvitation.objects.filter(pk=invitation.pk).update(
        due_on=timezone.localdate() - timedelta(days=days)
    )


def reminder_key(invitation: ReviewInvitation) -> str:
    return f"reminded:{invitation.pk}:{timezone.localdate().isoformat()}:{invitation.reviewer_id}"


def reminders() -> list[ReviewEvent]:
    return list(ReviewEvent.objects.filter(kind=EventKind.REMINDED))


def subject_of(message) -> str:
    """The Subject header as a person reads it (a non-ASCII subject is encoded on the wire)."""
    return str(make_header(decode_header(message["Subject"])))


def link_in(text: str, path_pattern: str) -> str:
    match = re.search(rf"https?://[^\s/]+({path_pattern}\S*)", text)
    assert match, f"no link matching {path_pattern!r} in:\n{text}"
    return match.group(1)


def wait_until(condition, *, what: str, workers=()):
    """Poll the database until `condition` holds; fail at the deadline, or at once if a worker
    died (it would otherwise only show as a timeout)."""
    deadline = time.monotonic() + DEADLINE_SECONDS
    while True:
        value = condition()
        if value:
            return value
        for worker in workers:
            code = worker.process.poll()
            assert code is None, f"worker exited with {code} before {what}"
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(POLL_SECONDS)


@pytest.fixture
def in_review(cast):
    """A submission in review, with the reviewer invited (the invitation email not yet sent)."""
    submission = submitted(cast.author, cast.topic)
    return invite(cast.editor, submission, cast.reviewer)


# --- The review invitation email -------------------------------------------------------------


def test_a_review_invitation_email_has_text_html_and_a_working_unsubscribe_link(
    cast, mailbox, run_tasks, django_capture_on_commit_callbacks, settings
):
    submission = submitted(cast.author, cast.topic)
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invite_reviewer(
            editor=cast.editor, submission_id=submission.pk, reviewer_id=cast.reviewer.pk
        )
    run_tasks()

    [message] = mailbox.wait_for(1)
    title = submission.practice.item.title
    due = invitation.due_on.strftime("%d %B %Y")
    text = mailbox.text_of(message).replace("\r\n", "\n")
    html = mailbox.html_of(message)
    assert message["To"] == cast.reviewer.email
    assert subject_of(message) == f"You are invited to review “{title}” by {due}"
    assert message.get_content_type() == "multipart/alternative"
    assert text.startswith(
        f"Hello Kadri Tamm,\n\nYou are invited to review “{title}” by {due}.\n"
        "\nAccept or decline from the page linked below.\n\n"
        f"Open it here: {settings.SITE_URL}/reviews/invitations/{invitation.pk}/\n"
    )
    assert f'<a href="{settings.SITE_URL}/reviews/invitations/{invitation.pk}/">' in html
    unsubscribe = link_in(text, "/emails/unsubscribe/")
    assert "Stop emails about peer review: invitations, reminders, reviews and decisions: " in text
    assert f'href="{settings.SITE_URL}{unsubscribe}"' in html
    assert "".join(message["List-Unsubscribe"].split()) == f"<{settings.SITE_URL}{unsubscribe}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # The link asks first, then stops review email only.
    mail_client = Client(enforce_csrf_checks=True)
    asked = mail_client.get(unsubscribe).content.decode()
    assert "Stop emails about peer review: invitations, reminders, reviews and decisions?" in asked
    assert notification_services.wants_email(cast.reviewer, EmailCategory.REVIEWS) is True
    assert mail_client.post(unsubscribe).status_code == 200
    assert notification_services.wants_email(cast.reviewer, EmailCategory.REVIEWS) is False
    assert notification_services.wants_email(cast.reviewer, EmailCategory.VERIFICATION) is True

    # The next review step is under the bell, but no email; account email still arrives.
    other = submitted(cast.author, cast.topic, title="Another road survey")
    with django_capture_on_commit_callbacks(execute=True):
        services.invite_reviewer(
            editor=cast.editor, submission_id=other.pk, reviewer_id=cast.reviewer.pk
        )
        response = Client().post(reverse("account_reset_password"), {"email": cast.reviewer.email})
    assert response.status_code == 302
    run_tasks()

    messages = mailbox.wait_for(2)
    assert len(messages) == 2
    assert "Password Reset" in subject_of(messages[1])
    assert messages[1]["List-Unsubscribe"] is None
    assert (
        Notification.objects.filter(
            recipient=cast.reviewer, message__contains="Another road survey"
        ).count()
        == 1
    )
    assert (
        OutgoingEmail.objects.filter(
            recipient=cast.reviewer, category=EmailCategory.REVIEWS
        ).count()
        == 1
    )


# --- Reminders -------------------------------------------------------------------------------


def test_an_overdue_reviewer_gets_one_reminder_under_the_bell_and_by_email(
    cast, in_review, mailbox, run_tasks, django_capture_on_commit_callbacks, settings
):
    make_overdue(in_review, days=2)
    title = in_review.submission.practice.item.title
    due = (timezone.localdate() - timedelta(days=2)).strftime("%d %B %Y")
    result = send_review_reminders.enqueue()

    with django_capture_on_commit_callbacks(execute=True):
        run_tasks()
    run_tasks()

    assert DBTaskResult.objects.get(pk=result.id).return_value == 1
    notification = Notification.objects.get(key=reminder_key(in_review))
    assert notification.recipient == cast.reviewer
    assert notification.message == f"Reminder: your review of “{title}” was due on {due}"
    assert notification.url == f"/reviews/invitations/{in_review.pk}/"
    [event] = reminders()
    assert (event.actor, event.reason, event.confidential) == (None, "Kadri Tamm", True)
    assert event.submission_id == in_review.submission_id
    in_review.refresh_from_db()
    assert in_review.reminder_count == 1
    assert in_review.last_reminded_at is not None
    [message] = mailbox.wait_for(1)
    assert message["To"] == cast.reviewer.email
    assert subject_of(message) == notification.message
    assert f"{settings.SITE_URL}/reviews/invitations/{in_review.pk}/" in mailbox.text_of(message)


def test_running_the_reminders_again_the_same_day_sends_nothing(
    cast, in_review, django_capture_on_commit_callbacks
):
    make_overdue(in_review)
    with django_capture_on_commit_callbacks(execute=True) as first:
        assert send_review_reminders.call() == 1

    with django_capture_on_commit_callbacks(execute=True) as second:
        assert send_review_reminders.call() == 0

    assert len(first) == 1  # the reminder email's delivery
    assert second == []
    assert len(reminders()) == 1
    assert Notification.objects.filter(key__startswith="reminded:").count() == 1
    assert OutgoingEmail.objects.filter(idempotency_key__startswith="email:reminded:").count() == 1
    in_review.refresh_from_db()
    assert in_review.reminder_count == 1


def test_only_open_overdue_invitations_are_reminded(cast):
    submission = submitted(cast.author, cast.topic)
    not_due = invite(cast.editor, submission, cast.verified)  # accepted, due in three weeks
    declined = invite(cast.editor, submission, cast.other_reviewer, accept=False)
    services.respond_to_invitation(
        reviewer=cast.other_reviewer, invitation_id=declined.pk, accept=False, reason="Too busy"
    )
    done = invite(cast.editor, submission, cast.reviewer)
    review(done)
    for invitation in (declined, done):
        make_overdue(invitation, days=5)
    states = dict(ReviewInvitation.objects.values_list("pk", "state"))
    assert [states[i.pk] for i in (not_due, declined, done)] == [
        InvitationState.ACCEPTED,
        InvitationState.DECLINED,
        InvitationState.COMPLETED,
    ]

    assert send_review_reminders.call() == 0

    assert reminders() == []
    assert Notification.objects.filter(key__startswith="reminded:").count() == 0
    assert list(ReviewInvitation.objects.values_list("reminder_count", flat=True)) == [0, 0, 0]


# --- Enqueued periodically by the worker -----------------------------------------------------


def test_a_periodic_task_is_enqueued_once_per_period(db, settings):
    settings.PERIODIC_TASKS = {REMINDERS: 60}
    start = 1_800_000_000  # the start of a 60-second window

    assert enqueue_periodic_tasks(now=start) == [REMINDERS]
    assert enqueue_periodic_tasks(now=start + 59) == []
    assert enqueue_periodic_tasks(now=start + 60) == [REMINDERS]
    assert enqueue_periodic_tasks(now=start + 61) == []

    tasks = DBTaskResult.objects.filter(task_path=REMINDERS)
    assert tasks.count() == 2
    assert set(tasks.values_list("status", flat=True)) == {TaskResultStatus.READY}


def test_the_batch_worker_enqueues_no_periodic_task(db, run_tasks, settings):
    settings.PERIODIC_TASKS = {REMINDERS: 1}

    run_tasks()

    assert DBTaskResult.objects.count() == 0


def test_a_worker_process_reminds_overdue_reviewers_on_its_own(cast, mailbox, start_worker):
    # A transactional test: the invitation (and its email task) are committed for the worker.
    invitation = invite(cast.editor, submitted(cast.author, cast.topic), cast.reviewer)
    make_overdue(invitation)
    assert DBTaskResult.objects.filter(task_path=REMINDERS).count() == 0

    worker = start_worker(
        REVIEW_SWEEP_SECONDS=1,
        WORKER_HEARTBEAT_SECONDS=0.2,
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=mailbox.port,
    )

    wait_until(
        lambda: ReviewEvent.objects.filter(kind=EventKind.REMINDED).exists(),
        what="the reviewer to be reminded",
        workers=[worker],
    )
    # The worker goes on sweeping every second; later sweeps find nothing to send.
    wait_until(
        lambda: (
            DBTaskResult.objects.filter(
                task_path=REMINDERS, status=TaskResultStatus.SUCCESSFUL
            ).count()
            >= 3
        ),
        what="three sweeps",
        workers=[worker],
    )
    sent = wait_until(
        lambda: [m for m in mailbox.messages if subject_of(m).startswith("Reminder:")],
        what="the reminder email",
        workers=[worker],
    )
    assert len(sent) == 1
    assert sent[0]["To"] == cast.reviewer.email
    assert len(reminders()) == 1
    assert Notification.objects.filter(key=reminder_key(invitation)).count() == 1
    results = DBTaskResult.objects.filter(task_path=REMINDERS, status=TaskResultStatus.SUCCESSFUL)
    assert sorted(results.values_list("return_value", flat=True))[-1] == 1
    assert sum(results.values_list("return_value", flat=True)) == 1


def test_two_worker_processes_enqueue_a_periodic_task_once(start_worker):
    # One window as long as the test (and then some): both workers sweep at start and at every
    # heartbeat, and only the first to take the window's key may enqueue.
    env = {"REVIEW_SWEEP_SECONDS": 10**9, "WORKER_HEARTBEAT_SECONDS": 0.1}
    workers = [start_worker(**env), start_worker(**env)]

    def both_swept_several_times() -> bool:
        beats = WorkerHeartbeat.objects.filter(pid__in=[w.process.pid for w in workers])
        return beats.count() == 2 and all(
            b.last_seen_at - b.started_at > timedelta(seconds=1) for b in beats
        )

    wait_until(both_swept_several_times, what="both workers to sweep", workers=workers)

    tasks = DBTaskResult.objects.filter(task_path=REMINDERS)
    assert tasks.count() == 1
    wait_until(
        lambda: tasks.filter(status=TaskResultStatus.SUCCESSFUL).exists(),
        what="the sweep to run",
        workers=workers,
    )
    assert tasks.get().return_value == 0
