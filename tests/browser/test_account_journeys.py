"""Joining, signing in and out, and editing a profile, in a real browser."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from PIL import Image
from playwright.sync_api import expect

from govcommons.accounts.models import User

from .conftest import EMAIL_TIMEOUT_S, assert_accessible, link_in, sign_in

pytestmark = pytest.mark.browser


def account_nav(page):
    return page.get_by_role("navigation", name="Your account")


def test_visitor_joins_confirms_the_emailed_link_and_is_signed_in(page, mailbox, start_worker):
    start_worker(EMAIL_HOST="127.0.0.1", EMAIL_PORT=mailbox.port)

    page.goto("/")
    account_nav(page).get_by_role("link", name="Join", exact=True).click()
    expect(page).to_have_url(re.compile(r"/accounts/signup/$"))
    page.get_by_label("Email").fill("ada@example.org")
    page.get_by_label("Your name").fill("Ada Lovelace")
    page.locator("#id_password1").fill("analytical engine 1843")
    page.locator("#id_password2").fill("analytical engine 1843")
    page.get_by_role("button", name="Sign Up").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Verify Your Email Address")
    assert_accessible(page)

    [message] = mailbox.wait_for(1, timeout=EMAIL_TIMEOUT_S)
    assert message["To"] == "ada@example.org"
    assert "text/plain" in [part.get_content_type() for part in message.walk()]
    text = mailbox.text_of(message)
    assert f"Email settings and unsubscribe: {settings.SITE_URL}/settings/emails/" in text

    page.goto(link_in(text, "/accounts/confirm-email/"))
    assert_accessible(page)
    page.get_by_role("button", name="Confirm").click()

    expect(account_nav(page).get_by_role("link", name="Ada Lovelace")).to_be_visible()
    expect(account_nav(page).get_by_role("button", name="Sign out")).to_be_visible()
    member = User.objects.get(email="ada@example.org")
    assert member.display_name == "Ada Lovelace"
    assert list(EmailAddress.objects.filter(user=member).values_list("email", "verified")) == [
        ("ada@example.org", True)
    ]


def test_member_signs_in_after_a_wrong_password_and_signs_out(page, member, password):
    sign_in(page, member.email, "not the right password")
    expect(page.get_by_role("alert")).to_contain_text(
        "The email address and/or password you specified are not correct."
    )
    expect(page.get_by_label("Email")).to_have_value(member.email)

    sign_in(page, member.email, password)
    expect(account_nav(page).get_by_role("link", name=member.display_name)).to_be_visible()

    account_nav(page).get_by_role("button", name="Sign out").click()
    expect(account_nav(page).get_by_role("link", name="Sign in")).to_be_visible()
    page.goto("/settings/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/settings/$"))


@pytest.fixture
def avatars_removed_afterwards(db):
    """Avatars land in MEDIA_ROOT, which the live server serves; remove what a test stored."""
    yield
    for member in User.objects.exclude(avatar=""):
        member.avatar.delete(save=False)


def small_png(path):
    Image.new("RGB", (40, 30), (29, 79, 145)).save(path, format="PNG")
    return path


def test_member_edits_profile_and_visitors_see_only_the_public_fields(
    page_as, new_context, member, sector, tmp_path, avatars_removed_afterwards
):
    page = page_as(member)
    page.goto("/settings/")
    page.get_by_role("textbox", name="Display name").fill("Grace Hopper")
    page.get_by_role("textbox", name="Job title").fill("Head of digital services")
    page.get_by_role("combobox", name="Sector").select_option(label=sector.name)
    page.get_by_role("textbox", name="Short bio (Markdown)").fill(
        "I run **open data** projects.\n\n- procurement\n- accessibility"
    )
    page.get_by_label("Avatar").set_input_files(small_png(tmp_path / "me.png"))
    public = page.get_by_role("group", name="Show to visitors who are not signed in")
    public.get_by_label("Job title").check()
    public.get_by_label("Short bio").check()
    public.get_by_label("Sector").uncheck()
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_role("status")).to_have_text("Your profile is saved.")

    page.get_by_role("link", name="See your public profile").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Grace Hopper")
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text("Head of digital services")
    expect(facts).to_contain_text(sector.name)
    expect(page.locator(".prose strong")).to_have_text("open data")
    expect(page.locator(".prose li")).to_have_text(["procurement", "accessibility"])
    avatar = page.locator(".profile-head img.avatar")
    expect(avatar).to_have_attribute("src", re.compile(r"^/media/avatars/\w+\.png$"))
    assert avatar.evaluate("img => [img.complete, img.naturalWidth, img.naturalHeight]") == [
        True,
        256,
        256,
    ]
    assert_accessible(page)

    visitor = new_context().new_page()
    visitor.goto(page.url)
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Grace Hopper")
    visitor_facts = visitor.locator("dl.facts")
    expect(visitor_facts).to_contain_text("Head of digital services")
    expect(visitor_facts).not_to_contain_text(sector.name)
    expect(visitor.locator(".prose strong")).to_have_text("open data")
    expect(visitor.get_by_text("Members who sign in may see more of this profile.")).to_be_visible()


def test_a_file_that_is_not_an_image_is_refused_beside_the_avatar_field_and_typing_is_kept(
    page_as, member, tmp_path
):
    fake = tmp_path / "x.png"
    fake.write_text("this is not a picture")
    page = page_as(member)
    page.goto("/settings/")
    page.get_by_role("textbox", name="Job title").fill("Procurement officer")
    page.get_by_label("Avatar").set_input_files(fake)
    page.get_by_role("button", name="Save profile").click()

    expect(page.get_by_role("alert")).to_contain_text("Please correct the highlighted fields")
    avatar_field = page.locator(".field", has=page.locator("#id_avatar_upload"))
    expect(avatar_field).to_have_class(re.compile(r"\bfield--error\b"))
    expect(avatar_field.locator(".field__error")).to_have_text(
        "Error: This file is not an image we can read. Use a JPEG, PNG, WebP or GIF image."
    )
    expect(page.get_by_label("Avatar")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_role("textbox", name="Job title")).to_have_value("Procurement officer")
    member.refresh_from_db()
    assert (member.job_title, member.avatar.name) == ("", "")
