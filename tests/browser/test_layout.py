"""How key pages look at desktop and phone widths, and the directory's filters with and without
JavaScript. Screenshots go to screenshots/ (not committed) for a person to look at."""

import re

import pytest
from playwright.sync_api import expect

from govcommons.accounts import services as account_services

from .conftest import DESKTOP, PHONE, accessibility_violations, save_screenshot

pytestmark = pytest.mark.browser


@pytest.fixture
def directory(make_organization, make_domain, make_member, sector):
    region = make_organization(
        name="Région Auvergne-Rhône-Alpes", slug="ara", level="regional", region="Lyon"
    )
    lyon = make_organization(
        name="Ville de Lyon",
        slug="lyon",
        parent=region,
        sector=sector,
        website="https://www.lyon.fr",
        description="The city of Lyon and its digital services.",
    )
    make_domain(organization=lyon, domain="lyon.fr")
    make_organization(name="Stadt Musterstadt", slug="musterstadt", country="DE")
    make_organization(
        name="Bundesministerium des Innern", slug="bmi", country="DE", level="national"
    )
    members = [
        make_member(
            display_name=name,
            handle=handle,
            job_title=title,
            organization=lyon,
            verified=verified,
            bio="Works on **digital services** and open data.",
        )
        for name, handle, title, verified in [
            ("Camille Martin", "camille", "Chief digital officer", True),
            ("Léa Bernard", "lea", "Service designer", False),
        ]
    ]
    return {"lyon": lyon, "members": members}


def assert_no_sideways_scrolling(page) -> None:
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert (page.url, widths[0]) == (page.url, widths[1])


def check_layout(page, name: str, found: dict) -> str:
    """Screenshot first (to look at when something fails), then the checks that need a width."""
    shot = save_screenshot(page, name).name
    assert_no_sideways_scrolling(page)
    if page.viewport_size == PHONE:
        # The desktop sweep is test_accessibility; at phone width, reflow brings its own issues.
        found[shot] = accessibility_violations(page)
    return shot


def test_key_pages_fit_desktop_and_phone_widths(page_as, new_context, directory, moderator):
    camille = directory["members"][0]
    account_services.request_verification(
        member=directory["members"][1],
        organization=directory["lyon"],
        job_title="Service designer",
        work_email="lea@lyon.fr",
        evidence="On the city's staff directory.",
    )
    shots, found = [], {}
    for viewport in (DESKTOP, PHONE):
        visitor = new_context(viewport=viewport).new_page()
        for name, path in [
            ("home", "/"),
            ("organisations", "/organizations/"),
            ("organisation", "/organizations/lyon/"),
            ("profile", f"/members/{camille.handle}/"),
        ]:
            visitor.goto(path)
            shots.append(check_layout(visitor, name, found))
        own = page_as(camille, viewport=viewport)
        own.goto("/settings/")
        shots.append(check_layout(own, "settings", found))
        staff = page_as(moderator, viewport=viewport)
        staff.goto("/moderation/")
        shots.append(check_layout(staff, "moderation", found))
    assert shots == [
        f"{name}-{width}.png"
        for width in (1280, 375)
        for name in ("home", "organisations", "organisation", "profile", "settings", "moderation")
    ]
    assert {shot: v for shot, v in found.items() if v} == {}
    assert len(found) == 6


def result_names(page):
    return page.locator("#results .card__title a")


def test_directory_filters_work_without_javascript(new_context, directory):
    page = new_context(java_script_enabled=False).new_page()
    page.goto("/organizations/")
    expect(result_names(page)).to_have_count(4)
    page.get_by_label("Country").select_option(label="Germany")
    page.get_by_label("Level of government").select_option(label="National")
    page.get_by_role("button", name="Apply filters").click()

    expect(page).to_have_url(re.compile(r"/organizations/\?.*country=DE.*level=national"))
    expect(result_names(page)).to_have_text(["Bundesministerium des Innern"])
    expect(page.locator("#results")).to_contain_text("1 organisation")
    expect(page.get_by_label("Country")).to_have_value("DE")


def test_directory_filters_update_results_in_place_with_javascript(page, directory):
    page.goto("/organizations/")
    expect(result_names(page)).to_have_count(4)
    # A full page load would lose this marker; an in-place update keeps it.
    page.evaluate("window.stillTheSamePage = true")
    page.get_by_label("Country").select_option(label="Germany")

    expect(result_names(page)).to_have_text(["Bundesministerium des Innern", "Stadt Musterstadt"])
    expect(page).to_have_url(re.compile(r"/organizations/\?.*country=DE"))
    assert page.evaluate("window.stillTheSamePage") is True
