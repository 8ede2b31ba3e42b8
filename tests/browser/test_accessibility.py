"""axe-core on every type of page, as the visitor, member, moderator or administrator sees it."""

import pytest
from playwright.sync_api import expect

from govcommons.accounts import services as account_services
from govcommons.notifications.models import EmailCategory
from govcommons.notifications.services import unsubscribe_token

from .conftest import accessibility_violations

pytestmark = pytest.mark.browser


@pytest.fixture
def site(make_organization, make_domain, make_topic, make_member, sector):
    """A little of everything: a ministry and its service, topics, members, a pending request."""
    ministry = make_organization(
        name="Ministry of the Interior", slug="interior", level="national", sector=sector
    )
    service = make_organization(
        name="Digital Service", slug="digital-service", parent=ministry, sector=sector
    )
    make_domain(organization=ministry, domain="interior.example")
    make_organization(name="Stadt Musterstadt", slug="musterstadt", country="DE")
    parent_topic = make_topic(name="Digital services", slug="digital-services")
    topic = make_topic(name="Citizen reporting", slug="citizen-reporting", parent=parent_topic)
    author = make_member(
        display_name="Ines Author",
        handle="ines",
        job_title="Product owner",
        organization=service,
        bio="Runs **citizen reporting** for the ministry.",
        public_bio=True,
        verified=True,
    )
    author.expertise.set([topic])
    applicant = make_member(display_name="Paul Applicant", handle="paul")
    request = account_services.request_verification(
        member=applicant,
        organization=ministry,
        job_title="Policy officer",
        work_email="paul@interior.example",
        evidence="Listed in the ministry's directory.",
    )
    return {
        "ministry": ministry,
        "service": service,
        "topic": topic,
        "author": author,
        "applicant": applicant,
        "request": request,
    }


class Sweep:
    """Visits pages and keeps axe's serious and critical findings for each."""

    def __init__(self):
        self.found: dict[str, list[str]] = {}

    def visit(self, page, path: str, status: int = 200, label: str = "") -> None:
        response = page.goto(path)
        assert (path, response.status) == (path, status)
        self.check(page, label or path)

    def check(self, page, label: str) -> None:
        """The page as it is now, after the test filled or submitted something."""
        self.found[label] = accessibility_violations(page)

    def assert_no_violations(self, pages: int) -> None:
        assert {label: v for label, v in self.found.items() if v} == {}
        assert len(self.found) == pages


def test_visitors_pages_have_no_serious_or_critical_accessibility_violation(page, site, member):
    sweep = Sweep()
    sweep.visit(page, "/")
    sweep.visit(page, "/about/")
    sweep.visit(page, "/no/such/page/", status=404)
    sweep.visit(page, "/accounts/login/")
    page.get_by_label("Email").fill(member.email)
    page.locator("#id_password").fill("not the password")
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("alert")).to_be_visible()
    sweep.check(page, "sign-in form with errors")
    sweep.visit(page, "/accounts/signup/")
    page.get_by_label("Email").fill(member.email)
    page.get_by_label("Your name").fill("Someone")
    page.locator("#id_password1").fill("short")
    page.locator("#id_password2").fill("different")
    page.get_by_role("button", name="Sign Up").click()
    expect(page.locator(".field--error").first).to_be_visible()
    sweep.check(page, "sign-up form with errors")
    sweep.visit(page, "/accounts/password/reset/")
    sweep.visit(page, "/organizations/")
    sector = site["ministry"].sector.slug
    sweep.visit(page, f"/organizations/?country=FR&level=national&sector={sector}")
    sweep.visit(page, "/organizations/?q=no+such+body")
    sweep.visit(page, f"/organizations/{site['service'].slug}/")
    sweep.visit(page, "/topics/")
    sweep.visit(page, f"/topics/{site['topic'].slug}/")
    sweep.visit(page, f"/members/{site['author'].handle}/")
    token = unsubscribe_token(member.pk, EmailCategory.VERIFICATION)
    sweep.visit(page, f"/emails/unsubscribe/{token}/")
    sweep.assert_no_violations(pages=16)


def test_members_own_pages_have_no_serious_or_critical_accessibility_violation(
    page_as, site, member
):
    sweep = Sweep()
    own = page_as(member)
    sweep.visit(own, "/settings/")
    own.get_by_role("textbox", name="Display name").fill("")
    own.get_by_role("button", name="Save profile").click()
    expect(own.get_by_role("alert")).to_contain_text("Please correct the highlighted fields")
    sweep.check(own, "profile settings with errors")
    sweep.visit(own, "/settings/emails/")
    sweep.visit(own, "/settings/tokens/")
    own.get_by_role("textbox", name="Name").fill("Intranet sync")
    own.get_by_role("button", name="Create token").click()
    expect(own.locator("#new-token")).to_be_visible()
    sweep.check(own, "API tokens with a new token shown")
    sweep.visit(own, "/verification/", label="verification: request form")
    sweep.visit(own, "/organizations/propose/")
    sweep.visit(own, "/accounts/2fa/")
    sweep.visit(own, "/accounts/email/")
    sweep.visit(own, "/accounts/password/change/")
    sweep.visit(own, f"/members/{member.handle}/", label="own profile")
    sweep.visit(page_as(site["applicant"]), "/verification/", label="verification: pending")
    sweep.assert_no_violations(pages=12)


def test_moderators_and_administrators_pages_have_no_serious_or_critical_violation(
    page_as, site, moderator, administrator
):
    sweep = Sweep()
    mod = page_as(moderator)
    sweep.visit(mod, "/moderation/")
    sweep.visit(mod, f"/moderation/verification/{site['request'].pk}/")
    mod.get_by_label("Refuse").check()
    mod.get_by_role("button", name="Save decision").click()
    expect(mod.get_by_role("alert")).to_contain_text("Please correct the highlighted fields")
    sweep.check(mod, "verification decision with errors")
    sweep.visit(mod, "/organizations/new/")
    sweep.visit(page_as(administrator), f"/members/{site['author'].handle}/roles/")
    sweep.assert_no_violations(pages=5)
