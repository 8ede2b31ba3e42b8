"""Sign-in through an organisation's OpenID Connect provider, against a real local provider."""

import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import SESSION_KEY
from django.test import Client
from pytest_django.asserts import assertContains

from govcommons.accounts.models import User
from govcommons.accounts.tests.fake_oidc import FakeOpenIDProvider
from govcommons.notifications.models import OutgoingEmail

ROOT = Path(__file__).resolve().parents[3]
LOGIN = "/accounts/oidc/cityid/login/"
CALLBACK = "/accounts/oidc/cityid/login/callback/"
CLIENT_ID = "govcommons-test"
CLIENT_SECRET = "s3cret-for-the-fake-provider"


@pytest.fixture
def userinfo() -> dict:
    return {
        "sub": "cityid-4711",
        "email": "ann.lee@lyon.fr",
        "email_verified": True,
        "name": "Ann Lee",
    }


@pytest.fixture
def provider(userinfo):
    oidc = FakeOpenIDProvider(
        client_id=CLIENT_ID, client_secret=CLIENT_SECRET, userinfo=userinfo
    ).start()
    yield oidc
    oidc.stop()


def configure(settings, provider, *, secret: str = CLIENT_SECRET) -> None:
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "OAUTH_PKCE_ENABLED": True,
            "APPS": [
                {
                    "provider_id": "cityid",
                    "name": "City ID",
                    "client_id": CLIENT_ID,
                    "secret": secret,
                    "settings": {"server_url": provider.issuer},
                }
            ],
        }
    }


@pytest.fixture
def city_id(settings, provider):
    configure(settings, provider)
    return provider


@pytest.fixture
def lyon(make_organization, make_domain):
    city = make_organization(name="City of Lyon", slug="lyon")
    make_domain(organization=city, domain="lyon.fr")
    return city


def start_sign_in(client) -> str:
    """Press the provider's button; returns where the browser is sent at the provider."""
    response = client.post(LOGIN)
    assert response.status_code == 302
    return response["Location"]


