"""Contribution pages: who sees what, writing and publishing, history and diffs, concurrent
edits, bad input, adaptations, adoptions, the filtered list, and bounded query counts."""

import datetime
import html
import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import dateformat, timezone

from govcommons.core.models import Item, ItemStatus, Revision, Visibility
from govcommons.practices import services
from govcommons.practices.models import (
    Adoption,
    AdoptionOutcome,
    AdoptionStage,
    ContributionState,
    MemberContext,
    Practice,
)
from govcommons.practices.tests.conftest import ROLES
from govcommons.practices.tests.factories import (
    AdoptionFactory,
    AttachmentFactory,
    LinkFactory,
    OutcomeFactory,
    PracticeFactory,
    mark_published,
    practice_input,
    write_draft,
    write_published,
)
from govcommons.reviews import services as review_services
from govcommons.reviews.models import Submission, SubmissionKind
from govcommons.reviews.tests import factories as review_factories

DRAFT_READERS = {"author", "co_author", "moderator"}

# PostgreSQL asks the server for a search's tsquery text first (search.backends).
SEARCH_QUERY_TEXT = 1 if connection.vendor == "postgresql" else 0


def sign_in(client, people, role):
    if role != "anonymous":
        client.force_login(people[role])
    return client


def body(response) -> str:
    return response.content.decode()


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def field_error(response, name: str) -> str:
    """The error shown beside one field (components/field.html), as text."""
    pattern = rf'<p class="field__error" id="id_{re.escape(name)}-error">'
    match = re.search(pattern + r"<strong>Error:</strong> ([^<]*)</p>", body(response))
    return html.unescape(match.group(1)) if match else ""


def form_data(kind: str = "case_study", **overrides) -> dict:
    """What the create or edit form posts for a case study, with two empty outcome rows."""
    data = {
        "kind": kind,
        "title": "Fixing potholes in a week",
        "summary": "Residents report potholes in an app; crews fix them within a week.",
        "challenge": "Potholes took three weeks to repair.",
        "approach": "A reporting app routed to crews by district.",
        "stage": "in_operation",
        "language": "en",
        "licence": "CC-BY-4.0",
        "visibility": "public",
        "cost_currency": "EUR",
        "co_authors": "",
        "outcomes-TOTAL_FORMS": "2",
        "outcomes-INITIAL_FORMS": "0",
        "outcomes-MIN_NUM_FORMS": "0",
        "outcomes-MAX_NUM_FORMS": "30",
        "links-TOTAL_FORMS": "1",
        "links-INITIAL_FORMS": "0",
        "links-MIN_NUM_FORMS": "0",
        "links-MAX_NUM_FORMS": "20",
    }
    data.update(overrides)
    return data


def edit(client, practice, base_revision, **overrides):
    return client.post(
        reverse("practices:edit", args=[practice.item.slug]),
        form_data(base_revision=str(base_revision), **overrides),
    )


def fresh(practice) -> Item:
    return Item.objects.get(pk=practice.pk)


# --- Drafts are private -----------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_a_draft_page_and_history_are_for_its_authors_and_moderators(client, people, role):
    draft = write_draft(people.author, co_authors=[people.co_author], title="Secret pothole plan")
    sign_in(client, people, role)
    expected = 200 if role in DRAFT_READERS else 404

    detail = client.get(reverse("practices:detail", args=[draft.item.slug]))
    history = client.get(reverse("practices:history", args=[draft.item.slug]))
    listing = client.get(reverse("practices:list"))

    assert (detail.status_code, history.status_code) == (expected, expected)
    assert listing.status_code == 200
    assert "Secret pothole plan" not in body(listing)
    if expected == 200:
        assert "This is a draft" in body(detail)
        assert "Secret pothole plan" in body(history)


@pytest.mark.parametrize("role", ["member", "verified", "author", "co_author", "moderator"])
def test_my_drafts_page_lists_the_drafts_one_writes(client, people, role):
    write_draft(people.author, co_authors=[people.co_author], title="Secret pothole plan")
    sign_in(client, people, role)

    response = client.get(reverse("practices:drafts"))

    assert response.status_code == 200
    assert ("Secret pothole plan" in body(response)) is (role in {"author", "co_author"})


@pytest.mark.parametrize("role", ["anonymous", "member", "verified"])
def test_others_cannot_open_the_edit_form_of_a_draft(client, people, role):
    draft = write_draft(people.author)
    sign_in(client, people, role)

    response = client.get(reverse("practices:edit", args=[draft.item.slug]))

    assert response.status_code == (302 if role == "anonymous" else 404)


def test_others_cannot_save_over_a_published_contribution(client, people):
    practice = write_published(people.author)
    client.force_login(people.verified)

    response = edit(client, practice, 1, title="Hijacked")

    assert response.status_code == 403
    assert (fresh(practice).title, fresh(practice).revision_number) == (
        "Fixing potholes in a week",
        1,
    )


# --- Visibility levels on every page that lists contributions ---------------------------------

