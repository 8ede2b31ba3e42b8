"""The knowledge repository's journey in a real browser: a case study is written, co-edited,
submitted for peer review (the review itself is walked through the services: its pages have
their own journey), found by filters once published, read, downloaded, adapted, adopted, and its
history compared."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from govcommons.accounts import services as account_services
from govcommons.accounts.models import Role
from govcommons.core.models import Revision
from govcommons.practices.models import Adoption, Attachment, ContributionKind, Practice
from govcommons.practices.tests.factories import write_published
from govcommons.reviews import services as review_services
from govcommons.reviews.models import Submission
from govcommons.reviews.tests.factories import invite, review

from .conftest import assert_accessible, save_screenshot, sign_in

pytestmark = pytest.mark.browser

TITLE = "Potholes repaired within a week in Testville"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PDF_NAME = "testville-pothole-report.pdf"


@pytest.fixture
def cast(settings, tmp_path, make_organization, make_member, make_topic):
    """The people of the journey, a topic, and two other published contributions that the
    visitor's filters must leave out (a case study in Germany, a practical tip in France)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    testville = make_organization(name="Ville de Testville", slug="ville-de-testville")
    musterstadt = make_organization(
        name="Stadt Musterstadt", slug="stadt-musterstadt", country="DE"
    )
    roads = make_topic(name="Roads and streets", slug="roads-and-streets")
    author = make_member(display_name="Alice Martin", verified=True, organization=testville)
    co_author = make_member(display_name="Bruno Petit", email="bruno.petit@testville.example")
    adopter = make_member(display_name="Greta Weber", organization=musterstadt)
    editor = make_member(
        display_name="Eva Editor", verified=True, organization=make_organization(country="ES")
    )
    account_services.grant_role(actor=None, member=editor, role=Role.EDITOR, topic=roads)
    reviewers = [
        make_member(display_name=name, verified=True, organization=make_organization(country=c))
        for name, c in (("Kadri Tamm", "EE"), ("Aino Virtanen", "FI"))
    ]
    write_published(
        make_member(verified=True, organization=musterstadt),
        title="Street lights switched off at night in Musterstadt",
        countries=["DE"],
        topics=[roads],
    )
    write_published(
        author,
        title="Photograph the pothole before the crew arrives",
        contribution_kind=ContributionKind.PRACTICAL_TIP,
        countries=["FR"],
        topics=[roads],
    )
    return {
        "author": author,
        "co_author": co_author,
        "adopter": adopter,
        "editor": editor,
        "reviewers": reviewers,
        "testville": testville,
        "musterstadt": musterstadt,
    }


