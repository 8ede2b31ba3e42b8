"""Peer review in a real browser: submitted, matched with reviewers without conflicts, reviewed
in two rounds (invitations read from the local SMTP server), published with an evidence level,
read by an anonymous visitor, then flagged as outdated into the re-review queue."""

import re
from email.header import decode_header, make_header
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from govcommons.accounts import services as account_services
from govcommons.accounts.models import Role
from govcommons.practices.models import ContributionState, Practice
from govcommons.practices.tests.factories import write_draft
from govcommons.reviews.models import Review

from .conftest import EMAIL_TIMEOUT_S, PHONE, assert_accessible, link_in, save_screenshot

pytestmark = pytest.mark.browser

TITLE = "Fixing potholes within a week with resident reports"


@pytest.fixture
def people(make_member, make_organization, make_topic):
    roads = make_topic(name="Roads and streets")
    lyon = make_organization(name="Ville de Lyon", slug="ville-de-lyon", country="FR")
    author = make_member(verified=True, organization=lyon, display_name="Claire Martin")
    colleague = make_member(verified=True, organization=lyon, display_name="Paul Lyonnais")
    kadri = make_member(
        verified=True,
        organization=make_organization(name="Tallinn City", slug="tallinn", country="EE"),
        display_name="Kadri Tamm",
    )
    aino = make_member(
        verified=True,
        organization=make_organization(name="City of Helsinki", slug="helsinki", country="FI"),
        display_name="Aino Virtanen",
    )
    for expert in (colleague, kadri, aino):
        expert.expertise.add(roads)
    editor = make_member(
        verified=True,
        organization=make_organization(name="Ayuntamiento de Madrid", slug="madrid"),
        display_name="Elena Editor",
    )
    account_services.grant_role(actor=None, member=editor, role=Role.EDITOR, topic=roads)
    practice = write_draft(
        author,
        title=TITLE,
        summary="Residents report potholes in an app; crews now repair them within a week.",
        approach="A reporting app sends each pothole to the crew of its district.",
        topics=[roads],
    )
    return {
        "roads": roads,
        "author": author,
        "colleague": colleague,
        "kadri": kadri,
        "aino": aino,
        "editor": editor,
        "practice": practice,
        "member": make_member(display_name="Sam Reader"),
    }


def _messages_to(mailbox, address: str, count: int) -> list:
    """Wait until `count` emails reached `address`; the worker delivers them in its own time."""
    return mailbox.wait_for_recipient(address, count, timeout=EMAIL_TIMEOUT_S)


def _score_all(page: Page, score: str) -> None:
    for criterion in ("accuracy", "evidence", "transferability", "clarity", "completeness"):
        page.locator(f'input[name="{criterion}"][value="{score}"]').check()


def _both_views(page: Page, name: str) -> None:
    """Axe on the page as it is, and screenshots at desktop and phone widths."""
    assert_accessible(page)
    save_screenshot(page, name)
    page.set_viewport_size(PHONE)
    save_screenshot(page, name)
    assert_accessible(page)
    page.set_viewport_size({"width": 1280, "height": 800})


