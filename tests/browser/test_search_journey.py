"""Search in a real browser: a visitor finds a case study from the header's search box
(suggestions while typing, then the results page narrowed by level and country with the facet
checkboxes) and opens it; a member writing a new case study is shown the similar one already
published, with and without JavaScript; a saved search sends an email through the local SMTP
server when a matching contribution is published, and its link leads back to the results. Each
page on the way is checked with axe and photographed at desktop and phone widths."""

import re
from datetime import timedelta
from email.header import decode_header, make_header
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from govcommons.accounts import services as account_services
from govcommons.accounts.models import Role
from govcommons.core.models import Item, ItemStatus
from govcommons.practices.tests.factories import write_published
from govcommons.reviews.tests.factories import published
from govcommons.search import saved
from govcommons.search import services as search_services
from govcommons.search.models import SavedSearch

from .conftest import (
    DESKTOP,
    EMAIL_TIMEOUT_S,
    PHONE,
    assert_accessible,
    link_in,
    save_screenshot,
)

pytestmark = pytest.mark.browser

CASE_STUDY = "Pothole reporting app cuts repair times to six days"
NEW_MATCH = "Potholes on rural roads mapped by bus drivers"


def _publish(author, title: str, summary: str, *, levels, countries, **fields):
    """A published contribution in the search index, as a review would leave it."""
    practice = write_published(
        author,
        title=title,
        summary=summary,
        levels=levels,
        countries=countries,
        organization=author.organization,
        **fields,
    )
    search_services.index_item(practice.pk)
    return practice


@pytest.fixture
def library(make_member, make_organization):
    """Four published contributions about reporting potholes with an app, from three countries
    and three levels of government, and one about something else."""
    lyon = make_organization(name="Ville de Lyon", slug="ville-de-lyon", country="FR")
    tallinn = make_organization(name="Tallinn City", slug="tallinn", country="EE")
    finland = make_organization(name="Finnish Transport Agency", slug="fta", country="FI")
    claire = make_member(display_name="Claire Martin", verified=True, organization=lyon)
    kadri = make_member(display_name="Kadri Tamm", verified=True, organization=tallinn)
    aino = make_member(display_name="Aino Virtanen", verified=True, organization=finland)
    case_study = _publish(
        claire,
        CASE_STUDY,
        "Residents report each pothole with a phone app; crews fix it within six days.",
        levels=["local"],
        countries=["FR"],
    )
    _publish(
        kadri,
        "Residents photograph road damage for the city crews",
        "A reporting app sends each pothole to the nearest crew.",
        levels=["local"],
        countries=["EE"],
    )
    _publish(
        claire,
        "One regional queue for road repairs",
        "Towns forward pothole reports from their reporting app to the region.",
        levels=["regional"],
        countries=["FR"],
    )
    _publish(
        aino,
        "A national standard for street maintenance requests",
        "Every municipality's pothole reporting app sends the same open data.",
        levels=["national"],
        countries=["FI"],
    )
    _publish(
        claire,
        "Shorter waits at the outpatient clinic",
        "Triage by phone cut waiting times for patients.",
        levels=["local"],
        countries=["FR"],
        challenge="Patients waited weeks.",
        approach="Nurses call back within a day.",
    )
    return {"case_study": case_study, "claire": claire, "kadri": kadri, "aino": aino}


def _screens(page: Page, name: str) -> None:
    """axe at desktop and phone widths, with a full-page screenshot of each."""
    assert_accessible(page)
    save_screenshot(page, name)
    page.set_viewport_size(PHONE)
    assert_accessible(page)
    save_screenshot(page, name)
    page.set_viewport_size(DESKTOP)


def _choice(group, label: str, count: int):
    """A facet's checkbox by its label and count: its accessible name is "Local (2 results)"."""
    noun = "result" if count == 1 else "results"
    name = re.compile(rf"^{re.escape(label)} \(\s?{count} {noun}\)$")
    return group.get_by_role("checkbox", name=name)


