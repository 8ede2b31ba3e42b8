"""Browser-only fixtures: Debian's chromium, driven by Playwright, against the live server.

Also the helpers every journey shares: signing in (through the form, or by a session cookie when
the sign-in itself is not what a test is about), reading a link from an email, and axe checks.
"""

import os
import re
from pathlib import Path

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from allauth.mfa.utils import decrypt
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.test import Client
from playwright.sync_api import Page, expect, sync_playwright

# Playwright's sync API runs an asyncio loop in this thread; the ORM calls that tests and
# fixtures make beside it are still synchronous, one at a time.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 740}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"
# Waits are on conditions; this bounds how long a condition may take before the test fails.
TIMEOUT_MS = 15_000
EMAIL_TIMEOUT_S = 30
expect.set_options(timeout=TIMEOUT_MS)
_axe = Axe()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Journeys sign in and create members often; PBKDF2's deliberate slowness is not under test
    here (the live server runs in this process, so it hashes with this setting too)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class BrowserProblems:
    """JavaScript errors and console errors (CSP violations among them) seen on any page."""

    def __init__(self):
        self.seen: list[str] = []

    def watch(self, page: Page) -> None:
        page.on("pageerror", lambda error: self.seen.append(f"page error: {error}"))
        page.on("console", self._console)

    def _console(self, message) -> None:
        # A 404 or 403 page logs its own status as a failed load: expected where tests visit one.
        if message.type == "error" and "Failed to load resource" not in message.text:
            self.seen.append(f"console: {message.text}")


@pytest.fixture
def browser_problems():
    return BrowserProblems()


@pytest.fixture
def new_context(browser, live_server, browser_problems):
    """Open a fresh browser context (own cookies) on the live server; closed after the test."""
    contexts = []

    def open_context(*, viewport: dict | None = None, java_script_enabled: bool = True):
        context = browser.new_context(
            base_url=live_server.url,
            viewport=viewport or DESKTOP,
            java_script_enabled=java_script_enabled,
            locale="en-GB",
        )
        context.set_default_timeout(TIMEOUT_MS)
        context.on("page", browser_problems.watch)
        contexts.append(context)
        return context

    yield open_context
    for context in contexts:
        context.close()
    assert browser_problems.seen == [], "\n".join(browser_problems.seen)


@pytest.fixture
def page(new_context) -> Page:
    """An anonymous visitor's page at desktop width."""
    return new_context().new_page()


@pytest.fixture
def page_as(new_context, live_server):
    """A page whose browser is already signed in as `user` (session cookie, no sign-in form)."""

    def open_page(user, **context_options) -> Page:
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        context = new_context(**context_options)
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": live_server.url,
                }
            ]
        )
        return context.new_page()

    return open_page


def sign_in(page: Page, email: str, password: str) -> None:
    """Sign in through the form, as a member would."""
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.locator("#id_password").fill(password)
    page.get_by_role("button", name="Sign In").click()


def current_totp_code(user) -> str:
    """The code the member's authenticator app shows now, from the secret allauth stored."""
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    secret = decrypt(authenticator.data["secret"])
    # allauth's own window of counters: its middle one is the current period.
    counters = list(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(secret, counters[len(counters) // 2]))


def link_in(text: str, path_pattern: str) -> str:
    """The first absolute link in an email's text whose path matches path_pattern."""
    match = re.search(rf"https?://[^\s/]+{path_pattern}\S*", text)
    assert match, f"no link matching {path_pattern!r} in:\n{text}"
    return match.group(0)


def accessibility_violations(page: Page) -> list[str]:
    """axe-core's serious and critical violations on the page as it is now, one line each."""
    results = _axe.run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}"
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


def assert_accessible(page: Page) -> None:
    """axe-core finds no serious or critical violation on the page as it is now."""
    violations = accessibility_violations(page)
    assert violations == [], f"axe violations on {page.url}:\n" + "\n".join(violations)


def save_screenshot(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(exist_ok=True)
    width = page.viewport_size["width"]
    path = SCREENSHOTS / f"{name}-{width}.png"
    # caret="initial": hiding the text cursor injects a style our CSP refuses (a console error).
    page.screenshot(path=str(path), full_page=True, caret="initial")
    return path