def test_contribution_is_reviewed_in_two_rounds_published_and_flagged_outdated(
    page_as, new_context, people, mailbox, start_worker
):
    start_worker(EMAIL_HOST="127.0.0.1", EMAIL_PORT=mailbox.port)
    practice, author, editor = people["practice"], people["author"], people["editor"]
    kadri, aino = people["kadri"], people["aino"]

    # 1. The author submits the draft for review from its edit page.
    writer = page_as(author)
    writer.goto(f"/practices/{practice.item.slug}/edit/")
    writer.get_by_role("button", name="Submit for review").click()
    expect(writer.get_by_role("status").first).to_contain_text("Submitted for peer review")
    submission_url = writer.url
    assert re.search(r"/reviews/submissions/\d+/$", submission_url)

    # 2. The editor finds it in the queue and sees suggested reviewers without conflicts.
    desk = page_as(editor)
    desk.goto("/reviews/")
    expect(desk.get_by_role("heading", level=1)).to_be_visible()
    _both_views(desk, "review-queue")
    desk.get_by_role("link", name=TITLE).click()
    expect(desk.get_by_text("Kadri Tamm").first).to_be_visible()
    expect(desk.get_by_text("Aino Virtanen").first).to_be_visible()
    # Paul works for the authors' organisation: never suggested.
    expect(desk.get_by_text("Paul Lyonnais")).to_have_count(0)
    desk.get_by_role("button", name="Invite Kadri Tamm").click()
    desk.get_by_role("button", name="Invite Aino Virtanen").click()
    expect(desk.get_by_role("table").first).to_contain_text("Aino Virtanen")
    _both_views(desk, "review-submission-editor")

    # 3. Both reviewers accept from the link in their invitation email.
    reviewers = {}
    for reviewer in (kadri, aino):
        [invitation_email] = _messages_to(mailbox, reviewer.email, 1)
        assert "invited to review" in str(make_header(decode_header(invitation_email["Subject"])))
        page = page_as(reviewer)
        # SITE_URL names the public host; the path is what the link leads to on this server.
        page.goto(
            urlsplit(link_in(mailbox.text_of(invitation_email), "/reviews/invitations/")).path
        )
        if reviewer == kadri:
            _both_views(page, "review-invitation")
        page.get_by_role("button", name="Accept and start reviewing").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Your review of")
        reviewers[reviewer.pk] = page

    # 4. Kadri asks for major changes with an inline comment; Aino accepts.
    page = reviewers[kadri.pk]
    _both_views(page, "review-form")
    _score_all(page, "3")
    page.locator('input[name="recommendation"][value="major_changes"]').check()
    page.get_by_label("Comments to the authors").fill("Say how districts were staffed.")
    page.locator("summary", has_text="Comment on this section: The approach").click()
    page.get_by_label(re.compile(r"Your comment on .The approach.")).fill(
        "How many crews, and who triages the reports?"
    )
    page.get_by_label(re.compile("Confidential comments to the editor")).fill(
        "Promising, but the staffing is unclear."
    )
    page.get_by_role("button", name=re.compile("Submit")).click()
    expect(page.get_by_role("status").first).to_be_visible()

    page = reviewers[aino.pk]
    _score_all(page, "4")
    page.locator('input[name="recommendation"][value="accept"]').check()
    page.get_by_label("Comments to the authors").fill("Clear and useful.")
    page.get_by_role("button", name=re.compile("Submit")).click()
    expect(page.get_by_role("status").first).to_be_visible()
    assert Review.objects.filter(submission__practice=practice).count() == 2

    # 5. The editor requests changes.
    desk.goto(submission_url)
    desk.get_by_label("Request changes").check()
    desk.get_by_label("Note to the authors").fill("Please answer Kadri's points.")
    desk.get_by_role("button", name="Record the decision").click()
    expect(desk.get_by_role("status").first).to_be_visible()

    # 6. The author reads the reviews, answers a point, revises and resubmits.
    writer.goto(submission_url)
    expect(writer.get_by_text("How many crews, and who triages the reports?")).to_be_visible()
    expect(writer.get_by_text("Promising, but the staffing is unclear.")).to_have_count(0)
    _both_views(writer, "review-submission-author")
    writer.get_by_label("Your answer").first.fill("Six crews; the call centre triages reports.")
    writer.get_by_role("button", name=re.compile("answers", re.IGNORECASE)).click()
    writer.goto(f"/practices/{practice.item.slug}/edit/")
    writer.get_by_label("The approach", exact=True).fill(
        "A reporting app sends each pothole to one of six district crews; the call centre "
        "triages reports."
    )
    writer.get_by_role("button", name="Save draft").click()
    expect(writer.get_by_role("status").first).to_have_text("Saved as a new version.")
    writer.goto(submission_url)
    writer.get_by_label("What you changed").fill("Described the crews and the triage.")
    writer.get_by_role("button", name="Resubmit").click()
    expect(writer.get_by_role("status").first).to_be_visible()

    # 7. Both reviewers see the difference and accept the revised version.
    for reviewer in (kadri, aino):
        page = reviewers[reviewer.pk]
        page.goto("/notifications/")
        page.get_by_role("link", name=re.compile("revised version")).click()
        page.get_by_role("link", name="Write your review").click()
        expect(page.locator("ins").first).to_be_visible()
        _score_all(page, "4")
        page.locator('input[name="recommendation"][value="accept"]').check()
        page.get_by_role("button", name=re.compile("Submit")).click()
        expect(page.get_by_role("status").first).to_be_visible()

    # 8. The editor accepts and publishes with evidence level 3.
    desk.goto(submission_url)
    desk.get_by_label("Accept", exact=True).check()
    desk.get_by_role("button", name="Record the decision").click()
    expect(desk.get_by_role("status").first).to_be_visible()
    desk.locator('input[name="evidence_level"][value="3"]').check()
    desk.get_by_label("Editor's note").fill("Outcomes measured against the year before.")
    desk.get_by_role("button", name="Publish").click()
    expect(desk.get_by_role("status").first).to_be_visible()
    practice = Practice.objects.select_related("item").get(pk=practice.pk)
    assert (practice.state, practice.evidence_level, practice.item.status) == (
        ContributionState.PUBLISHED,
        3,
        "published",
    )

    # 9. An anonymous visitor sees "Peer reviewed" and reads how it was reviewed.
    visitor = new_context().new_page()
    visitor.goto(f"/practices/{practice.item.slug}/")
    expect(visitor.get_by_text("Peer reviewed").first).to_be_visible()
    expect(visitor.get_by_text(re.compile("Compared with a baseline")).first).to_be_visible()
    _both_views(visitor, "practice-peer-reviewed")
    visitor.goto(f"/practices/{practice.item.slug}/review/")
    expect(visitor.get_by_text("Kadri Tamm").first).to_be_visible()
    expect(visitor.get_by_text("Outcomes measured against the year before.")).to_be_visible()
    expect(visitor.get_by_text("Promising, but the staffing is unclear.")).to_have_count(0)
    _both_views(visitor, "practice-review-summary")
    visitor.goto("/about/review/")
    _both_views(visitor, "about-review")

    # 10. A member flags it as outdated; it appears in the editor's re-review queue.
    reader = page_as(people["member"])
    reader.goto(f"/practices/{practice.item.slug}/")
    reader.get_by_role("link", name=re.compile("outdated", re.IGNORECASE)).first.click()
    _both_views(reader, "flag-outdated")
    reader.get_by_label("What has changed?").fill("The city merged two districts in 2026.")
    reader.get_by_role("button", name=re.compile("Flag|Send", re.IGNORECASE)).click()
    expect(reader.get_by_role("status").first).to_be_visible()
    desk.goto("/reviews/rereview/")
    expect(desk.get_by_role("link", name=TITLE)).to_be_visible()
    expect(desk.get_by_text("The city merged two districts in 2026.")).to_be_attached()
    _both_views(desk, "rereview-queue")

    # The bell shows the author what happened.
    writer.goto("/notifications/")
    expect(writer.get_by_text(re.compile("is published")).first).to_be_visible()
    _both_views(writer, "notifications")
