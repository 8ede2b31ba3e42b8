"""Related content (this file runs on SQLite and on PostgreSQL): "Did someone already share
this?" beside the contribution form, the similar items and "organisations that adopted this also
adopted" on a contribution's page, never showing what the reader may not see, in a bounded
number of queries."""

import html
import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from govcommons.core.models import Item, ItemStatus, Visibility
from govcommons.practices.tests.factories import (
    AdoptionFactory,
    mark_published,
    write_draft,
    write_published,
)
from govcommons.search import related, services
from govcommons.search.models import SearchWord

POTHOLES = "Fixing potholes in six days with a citizen reporting app"
CLINIC = "Shorter waits at the outpatient clinic"
BUDGET = "Participatory budgeting in every district"


def publish(author, title, summary="", **fields):
    """A published, indexed contribution whose words are its title, summary and approach."""
    fields = {"challenge": "", "approach": "", "organization": author.organization, **fields}
    practice = write_published(author, title=title, summary=summary, **fields)
    services.index_item(practice.pk)
    return practice


def set_item(practice, **fields):
    """Change the Item's rows as a service would, then bring the index up to date."""
    Item.objects.filter(pk=practice.pk).update(**fields)
    services.index_item(practice.pk)


def titles(items) -> list[str]:
    return [item.title for item in items]


def listed_titles(response) -> list[str]:
    """The titles of the links in a rendered list, in order."""
    text = response.content.decode()
    return [html.unescape(t) for t in re.findall(r'<a href="/[^"]*"[^>]*>([^<]+)</a>', text)]


@pytest.fixture
def writer(make_member, make_organization):
    return make_member(organization=make_organization(name="Ville de Lyon", country="FR"))


@pytest.fixture
def library(writer):
    return {
        "potholes": publish(
            writer,
            POTHOLES,
            "Residents report potholes from their phones; road crews repair them within a "
            "week instead of three.",
            approach="A reporting app sends each pothole to the crew of its district.",
        ),
        "clinic": publish(
            writer,
            CLINIC,
            "Triage by phone cut waiting times for patients at the outpatient clinic.",
        ),
        "budget": publish(
            writer,
            BUDGET,
            "Residents propose and vote on projects for their neighbourhood every year.",
        ),
    }


# --- Choosing the words ------------------------------------------------------------------------


def test_the_distinctive_words_leave_out_short_and_common_words(db):
    chosen = related.distinctive_words(
        "How we fixed the potholes of our city", "The city repaired potholes with an app."
    )
    # Title words weigh more; one form per stem; "how", "the", "of", "our", "with", "we" are out.
    assert chosen == ["city", "potholes", "fixed", "app", "repaired"]


def test_a_word_found_in_many_titles_gives_way_to_a_rarer_one(db):
    SearchWord.objects.create(word="city", document_count=5000)
    SearchWord.objects.create(word="potholes", document_count=3)

    chosen = related.distinctive_words("City potholes", "", limit=1)

    assert chosen == ["potholes"]


def test_no_words_worth_searching_find_nothing(library, member):
    assert related.similar_to_text(member, "The and of", "") == []
    assert related.similar_to_text(member, "", "") == []


# --- "Did someone already share this?" ----------------------------------------------------------