def test_case_study_is_written_co_edited_reviewed_found_adapted_adopted_and_compared(
    page_as, new_context, cast, password, tmp_path
):
    author, co_author, adopter = cast["author"], cast["co_author"], cast["adopter"]
    pdf_path = tmp_path / PDF_NAME
    pdf_path.write_bytes(PDF)

    # 1. The verified author chooses the kind, fills the case study and saves a draft.
    writer = page_as(author)
    writer.goto("/practices/new/")
    expect(writer.get_by_role("heading", level=1)).to_have_text("What would you like to share?")
    assert_accessible(writer)
    writer.get_by_role("link", name="Case study", exact=True).click()
    expect(writer.get_by_role("heading", level=1)).to_have_text("Share a case study")
    assert_accessible(writer)
    writer.get_by_label("Title (required)").fill(TITLE)
    writer.get_by_label("Summary", exact=True).fill(
        "Residents report potholes in an app; crews now repair them within a week."
    )
    writer.get_by_label("The challenge", exact=True).fill("Potholes took three weeks to repair.")
    writer.get_by_label("The approach", exact=True).fill(
        "A reporting app sends each pothole to a crew."
    )
    first = writer.get_by_role("group", name="Outcome 1")
    first.get_by_label("What was measured").fill("Days to repair a reported pothole")
    first.get_by_label("Before").fill("21")
    first.get_by_label("After").fill("6")
    first.get_by_label("Unit").fill("days")
    first.get_by_label("Over what period").fill("12 months")
    second = writer.get_by_role("group", name="Outcome 2")
    second.get_by_label("What was measured").fill("Complaints about road damage")
    second.get_by_label("Before").fill("340")
    second.get_by_label("After").fill("120")
    second.get_by_label("Unit").fill("complaints a year")
    second.get_by_label("Over what period").fill("2023 to 2024")
    writer.get_by_role("checkbox", name="Roads and streets").check()
    writer.get_by_role("checkbox", name="Local", exact=True).check()
    writer.get_by_label("Countries").select_option("FR")
    expect(writer.get_by_label("Owning organisation")).to_have_value(str(cast["testville"].pk))
    writer.get_by_label("Co-authors").fill(co_author.email)
    writer.get_by_role("button", name="Save draft").click()

    expect(writer.get_by_role("status").first).to_have_text(
        "Your draft is saved. Only you and your co-authors can see it."
    )
    expect(writer.get_by_role("heading", level=1)).to_have_text(f"Edit “{TITLE}”")
    practice = Practice.objects.get(item__title=TITLE)
    slug = practice.item.slug
    expect(writer).to_have_url(re.compile(rf"/practices/{slug}/edit/$"))

    # ... then uploads a PDF on the edit page.
    writer.get_by_label("Add a file").set_input_files(pdf_path)
    writer.get_by_role("button", name="Upload").click()
    expect(writer.get_by_role("status").first).to_have_text("File added.")
    files = writer.get_by_role("region", name="Files")
    expect(files.get_by_role("link", name=PDF_NAME)).to_be_visible()
    expect(files).to_contain_text("PDF")
    assert_accessible(writer)
    writer.get_by_role("link", name="View the page").click()
    expect(writer.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(writer.locator(".practice-head__kind .badge--draft")).to_have_text("Draft")
    expect(writer.get_by_text("This is a draft")).to_be_visible()
    assert_accessible(writer)

    # 2. The co-author signs in, finds the draft among theirs and saves revision 2.
    co_writer = new_context().new_page()
    sign_in(co_writer, co_author.email, password)
    expect(
        co_writer.get_by_role("navigation", name="Your account").get_by_role(
            "link", name="Bruno Petit"
        )
    ).to_be_visible()
    co_writer.goto("/practices/drafts/")
    expect(co_writer.locator(".draft-list")).to_contain_text("you are a co-author")
    co_writer.get_by_role("link", name=TITLE, exact=True).click()
    expect(co_writer.get_by_role("heading", level=1)).to_have_text(f"Edit “{TITLE}”")
    co_writer.get_by_label("The approach", exact=True).fill(
        "A reporting app sends each pothole, with its photograph, to the nearest crew."
    )
    co_writer.get_by_label("What did you change?").fill("Explained how crews are chosen")
    co_writer.get_by_role("button", name="Save draft").click()
    expect(co_writer.get_by_role("status").first).to_have_text("Saved as a new version.")
    expect(co_writer.get_by_text("2 versions saved.")).to_be_visible()

    # 3. The author reloads the editor, saves revision 3 and submits it for peer review.
    writer.goto(f"/practices/{slug}/edit/")
    expect(writer.get_by_label("The approach", exact=True)).to_have_value(
        "A reporting app sends each pothole, with its photograph, to the nearest crew."
    )
    writer.get_by_label("Lessons learned and pitfalls").fill(
        "Crews need the photograph: it saves a visit."
    )
    writer.get_by_label("What did you change?").fill("Added the lessons")
    writer.get_by_role("button", name="Save draft").click()
    expect(writer.get_by_role("status").first).to_have_text("Saved as a new version.")
    expect(writer.get_by_text("3 versions saved.")).to_be_visible()
    submit_panel = writer.get_by_role("region", name="Submit for review")
    expect(submit_panel.get_by_role("radio")).to_have_count(0)  # no "minor edit" for a new one
    submit_panel.get_by_label("Note to the editor").fill("Figures from our work-order system.")
    submit_panel.get_by_role("button", name="Submit for review").click()

    submission = Submission.objects.get(practice=practice)
    expect(writer).to_have_url(re.compile(rf"/reviews/submissions/{submission.pk}/$"))
    assert (submission.state, submission.revision_number, submission.note_from_author) == (
        "submitted",
        3,
        "Figures from our work-order system.",
    )
    writer.goto(f"/practices/{slug}/")
    expect(writer.locator(".practice-head__kind .badge--draft")).to_have_text("Submitted")
    expect(writer.get_by_text("Submitted for peer review")).to_be_visible()
    expect(writer.get_by_role("link", name="Follow the review")).to_have_attribute(
        "href", f"/reviews/submissions/{submission.pk}/"
    )
    assert_accessible(writer)
    # While it is with the editors, the edit page explains why it is locked.
    writer.goto(f"/practices/{slug}/edit/")
    expect(writer.get_by_role("heading", level=1)).to_have_text(
        "It cannot be edited while it is in review"
    )
    assert_accessible(writer)

    # The editor invites two reviewers, who accept and review; the editor accepts and publishes.
    for reviewer in cast["reviewers"]:
        review(invite(cast["editor"], submission, reviewer))
    review_services.decide(editor=cast["editor"], submission_id=submission.pk, decision="accept")
    review_services.publish(
        editor=cast["editor"], submission_id=submission.pk, evidence_level=3, note="Well measured."
    )

    writer.goto(f"/practices/{slug}/")
    expect(writer.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(writer.locator(".practice-head__kind")).to_have_text("Case study Peer reviewed")
    expect(writer.get_by_text("This is a draft")).to_have_count(0)
    expect(writer.locator(".practice-head .meta")).to_contain_text("Published")
    review_panel = writer.get_by_role("region", name="Peer review")
    expect(review_panel).to_contain_text("3 · Compared with a baseline or control")
    expect(review_panel.get_by_role("link", name="How this was reviewed")).to_have_attribute(
        "href", f"/practices/{slug}/review/"
    )
    expect(review_panel.get_by_role("link", name="Flag as possibly outdated")).to_be_visible()
    assert_accessible(writer)
    save_screenshot(writer, "practice-peer-reviewed")

    # 4. An anonymous visitor narrows the list with the filter form and reads the case study.
    visitor = new_context().new_page()
    visitor.goto("/practices/")
    results_count = visitor.locator("#results-count")
    expect(results_count).to_have_text("3 contributions")
    visitor.get_by_label("Kind", exact=True).select_option("case_study")
    expect(results_count).to_have_text("2 contributions")
    visitor.get_by_label("Country", exact=True).select_option("FR")
    expect(results_count).to_have_text("1 contribution")
    evidence = visitor.get_by_label("Evidence level", exact=True)
    expect(evidence.locator("option")).to_have_text(
        [
            "Any evidence level",
            "At least 1 · Described (1)",
            "At least 2 · Outcomes measured (1)",
            "At least 3 · Compared with a baseline or control (1)",
        ]
    )
    with visitor.expect_response(re.compile(r"/practices/\?.*min_evidence=3")) as chosen:
        evidence.select_option("3")
    assert chosen.value.status == 200
    expect(visitor.locator("#results .chip")).to_have_count(3)
    expect(results_count).to_have_text("1 contribution")
    # htmx sends the form on each change and on submit; wait for the submit's answer to land.
    filter_form = visitor.get_by_role("search", name="Find contributions")
    with visitor.expect_response(re.compile(r"/practices/\?.*country=FR")) as submitted:
        visitor.get_by_role("button", name="Apply filters").click()
    assert submitted.value.status == 200
    expect(filter_form).not_to_have_class(re.compile(r"htmx-request"))
    expect(visitor).to_have_url(re.compile(r"/practices/\?.*kind=case_study.*&country=FR"))
    expect(results_count).to_have_text("1 contribution")
    cards = visitor.locator(".practice-card")
    expect(cards).to_have_count(1)
    expect(cards.get_by_role("link")).to_have_text(TITLE)
    assert_accessible(visitor)
    cards.get_by_role("link", name=TITLE).click()

    expect(visitor.get_by_role("heading", level=1)).to_have_text(TITLE)
    outcome_rows = visitor.locator("table.outcomes tbody tr")
    expect(outcome_rows).to_have_count(2)
    expect(outcome_rows.nth(0).get_by_role("rowheader")).to_have_text(
        "Days to repair a reported pothole"
    )
    expect(outcome_rows.nth(0).locator("td")).to_have_text(
        ["21", "6", "▼ −15 (−71%)", "days", "12 months", ""]
    )
    expect(outcome_rows.nth(1).get_by_role("rowheader")).to_have_text(
        "Complaints about road damage"
    )
    expect(outcome_rows.nth(1).locator("td")).to_have_text(
        ["340", "120", "▼ −220 (−65%)", "complaints a year", "2023 to 2024", ""]
    )
    download_link = visitor.get_by_role("link", name=PDF_NAME)
    with visitor.expect_download() as download_info:
        download_link.click()
    download = download_info.value
    assert download.suggested_filename == PDF_NAME
    assert download.path().read_bytes() == PDF
    response = visitor.request.get(download_link.get_attribute("href"))
    assert (
        response.status,
        response.headers["content-disposition"],
        response.headers["x-content-type-options"],
        response.body(),
    ) == (200, f'attachment; filename="{PDF_NAME}"', "nosniff", PDF)

    # The same filters work without JavaScript: the form is an ordinary GET.
    plain = new_context(java_script_enabled=False).new_page()
    plain.goto("/practices/")
    plain.get_by_label("Kind", exact=True).select_option("case_study")
    plain.get_by_label("Country", exact=True).select_option("FR")
    plain.get_by_role("button", name="Apply filters").click()
    expect(plain).to_have_url(re.compile(r"/practices/\?.*kind=case_study.*&country=FR"))
    expect(plain.locator(".practice-card").get_by_role("link")).to_have_text([TITLE])

    # 5. A member of another organisation adapts it, then reports an adoption.
    other = new_context().new_page()
    sign_in(other, adopter.email, password)
    expect(
        other.get_by_role("navigation", name="Your account").get_by_role("link", name="Greta Weber")
    ).to_be_visible()
    other.goto(f"/practices/{slug}/")
    other.get_by_role("button", name="Adapt this practice").click()
    expect(other.get_by_role("status").first).to_have_text(
        f"A draft adapted from “{TITLE}” is ready for your changes."
    )
    expect(other.get_by_role("heading", level=1)).to_have_text(f"Edit “Adapted: {TITLE}”")
    adaptation = Practice.objects.get(adapted_from=practice)
    assert (adaptation.item.author, adaptation.item.status, adaptation.item.organization) == (
        adopter,
        "draft",
        cast["musterstadt"],
    )
    expect(other).to_have_url(re.compile(rf"/practices/{adaptation.item.slug}/edit/$"))
    other.go_back()
    expect(other.get_by_role("heading", level=1)).to_have_text(TITLE)
    other.get_by_role("link", name="Report an adoption", exact=True).click()
    expect(other.get_by_role("heading", level=1)).to_have_text("Report an adoption")
    expect(other.get_by_label("Organisation")).to_have_value(str(cast["musterstadt"].pk))
    assert_accessible(other)
    other.get_by_label("Stage").select_option(label="Piloting")
    other.get_by_label("Since").fill("2025-03-01")
    other.get_by_role("button", name="Report the adoption").click()

    expect(other.get_by_role("status").first).to_have_text("Thank you: the adoption is recorded.")
    expect(other).to_have_url(re.compile(rf"/practices/{slug}/$"))
    expect(other.locator(".adoption-summary")).to_have_text(
        "Adopted by 1 organisation in 1 country."
    )
    expect(other.locator(".adoption-list")).to_contain_text("Stadt Musterstadt")
    expect(other.locator(".adoption-list")).to_contain_text("Piloting")
    # The adaptation is still a private draft: the original lists only published adaptations.
    expect(other.get_by_role("region", name="Adaptations")).to_have_count(0)
    assert list(
        Adoption.objects.filter(practice=practice).values_list(
            "organization__name", "stage", "adopted_on", "reported_by__display_name"
        )
    ) == [("Stadt Musterstadt", "piloting", date(2025, 3, 1), "Greta Weber")]

    # 6. The history has exactly three versions: the first draft, the co-author's edit and the
    # author's; uploading, submitting, reviewing, publishing, adapting and adopting save none.
    visitor.goto(f"/practices/{slug}/history/")
    expect(visitor.locator(".lead")).to_have_text(
        f"“{TITLE}” has 3 saved versions. Every save is kept; compare any two to see what changed."
    )
    rows = visitor.locator("table.revisions tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("Added the lessons")
    expect(rows.nth(1)).to_contain_text("Explained how crews are chosen")
    expect(rows.nth(1)).to_contain_text("Bruno Petit")
    expect(rows.nth(2)).to_contain_text("First draft")
    assert_accessible(visitor)
    visitor.get_by_label("Older version").select_option("1")
    visitor.get_by_label("Newer version").select_option("3")
    visitor.get_by_role("button", name="Compare").click()

    expect(visitor).to_have_url(re.compile(rf"/practices/{slug}/history/compare/\?from=1&to=3$"))
    expect(visitor.get_by_role("heading", level=1)).to_have_text(
        "What changed from version 1 to version 3"
    )
    approach = visitor.locator("dl.diff dt", has_text="The approach").locator(
        "xpath=following-sibling::dd[1]"
    )
    expect(approach.locator("del")).to_have_text(["pothole", "a"])
    expect(approach.locator("ins")).to_have_text(["pothole, with its photograph,", "the nearest"])
    lessons = visitor.locator("dl.diff dt", has_text="Lessons learned").locator(
        "xpath=following-sibling::dd[1]"
    )
    expect(lessons.locator("ins")).to_have_text(["Crews need the photograph: it saves a visit."])
    assert_accessible(visitor)

    assert list(
        Revision.objects.filter(item=practice.item)
        .order_by("number")
        .values_list("number", "author__display_name")
    ) == [(1, "Alice Martin"), (2, "Bruno Petit"), (3, "Alice Martin")]
    assert Attachment.objects.filter(practice=practice).count() == 1
