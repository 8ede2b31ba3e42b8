"""allauth's rate limits on sign-up, login and password reset, counted in the shared cache."""

import subprocess
import sys
import textwrap

import pytest
from allauth.account import app_settings as allauth_account_settings
from django.conf import settings as django_settings
from django.urls import reverse

from conftest import ROOT, subprocess_env
from govcommons.accounts.models import User
from govcommons.notifications.models import OutgoingEmail

TOO_MANY = "Too many attempts"


@pytest.fixture
def limits(settings):
    """Lower allauth's limits for one test; allauth reads them at each request."""

    def lower(**rates: str) -> None:
        settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, **rates}

    return lower


def signup(client, n: int, **extra):
    return client.post(
        reverse("account_signup"),
        {
            "email": f"newcomer{n}@example.net",
            "display_name": f"Newcomer {n}",
            "password1": "a long enough passphrase 42",
            "password2": "a long enough passphrase 42",
        },
        **extra,
    )


def login(client, email: str, password: str, **extra):
    return client.post(reverse("account_login"), {"login": email, "password": password}, **extra)


def assert_too_many(response) -> None:
    assert response.status_code == 429
    assert TOO_MANY in response.content.decode()


def test_the_cache_is_shared_between_processes():
    backend = django_settings.CACHES["default"]["BACKEND"]

    assert backend != "django.core.cache.backends.locmem.LocMemCache"
    assert backend in {
        "django.core.cache.backends.db.DatabaseCache",
        "django.core.cache.backends.redis.RedisCache",
    }


def test_allauth_reads_lowered_limits_at_once(limits):
    limits(login="2/m/ip")

    assert allauth_account_settings.RATE_LIMITS["login"] == "2/m/ip"


def test_sign_up_is_refused_after_the_limit(client, limits):
    limits(signup="2/m/ip")

    assert signup(client, 1).status_code == 302
    assert signup(client, 2).status_code == 302
    response = signup(client, 3)

    assert_too_many(response)
    created = User.objects.filter(email__startswith="newcomer").values_list("email", flat=True)
    assert set(created) == {"newcomer1@example.net", "newcomer2@example.net"}


def test_the_sign_up_limit_is_per_address(client, limits):
    limits(signup="1/m/ip")
    assert signup(client, 1).status_code == 302
    assert_too_many(signup(client, 2))

    response = signup(client, 3, REMOTE_ADDR="192.0.2.7")

    assert response.status_code == 302
    assert User.objects.filter(email__startswith="newcomer").count() == 2


def test_login_attempts_are_refused_after_the_limit_even_with_the_right_password(
    client, member, password, limits
):
    limits(login="2/m/ip")

    assert login(client, member.email, "wrong password 1").status_code == 200
    assert login(client, member.email, "wrong password 2").status_code == 200
    response = login(client, member.email, password)

    assert_too_many(response)
    assert "_auth_user_id" not in client.session


def test_failed_logins_lock_the_account_out_for_a_while(client, member, password, limits):
    # allauth answers the failed-login limit with an error on the form rather than a 429.
    limits(login_failed="2/m/ip")

    for attempt in range(2):
        response = login(client, member.email, f"wrong password {attempt}")
        assert response.status_code == 200
        assert (
            "The email address and/or password you specified are not correct."
            in response.content.decode()
        )
    response = login(client, member.email, password)

    assert response.status_code == 200
    assert "Too many failed login attempts. Try again later." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_failed_logins_on_one_account_are_counted_across_addresses(
    client, member, password, limits
):
    limits(login_failed="2/5m/key")
    login(client, member.email, "wrong password 1", REMOTE_ADDR="192.0.2.1")
    login(client, member.email, "wrong password 2", REMOTE_ADDR="192.0.2.2")

    response = login(client, member.email, password, REMOTE_ADDR="192.0.2.3")

    assert "Too many failed login attempts. Try again later." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_successful_login_does_not_use_up_the_failed_login_limit(
    client, member, password, limits
):
    limits(login_failed="1/m/ip")

    for _ in range(3):
        response = login(client, member.email, password)
        assert response.status_code == 302
        client.logout()

    assert login(client, member.email, password).status_code == 302


def test_password_reset_is_refused_after_the_limit(client, member, limits):
    limits(reset_password="2/m/ip")

    for _ in range(2):
        response = client.post(reverse("account_reset_password"), {"email": member.email})
        assert response.status_code == 302
    response = client.post(reverse("account_reset_password"), {"email": member.email})

    assert_too_many(response)
    assert OutgoingEmail.objects.filter(to_address=member.email).count() == 2


def test_password_reset_for_one_address_is_limited_across_ip_addresses(client, member, limits):
    limits(reset_password="1/m/key")
    first = client.post(
        reverse("account_reset_password"), {"email": member.email}, REMOTE_ADDR="192.0.2.1"
    )

    second = client.post(
        reverse("account_reset_password"), {"email": member.email}, REMOTE_ADDR="192.0.2.2"
    )

    assert first.status_code == 302
    assert_too_many(second)
    assert OutgoingEmail.objects.filter(to_address=member.email).count() == 1


EXHAUST_LOGIN_LIMIT = textwrap.dedent(
    """
    import django

    django.setup()

    from allauth.core import ratelimit
    from django.test import RequestFactory

    request = RequestFactory().post("/accounts/login/", REMOTE_ADDR="127.0.0.1")
    print([ratelimit.consume(request, action="login") for _ in range(3)])
    """
)


def test_the_login_limit_holds_across_processes(client, member, password, limits, transactional_db):
    limits(login="2/m/ip")

    # Another process (another web worker) uses up the limit for 127.0.0.1...
    other = subprocess.run(
        [sys.executable, "-c", EXHAUST_LOGIN_LIMIT],
        cwd=ROOT,
        env=subprocess_env(RATE_LIMIT_LOGIN="2/m/ip"),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert other.returncode == 0, other.stderr
    assert other.stdout.strip() == "[True, True, False]"

    # ...so this process refuses the next login from that address, right password or not.
    refused = login(client, member.email, password)
    allowed = login(client, member.email, password, REMOTE_ADDR="192.0.2.9")

    assert_too_many(refused)
    assert allowed.status_code == 302