def _params(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def _mark_page(page: Page) -> None:
    """A marker in the page's window: it survives htmx swaps, never a reload or a navigation."""
    page.evaluate("window.notReloaded = true")


def _was_not_reloaded(page: Page) -> bool:
    return page.evaluate("window.notReloaded === true")


def test_a_visitor_searches_narrows_by_level_and_country_and_opens_the_case_study(page, library):
    # 1. The empty search page explains how to search.
    page.goto("/search/")
    expect(page.get_by_role("heading", name="How to search")).to_be_visible()
    _screens(page, "search-empty")

    # 2. Typing in the header's box suggests titles as one types.
    page.goto("/")
    box = page.get_by_role("searchbox", name="Search GovCommons")
    box.press_sequentially("pothole")
    suggestions = page.get_by_role("list", name="Suggestions")
    expect(suggestions).to_be_visible()
    expect(suggestions.get_by_role("link", name=re.compile(CASE_STUDY))).to_be_visible()
    expect(suggestions.get_by_role("link", name="All results for “pothole”")).to_be_visible()
    # Only titles with a word starting with "pothole": not the clinic, nor the others.
    expect(suggestions.get_by_role("link")).to_have_count(2)
    _screens(page, "search-suggestions")
    # The keyboard reaches them (down arrow) and Escape closes them, back in the box.
    box.press("ArrowDown")
    expect(suggestions.get_by_role("link").first).to_be_focused()
    page.keyboard.press("Escape")
    expect(suggestions).to_have_count(0)
    expect(box).to_be_focused()

    # 3. The whole question, submitted: the case study comes first, its words highlighted.
    box.press_sequentially(" reporting app")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q=pothole\+reporting\+app$"))
    count = page.locator("#search-count")
    expect(count).to_have_text("4 results for “pothole reporting app”")
    hits = page.locator(".search-hit")
    expect(hits).to_have_count(4)
    first_title = hits.first.get_by_role("heading", level=3)
    expect(first_title).to_have_text(CASE_STUDY)
    expect(first_title.locator("mark")).to_have_text(["Pothole", "reporting", "app"])
    expect(hits.first.locator(".search-hit__snippet mark").first).to_be_visible()
    filters = page.get_by_role("region", name="Narrow the results")
    level = filters.get_by_role("group", name="Level of government")
    country = filters.get_by_role("group", name="Country")
    expect(level.get_by_role("checkbox")).to_have_count(3)
    expect(country.get_by_role("checkbox")).to_have_count(3)
    _screens(page, "search-results")

    # 4. Narrowed by level, then by country: htmx swaps the results, the address follows.
    _mark_page(page)
    _choice(level, "Local", 2).check()
    expect(count).to_have_text("2 results for “pothole reporting app”")
    expect(page).to_have_url(re.compile(r"level=local"))
    # The sort belongs to the form too: the address says what the page shows.
    assert _params(page) == {
        "q": ["pothole reporting app"],
        "sort": ["relevance"],
        "level": ["local"],
    }
    expect(country.get_by_role("checkbox")).to_have_count(2)  # Finland is gone
    _choice(country, "France", 1).check()
    expect(count).to_have_text("1 result for “pothole reporting app”")
    expect(page).to_have_url(re.compile(r"country=FR"))
    assert _params(page) == {
        "q": ["pothole reporting app"],
        "sort": ["relevance"],
        "level": ["local"],
        "country": ["FR"],
    }
    chips = page.get_by_role("list", name="Active filters:")
    expect(chips.get_by_role("link", name=re.compile("Level of government: Local"))).to_be_visible()
    expect(chips.get_by_role("link", name=re.compile("Country: France"))).to_be_visible()
    expect(hits).to_have_count(1)
    assert _was_not_reloaded(page)

    # 5. The visitor opens the result.
    hits.first.get_by_role("link", name=CASE_STUDY).click()
    expect(page).to_have_url(re.compile(rf"/practices/{library['case_study'].item.slug}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(CASE_STUDY)


def test_without_javascript_the_facets_narrow_with_the_apply_button(new_context, library):
    page = new_context(java_script_enabled=False).new_page()
    page.goto("/")
    page.get_by_role("searchbox", name="Search GovCommons").fill("pothole reporting app")
    page.get_by_role("button", name="Search", exact=True).first.click()
    expect(page.locator("#search-count")).to_have_text("4 results for “pothole reporting app”")
    _choice(page, "Local", 2).check()
    _choice(page, "France", 2).check()
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator("#search-count")).to_have_text("1 result for “pothole reporting app”")
    assert _params(page) == {
        "q": ["pothole reporting app"],
        "sort": ["relevance"],
        "level": ["local"],
        "country": ["FR"],
    }
    expect(page.locator(".search-hit").get_by_role("link", name=CASE_STUDY)).to_be_visible()


def test_a_misspelt_search_offers_the_spelling_the_index_knows(page, library):
    page.goto("/search/?q=pothole+reportng")
    expect(page.locator("#search-count")).to_have_text("0 results for “pothole reportng”")
    expect(page.get_by_text("Nothing published matches “pothole reportng”.")).to_be_visible()
    correction = page.locator(".search-correction")
    expect(correction).to_have_text("Did you mean: pothole reporting (4 results)")
    expect(page.get_by_role("link", name="Ask the community")).to_be_visible()
    _screens(page, "search-zero-results")
    correction.get_by_role("link", name="pothole reporting").click()
    expect(page).to_have_url(re.compile(r"/search/\?q=pothole\+reporting$"))
    expect(page.locator("#search-count")).to_have_text("4 results for “pothole reporting”")


def test_a_member_writing_a_case_study_sees_the_similar_one_already_shared(page_as, library):
    member = library["kadri"]
    typed = "Pothole reporting app for our district"

    # With JavaScript: the list appears as the member types the title.
    writer = page_as(member)
    writer.goto("/practices/new/?kind=case_study")
    expect(writer.get_by_role("heading", name="Did someone already share this?")).to_have_count(0)
    writer.get_by_role("textbox", name="Title (required)").press_sequentially(typed)
    expect(writer.get_by_role("heading", name="Did someone already share this?")).to_be_visible()
    similar = writer.get_by_role("list", name="Did someone already share this?")
    expect(similar.get_by_role("link", name=CASE_STUDY)).to_be_visible()
    expect(similar).to_contain_text("Ville de Lyon")
    expect(writer.get_by_role("textbox", name="Title (required)")).to_have_value(typed)
    _screens(writer, "search-similar-while-writing")

    # Without JavaScript: the "Check" button posts the form; nothing is saved, the text stays.
    plain = page_as(member, java_script_enabled=False)
    plain.goto("/practices/new/?kind=case_study")
    plain.get_by_role("textbox", name="Title (required)").fill(typed)
    plain.get_by_role("button", name="Check for similar contributions").click()
    similar = plain.get_by_role("list", name="Did someone already share this?")
    expect(similar.get_by_role("link", name=CASE_STUDY)).to_be_visible()
    expect(plain.get_by_role("textbox", name="Title (required)")).to_have_value(typed)
    save_screenshot(plain, "search-similar-checked-without-javascript")
    assert not Item.objects.filter(author=member, status=ItemStatus.DRAFT).exists()
    # (No axe here: it runs as a script, which this context refuses; the same list was checked
    # with JavaScript above.)


def test_a_saved_search_emails_the_member_when_a_matching_contribution_is_published(
    page_as, library, make_member, make_organization, make_topic, mailbox, start_worker
):
    start_worker(EMAIL_HOST="127.0.0.1", EMAIL_PORT=mailbox.port)
    member = library["kadri"]

    # 1. The member searches and saves the search.
    searcher = page_as(member)
    searcher.goto("/search/?q=pothole")
    expect(searcher.locator("#search-count")).to_have_text("4 results for “pothole”")
    searcher.get_by_role("button", name="Save this search").click()
    expect(
        searcher.get_by_role("status").filter(has_text="Search saved. We will email you")
    ).to_be_visible()
    expect(searcher).to_have_url(re.compile(r"/search/\?q=pothole$"))
    saved_search = SavedSearch.objects.get(member=member)
    assert (saved_search.query, saved_search.filters, saved_search.alerts) == ("pothole", {}, True)
    searcher.get_by_role("link", name="Your saved searches").click()
    expect(searcher.get_by_role("heading", level=1)).to_have_text("Saved searches")
    row = searcher.locator(f"#saved-{saved_search.pk}")
    expect(row.get_by_role("link", name=re.compile("^pothole"))).to_be_visible()
    expect(row).to_contain_text("Email alerts on")
    _screens(searcher, "search-saved-searches")

    # 2. A matching contribution goes through peer review and is published.
    roads = make_topic(name="Roads and streets", slug="roads-and-streets")
    editor = make_member(
        display_name="Eva Editor", verified=True, organization=make_organization(country="ES")
    )
    account_services.grant_role(actor=None, member=editor, role=Role.EDITOR, topic=roads)
    reviewer = make_member(
        display_name="Jan Novak", verified=True, organization=make_organization(country="CZ")
    )
    practice = published(
        library["aino"],
        roads,
        editor,
        [reviewer],
        title=NEW_MATCH,
        summary="Drivers tag each pothole on a tablet as the bus passes it.",
    )

    # 3. The alert sweep runs once a period has passed, and the settling minute after the
    # publication (see saved.SETTLE); the worker sends the email.
    later = timezone.now() + max(saved.alert_period(), saved.SETTLE) + timedelta(seconds=1)
    assert saved.send_due_alerts(now=later) == 1
    assert saved.send_due_alerts(now=later) == 0  # one digest, however often the sweep runs
    [email] = mailbox.wait_for_recipient(member.email, 1, timeout=EMAIL_TIMEOUT_S)
    assert str(make_header(decode_header(email["Subject"]))) == (
        "1 new result for your saved search “pothole”"
    )
    text = mailbox.text_of(email)
    assert NEW_MATCH in text
    item_link = link_in(text, re.escape(practice.get_absolute_url()))
    results_link = link_in(text, r"/search/\?q=pothole")

    # 4. The links lead to the results, where the new contribution is found, and to it.
    results = urlsplit(results_link)
    searcher.goto(f"{results.path}?{results.query}")
    expect(searcher.locator("#search-count")).to_have_text("5 results for “pothole”")
    expect(searcher.locator(".search-hit").get_by_role("link", name=NEW_MATCH)).to_be_visible()
    searcher.goto(urlsplit(item_link).path)
    expect(searcher.get_by_role("heading", level=1)).to_have_text(NEW_MATCH)


def test_a_search_matching_more_than_it_considers_says_so_and_stays_usable(page, library, settings):
    """Past SEARCH_MAX_CANDIDATES matches the page says "More than N results", explains why,
    and the filters and results still work; adding a word makes it exact again."""
    settings.SEARCH_MAX_CANDIDATES = 2
    page.goto("/search/?q=pothole")
    expect(
        page.get_by_role("heading", name=re.compile("More than 2 results for “pothole”"))
    ).to_be_visible()
    expect(page.get_by_text("So many match that these are the best")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile(CASE_STUDY)).first).to_be_visible()
    _screens(page, "search-more-than")
    page.goto("/search/?q=pothole+Lyon")
    expect(page.get_by_role("heading", name=re.compile("More than"))).to_have_count(0)
