"""Fixtures shared by every test: factories, a real SMTP server, a real worker process."""

import os
import socket
import subprocess
import sys
import threading
from email import message_from_bytes
from email.message import Message
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection

from govcommons.accounts.tests.factories import PASSWORD, UserFactory
from govcommons.organizations.tests.factories import OrganizationDomainFactory, OrganizationFactory
from govcommons.taxonomy.tests.factories import SectorFactory, TopicFactory

ROOT = Path(__file__).resolve().parent


@pytest.fixture(autouse=True)
def _clear_cache(db):
    """Rate-limit counters live in the shared cache; each test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """PBKDF2's rounds cost about a second per member a test creates; tests need no slow hash."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture
def member(db):
    return UserFactory()


@pytest.fixture
def verified_member(db):
    return UserFactory(verified=True)


@pytest.fixture
def make_member(db):
    return UserFactory


def with_role(user, role: str, *, two_factor: bool = True):
    """Grant a role as the command line would, with two-factor on (needed outside DEBUG)."""
    from govcommons.accounts import services

    services.grant_role(actor=None, member=user, role=role)
    if two_factor:
        TOTP.activate(user, generate_totp_secret())
    user.refresh_from_db()
    return user


@pytest.fixture
def moderator(db):
    return with_role(UserFactory(display_name="Mo Derator"), "moderator")


@pytest.fixture
def moderator_without_two_factor(db):
    return with_role(UserFactory(display_name="No Factor"), "moderator", two_factor=False)


@pytest.fixture
def administrator(db):
    return with_role(UserFactory(display_name="Ad Ministrator"), "administrator")


@pytest.fixture
def organization(db):
    return OrganizationFactory()


@pytest.fixture
def make_organization(db):
    return OrganizationFactory


@pytest.fixture
def make_domain(db):
    return OrganizationDomainFactory


@pytest.fixture
def topic(db):
    return TopicFactory()


@pytest.fixture
def make_topic(db):
    return TopicFactory


@pytest.fixture
def sector(db):
    return SectorFactory()


# --- Real SMTP -------------------------------------------------------------------------------


class Mailbox:
    """What a local aiosmtpd server received. wait_for() blocks on a condition, not a sleep."""

    def __init__(self):
        self.messages: list[Message] = []
        self._changed = threading.Condition()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        with self._changed:
            self.messages.append(message_from_bytes(envelope.original_content))
            self._changed.notify_all()
        return "250 Message accepted for delivery"

    def wait_for(self, count: int = 1, timeout: float = 20) -> list[Message]:
        with self._changed:
            self._changed.wait_for(lambda: len(self.messages) >= count, timeout=timeout)
        assert len(self.messages) >= count, f"expected {count} email(s), got {len(self.messages)}"
        return self.messages

    def wait_for_recipient(self, address: str, count: int = 1, timeout: float = 20) -> list:
        """The emails sent to `address`, once there are `count` of them."""

        def sent_to() -> list[Message]:
            return [m for m in self.messages if m["To"] == address]

        with self._changed:
            self._changed.wait_for(lambda: len(sent_to()) >= count, timeout=timeout)
        found = sent_to()
        assert len(found) >= count, f"expected {count} email(s) to {address}, got {len(found)}"
        return found

    @staticmethod
    def text_of(message: Message) -> str:
        for part in message.walk():
            if part.get_content_type() == "text/plain":
                return part.get_payload(decode=True).decode()
        return ""

    @staticmethod
    def html_of(message: Message) -> str:
        for part in message.walk():
            if part.get_content_type() == "text/html":
                return part.get_payload(decode=True).decode()
        return ""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def mailbox(settings):
    """A real SMTP server on localhost; Django (and any worker we start) sends to it."""
    box = Mailbox()
    port = _free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    box.port = port
    yield box
    controller.stop()


# --- Real worker -----------------------------------------------------------------------------


def database_url() -> str:
    """The URL of the test database this process uses, for a subprocess to join it."""
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    user, host, port = s["USER"] or "postgres", s["HOST"] or "127.0.0.1", s["PORT"] or 5432
    return f"postgres://{user}@{host}:{port}/{s['NAME']}"


def subprocess_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update(
        DATABASE_URL=database_url(),
        DJANGO_SETTINGS_MODULE="govcommons.settings",
        DEBUG="false",
        SECRET_KEY="test-secret-key-for-subprocesses",
        SECURE_SSL_REDIRECT="false",
        LOG_FORMAT="text",
        **{k: str(v) for k, v in extra.items()},
    )
    return env


class WorkerProcess:
    def __init__(self, **env):
        self.env = env
        self.process: subprocess.Popen | None = None

    def start(self) -> "WorkerProcess":
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "run_worker", "--interval", "0.2", "--no-startup-delay"],
            cwd=ROOT,
            env=subprocess_env(**self.env),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        return self

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()


@pytest.fixture
def start_worker(transactional_db):
    """Start real `manage.py run_worker` processes against the test database."""
    started: list[WorkerProcess] = []

    def start(**env) -> WorkerProcess:
        worker = WorkerProcess(**env).start()
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()


@pytest.fixture
def run_tasks(db, monkeypatch):
    """Run every queued task now, in this process, with the worker's own code (batch mode)."""
    from django_tasks_db.management.commands import db_worker

    from govcommons.core import worker

    # The worker calls close_old_connections() between tasks, which closes a connection that
    # is inside the test's transaction; Django's test client turns it off for requests too.
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    monkeypatch.setattr(worker, "close_old_connections", lambda: None)

    def run() -> None:
        call_command("run_worker", batch=True, interval=0, startup_delay=False, verbosity=0)

    return run
