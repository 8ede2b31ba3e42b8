"""Becoming a verified public servant, by a work address or by a moderator, in a real browser."""

import re

import pytest
from playwright.sync_api import expect

from govcommons.accounts.models import User, VerificationMethod, VerificationStatus

from .conftest import EMAIL_TIMEOUT_S, assert_accessible, current_totp_code, link_in, sign_in

pytestmark = pytest.mark.browser


def test_member_who_confirms_a_work_address_on_an_organisation_domain_is_verified(
    page_as, member, make_organization, make_domain, mailbox, start_worker
):
    city = make_organization(name="City of Example", slug="city-of-example")
    make_domain(organization=city, domain="city.example")
    start_worker(EMAIL_HOST="127.0.0.1", EMAIL_PORT=mailbox.port)

    page = page_as(member)
    page.goto("/verification/")
    page.get_by_role("link", name="add and confirm your work address").click()
    expect(page).to_have_url(re.compile(r"/accounts/email/$"))
    page.get_by_role("textbox", name="Email").fill("jo.doe@city.example")
    page.get_by_role("button", name="Add Email").click()
    expect(page.get_by_role("status").first).to_contain_text(
        "Confirmation email sent to jo.doe@city.example."
    )

    [message] = mailbox.wait_for(1, timeout=EMAIL_TIMEOUT_S)
    assert message["To"] == "jo.doe@city.example"
    page.goto(link_in(mailbox.text_of(message), "/accounts/confirm-email/"))
    page.get_by_role("button", name="Confirm").click()
    expect(
        page.get_by_text("You are now a verified public servant of City of Example.")
    ).to_be_visible()

    page.goto(f"/members/{member.handle}/")
    expect(page.locator(".profile-head .badge--verified")).to_have_text("Verified public servant")
    expect(page.locator("dl.facts")).to_contain_text("City of Example")
    member.refresh_from_db()
    assert (member.verification_status, member.verification_method, member.organization) == (
        VerificationStatus.VERIFIED,
        VerificationMethod.DOMAIN,
        city,
    )


def test_moderator_signs_in_with_two_factor_grants_a_request_and_the_member_is_emailed(
    page_as,
    new_context,
    member,
    moderator,
    password,
    make_organization,
    mailbox,
    start_worker,
    settings,
):
    # The code is read a moment before the server checks it; on a busy machine that moment can
    # cross a 30-second boundary, as it can for a person typing from an authenticator app.
    settings.MFA_TOTP_TOLERANCE = 1
    agency = make_organization(
        name="National Statistics Agency", slug="statistics", level="national"
    )
    start_worker(EMAIL_HOST="127.0.0.1", EMAIL_PORT=mailbox.port)

    member_page = page_as(member)
    member_page.goto("/verification/")
    member_page.get_by_label("Organisation").select_option(label=agency.name)
    member_page.get_by_role("textbox", name="Job title").fill("Data officer")
    member_page.get_by_role("textbox", name="How can a moderator check?").fill(
        "My name is on the agency's staff page."
    )
    member_page.get_by_role("button", name="Send my request").click()
    expect(member_page.get_by_role("status").first).to_have_text(
        "Your request is with the moderators. We will email you their decision."
    )

    moderator_page = new_context().new_page()
    sign_in(moderator_page, moderator.email, password)
    expect(moderator_page.get_by_role("heading", level=1)).to_have_text("Two-Factor Authentication")
    assert_accessible(moderator_page)
    moderator_page.get_by_role("textbox", name="Code").fill(current_totp_code(moderator))
    moderator_page.get_by_role("button", name="Sign In").click()
    nav = moderator_page.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="Moderation").click()
    expect(moderator_page.get_by_role("heading", name="Verification requests (1)")).to_be_visible()
    moderator_page.get_by_role("link", name=f"Review {member.display_name}").click()
    moderator_page.get_by_label("Grant: this member works for this public body").check()
    moderator_page.get_by_role("button", name="Save decision").click()
    expect(moderator_page.get_by_role("status").first).to_have_text(
        "Decision saved; the member has been emailed."
    )
    expect(moderator_page.get_by_role("heading", name="Verification requests (0)")).to_be_visible()

    [message] = mailbox.wait_for(1, timeout=EMAIL_TIMEOUT_S)
    assert message["To"] == member.email
    assert "National Statistics Agency" in mailbox.text_of(message)

    member_page.goto(f"/members/{member.handle}/")
    expect(member_page.locator(".profile-head .badge--verified")).to_have_text(
        "Verified public servant"
    )
    expect(member_page.locator("dl.facts")).to_contain_text("National Statistics Agency")
    member = User.objects.get(pk=member.pk)
    assert (member.verification_method, member.verified_by, member.organization) == (
        VerificationMethod.MODERATOR,
        moderator,
        agency,
    )