def test_a_member_writing_a_new_case_study_sees_the_similar_existing_one(client, library, member):
    client.force_login(member)

    response = client.get(
        reverse("related:similar"),
        {
            "title": "A pothole reporting app for residents",
            "summary": "People report potholes and the road crews repair them faster.",
        },
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    text = response.content.decode()
    assert "Did someone already share this?" in text
    assert listed_titles(response) == [POTHOLES]
    # Where it comes from, and a link in the same tab to read it.
    assert "Ville de Lyon" in text
    assert f'href="{library["potholes"].get_absolute_url()}"' in text
    assert "target=" not in text


def test_one_shared_common_word_is_not_a_likeness(library, member):
    # "residents" is in two contributions, but nothing else of this text is.
    similar = related.similar_to_text(member, "Residents enjoy new parks", "")
    assert similar == []


def test_nothing_similar_says_so_and_an_empty_form_shows_nothing(client, library, member):
    client.force_login(member)

    nothing = client.get(reverse("related:similar"), {"title": "Snow clearing by drones"})
    empty = client.get(reverse("related:similar"), {"title": "  ", "summary": ""})

    assert "yours may be the first" in nothing.content.decode()
    assert listed_titles(nothing) == []
    assert empty.content.decode().strip() == ""


def test_the_contribution_being_edited_is_not_similar_to_itself(client, library, member):
    client.force_login(member)
    potholes = library["potholes"]

    response = client.get(
        reverse("related:similar"),
        {"title": "Pothole reporting app", "exclude": str(potholes.pk)},
    )

    assert listed_titles(response) == []


@pytest.mark.parametrize(
    "params",
    [
        {"title": "x" * 10_000, "summary": "y" * 10_000},
        {"title": '"unbalanced NEAR( * : &|! -', "summary": "OR OR -"},
        {"title": "pothole", "exclude": "not-a-number"},
        {},
    ],
)
def test_odd_input_gives_an_answer_never_an_error(client, library, member, params):
    client.force_login(member)
    response = client.get(reverse("related:similar"), params)
    assert response.status_code == 200


def test_a_visitor_who_is_not_signed_in_is_sent_to_sign_in(client, library):
    response = client.get(reverse("related:similar"), {"title": "Pothole reporting app"})

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_the_endpoint_only_answers_reads(client, library, member):
    client.force_login(member)
    response = client.post(reverse("related:similar"), {"title": "Pothole reporting app"})
    assert response.status_code == 405


def test_the_contribution_form_asks_for_similar_ones_as_the_member_types(client, member):
    client.force_login(member)

    response = client.get(reverse("practices:create"), {"kind": "case_study"})

    text = response.content.decode()
    assert f'hx-get="{reverse("related:similar")}"' in text
    assert 'hx-include="#id_title, #id_summary"' in text
    assert (
        'hx-trigger="keyup changed delay:600ms from:#id_title, '
        'keyup changed delay:600ms from:#id_summary"' in text
    )
    # Without JavaScript, a button posts the form again to show the list.
    assert 'name="check_similar"' in text


def test_the_form_for_a_published_contribution_does_not_ask(client, library, writer):
    client.force_login(writer)
    response = client.get(reverse("practices:edit", args=[library["potholes"].item.slug]))
    assert 'name="check_similar"' not in response.content.decode()


def test_the_similar_list_of_a_form_post_keeps_to_readable_contributions(rf, library, member):
    """The no-JavaScript path: the form views call checked_similar with the posted text."""
    from govcommons.search.related_views import checked_similar

    request = rf.post("/practices/new/", {"title": "Pothole reporting app", "check_similar": "1"})
    request.user = member
    saving = rf.post("/practices/new/", {"title": "Pothole reporting app", "save": ""})
    saving.user = member

    assert titles(checked_similar(request)["similar"]) == [POTHOLES]
    assert checked_similar(saving) is None


# --- Who sees what ------------------------------------------------------------------------------


@pytest.fixture
def hidden(writer, make_member):
    """Pothole contributions that some readers may not see."""
    draft = write_draft(writer, title="Pothole repair crews on call", summary="Pothole app.")
    removed = publish(writer, "Pothole mapping by road crews", "Pothole reporting app.")
    set_item(removed, status=ItemStatus.REMOVED)
    members_only = publish(
        writer,
        "Candid lessons from our pothole reporting app",
        "Pothole reporting app for residents.",
    )
    set_item(members_only, visibility=Visibility.MEMBERS)
    verified_only = publish(
        writer,
        "What failed in our pothole reporting app",
        "Pothole reporting app for residents.",
    )
    set_item(verified_only, visibility=Visibility.VERIFIED)
    return {
        "draft": draft,
        "removed": removed,
        "members": members_only,
        "verified": verified_only,
    }


@pytest.mark.parametrize(
    ("reader", "expected"),
    [
        ("anonymous", {POTHOLES}),
        ("member", {POTHOLES, "Candid lessons from our pothole reporting app"}),
        (
            "verified",
            {
                POTHOLES,
                "Candid lessons from our pothole reporting app",
                "What failed in our pothole reporting app",
            },
        ),
        # The author sees their own draft on its page, never in a list of similar ones.
        (
            "writer",
            {
                POTHOLES,
                "Candid lessons from our pothole reporting app",
            },
        ),
    ],
)
def test_drafts_removed_and_restricted_items_never_appear_to_those_who_may_not_see_them(
    library, hidden, writer, make_member, reader, expected
):
    user = {
        "anonymous": AnonymousUser(),
        "member": make_member(),
        "verified": make_member(verified=True),
        "writer": writer,
    }[reader]

    similar = related.similar_to_text(user, "Pothole reporting app", "Residents report potholes.")

    assert set(titles(similar)) == expected
    assert set(titles(related.related_items(user, library["potholes"].item))) == expected - {
        POTHOLES
    }


def test_an_item_removed_while_the_index_lagged_is_still_left_out(library, member):
    Item.objects.filter(pk=library["potholes"].pk).update(status=ItemStatus.REMOVED)

    assert related.similar_to_text(member, "Pothole reporting app", "") == []


# --- On a contribution's page -------------------------------------------------------------------


def test_related_items_are_the_most_similar_published_items_without_itself(library, writer):
    lessons = publish(
        writer,
        "Lessons from a pothole reporting app",
        "Road crews repair potholes reported by residents.",
    )

    similar = related.related_items(AnonymousUser(), library["potholes"].item)

    assert titles(similar) == ["Lessons from a pothole reporting app"]
    assert lessons.pk not in [i.pk for i in related.related_items(AnonymousUser(), lessons.item)]
    assert titles(related.related_items(AnonymousUser(), lessons.item)) == [POTHOLES]


@pytest.fixture
def adopters(make_organization):
    return [make_organization(name=f"Adopter {n}") for n in range(4)]


def adopt(practice, *organizations):
    for organization in organizations:
        AdoptionFactory(practice=practice, organization=organization)


def test_organisations_that_adopted_this_also_adopted(library, writer, adopters, member):
    one, two, three, four = adopters
    potholes, clinic, budget = library["potholes"], library["clinic"], library["budget"]
    lighting = publish(writer, "Smart street lighting")
    private = publish(writer, "Members only: shared procurement")
    set_item(private, visibility=Visibility.MEMBERS)
    removed = publish(writer, "Removed: a chatbot")
    set_item(removed, status=ItemStatus.REMOVED)
    draft = write_draft(writer, title="A draft they adopted")
    adopt(potholes, one, two, three)
    adopt(clinic, one, two)  # two of the same organisations
    adopt(budget, three, four)  # one of them
    adopt(lighting, four)  # none of them
    adopt(private, one, two, three)
    adopt(removed, one, two, three)
    adopt(draft, one)

    anonymous = related.also_adopted(AnonymousUser(), potholes)
    signed_in = related.also_adopted(member, potholes)

    assert [(i.title, i.shared_adopters) for i in anonymous] == [(CLINIC, 2), (BUDGET, 1)]
    assert [(i.title, i.shared_adopters) for i in signed_in] == [
        ("Members only: shared procurement", 3),
        (CLINIC, 2),
        (BUDGET, 1),
    ]
    assert related.also_adopted(member, lighting) == [budget.item]


def test_a_practice_nobody_adopted_has_nothing_also_adopted(library, member):
    assert related.also_adopted(member, library["clinic"]) == []


def test_the_page_of_a_contribution_shows_related_content(client, library, writer, adopters):
    publish(writer, "Lessons from a pothole reporting app", "Residents report potholes.")
    adopt(library["potholes"], adopters[0])
    adopt(library["clinic"], adopters[0])

    response = client.get(library["potholes"].get_absolute_url())

    text = response.content.decode()
    section = text[text.index('aria-labelledby="related-title"') :]
    section = section[: section.index("</section>")]
    assert "Similar on GovCommons" in section
    assert "Lessons from a pothole reporting app" in section
    assert "Organisations that adopted this also adopted" in section
    assert f'<a href="{library["clinic"].get_absolute_url()}"' in section
    assert "1 of them" in section


def test_a_page_with_nothing_related_shows_no_related_section(client, library):
    response = client.get(library["budget"].get_absolute_url())
    assert 'id="related-title"' not in response.content.decode()


def test_a_draft_page_looks_for_nothing_related(client, writer, library):
    draft = write_draft(writer, title=POTHOLES)
    client.force_login(writer)

    response = client.get(draft.get_absolute_url())

    assert response.context["related"] == []
    assert response.context["also_adopted"] == []


@pytest.mark.parametrize("rows", [1, 12])
def test_the_page_with_related_content_runs_a_bounded_number_of_queries(
    client, writer, make_organization, django_assert_max_num_queries, rows
):
    practice = publish(writer, POTHOLES, "Residents report potholes.")
    for n in range(rows):
        other = publish(writer, f"Pothole reporting app, take {n}", "Residents report potholes.")
        organization = make_organization()
        adopt(practice, organization)
        adopt(other, organization)
    client.force_login(writer)

    # 18 for the page, its discussion and the bell; 6 for the similar items (the document, the
    # vocabulary's counts, then the search: count, ids, documents, items; PostgreSQL adds one for
    # its snippets); one for "also adopted". Never more with more rows.
    with django_assert_max_num_queries(26):
        response = client.get(practice.get_absolute_url())

    assert len(response.context["related"]) == min(rows, 5)
    assert len(response.context["also_adopted"]) == min(rows, 5)


def test_mark_published_without_indexing_falls_back_to_the_title(library, writer):
    """A published item the index has not caught up with still finds its relatives."""
    practice = mark_published(write_draft(writer, title="Pothole reporting app in Lille"))

    assert titles(related.related_items(AnonymousUser(), practice.item)) == [POTHOLES]


def test_without_javascript_the_checked_form_shows_the_list_and_keeps_the_text(rf, library, member):
    """What the form views render when "Check for similar contributions" is posted (they pass
    checked_similar's answer as `similar_check`): the member's text, the list, nothing saved."""
    from django.template.loader import render_to_string

    from govcommons.practices import views as practice_views
    from govcommons.practices.forms import PracticeForm
    from govcommons.search.related_views import checked_similar

    data = {"kind": "case_study", "title": "Our pothole reporting app", "check_similar": "1"}
    for prefix in ("outcomes", "links"):
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    request = rf.post(reverse("practices:create"), data)
    request.user = member
    outcome_set, link_set = practice_views._formsets(request, None)
    context = practice_views._form_context(
        PracticeForm(request.POST, kind="case_study"),
        outcome_set,
        link_set,
        "case_study",
        None,
        similar_check=checked_similar(request),
    )

    page = render_to_string("practices/form.html", context, request=request)

    assert 'value="Our pothole reporting app"' in page
    assert "Did someone already share this?" in page
    assert f'<a href="{library["potholes"].get_absolute_url()}"' in page
    assert Item.objects.filter(title="Our pothole reporting app").count() == 0
    # The check posts back to the same address, landing on the list rather than the page top.
    assert f'formaction="{reverse("practices:create")}#similar-results"' in page


@pytest.mark.parametrize(
    ("reader", "shown"),
    [("anonymous", False), ("member", True)],
)
def test_the_page_lists_a_members_only_relative_only_to_members(
    client, library, hidden, make_member, reader, shown
):
    if reader == "member":
        client.force_login(make_member())

    text = client.get(library["potholes"].get_absolute_url()).content.decode()

    assert ("Candid lessons from our pothole reporting app" in text) is shown
    for never in ("Pothole repair crews on call", "Pothole mapping by road crews"):
        assert never not in text
    assert "What failed in our pothole reporting app" not in text
