"""The peer review pages the journey does not walk through: axe-clean and readable at desktop and
phone widths (review statistics, a reviewer's invitations, the frozen version with its changes,
declared conflicts, a contribution locked while in review)."""

import pytest
from playwright.sync_api import expect

from govcommons.accounts import services as account_services
from govcommons.accounts.models import Role
from govcommons.reviews import services
from govcommons.reviews.tests.factories import invite, review, revise, submitted

from .conftest import PHONE, assert_accessible, save_screenshot

pytestmark = pytest.mark.browser


@pytest.fixture
def in_round_two(make_member, make_organization, make_topic):
    """A contribution sent back for changes, revised and resubmitted: round 2 is in review."""
    topic = make_topic(name="Roads and streets")
    author = make_member(
        verified=True, organization=make_organization(name="Ville de Lyon"), display_name="Claire"
    )
    reviewer = make_member(
        verified=True, organization=make_organization(name="Tallinn"), display_name="Kadri Tamm"
    )
    reviewer.expertise.add(topic)
    editor = make_member(verified=True, organization=make_organization(), display_name="Elena")
    account_services.grant_role(actor=None, member=editor, role=Role.EDITOR, topic=topic)
    submission = submitted(author, topic, title="Night buses on demand")
    invitation = invite(editor, submission, reviewer)
    review(invitation, "major_changes", inline_comments={"approach": "Which operator runs it?"})
    services.decide(
        editor=editor, submission_id=submission.pk, decision="request_changes", note="See Kadri."
    )
    revise(author, submission.practice, topic, title="Night buses on demand", approach="Run by X.")
    services.resubmit(member=author, submission_id=submission.pk)
    return {"submission": submission, "author": author, "reviewer": reviewer}


def _check(page, name: str) -> None:
    assert_accessible(page)
    save_screenshot(page, name)
    page.set_viewport_size(PHONE)
    assert_accessible(page)
    save_screenshot(page, name)


def test_review_statistics_page_shows_the_chart_and_its_table(page, in_round_two):
    page.goto("/reviews/stats/")
    expect(page.locator("figure svg")).to_be_visible()
    expect(page.get_by_role("table")).to_contain_text("Reviews")
    _check(page, "review-stats")


def test_a_reviewer_sees_their_invitations_and_the_changes_since_their_review(
    page_as, in_round_two
):
    page = page_as(in_round_two["reviewer"])
    page.goto("/reviews/invitations/")
    expect(page.get_by_role("link", name="Night buses on demand").first).to_be_visible()
    _check(page, "review-invitations")

    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"/reviews/submissions/{in_round_two['submission'].pk}/version/")
    expect(page.locator("ins").first).to_be_visible()
    _check(page, "review-version")


def test_the_author_meets_a_locked_contribution_and_declares_a_conflict(page_as, in_round_two):
    page = page_as(in_round_two["author"])
    slug = in_round_two["submission"].practice.item.slug
    page.goto(f"/practices/{slug}/edit/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    _check(page, "practice-locked")

    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/settings/conflicts/")
    page.get_by_label("Person").fill(in_round_two["reviewer"].email)
    page.get_by_label("Reason (optional)").fill("We co-wrote a report in 2025.")
    page.get_by_role("button", name="Declare").click()
    expect(page.get_by_role("status").first).to_be_visible()
    expect(page.get_by_text("Kadri Tamm").first).to_be_visible()
    _check(page, "review-conflicts")