LEVEL_READERS = {
    Visibility.PUBLIC: set(ROLES),
    Visibility.MEMBERS: set(ROLES) - {"anonymous"},
    Visibility.VERIFIED: {"verified", "author", "co_author", "moderator"},
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("visibility", list(LEVEL_READERS))
def test_each_visibility_level_is_respected_on_every_page(
    client, people, topic, moderator, role, visibility
):
    practice = write_published(
        people.author,
        title="Candid lessons from Lyon",
        co_authors=[people.co_author],
        topics=[topic],
        visibility=visibility,
        organization=people.author.organization,
    )
    adopter = people.verified.organization
    services.report_adoption(
        member=moderator,
        practice_id=practice.pk,
        organization=adopter,
        stage=AdoptionStage.PILOTING,
        adopted_on=datetime.date(2025, 5, 1),
    )
    sign_in(client, people, role)
    readable = role in LEVEL_READERS[visibility]
    title = "Candid lessons from Lyon"

    detail = client.get(reverse("practices:detail", args=[practice.item.slug]))
    history = client.get(reverse("practices:history", args=[practice.item.slug]))
    listing = client.get(reverse("practices:list"))
    topic_page = client.get(reverse("taxonomy:topic", args=[topic.slug]))
    owner_page = client.get(people.author.organization.get_absolute_url())
    adopter_page = client.get(adopter.get_absolute_url())
    profile = client.get(people.author.get_absolute_url())

    assert detail.status_code == (200 if readable else 404)
    assert history.status_code == (200 if readable else 404)
    for page in (listing, topic_page, owner_page, adopter_page, profile):
        assert page.status_code == 200
    for page in (listing, topic_page, owner_page, adopter_page):
        assert (title in body(page)) is readable
    assert listing.context["page_obj"].paginator.count == (1 if readable else 0)
    kind_counts = {value: n for value, _label, n in listing.context["facets"]["kind"]}
    assert kind_counts == ({"case_study": 1} if readable else {})
    assert list(profile.context["practices_page"].object_list) == ([practice] if readable else [])


# --- Writing and publishing -------------------------------------------------------------------


def test_choosing_a_kind_comes_first(client, member):
    client.force_login(member)

    response = client.get(reverse("practices:create"))

    assert response.status_code == 200
    assert [value for value, _label in response.context["kinds"]][:2] == [
        "best_practice",
        "case_study",
    ]


def test_a_tip_shows_only_the_fields_that_fit_it(client, member):
    client.force_login(member)

    response = client.get(reverse("practices:create"), {"kind": "practical_tip"})

    fields = set(response.context["form"].fields)
    assert {"approach", "lessons", "title", "summary"} <= fields
    assert not fields & {"challenge", "implementation", "start_date", "jurisdiction_type"}
    assert response.context["with_outcomes"] is False


def test_an_unverified_member_saves_a_draft_with_outcomes_and_co_authors(client, people):
    client.force_login(people.member)

    response = client.post(
        reverse("practices:create"),
        form_data(
            co_authors=people.co_author.email.upper(),
            **{
                "outcomes-0-name": "Days to repair a pothole",
                "outcomes-0-baseline": "21",
                "outcomes-0-result": "6",
                "outcomes-0-unit": "days",
                "links-0-url": "code.example.org/potholes",
                "links-0-kind": "repository",
            },
        ),
    )

    practice = Practice.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("practices:edit", args=[practice.item.slug])
    assert messages_of(response) == [
        "Your draft is saved. Only you and your co-authors can see it."
    ]
    assert (practice.item.status, practice.item.author) == (ItemStatus.DRAFT, people.member)
    assert list(practice.item.co_authors.all()) == [people.co_author]
    assert list(practice.outcomes.values_list("name", "result")) == [
        ("Days to repair a pothole", 6)
    ]
    assert list(practice.links.values_list("url", flat=True)) == [
        "https://code.example.org/potholes"
    ]


def test_a_co_author_edits_the_draft_from_the_form(client, people):
    practice = write_draft(people.author, co_authors=[people.co_author])
    client.force_login(people.co_author)
    form = client.get(reverse("practices:edit", args=[practice.item.slug]))
    assert form.status_code == 200
    assert form.context["form"]["base_revision"].value() == 1

    response = edit(
        client,
        practice,
        1,
        title="Fixing potholes in six days",
        co_authors=people.co_author.email,
        message="Newer figures",
    )

    assert response.status_code == 302
    assert messages_of(response) == ["Saved as a new version."]
    revision = Revision.objects.get(item_id=practice.pk, number=2)
    assert (revision.author, revision.message, revision.snapshot["title"]) == (
        people.co_author,
        "Newer figures",
        "Fixing potholes in six days",
    )


def test_a_preview_renders_the_text_without_saving(client, people):
    practice = write_draft(people.author)
    client.force_login(people.author)

    response = edit(client, practice, 1, approach="We **tried** it.", preview="1")

    assert response.status_code == 200
    assert "We <strong>tried</strong> it." in body(response)
    assert fresh(practice).revision_number == 1


# --- Submitting for review --------------------------------------------------------------------


def submit(client, practice, **data):
    return client.post(reverse("practices:submit", args=[practice.item.slug]), data)


def test_a_verified_author_submits_a_draft_for_review_from_the_edit_page(client, people, topic):
    practice = write_draft(people.author, topics=[topic])
    client.force_login(people.author)
    form = client.get(reverse("practices:edit", args=[practice.item.slug]))
    submit_url = reverse("practices:submit", args=[practice.item.slug])
    assert submit_url == f"/practices/{practice.item.slug}/submit/"
    assert f'<form method="post" action="{submit_url}" class="submit-panel__form">' in body(form)
    assert "change" not in form.context["submit_form"].fields

    response = submit(client, practice, note="  We measured it for a year.\r\nAsk me.  ")

    submission = Submission.objects.get(practice=practice)
    assert response.status_code == 302
    assert response["Location"] == reverse("reviews:submission", args=[submission.pk])
    assert messages_of(response) == [
        "Submitted for peer review. You will be notified here and by email when the editor "
        "and the reviewers have read it."
    ]
    assert (submission.kind, submission.state, submission.note_from_author) == (
        SubmissionKind.FIRST,
        ContributionState.SUBMITTED,
        "We measured it for a year.\nAsk me.",
    )
    item = fresh(practice)
    assert (item.status, item.published_at) == (ItemStatus.DRAFT, None)
    assert Practice.objects.get(pk=practice.pk).state == ContributionState.SUBMITTED
    assert Client().get(practice.get_absolute_url()).status_code == 404


def test_an_unverified_author_is_told_how_to_get_verified_and_nothing_is_submitted(
    client, member, topic
):
    practice = write_draft(member, topics=[topic])
    client.force_login(member)

    response = submit(client, practice)

    assert response.status_code == 403
    assert "accounts/verification_required.html" in [t.name for t in response.templates]
    assert "How to get verified" in body(response)
    assert (fresh(practice).status, fresh(practice).published_at) == (ItemStatus.DRAFT, None)
    assert Submission.objects.count() == 0


def test_a_visitor_is_asked_to_sign_in_to_submit(client, people, topic):
    practice = write_draft(people.author, topics=[topic])

    response = submit(client, practice)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert Submission.objects.count() == 0


@pytest.mark.parametrize(
    ("role", "status", "template"),
    [
        # A draft is not theirs to know about.
        ("verified", 404, "404.html"),
        # Moderators are not authors, and submitting needs a verified author anyway.
        ("moderator", 403, "accounts/verification_required.html"),
        ("co_author", 403, "accounts/verification_required.html"),
    ],
)
def test_only_its_verified_authors_may_submit_a_draft(
    client, people, topic, role, status, template
):
    practice = write_draft(people.author, topics=[topic], co_authors=[people.co_author])
    client.force_login(people[role])

    response = submit(client, practice)

    assert response.status_code == status
    assert template in [t.name for t in response.templates]
    assert Submission.objects.count() == 0
    assert Practice.objects.get(pk=practice.pk).state == ContributionState.DRAFT


def test_a_verified_member_cannot_submit_someone_elses_published_contribution(
    client, people, topic
):
    practice = write_published(people.author, topics=[topic])
    services.update_practice(
        member=people.author,
        practice_id=practice.pk,
        data=practice_input(title="Second", topics=[topic]),
        base_revision=1,
    )
    client.force_login(people.verified)

    response = submit(client, practice)

    assert response.status_code == 403
    assert Submission.objects.count() == 0


def test_submitting_twice_is_refused_and_the_author_is_told_it_is_locked(client, people, topic):
    practice = write_draft(people.author, topics=[topic])
    client.force_login(people.author)
    submit(client, practice)

    response = client.post(reverse("practices:submit", args=[practice.item.slug]), follow=True)

    assert response.redirect_chain == [(reverse("practices:edit", args=[practice.item.slug]), 302)]
    assert response.status_code == 403
    assert "practices/locked.html" in [t.name for t in response.templates]
    assert "This contribution is already with the editors." in body(response)
    assert Submission.objects.filter(practice=practice).count() == 1


def test_submitting_without_a_summary_says_what_is_missing_on_the_edit_page(client, people, topic):
    practice = write_draft(people.author, summary="", topics=[topic])
    client.force_login(people.author)

    response = client.post(reverse("practices:submit", args=[practice.item.slug]), follow=True)

    assert response.redirect_chain == [(reverse("practices:edit", args=[practice.item.slug]), 302)]
    assert response.status_code == 200
    assert "Before submitting, fill in: summary." in body(response)
    assert fresh(practice).status == ItemStatus.DRAFT
    assert Submission.objects.count() == 0


def test_a_published_contribution_without_changes_has_nothing_to_submit(client, people, topic):
    practice = write_published(people.author, topics=[topic])
    client.force_login(people.author)

    response = client.post(reverse("practices:submit", args=[practice.item.slug]), follow=True)

    assert "Nothing has changed since the published version." in body(response)
    assert Submission.objects.count() == 0


def outcome_fields(result: str = "6") -> dict:
    return {
        "outcomes-TOTAL_FORMS": "3",
        "outcomes-INITIAL_FORMS": "0",
        "outcomes-0-name": "Days to repair a pothole",
        "outcomes-0-baseline": "21",
        "outcomes-0-result": result,
        "outcomes-0-unit": "days",
        "links-TOTAL_FORMS": "2",
        "links-INITIAL_FORMS": "0",
        "links-0-url": "https://data.example.org/potholes",
        "links-0-kind": "dataset",
        "links-0-title": "Repair data",
    }


def test_an_authors_edit_of_a_published_contribution_waits_for_review(client, people, topic):
    practice = write_published(people.author, topics=[topic], co_authors=[people.co_author])
    client.force_login(people.author)
    form = client.get(reverse("practices:edit", args=[practice.item.slug]))
    assert (
        "Your changes are saved as a new version; the published version stays visible until "
        "the changes are reviewed."
    ) in body(form)

    response = edit(
        client,
        practice,
        1,
        title="Fixing potholes in five days",
        topics=[str(topic.pk)],
        co_authors=people.co_author.email,
        start_date="2023-02-01",
        cost_amount="1250.50",
        message="The 2025 figures",
        **outcome_fields(result="5"),
    )

    assert response.status_code == 302
    assert messages_of(response) == [
        "Saved as a new version. Readers still see the published version until your changes "
        "are reviewed: submit them for review when they are ready."
    ]
    # Readers still see the published version.
    public = Client().get(practice.get_absolute_url())
    assert public.context["item"].title == "Fixing potholes in a week"
    assert "Fixing potholes in five days" not in body(public)
    assert list(public.context["practice"].outcomes.all()) == []
    # The authors go on editing the newest version, lists and dates included.
    again = client.get(reverse("practices:edit", args=[practice.item.slug]))
    initial = again.context["form"].initial
    assert (
        initial["title"],
        initial["co_authors"],
        initial["topics"],
        initial["start_date"],
        initial["cost_amount"],
        initial["base_revision"],
    ) == (
        "Fixing potholes in five days",
        people.co_author.email,
        [topic.pk],
        datetime.date(2023, 2, 1),
        Decimal("1250.5"),
        2,
    )
    assert [f.initial for f in again.context["outcome_set"].forms[:1]] == [
        {
            "name": "Days to repair a pothole",
            "unit": "days",
            "baseline": "21",
            "result": "5",
            "period": "",
            "source": "",
        }
    ]
    assert again.context["link_set"].forms[0].initial == {
        "kind": "dataset",
        "url": "https://data.example.org/potholes",
        "title": "Repair data",
    }
    assert "You are editing version 2, which is not published yet; readers see version 1." in (
        body(again)
    )
    assert set(again.context["submit_form"].fields) == {"note", "change"}
    assert "Minor edit (typo, link, wording) — approved by a moderator" in body(again)
    # The author's own page says what is waiting.
    page = body(client.get(practice.get_absolute_url()))
    assert "You have unpublished changes (version 2)." in page
    assert "You have unpublished changes" not in body(public)


@pytest.mark.parametrize(
    ("change", "kind"), [("minor", SubmissionKind.MINOR), ("substantial", SubmissionKind.REVISION)]
)
def test_changes_to_a_published_contribution_are_submitted_as_minor_or_substantial(
    client, people, topic, change, kind
):
    practice = write_published(people.author, topics=[topic])
    services.update_practice(
        member=people.author,
        practice_id=practice.pk,
        data=practice_input(title="Fixing potholes in a week!", topics=[topic]),
        base_revision=1,
    )
    client.force_login(people.author)

    response = submit(client, practice, change=change, note="Punctuation.")

    submission = Submission.objects.get(practice=practice)
    assert response["Location"] == reverse("reviews:submission", args=[submission.pk])
    assert (submission.kind, submission.revision_number, submission.live_revision) == (kind, 2, 1)
    assert (fresh(practice).title, Practice.objects.get(pk=practice.pk).state) == (
        "Fixing potholes in a week",
        ContributionState.PUBLISHED,
    )
    page = html.unescape(body(client.get(practice.get_absolute_url())))
    expected = (
        "Version 2 waits for an editor's approval as a minor edit."
        if change == "minor"
        else "Version 2 is in review."
    )
    assert expected in page


def test_an_unknown_change_size_is_refused_and_nothing_is_submitted(client, people, topic):
    practice = write_published(people.author, topics=[topic])
    services.update_practice(
        member=people.author,
        practice_id=practice.pk,
        data=practice_input(title="Second", topics=[topic]),
        base_revision=1,
    )
    client.force_login(people.author)

    response = client.post(
        reverse("practices:submit", args=[practice.item.slug]), {"change": "huge"}, follow=True
    )

    assert "Select a valid choice. huge is not one of the available choices." in html.unescape(
        body(response)
    )
    assert Submission.objects.count() == 0


@pytest.mark.parametrize("role", ["author", "co_author"])
def test_while_in_review_the_authors_get_a_locked_page_and_nothing_changes(
    client, people, topic, role
):
    practice = write_draft(people.author, topics=[topic], co_authors=[people.co_author])
    submission = review_services.submit_for_review(member=people.author, practice_id=practice.pk)
    client.force_login(people[role])

    page = client.get(reverse("practices:edit", args=[practice.item.slug]))
    post = edit(client, practice, 1, title="Changed in review", topics=[str(topic.pk)])

    assert (page.status_code, post.status_code) == (403, 403)
    assert page.templates[0].name == "practices/locked.html"
    text = body(page)
    assert "It cannot be edited while it is in review" in text
    assert "To change it now, withdraw it from review" in text
    assert reverse("reviews:submission", args=[submission.pk]) in text
    assert (fresh(practice).title, fresh(practice).revision_number) == (
        "Fixing potholes in a week",
        1,
    )


def test_while_in_review_others_get_a_plain_refusal_and_nobody_edits(client, people, topic):
    practice = write_published(people.author, topics=[topic])
    services.update_practice(
        member=people.author,
        practice_id=practice.pk,
        data=practice_input(title="Second", topics=[topic]),
        base_revision=1,
    )
    review_services.submit_for_review(member=people.author, practice_id=practice.pk)
    url = reverse("practices:edit", args=[practice.item.slug])

    client.force_login(people.verified)
    stranger = client.get(url)
    client.force_login(people.moderator)
    moderator = client.get(url)
    client.force_login(people.author)
    author = client.get(url)

    # Moderators included: the version published must be the one that was reviewed.
    assert (stranger.status_code, moderator.status_code, author.status_code) == (403, 403, 403)
    assert "practices/locked.html" not in [t.name for t in stranger.templates]
    assert "practices/locked.html" not in [t.name for t in moderator.templates]
    assert author.templates[0].name == "practices/locked.html"
    assert Item.objects.get(pk=practice.pk).revision_number == 2


# --- History, diffs and restore ---------------------------------------------------------------


def three_versions(people):
    practice = write_draft(people.author, message="First draft of the story")
    for n, title in ((1, "Second title"), (2, "<script>alert('x')</script> Third title")):
        services.update_practice(
            member=people.author,
            practice_id=practice.pk,
            data=practice_input(title=title),
            base_revision=n,
            message=f"Change {n + 1}",
        )
    return practice


def test_the_history_lists_every_version_with_who_and_why(client, people):
    practice = three_versions(people)
    client.force_login(people.author)

    response = client.get(reverse("practices:history", args=[practice.item.slug]))

    assert [r.number for r in response.context["page_obj"]] == [3, 2, 1]
    page = body(response)
    for message in ("First draft of the story", "Change 2", "Change 3"):
        assert message in page
    assert people.author.display_name in page
    assert "<script>alert" not in page


def test_a_diff_shows_field_changes_with_what_members_typed_escaped(client, people):
    practice = three_versions(people)
    client.force_login(people.author)

    response = client.get(
        reverse("practices:compare", args=[practice.item.slug]), {"from": 1, "to": 3}
    )

    page = body(response)
    assert response.status_code == 200
    assert [d.field for d in response.context["diffs"]] == ["title"]
    assert "<script>alert" not in page
    assert "<ins>&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;</ins>" in page
    assert "<del>Fixing</del>" in page


@pytest.mark.parametrize("query", [{"from": "x", "to": "2"}, {"from": "1", "to": "9"}])
def test_comparing_versions_that_do_not_exist_is_a_404(client, people, query):
    practice = three_versions(people)
    client.force_login(people.author)

    response = client.get(reverse("practices:compare", args=[practice.item.slug]), query)

    assert response.status_code == 404


@pytest.mark.parametrize("role", ["author", "co_author", "moderator"])
def test_authors_and_moderators_restore_an_old_version_as_a_new_one(client, people, role):
    practice = write_published(people.author, co_authors=[people.co_author])
    services.update_practice(
        member=people.author,
        practice_id=practice.pk,
        data=practice_input(title="Second", co_authors=[people.co_author]),
        base_revision=1,
    )
    client.force_login(people[role])

    response = client.post(reverse("practices:restore", args=[practice.item.slug, 1]))

    assert response.status_code == 302
    assert messages_of(response) == ["Version 1 is restored as a new version."]
    first, restored = (Revision.objects.get(item_id=practice.pk, number=n) for n in (1, 3))
    assert restored.snapshot == first.snapshot
    assert (restored.author, restored.restored_from) == (people[role], 1)
    assert fresh(practice).title == "Fixing potholes in a week"


@pytest.mark.parametrize(("role", "status"), [("member", 403), ("verified", 403)])
def test_other_members_cannot_restore(client, people, role, status):
    practice = write_published(people.author)
    services.update_practice(
        member=people.author,
        practice_id=practice.pk,
        data=practice_input(title="Second"),
        base_revision=1,
    )
    client.force_login(people[role])

    response = client.post(reverse("practices:restore", args=[practice.item.slug, 1]))

    assert response.status_code == status
    # The author's "Second" is an unpublished version 2; the published title is unchanged.
    assert (fresh(practice).title, fresh(practice).revision_number) == (
        "Fixing potholes in a week",
        2,
    )


def test_restoring_a_version_that_does_not_exist_is_a_404(client, people):
    practice = write_draft(people.author)
    client.force_login(people.author)

    response = client.post(reverse("practices:restore", args=[practice.item.slug, 5]))

    assert response.status_code == 404
    assert fresh(practice).revision_number == 1


# --- Concurrent edits -------------------------------------------------------------------------


def test_the_second_of_two_editors_is_told_shown_the_difference_and_keeps_their_text(
    people,
):
    practice = write_draft(people.author, co_authors=[people.co_author])
    first, second = Client(), Client()
    first.force_login(people.author)
    second.force_login(people.co_author)
    url = reverse("practices:edit", args=[practice.item.slug])
    base_first = first.get(url).context["form"]["base_revision"].value()
    base_second = second.get(url).context["form"]["base_revision"].value()
    assert base_first == base_second == 1
    co_authors = people.co_author.email

    saved = edit(
        first, practice, base_first, title="Potholes fixed in six days", co_authors=co_authors
    )
    assert saved.status_code == 302

    refused = edit(
        second,
        practice,
        base_second,
        title="Potholes fixed by night crews",
        approach="Night crews work while traffic is light.",
        co_authors=co_authors,
        message="My night crews idea",
    )

    page = body(refused)
    assert refused.status_code == 200
    assert "Someone else saved this contribution while you were editing it" in page
    assert [(d.field, d.html) for d in refused.context["conflict_diff"]] == [
        (
            "title",
            "Potholes fixed <del>in</del><ins>by</ins> <del>six</del><ins>night</ins> "
            "<del>days</del><ins>crews</ins>",
        ),
        (
            "approach",
            "<del>A reporting app routed to</del><ins>Night</ins> crews "
            "<del>by</del><ins>work</ins> <del>district.</del><ins>while traffic is light.</ins>",
        ),
    ]
    assert '<dd class="diff__text">Potholes fixed <del>in</del><ins>by</ins>' in page
    # What the second editor typed is still in the form.
    assert 'value="Potholes fixed by night crews"' in page
    assert "Night crews work while traffic is light." in page
    assert 'value="My night crews idea"' in page
    # Nothing was overwritten.
    item = fresh(practice)
    assert (item.title, item.revision_number) == ("Potholes fixed in six days", 2)
    assert Revision.objects.filter(item=item).count() == 2

    # Saving again, knowingly over the newer version, succeeds.
    new_base = refused.context["form"]["base_revision"].value()
    again = edit(
        second,
        practice,
        new_base,
        title="Potholes fixed by night crews",
        co_authors=co_authors,
    )
    assert again.status_code == 302
    item = fresh(practice)
    assert (item.title, item.revision_number) == ("Potholes fixed by night crews", 3)


# --- Bad input --------------------------------------------------------------------------------


class Tags(HTMLParser):
    """The real tags of a page and their attributes (text that looks like HTML is not a tag)."""

    def __init__(self, page: str):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def test_markdown_scripts_and_javascript_links_are_neutralised_on_the_page(client, people):
    practice = write_published(
        people.author,
        title="<script>alert('title')</script>Potholes",
        summary="Summary with <script>alert('summary')</script> and [a](javascript:alert(1)).",
        approach=(
            "Hello <script>alert('x')</script>\n\n"
            "[click me](javascript:alert(1)) and [also](JAVASCRIPT:alert(2)) and "
            '<a href="javascript:alert(3)">raw</a> and <img src=x onerror="alert(4)">\n\n'
            "[fine](https://example.org/ok)"
        ),
    )

    response = client.get(reverse("practices:detail", args=[practice.item.slug]))

    page = body(response)
    tags = Tags(page).tags
    assert response.status_code == 200
    # The only scripts are the site's own (htmx, search suggestions) and the JSON-LD block.
    assert [a.get("src") or a.get("type") for t, a in tags if t == "script"] == [
        "/static/django_htmx/htmx-2.min.js",
        "application/ld+json",
        "/static/search/suggest.js",
    ]
    assert "<script>alert" not in page
    assert "</script>Potholes" not in page
    assert [
        a["href"] for t, a in tags if t == "a" and "javascript" in a.get("href", "").lower()
    ] == []
    assert [t for t, a in tags if t == "img" or any(k.startswith("on") for k in a)] == []
    assert '<a href="https://example.org/ok" rel="nofollow noopener ugc">fine</a>' in page


def test_a_non_numeric_metric_is_shown_beside_the_field_and_the_text_is_kept(client, member):
    client.force_login(member)

    response = client.post(
        reverse("practices:create"),
        form_data(
            title="My typed title",
            **{"outcomes-0-name": "Days to repair", "outcomes-0-result": "about six"},
        ),
    )

    page = body(response)
    assert response.status_code == 200
    assert field_error(response, "outcomes-0-result") == "Enter a number."
    assert 'value="about six"' in page
    assert 'value="My typed title"' in page
    assert Item.objects.count() == 0


def test_an_outcome_without_a_result_is_refused_beside_the_field(client, member):
    client.force_login(member)

    response = client.post(
        reverse("practices:create"), form_data(**{"outcomes-0-name": "Days to repair"})
    )

    assert field_error(response, "outcomes-0-result") == "Give the measured result as a number."
    assert Item.objects.count() == 0


def test_an_end_date_before_the_start_is_shown_beside_the_field(client, people):
    practice = write_draft(people.author)
    client.force_login(people.author)

    response = edit(
        client,
        practice,
        1,
        title="Typed before the mistake",
        start_date="2024-06-01",
        end_date="2024-01-01",
    )

    page = body(response)
    assert response.status_code == 200
    assert field_error(response, "end_date") == "The end date is before the start date."
    assert 'value="Typed before the mistake"' in page
    assert 'value="2024-01-01"' in page
    assert fresh(practice).revision_number == 1


def test_an_unknown_co_author_is_refused_beside_the_field(client, people):
    client.force_login(people.author)

    response = client.post(
        reverse("practices:create"),
        form_data(co_authors=f"{people.co_author.email}\nnobody@nowhere.example"),
    )

    assert response.status_code == 200
    assert field_error(response, "co_authors") == (
        "No member has the address nobody@nowhere.example. Co-authors need a GovCommons account."
    )
    assert f"{people.co_author.email}\nnobody@nowhere.example</textarea>" in body(response)
    assert Item.objects.count() == 0


# --- Adaptations ------------------------------------------------------------------------------


def test_adapting_opens_a_linked_draft_and_the_original_lists_published_adaptations(client, people):
    source = write_published(people.author, title="Night crews for potholes")
    client.force_login(people.verified)

    response = client.post(reverse("practices:adapt", args=[source.item.slug]))

    draft = Practice.objects.get(adapted_from=source)
    assert response.status_code == 302
    assert response["Location"] == reverse("practices:edit", args=[draft.item.slug])
    assert (draft.item.author, draft.item.status) == (people.verified, ItemStatus.DRAFT)
    original = client.get(source.get_absolute_url())
    assert "Adapted: Night crews for potholes" not in body(original)  # still a draft

    mark_published(draft)  # as if its review had published it

    original = body(client.get(source.get_absolute_url()))
    assert "Adapted: Night crews for potholes" in original
    adapted_page = body(client.get(draft.get_absolute_url()))
    assert f'Adapted from <a href="{source.get_absolute_url()}">Night crews for potholes</a>' in (
        adapted_page
    )


def test_a_draft_cannot_be_adapted(client, people):
    draft = write_draft(people.author)
    client.force_login(people.author)

    response = client.post(reverse("practices:adapt", args=[draft.item.slug]))

    assert response.status_code == 403
    assert Item.objects.count() == 1


# --- Adoptions --------------------------------------------------------------------------------


def test_a_member_reports_their_organisations_adoption_with_results(client, people):
    practice = write_published(people.author)
    client.force_login(people.verified)
    organization = people.verified.organization

    response = client.post(
        reverse("practices:adopt", args=[practice.item.slug]),
        {
            "organization": organization.pk,
            "stage": "piloting",
            "adopted_on": "2025-04-01",
            "notes": "Two districts first.",
            "outcomes-TOTAL_FORMS": "2",
            "outcomes-INITIAL_FORMS": "0",
            "outcomes-0-name": "Days to repair",
            "outcomes-0-baseline": "30",
            "outcomes-0-result": "9",
        },
    )

    assert response.status_code == 302
    assert messages_of(response) == ["Thank you: the adoption is recorded."]
    adoption = Adoption.objects.get()
    assert (adoption.organization, adoption.stage, adoption.reported_by) == (
        organization,
        AdoptionStage.PILOTING,
        people.verified,
    )
    assert list(AdoptionOutcome.objects.values_list("name", flat=True)) == ["Days to repair"]
    assert (fresh(practice).adoption_count, fresh(practice).adoption_country_count) == (1, 1)
    page = body(client.get(practice.get_absolute_url()))
    assert "Adopted by <strong>1 organisation</strong> in <strong>1 country</strong>." in page
    assert organization.name in page


def test_reporting_for_another_organisation_is_refused_beside_the_field(client, people):
    practice = write_published(people.author)
    client.force_login(people.verified)

    response = client.post(
        reverse("practices:adopt", args=[practice.item.slug]),
        {
            "organization": people.author.organization.pk,
            "stage": "piloting",
            "adopted_on": "2025-04-01",
            "outcomes-TOTAL_FORMS": "0",
            "outcomes-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 200
    assert field_error(response, "organization").startswith("Select a valid choice.")
    assert Adoption.objects.count() == 0


def test_a_moderator_may_report_for_any_organisation(client, people, make_organization):
    practice = write_published(people.author)
    elsewhere = make_organization(country="ES")
    client.force_login(people.moderator)

    response = client.post(
        reverse("practices:adopt", args=[practice.item.slug]),
        {
            "organization": elsewhere.pk,
            "stage": "in_operation",
            "adopted_on": "2025-04-01",
            "outcomes-TOTAL_FORMS": "0",
            "outcomes-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302
    assert list(Adoption.objects.values_list("organization", flat=True)) == [elsewhere.pk]


def test_a_future_adoption_date_is_refused_beside_the_field(client, people):
    practice = write_published(people.author)
    client.force_login(people.verified)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    response = client.post(
        reverse("practices:adopt", args=[practice.item.slug]),
        {
            "organization": people.verified.organization.pk,
            "stage": "planning",
            "adopted_on": tomorrow.isoformat(),
            "notes": "Typed notes",
            "outcomes-TOTAL_FORMS": "0",
            "outcomes-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 200
    assert field_error(response, "adopted_on") == "The date is in the future."
    assert "Typed notes" in body(response)
    assert Adoption.objects.count() == 0


def test_a_member_without_an_organisation_is_told_why_they_cannot_report(client, people):
    practice = write_published(people.author)
    client.force_login(people.member)

    response = client.get(reverse("practices:adopt", args=[practice.item.slug]))

    assert response.status_code == 403
    assert "Your profile does not say which organisation you work for yet." in body(response)


def test_the_page_counts_adopting_organisations_and_countries(client, people, make_organization):
    practice = write_published(people.author)
    for country in ("FR", "FR", "DE", "IT"):
        services.report_adoption(
            member=people.moderator,
            practice_id=practice.pk,
            organization=make_organization(country=country),
            stage=AdoptionStage.IN_OPERATION,
            adopted_on=datetime.date(2025, 1, 1),
        )

    page = body(client.get(practice.get_absolute_url()))

    assert "Adopted by <strong>4 organisations</strong> in <strong>3 countries</strong>." in page


# --- Peer review on the page ------------------------------------------------------------------


def reviewed(people, desk, *, evidence_level: int = 4, **fields) -> Practice:
    """Written by the author, then reviewed and published by the desk."""
    practice = write_draft(people.author, topics=[desk.topic], **fields)
    submission = review_services.submit_for_review(member=people.author, practice_id=practice.pk)
    desk.publish(submission, evidence_level=evidence_level)
    return Practice.objects.select_related("item").get(pk=practice.pk)


def day(value, fmt: str = "j F Y") -> str:
    return dateformat.format(timezone.localtime(value) if hasattr(value, "tzinfo") else value, fmt)


def test_a_peer_reviewed_contribution_shows_its_evidence_level_and_review_dates(
    client, people, desk
):
    practice = reviewed(people, desk, evidence_level=4)

    response = client.get(practice.get_absolute_url())

    page = body(response)
    assert response.status_code == 200
    assert page.count('<span class="badge badge--reviewed">Peer reviewed</span>') == 2
    assert (
        '<span class="evidence evidence--4">4 · Independently evaluated</span> '
        '<a class="review-panel__help" href="/about/review/#evidence-levels">'
        "What the levels mean</a>"
    ) in page
    reviewed_at, due_on = practice.last_reviewed_at, practice.rereview_due_on
    assert (
        f'<dt>Last reviewed</dt><dd><time datetime="{day(reviewed_at, "c")}">'
        f"{day(reviewed_at)}</time></dd>"
    ) in page
    assert (
        f'<dt>Next review due</dt><dd><time datetime="{due_on.isoformat()}">'
        f"{day(due_on, 'F Y')}</time></dd>"
    ) in page
    assert due_on == timezone.localdate(reviewed_at).replace(year=reviewed_at.year + 2)
    review_url = reverse("reviews:practice_review", args=[practice.item.slug])
    assert f'<a href="{review_url}">How this was reviewed</a>' in page
    # Readers who follow no review see no review state.
    assert "Follow the review" not in page
    assert "Flag as possibly outdated" not in page  # visitors must sign in to flag


def test_a_contribution_published_without_review_says_so(client, people):
    practice = write_published(people.author)

    page = body(client.get(practice.get_absolute_url()))

    assert "This contribution has not been peer reviewed." in page
    assert "badge--reviewed" not in page
    assert "How this was reviewed" not in page


@pytest.mark.parametrize(
    ("role", "flag"),
    [("anonymous", False), ("member", True), ("verified", True), ("author", True)],
)
def test_signed_in_members_may_flag_a_contribution_as_possibly_outdated(
    client, people, desk, role, flag
):
    practice = reviewed(people, desk)
    sign_in(client, people, role)

    page = body(client.get(practice.get_absolute_url()))

    link = (
        f'<a href="{reverse("reviews:flag_outdated", args=[practice.item.slug])}">'
        "Flag as possibly outdated</a>"
    )
    assert (link in page) is flag


def test_an_outdated_contribution_warns_every_reader_and_says_why(client, people, desk):
    practice = reviewed(people, desk)
    review_services.mark_outdated(
        editor=desk.editor,
        practice_id=practice.pk,
        reason="The 2025 road law changed who repairs what.",
    )

    response = client.get(practice.get_absolute_url())
    listing = client.get(reverse("practices:list"))

    page = body(response)
    assert "This contribution may be out of date" in page
    assert "An editor noted: The 2025 road law changed who repairs what." in page
    assert '<span class="badge badge--draft">May be out of date</span>' in page
    # Still a peer reviewed, listed contribution.
    assert '<span class="badge badge--reviewed">Peer reviewed</span>' in page
    assert titles(listing) == ["Fixing potholes in a week"]
    assert "May be out of date" in body(listing)


def test_an_archived_contribution_keeps_its_page_but_leaves_the_list(client, people, desk):
    practice = reviewed(people, desk)
    review_services.archive(
        editor=desk.editor, practice_id=practice.pk, reason="The service was closed in 2025."
    )
    client.force_login(people.member)

    page = body(client.get(practice.get_absolute_url()))
    default = client.get(reverse("practices:list"))
    with_archived = client.get(reverse("practices:list"), {"include_archived": "on"})

    assert "This contribution is kept for reference" in page
    assert '<span class="badge badge--archived">Archived</span>' in page
    assert "Flag as possibly outdated" not in page
    assert titles(default) == []
    assert default.context["page_obj"].paginator.count == 0
    assert titles(with_archived) == ["Fixing potholes in a week"]
    assert '<span class="badge badge--archived">Archived</span>' in body(with_archived)


@pytest.mark.parametrize(
    ("role", "status", "sees_state"),
    [
        ("anonymous", 404, False),
        ("verified", 404, False),
        ("author", 200, True),
        ("co_author", 200, True),
        ("moderator", 200, True),
    ],
)
def test_the_review_state_of_a_new_contribution_is_shown_to_its_authors_and_moderators(
    client, people, desk, role, status, sees_state
):
    practice = write_draft(people.author, topics=[desk.topic], co_authors=[people.co_author])
    submission = review_services.submit_for_review(member=people.author, practice_id=practice.pk)
    sign_in(client, people, role)
    submission_link = (
        f'<a href="{reverse("reviews:submission", args=[submission.pk])}">Follow the review</a>'
    )

    submitted = client.get(practice.get_absolute_url())
    for reviewer in desk.reviewers:
        review_factories.review(review_factories.invite(desk.editor, submission, reviewer))
    review_services.decide(
        editor=desk.editor,
        submission_id=submission.pk,
        decision="request_changes",
        note="Add the cost per repair.",
    )
    returned = client.get(practice.get_absolute_url())

    assert (submitted.status_code, returned.status_code) == (status, status)
    if sees_state:
        assert '<span class="badge badge--draft">Submitted</span>' in body(submitted)
        assert "Submitted for peer review" in body(submitted)
        assert submission_link in body(submitted)
        page = body(returned)
        assert '<span class="badge badge--draft">Changes requested</span>' in page
        assert (
            "The editor asks for changes before it can be published. "
            f'<a href="{reverse("reviews:submission", args=[submission.pk])}">'
            "See the reviews</a>"
        ) in page


def test_after_a_decline_the_authors_are_linked_to_the_decision(client, people, desk):
    practice = write_draft(people.author, topics=[desk.topic])
    submission = review_services.submit_for_review(member=people.author, practice_id=practice.pk)
    review_services.decide(
        editor=desk.editor, submission_id=submission.pk, decision="decline", note="Out of scope."
    )
    client.force_login(people.author)

    page = body(client.get(practice.get_absolute_url()))

    assert "Not accepted" in page
    assert (
        f'<a href="{reverse("reviews:submission", args=[submission.pk])}">Read the decision</a>'
    ) in page
    assert "You may rework it and submit it again." in page


@pytest.mark.parametrize(("role", "sees"), [("anonymous", False), ("author", True)])
def test_changes_in_review_are_shown_to_the_authors_not_to_readers(
    client, people, desk, role, sees
):
    practice = reviewed(people, desk)
    services.update_practice(
        member=people.author,
        practice_id=practice.pk,
        data=practice_input(title="Fixing potholes in five days", topics=[desk.topic]),
        base_revision=1,
    )
    submission = review_services.submit_for_review(member=people.author, practice_id=practice.pk)
    sign_in(client, people, role)

    response = client.get(practice.get_absolute_url())

    page = body(response)
    assert response.context["item"].title == "Fixing potholes in a week"
    assert ("Version 2 is in review." in page) is sees
    assert (reverse("reviews:submission", args=[submission.pk]) in page) is sees
    assert "You have unpublished changes" not in page


# --- Your drafts and submissions ---------------------------------------------------------------


def test_my_drafts_page_shows_each_contributions_review_state_with_links(client, people, desk):
    author = people.author
    titles_by_state = {}
    for state in ("draft", "submitted", "in_review", "changes_requested", "declined", "withdrawn"):
        practice = write_draft(author, topics=[desk.topic], title=f"Story {state}")
        titles_by_state[state] = practice
        if state == "draft":
            continue
        submission = review_services.submit_for_review(member=author, practice_id=practice.pk)
        if state in ("in_review", "changes_requested"):
            invitation = review_factories.invite(desk.editor, submission, desk.reviewers[0])
        if state == "changes_requested":
            review_factories.review(invitation)
            review_services.decide(
                editor=desk.editor,
                submission_id=submission.pk,
                decision="request_changes",
                note="More figures.",
            )
        if state == "declined":
            review_services.decide(
                editor=desk.editor, submission_id=submission.pk, decision="decline"
            )
        if state == "withdrawn":
            review_services.withdraw(member=author, submission_id=submission.pk)
    reviewed(people, desk, title="Already published")
    client.force_login(author)

    response = client.get(reverse("practices:drafts"))

    rows = list(response.context["page_obj"])
    assert sorted(p.item.title for p in rows) == sorted(f"Story {s}" for s in titles_by_state)
    assert {p.item.title: p.state for p in rows} == {f"Story {s}": s for s in titles_by_state}
    page = body(response)
    for state, label in (
        ("draft", "Draft"),
        ("submitted", "Submitted"),
        ("in_review", "In review"),
        ("changes_requested", "Changes requested"),
        ("declined", "Declined"),
        ("withdrawn", "Withdrawn"),
    ):
        assert f'<span class="badge badge--state badge--{state}">{label}</span>' in page
        practice = titles_by_state[state]
        submission = Submission.objects.filter(practice=practice).first()
        assert (submission is None) is (state == "draft")
        if submission is not None:
            assert f'href="{reverse("reviews:submission", args=[submission.pk])}"' in page
    assert "The editor asks for changes: revise it, answer the reviews and resubmit it." in page
    assert "Already published" not in page


@pytest.mark.parametrize("rows", [1, 20])
def test_my_drafts_page_runs_a_bounded_number_of_queries(
    client, people, desk, django_assert_max_num_queries, rows
):
    for n in range(rows):
        practice = write_draft(people.author, topics=[desk.topic], title=f"Story {n}")
        if n % 2:
            review_services.submit_for_review(member=people.author, practice_id=practice.pk)
    client.force_login(people.author)

    with django_assert_max_num_queries(8):
        response = client.get(reverse("practices:drafts"))

    assert len(response.context["page_obj"]) == rows


# --- The list page ----------------------------------------------------------------------------


@pytest.fixture
def shelf(people, make_topic, make_organization, sector):
    """Published contributions that differ in every filter the page offers."""
    digital = make_topic(name="Digital services", slug="digital")
    open_data = make_topic(name="Open data", slug="open-data", parent=digital)
    lyon = make_organization(name="City of Lyon", slug="lyon", country="FR")
    now = timezone.now()
    a = PracticeFactory(
        item__title="Alpha potholes",
        item__organization=lyon,
        item__published_at=now - datetime.timedelta(days=3),
        item__adoption_count=4,
        topics=[open_data],
        sectors=[sector],
        levels=["local"],
        countries=["FR"],
        has_outcomes=True,
        stage="pilot",
        jurisdiction_type="municipality",
        evidence_level=2,
        last_reviewed_at=now - datetime.timedelta(days=3),
    )
    b = PracticeFactory(
        item__title="Beta benches",
        item__language="fr",
        item__published_at=now - datetime.timedelta(days=1),
        contribution_kind="best_practice",
        topics=[digital],
        countries=["DE"],
        stage="scaled",
        evidence_level=4,
        last_reviewed_at=now - datetime.timedelta(days=1),
    )
    c = PracticeFactory(
        item__title="Gamma gardens",
        item__organization=lyon,
        item__published_at=now - datetime.timedelta(days=2),
        item__adoption_count=1,
        countries=["FR"],
        has_outcomes=True,
        jurisdiction_type="region",
    )
    return a, b, c


def titles(response) -> list[str]:
    return [p.item.title for p in response.context["page_obj"]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ["Beta benches", "Gamma gardens", "Alpha potholes"]),
        ({"kind": "case_study"}, ["Gamma gardens", "Alpha potholes"]),
        ({"topic": "digital"}, ["Beta benches", "Alpha potholes"]),
        ({"topic": "open-data"}, ["Alpha potholes"]),
        ({"sector": "sector-x"}, []),
        ({"level": "local"}, ["Alpha potholes"]),
        ({"country": "fr"}, ["Gamma gardens", "Alpha potholes"]),
        ({"organization": "lyon"}, ["Gamma gardens", "Alpha potholes"]),
        ({"language": "fr"}, ["Beta benches"]),
        ({"stage": "scaled"}, ["Beta benches"]),
        ({"has_outcomes": "on"}, ["Gamma gardens", "Alpha potholes"]),
        ({"min_adoptions": "2"}, ["Alpha potholes"]),
        ({"jurisdiction_type": "region"}, ["Gamma gardens"]),
        (
            {"country": "FR", "has_outcomes": "on", "min_adoptions": "1"},
            ["Gamma gardens", "Alpha potholes"],
        ),
        ({"organization": "lyon", "topic": "digital", "level": "local"}, ["Alpha potholes"]),
        ({"sort": "adopted"}, ["Alpha potholes", "Gamma gardens", "Beta benches"]),
        ({"sort": "newest", "kind": "best_practice"}, ["Beta benches"]),
        ({"q": "gardens"}, ["Gamma gardens"]),
        ({"min_evidence": "1"}, ["Beta benches", "Alpha potholes"]),
        ({"min_evidence": "3"}, ["Beta benches"]),
        ({"min_evidence": "5"}, []),
        ({"peer_reviewed": "on"}, ["Beta benches", "Alpha potholes"]),
        ({"peer_reviewed": "on", "country": "FR"}, ["Alpha potholes"]),
        ({"min_evidence": "many"}, ["Beta benches", "Gamma gardens", "Alpha potholes"]),
    ],
)
def test_list_filters_from_the_address_combine(client, shelf, query, expected):
    response = client.get(reverse("practices:list"), query)

    assert response.status_code == 200
    assert titles(response) == expected


def test_list_shows_exact_counts_beside_filter_values(client, shelf):
    response = client.get(reverse("practices:list"), {"country": "FR"})

    facets = response.context["facets"]
    assert facets["kind"] == [("case_study", "Case study", 2)]
    assert facets["country"] == [("FR", "France", 2), ("DE", "Germany", 1)]
    assert facets["topic"] == [("digital", "Digital services", 1), ("open-data", "Open data", 1)]
    page = body(response)
    assert ">Case study (2)</option>" in page
    assert ">Germany (1)</option>" in page


def test_cards_show_peer_review_and_the_evidence_level_and_the_filter_counts_levels(client, shelf):
    response = client.get(reverse("practices:list"), {"min_evidence": "3"})

    page = body(response)
    assert response.context["facets"]["min_evidence"] == [
        ("1", "At least 1 · Described", 2),
        ("2", "At least 2 · Outcomes measured", 2),
        ("3", "At least 3 · Compared with a baseline or control", 1),
        ("4", "At least 4 · Independently evaluated", 1),
    ]
    assert (
        '<p class="practice-card__kind">Best practice '
        '<span class="badge badge--reviewed">Peer reviewed</span></p>'
    ) in page
    assert (
        '<li>Evidence level <span class="evidence evidence--4">4 · Independently evaluated'
        "</span></li>"
    ) in page
    assert (
        '<option value="3" selected>At least 3 · Compared with a baseline or control (1)</option>'
    ) in page
    assert "Evidence level: <strong>At least 3 · Compared with a baseline or control</strong>" in (
        page
    )
    everything = body(client.get(reverse("practices:list")))
    assert everything.count("badge--reviewed") == 2
    assert everything.count('class="evidence evidence--') == 2


def test_sorting_by_recently_updated_and_by_fit(client, people, shelf):
    a, b, c = shelf
    now = timezone.now()
    for practice, days in ((a, 1), (c, 2), (b, 3)):
        Item.objects.filter(pk=practice.pk).update(updated_at=now - datetime.timedelta(days=days))
    MemberContext.objects.create(member=people.member, jurisdiction_type="region")
    client.force_login(people.member)

    updated = client.get(reverse("practices:list"), {"sort": "updated"})
    fit = client.get(reverse("practices:list"), {"sort": "fit"})

    assert titles(updated) == ["Alpha potholes", "Gamma gardens", "Beta benches"]
    assert titles(fit) == ["Gamma gardens", "Beta benches", "Alpha potholes"]
    assert fit.context["sort"] == "fit"


def test_saving_my_context_leads_to_the_fit_sort(client, people):
    client.force_login(people.member)

    response = client.post(
        reverse("practices:my_context"),
        {"jurisdiction_type": "municipality", "population_band": "10k-100k", "budget_band": ""},
    )

    assert response.status_code == 302
    assert response["Location"] == "/practices/?sort=fit"
    assert MemberContext.objects.get().jurisdiction_type == "municipality"


@pytest.mark.parametrize(
    "query",
    [
        {"kind": "<script>", "topic": "nope", "sector": "nope", "level": "nope"},
        {"country": "ZZZZ", "organization": "x" * 500, "language": "xx", "stage": "??"},
        {"min_adoptions": "many", "has_outcomes": "maybe", "sort": "random"},
        {"min_adoptions": "-3", "page": "9999"},
        {"page": "abc"},
        {"page": "-1", "sort": "fit"},
        {"jurisdiction_type": "\x00", "population_band": "∞", "budget_band": "'; drop"},
        {
            "kind": "\x00",
            "topic": "a\x00b",
            "q": "\x00",
            "organization": "\x00",
            "country": "F\x00",
        },
    ],
)
def test_unknown_filter_values_and_pages_never_fail(client, shelf, query):
    response = client.get(reverse("practices:list"), query)

    assert response.status_code == 200


def test_a_page_past_the_end_shows_the_last_page(client, people):
    PracticeFactory.create_batch(25)

    response = client.get(reverse("practices:list"), {"page": "99"})

    assert response.status_code == 200
    assert response.context["page_obj"].number == 2
    assert len(response.context["page_obj"].object_list) == 5


def test_an_htmx_filter_request_gets_only_the_results(client, shelf):
    response = client.get(
        reverse("practices:list"), {"kind": "best_practice"}, headers={"HX-Request": "true"}
    )

    assert response.status_code == 200
    assert response.templates[0].name == "practices/_results.html"
    assert "<html" not in body(response)
    assert titles(response) == ["Beta benches"]


# --- Query counts -----------------------------------------------------------------------------


def busy_practice(people, make_member, make_organization, rows: int) -> Practice:
    """A published contribution with `rows` of everything its page shows."""
    practice = write_published(people.author, organization=people.author.organization)
    co_authors = make_member.create_batch(rows)
    for n in range(rows):
        services.update_practice(
            member=people.author,
            practice_id=practice.pk,
            data=practice_input(title=f"Version {n + 2}", co_authors=co_authors),
            base_revision=n + 1,
        )
    for _ in range(rows):
        OutcomeFactory(practice=practice)
        LinkFactory(practice=practice)
        AttachmentFactory(practice=practice)
        adoption = AdoptionFactory(practice=practice, organization=make_organization())
        adoption.outcomes.create(name="Days", result=5)
        PracticeFactory(adapted_from=practice)
    return practice


@pytest.mark.parametrize("rows", [1, 30])
@pytest.mark.parametrize("role", ["anonymous", "author", "moderator"])
def test_the_page_runs_a_bounded_number_of_queries(
    client, people, make_member, make_organization, django_assert_max_num_queries, rows, role
):
    practice = busy_practice(people, make_member, make_organization, rows)
    sign_in(client, people, role)

    # A moderator's two-factor is looked up once per permission asked (edit, adopt, follow
    # the review): 19 for them, fewer for others, and never more with more rows.
    # 19 + related content and "also adopted" (+1 on PostgreSQL: the search's tsquery text).
    with django_assert_max_num_queries(24 + SEARCH_QUERY_TEXT):
        response = client.get(practice.get_absolute_url())

    assert response.status_code == 200
    assert len(response.context["practice"].outcomes.all()) == rows


@pytest.mark.parametrize("rows", [1, 30])
@pytest.mark.parametrize("state", ["in_review", "declined", "outdated"])
def test_the_page_in_each_review_state_runs_a_bounded_number_of_queries(
    client, people, desk, make_member, django_assert_max_num_queries, rows, state
):
    """The open submission comes with the page's own query; only a closed review costs the
    authors one more (the newest submission, for the link to the decision)."""
    practice = write_draft(
        people.author, topics=[desk.topic], co_authors=make_member.create_batch(rows)
    )
    for _ in range(rows):
        OutcomeFactory(practice=practice)
    submission = review_services.submit_for_review(member=people.author, practice_id=practice.pk)
    if state == "in_review":
        review_factories.invite(desk.editor, submission, desk.reviewers[0])
    elif state == "declined":
        review_services.decide(editor=desk.editor, submission_id=submission.pk, decision="decline")
    else:
        desk.publish(submission)
        review_services.mark_outdated(editor=desk.editor, practice_id=practice.pk, reason="Old.")
    client.force_login(people.author)

    # 17 + "cited in N answers" + related content (+1 on PostgreSQL: the tsquery text).
    with django_assert_max_num_queries(23 + SEARCH_QUERY_TEXT):
        response = client.get(practice.get_absolute_url())

    assert response.status_code == 200
    # Published (then outdated), nothing is with the editors: no review link to show.
    expected = None if state == "outdated" else submission.pk
    assert response.context["submission_id"] == expected
    assert len(response.context["practice"].outcomes.all()) == rows


@pytest.mark.parametrize("rows", [1, 30])
def test_the_edit_form_runs_a_bounded_number_of_queries(
    client, people, make_member, make_organization, django_assert_max_num_queries, rows
):
    practice = busy_practice(people, make_member, make_organization, rows)
    client.force_login(people.author)

    # The author edits the newest, unpublished version: one query for it, one for the emails
    # of its co-authors (who are not the published version's).
    with django_assert_max_num_queries(21):
        response = client.get(reverse("practices:edit", args=[practice.item.slug]))

    assert response.status_code == 200
    assert len(response.context["practice"].attachments.all()) == rows


@pytest.mark.parametrize("rows", [1, 30])
def test_the_history_runs_a_bounded_number_of_queries(
    client, people, make_member, make_organization, django_assert_max_num_queries, rows
):
    practice = busy_practice(people, make_member, make_organization, rows)

    with django_assert_max_num_queries(18):
        response = client.get(reverse("practices:history", args=[practice.item.slug]))

    assert response.status_code == 200
    assert len(response.context["page_obj"]) == rows + 1


@pytest.mark.parametrize("count", [1, 30])
@pytest.mark.parametrize("role", ["anonymous", "member"])
def test_the_list_runs_a_bounded_number_of_queries(
    client,
    people,
    make_member,
    make_topic,
    make_organization,
    django_assert_max_num_queries,
    count,
    role,
):
    topics = make_topic.create_batch(3)
    for _ in range(count):
        practice = PracticeFactory(
            item__organization=make_organization(),
            item__co_authors=make_member.create_batch(2),
            topics=topics,
            countries=["FR", "DE", "IT"],
            levels=["local", "regional"],
            has_outcomes=True,
        )
        OutcomeFactory.create_batch(2, practice=practice)
        AdoptionFactory(practice=practice)
    sign_in(client, people, role)

    # One query per facet, the evidence level's included.
    with django_assert_max_num_queries(25):
        response = client.get(reverse("practices:list"), {"country": "FR", "sort": "adopted"})

    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == count


def test_a_conflict_also_shows_differences_in_outcomes(people):
    practice = write_draft(people.author, co_authors=[people.co_author])
    first, second = Client(), Client()
    first.force_login(people.author)
    second.force_login(people.co_author)
    co_authors = people.co_author.email
    assert edit(first, practice, 1, co_authors=co_authors).status_code == 302

    refused = edit(
        second,
        practice,
        1,
        co_authors=co_authors,
        **{
            "outcomes-0-name": "Days to repair a pothole",
            "outcomes-0-baseline": "21",
            "outcomes-0-result": "6",
        },
    )

    assert refused.status_code == 200
    diffs = {d.field: d.html for d in refused.context["conflict_diff"]}
    assert "outcomes" in diffs
    assert (
        diffs["outcomes"] == "<ins>name: Days to repair a pothole · baseline: 21 · result: 6</ins>"
    )
    assert fresh(practice).revision_number == 2