def visit_provider(authorize_url: str) -> str:
    """The browser at the provider (already signed in there): it sends the browser back."""
    answer = requests.get(authorize_url, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    return answer.headers["Location"]


def sign_in(client):
    back = urlsplit(visit_provider(start_sign_in(client)))
    assert (back.scheme, back.netloc, back.path) == ("http", "testserver", CALLBACK)
    return client.get(f"{back.path}?{back.query}")


def signed_in_user(client) -> User | None:
    user_id = client.session.get(SESSION_KEY)
    return User.objects.get(pk=user_id) if user_id else None


def test_login_page_offers_the_configured_provider(client, city_id):
    response = client.get("/accounts/login/")
    assertContains(response, "City ID")
    assertContains(response, f'href="{LOGIN}?process=login"')


def test_login_page_without_a_provider_offers_none(client, settings, db):
    settings.SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": []}}
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert "/accounts/oidc/" not in response.content.decode()


def test_the_button_sends_the_browser_to_the_providers_authorize_endpoint(client, city_id):
    authorize = urlsplit(start_sign_in(client))
    params = {k: v[0] for k, v in parse_qs(authorize.query).items()}
    assert (
        f"{authorize.scheme}://{authorize.netloc}{authorize.path}" == f"{city_id.issuer}/authorize"
    )
    assert params["client_id"] == CLIENT_ID
    assert params["response_type"] == "code"
    assert params["redirect_uri"] == f"http://testserver{CALLBACK}"
    assert set(params["scope"].split()) == {"openid", "profile", "email"}
    assert params["code_challenge_method"] == "S256"
    assert len(params["state"]) >= 16


def test_signing_in_creates_a_member_verified_by_their_organisations_domain(client, city_id, lyon):
    response = sign_in(client)
    assert response.status_code == 302
    assert response["Location"] == "/"
    member = User.objects.get()
    assert signed_in_user(client) == member
    assert (member.email, member.display_name, member.handle) == (
        "ann.lee@lyon.fr",
        "Ann Lee",
        "ann-lee",
    )
    assert member.is_verified
    assert (member.verification_method, member.verified_email, member.organization) == (
        "domain",
        "ann.lee@lyon.fr",
        lyon,
    )
    account = SocialAccount.objects.get()
    assert (account.user, account.provider, account.uid) == (member, "cityid", "cityid-4711")
    assert list(member.emailaddress_set.values_list("email", "verified", "primary")) == [
        ("ann.lee@lyon.fr", True, True)
    ]


def test_the_code_exchange_proves_the_pkce_verifier_and_client_secret(client, city_id, lyon):
    sign_in(client)
    [exchange] = city_id.token_requests
    assert (exchange["grant_type"], exchange["client_id"], exchange["client_secret"]) == (
        "authorization_code",
        CLIENT_ID,
        CLIENT_SECRET,
    )
    assert len(exchange["code_verifier"]) >= 43
    assert city_id.codes == {}  # the code was used, and a code is good once


@pytest.mark.parametrize("email", ["ann.lee@example.com", "ann.lee@lyon.fr.evil.example"])
def test_an_address_outside_known_domains_signs_in_an_unverified_member(
    client, settings, provider, userinfo, lyon, email
):
    userinfo["email"] = email
    configure(settings, provider)
    response = sign_in(client)
    assert response.status_code == 302
    member = signed_in_user(client)
    assert member.email == email
    assert not member.is_verified
    assert member.organization is None


def test_an_address_the_provider_has_not_verified_verifies_no_one_until_confirmed(
    client, settings, provider, userinfo, lyon
):
    userinfo["email_verified"] = False
    configure(settings, provider)
    response = sign_in(client)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    member = User.objects.get()
    assert signed_in_user(client) is None
    assert not member.is_verified
    assert member.organization is None
    assert list(member.emailaddress_set.values_list("email", "verified")) == [
        ("ann.lee@lyon.fr", False)
    ]

    [email] = OutgoingEmail.objects.all()
    assert email.to_address == "ann.lee@lyon.fr"
    link = re.search(r"http://testserver(/accounts/confirm-email/\S+/)", email.body_text).group(1)
    assert client.post(link).status_code == 302
    member.refresh_from_db()
    assert member.is_verified
    assert (member.verification_method, member.organization) == ("domain", lyon)


def test_signing_in_again_uses_the_same_member(client, city_id, lyon):
    sign_in(client)
    client.logout()
    response = sign_in(client)
    assert response.status_code == 302
    assert User.objects.count() == 1
    assert SocialAccount.objects.count() == 1
    assert signed_in_user(client) == User.objects.get()


def test_a_refused_code_exchange_signs_no_one_in(client, settings, provider, lyon):
    configure(settings, provider, secret="not-the-secret")
    response = sign_in(client)
    assertContains(response, "Third-Party Login Failure", status_code=401)
    assert signed_in_user(client) is None
    assert User.objects.count() == 0


def test_a_callback_with_a_forged_state_signs_no_one_in(client, city_id, lyon):
    back = urlsplit(visit_provider(start_sign_in(client)))
    code = parse_qs(back.query)["code"][0]
    response = client.get(CALLBACK, {"code": code, "state": "forged-state-value"})
    assertContains(response, "Third-Party Login Failure", status_code=401)
    assert signed_in_user(client) is None
    assert User.objects.count() == 0
    assert city_id.token_requests == []


def test_a_callback_from_another_browser_signs_no_one_in(client, city_id, lyon):
    back = urlsplit(visit_provider(start_sign_in(client)))
    stranger = Client()
    response = stranger.get(f"{back.path}?{back.query}")
    assertContains(response, "Third-Party Login Failure", status_code=401)
    assert signed_in_user(stranger) is None
    assert User.objects.count() == 0


def test_an_unknown_provider_is_a_404(client, city_id):
    assert client.post("/accounts/oidc/elsewhere/login/").status_code == 404


# --- Settings from the environment -------------------------------------------------------------

OIDC_VARS = (
    "OIDC_SERVER_URL",
    "OIDC_CLIENT_ID",
    "OIDC_CLIENT_SECRET",
    "OIDC_PROVIDER_ID",
    "OIDC_NAME",
)
PRINT_APPS = (
    "import django, json; django.setup(); from django.conf import settings; "
    "print(json.dumps(settings.SOCIALACCOUNT_PROVIDERS['openid_connect']['APPS']))"
)


def load_settings(**oidc) -> subprocess.CompletedProcess:
    """Import the settings in a fresh interpreter with exactly these OIDC_* variables."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PYTEST", "OIDC_")) and k != "DATABASE_URL"
    }
    env.update(
        DJANGO_SETTINGS_MODULE="govcommons.settings",
        DEBUG="false",
        SECRET_KEY="test-secret-key-for-subprocesses",
    )
    # Every OIDC_* set, even empty, so that a developer's .env cannot fill in the others.
    env.update({**dict.fromkeys(OIDC_VARS, ""), **oidc})
    return subprocess.run(
        [sys.executable, "-c", PRINT_APPS],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("present", "missing"),
    [
        (["OIDC_SERVER_URL"], "OIDC_CLIENT_ID, OIDC_CLIENT_SECRET"),
        (["OIDC_CLIENT_ID"], "OIDC_SERVER_URL, OIDC_CLIENT_SECRET"),
        (["OIDC_SERVER_URL", "OIDC_CLIENT_ID"], "OIDC_CLIENT_SECRET"),
        (["OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET"], "OIDC_SERVER_URL"),
    ],
)
def test_half_configured_openid_connect_stops_the_start_naming_what_is_missing(present, missing):
    values = {
        "OIDC_SERVER_URL": "https://login.city.example",
        "OIDC_CLIENT_ID": "govcommons",
        "OIDC_CLIENT_SECRET": "change-me",
    }
    result = load_settings(**{name: values[name] for name in present})
    assert result.returncode == 1
    assert result.stdout == ""
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line == (
        "django.core.exceptions.ImproperlyConfigured: "
        f"OpenID Connect is half-configured: set {missing}."
    )


def test_fully_configured_openid_connect_adds_the_provider():
    result = load_settings(
        OIDC_SERVER_URL="https://login.city.example/realms/staff",
        OIDC_CLIENT_ID="govcommons",
        OIDC_CLIENT_SECRET="change-me",
        OIDC_PROVIDER_ID="city",
        OIDC_NAME="City staff account",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        '[{"provider_id": "city", "name": "City staff account", "client_id": "govcommons", '
        '"secret": "change-me", "settings": {"server_url": '
        '"https://login.city.example/realms/staff"}}]'
    )


def test_without_oidc_variables_no_provider_is_configured():
    result = load_settings()
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
