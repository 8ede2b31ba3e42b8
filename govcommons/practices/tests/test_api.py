"""The practices API: who reads what, the page's filters, writing drafts, conflicts, bad input."""

import json
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from govcommons.accounts.services import create_api_token
from govcommons.core.models import Item, ItemStatus, Revision, Visibility
from govcommons.practices import services
from govcommons.practices.models import Outcome, Practice, PracticeLink
from govcommons.practices.services import PracticeInput
from govcommons.practices.tests.factories import mark_published
from govcommons.reviews.models import Submission

URL = "/api/v1/practices"
PROBLEM = "application/problem+json"


def make_practice(
    author,
    *,
    title="Fixing potholes in 6 days",
    kind="case_study",
    visibility=Visibility.PUBLIC,
    publish=True,
    topics=(),
    sectors=(),
    levels=(),
    countries=(),
    outcomes=(),
    organization=None,
    co_authors=(),
    **fields,
):
    """A contribution written (and published) through the services, as a member would."""
    data = PracticeInput(
        fields={
            "title": title,
            "summary": f"What we did: {title}.",
            "contribution_kind": kind,
            "approach": "We asked residents to report and fixed what they reported.",
            "visibility": visibility,
            "organization": organization,
            **fields,
        },
        topics=list(topics),
        sectors=list(sectors),
        levels=list(levels),
        countries=list(countries),
        outcomes=list(outcomes),
        co_authors=list(co_authors),
    )
    practice = services.create_draft(author=author, data=data)
    if publish:
        # As if its review had published it; the reviews API tests walk the review itself.
        practice = mark_published(practice)
    practice.item.refresh_from_db()
    return practice


def bearer(member) -> dict:
    _token, raw = create_api_token(member=member, name="tests", days=30)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def post_json(client, url, body, **headers):
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


def post_empty(client, url, **headers):
    """A POST without a body, as `curl -X POST` sends it."""
    return client.generic("POST", url, b"", **headers)


def put_json(client, url, body, **headers):
    return client.put(url, json.dumps(body), content_type="application/json", **headers)


def slugs(response) -> set[str]:
    return {row["slug"] for row in response.json()["items"]}


@pytest.fixture
def author(make_member, organization):
    return make_member(verified=True, organization=organization, display_name="Claire Author")


@pytest.fixture
def co_author(make_member):
    return make_member(display_name="Colette Coauthor")


@pytest.fixture
def shelf(author, co_author, topic):
    """One contribution at each visibility, and a draft (ready for review) with a co-author."""
    return {
        "public": make_practice(author, title="Public practice"),
        "members": make_practice(author, title="Members practice", visibility=Visibility.MEMBERS),
        "verified": make_practice(
            author, title="Verified practice", visibility=Visibility.VERIFIED
        ),
        "draft": make_practice(
            author,
            title="Draft practice",
            publish=False,
            co_authors=[co_author],
            organization=author.organization,
            topics=[topic],
        ),
    }


@pytest.fixture
def viewers(author, co_author, member, verified_member, moderator):
    return {
        "anonymous": None,
        "member": member,
        "verified": verified_member,
        "author": author,
        "co_author": co_author,
        "moderator": moderator,
    }


# --- Reading -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("viewer", "expected"),
    [
        ("anonymous", {"public-practice"}),
        ("member", {"public-practice", "members-practice"}),
        ("verified", {"public-practice", "members-practice", "verified-practice"}),
        ("author", {"public-practice", "members-practice", "verified-practice"}),
        ("co_author", {"public-practice", "members-practice"}),
        ("moderator", {"public-practice", "members-practice", "verified-practice"}),
    ],
)
def test_list_shows_published_contributions_at_the_callers_level_and_never_drafts(
    client, shelf, viewers, viewer, expected
):
    user = viewers[viewer]
    if user is not None:
        client.force_login(user)
    response = client.get(URL)
    assert response.status_code == 200
    assert slugs(response) == expected
    assert response.json()["count"] == len(expected)


@pytest.mark.parametrize(
    ("viewer", "readable"),
    [
        ("anonymous", {"public"}),
        ("member", {"public", "members"}),
        ("verified", {"public", "members", "verified"}),
        ("author", {"public", "members", "verified", "draft"}),
        ("co_author", {"public", "members", "draft"}),
        ("moderator", {"public", "members", "verified", "draft"}),
    ],
)
def test_detail_answers_404_problem_for_what_the_caller_may_not_read(
    client, shelf, viewers, viewer, readable
):
    user = viewers[viewer]
    if user is not None:
        client.force_login(user)
    for name, practice in shelf.items():
        response = client.get(f"{URL}/{practice.item.slug}")
        if name in readable:
            assert response.status_code == 200, name
            assert response.json()["slug"] == practice.item.slug
        else:
            assert response.status_code == 404, name
            assert response["Content-Type"] == PROBLEM
            assert response.json() == {
                "type": "about:blank",
                "title": "Not found",
                "status": 404,
                "detail": "Nothing is here.",
            }


def test_missing_contribution_is_a_404_problem(client, db):
    response = client.get(f"{URL}/no-such-thing")
    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM


def test_a_token_reads_as_its_member(client, shelf, verified_member):
    response = client.get(URL, **bearer(verified_member))
    assert slugs(response) == {"public-practice", "members-practice", "verified-practice"}
    draft = client.get(f"{URL}/{shelf['verified'].item.slug}", **bearer(verified_member))
    assert draft.status_code == 200


def test_an_invalid_token_is_refused_not_read_as_anonymous(client, shelf):
    response = client.get(URL, HTTP_AUTHORIZATION="Bearer gc_not-a-real-token")
    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM
    assert response["WWW-Authenticate"] == "Bearer"
    detail = client.get(f"{URL}/public-practice", HTTP_AUTHORIZATION="Basic abc")
    assert detail.status_code == 401


def test_detail_has_everything_the_page_shows(
    client, author, co_author, moderator, make_organization, make_topic, sector, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path
    topic = make_topic(name="Citizen reporting", slug="citizen-reporting")
    source = make_practice(author, title="Helsinki open data API")
    practice = make_practice(
        author,
        title="Fixing potholes in 6 days",
        topics=[topic],
        sectors=[sector],
        levels=["local"],
        countries=["FR", "BE"],
        co_authors=[co_author],
        organization=author.organization,
        outcomes=[
            {
                "name": "Days to repair a reported pothole",
                "unit": "days",
                "baseline": Decimal("21"),
                "result": Decimal("6"),
                "period": "12 months",
                "source": "Road works register",
            }
        ],
        challenge="Potholes waited three weeks.",
        cost_amount=Decimal("120000"),
        staff_fte=Decimal("2.5"),
        start_date=date(2022, 3, 1),
        end_date=date(2023, 3, 1),
        stage="scaled",
        jurisdiction_type="municipality",
        population_band="100k-1m",
        needs_data=True,
    )
    # A moderator's edit of a published contribution goes live at once (an author's waits for
    # review).
    services.update_practice(
        member=moderator,
        practice_id=practice.pk,
        data=PracticeInput(
            fields={"title": "Fixing potholes in 6 days"},
            topics=[topic],
            sectors=[sector],
            levels=["local"],
            countries=["FR", "BE"],
            co_authors=[co_author],
            outcomes=[{"name": "Days to repair", "unit": "days", "baseline": 21, "result": 6}],
            links=[{"kind": "repository", "url": "https://code.example/potholes", "title": "Code"}],
        ),
        base_revision=1,
        message="Links",
    )
    Practice.objects.filter(pk=practice.pk).update(adapted_from=source)
    attachment = services.add_attachment(
        member=author,
        practice_id=practice.pk,
        upload=SimpleUploadedFile("report.pdf", b"%PDF-1.4 report", "application/pdf"),
    )
    brussels = make_organization(name="Ville de Bruxelles", slug="bruxelles", country="BE")
    services.report_adoption(
        member=moderator,
        practice_id=practice.pk,
        organization=brussels,
        stage="piloting",
        adopted_on=date(2024, 1, 15),
        notes="Started in two districts.",
        outcomes=[{"name": "Days to repair", "unit": "days", "baseline": 30, "result": 12}],
    )
    adaptation = services.start_adaptation(member=author, source_id=practice.pk)
    mark_published(adaptation)

    data = client.get(f"{URL}/fixing-potholes-in-6-days").json()

    assert data["title"] == "Fixing potholes in 6 days"
    assert data["contribution_kind"] == "case_study"
    assert data["status"] == "published"
    assert data["revision"] == 2
    assert data["author"] == {"handle": author.handle, "display_name": "Claire Author"}
    assert data["co_authors"] == [{"handle": co_author.handle, "display_name": "Colette Coauthor"}]
    assert data["organization"] == {
        "slug": author.organization.slug,
        "name": author.organization.name,
    }
    assert data["topics"] == [{"slug": "citizen-reporting", "name": "Citizen reporting"}]
    assert data["sectors"] == [{"slug": sector.slug, "name": sector.name}]
    assert data["levels"] == ["local"]
    assert data["countries"] == ["BE", "FR"]
    assert data["outcomes"] == [
        {
            "name": "Days to repair",
            "unit": "days",
            "baseline": "21",
            "result": "6",
            "period": "",
            "source": "",
        }
    ]
    assert data["links"] == [
        {"kind": "repository", "url": "https://code.example/potholes", "title": "Code"}
    ]
    assert data["attachments"] == [
        {
            "name": "report.pdf",
            "content_type": "application/pdf",
            "size": 15,
            "url": f"http://testserver/practices/fixing-potholes-in-6-days/files/{attachment.pk}/",
        }
    ]
    assert data["adoptions"] == {
        "organizations": 1,
        "countries": 1,
        "by_stage": {"planning": 0, "piloting": 1, "in_operation": 0, "stopped": 0},
        "items": [
            {
                "organization": {"slug": "bruxelles", "name": "Ville de Bruxelles"},
                "country": "BE",
                "stage": "piloting",
                "adopted_on": "2024-01-15",
                "notes": "Started in two districts.",
                "outcomes": [
                    {
                        "name": "Days to repair",
                        "unit": "days",
                        "baseline": "30",
                        "result": "12",
                        "period": "",
                        "source": "",
                    }
                ],
            }
        ],
    }
    assert data["adoption_count"] == 1
    assert data["adapted_from"] == {
        "slug": "helsinki-open-data-api",
        "title": "Helsinki open data API",
        "url": "http://testserver/practices/helsinki-open-data-api/",
    }
    assert data["adaptations"] == [
        {
            "slug": adaptation.item.slug,
            "title": "Adapted: Fixing potholes in 6 days",
            "url": f"http://testserver/practices/{adaptation.item.slug}/",
        }
    ]
    assert data["url"] == "http://testserver/practices/fixing-potholes-in-6-days/"
    assert data["can_edit"] is False
    assert data["can_publish"] is False
    assert client.get(attachment_url := data["attachments"][0]["url"]).status_code == 200
    assert attachment_url.endswith(f"/files/{attachment.pk}/")


def test_contributions_show_their_peer_review(client, shelf):
    Practice.objects.filter(pk=shelf["public"].pk).update(
        evidence_level=3,
        last_reviewed_at=datetime(2025, 1, 10, 9, 30, tzinfo=UTC),
        rereview_due_on=date(2027, 1, 10),
    )
    rows = {row["slug"]: row for row in client.get(URL).json()["items"]}
    detail = client.get(f"{URL}/public-practice").json()
    review_fields = ("state", "peer_reviewed", "evidence_level", "last_reviewed_at")
    for data in (rows["public-practice"], detail):
        assert {name: data[name] for name in (*review_fields, "rereview_due_on")} == {
            "state": "published",
            "peer_reviewed": True,
            "evidence_level": 3,
            "last_reviewed_at": "2025-01-10T09:30:00Z",
            "rereview_due_on": "2027-01-10",
        }
    assert detail["has_pending_revision"] is False
    never_reviewed = client.get(f"{URL}/members-practice", **bearer(shelf["public"].item.author))
    assert {name: never_reviewed.json()[name] for name in review_fields} == {
        "state": "published",
        "peer_reviewed": False,
        "evidence_level": None,
        "last_reviewed_at": None,
    }


def test_detail_hides_a_linked_contribution_the_reader_may_not_see(client, author):
    source = make_practice(author, title="Candid failure story", visibility=Visibility.VERIFIED)
    adaptation = services.start_adaptation(member=author, source_id=source.pk)
    services.update_practice(
        member=author,
        practice_id=adaptation.pk,
        data=PracticeInput(fields={"visibility": Visibility.PUBLIC}),
        base_revision=1,
    )
    mark_published(adaptation)

    data = client.get(f"{URL}/{adaptation.item.slug}").json()

    assert data["adapted_from"] is None


# --- Filters -------------------------------------------------------------------------------


@pytest.fixture
def catalogue(author, make_member, make_topic, make_organization, sector, moderator):
    parent = make_topic(name="Digital services", slug="digital-services")
    child = make_topic(name="Open data", slug="open-data", parent=parent)
    other_topic = make_topic(name="Waste", slug="waste")
    helsinki = make_organization(name="City of Helsinki", slug="helsinki", country="FI")
    made = {
        "api": make_practice(
            author,
            title="Helsinki open data API",
            kind="success_story",
            topics=[child],
            sectors=[sector],
            levels=["local"],
            countries=["FI"],
            organization=helsinki,
            language="fi",
            stage="scaled",
            jurisdiction_type="municipality",
            population_band="100k-1m",
            budget_band="100k-1m",
            outcomes=[{"name": "Datasets", "unit": "", "baseline": 10, "result": 400}],
        ),
        "tip": make_practice(
            author,
            title="Plain-language letters",
            kind="practical_tip",
            topics=[parent],
            levels=["national"],
            countries=["GB"],
            stage="in_operation",
            jurisdiction_type="ministry",
            population_band="gt10m",
            budget_band="lt10k",
        ),
        "bins": make_practice(
            author,
            title="Smart bins",
            kind="case_study",
            topics=[other_topic],
            countries=["NL"],
            stage="pilot",
        ),
    }
    for i in range(2):
        adopter = make_organization(name=f"Adopter {i}", slug=f"adopter-{i}", country="DE")
        services.report_adoption(
            member=moderator,
            practice_id=made["tip"].pk,
            organization=adopter,
            stage="in_operation",
            adopted_on=date(2024, 5, 1),
        )
    return made


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"helsinki-open-data-api", "plain-language-letters", "smart-bins"}),
        ("kind=practical_tip", {"plain-language-letters"}),
        ("topic=digital-services", {"helsinki-open-data-api", "plain-language-letters"}),
        ("topic=open-data", {"helsinki-open-data-api"}),
        ("topic=unknown-topic", set()),
        ("level=national", {"plain-language-letters"}),
        ("country=fi", {"helsinki-open-data-api"}),
        ("organization=helsinki", {"helsinki-open-data-api"}),
        ("language=fi", {"helsinki-open-data-api"}),
        ("stage=pilot", {"smart-bins"}),
        ("has_outcomes=true", {"helsinki-open-data-api"}),
        ("min_adoptions=2", {"plain-language-letters"}),
        ("min_adoptions=3", set()),
        ("jurisdiction_type=ministry", {"plain-language-letters"}),
        ("population_band=100k-1m", {"helsinki-open-data-api"}),
        ("budget_band=lt10k", {"plain-language-letters"}),
        ("q=BINS", {"smart-bins"}),
        ("topic=digital-services&level=local&has_outcomes=1", {"helsinki-open-data-api"}),
    ],
)
def test_list_filters_as_the_page_does(client, catalogue, query, expected):
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 200
    assert slugs(response) == expected


def test_list_filters_on_sector(client, catalogue, sector):
    assert slugs(client.get(f"{URL}?sector={sector.slug}")) == {"helsinki-open-data-api"}


def test_list_sorts_by_most_adopted_and_paginates(client, catalogue):
    response = client.get(f"{URL}?sort=adopted&page_size=2")
    body = response.json()
    assert body["count"] == 3
    assert [row["slug"] for row in body["items"]] == ["plain-language-letters", "smart-bins"]
    assert body["items"][0]["adoption_count"] == 2
    assert body["items"][0]["adoption_country_count"] == 1
    second = client.get(f"{URL}?sort=adopted&page_size=2&page=2").json()
    assert [row["slug"] for row in second["items"]] == ["helsinki-open-data-api"]


def test_list_filters_on_a_minimum_evidence_level_and_on_peer_review(client, catalogue):
    reviewed = timezone.now()
    Practice.objects.filter(pk=catalogue["api"].pk).update(
        evidence_level=4, last_reviewed_at=reviewed
    )
    Practice.objects.filter(pk=catalogue["tip"].pk).update(
        evidence_level=2, last_reviewed_at=reviewed
    )
    assert slugs(client.get(f"{URL}?min_evidence=3")) == {"helsinki-open-data-api"}
    assert slugs(client.get(f"{URL}?min_evidence=2")) == {
        "helsinki-open-data-api",
        "plain-language-letters",
    }
    assert slugs(client.get(f"{URL}?min_evidence=5")) == set()
    assert slugs(client.get(f"{URL}?min_evidence=2&kind=practical_tip")) == {
        "plain-language-letters"
    }
    assert slugs(client.get(f"{URL}?peer_reviewed=true")) == {
        "helsinki-open-data-api",
        "plain-language-letters",
    }


def test_list_leaves_archived_contributions_out_unless_asked(client, catalogue):
    Practice.objects.filter(pk=catalogue["bins"].pk).update(state="archived")
    assert slugs(client.get(URL)) == {"helsinki-open-data-api", "plain-language-letters"}
    assert slugs(client.get(f"{URL}?include_archived=true")) == {
        "helsinki-open-data-api",
        "plain-language-letters",
        "smart-bins",
    }


@pytest.mark.parametrize(
    "query",
    [
        "kind=anecdote",
        "level=galactic",
        "stage=finished",
        "sort=random",
        "min_adoptions=-1",
        "min_evidence=6",
        "min_evidence=0",
    ],
)
def test_list_refuses_an_invalid_filter_value_with_a_422_problem(client, catalogue, query):
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 422
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["title"] == "Invalid input"
    assert body["errors"][0]["loc"][0] == "query"


# --- Writing -------------------------------------------------------------------------------


def draft_body(**overrides) -> dict:
    body = {
        "title": "Fixing potholes in 6 days with a citizen reporting app",
        "summary": "Residents report potholes from their phone; crews fix them within 6 days.",
        "contribution_kind": "case_study",
        "challenge": "Reported potholes waited 21 days on average.",
        "approach": "A reporting app routed to crews, with photos and locations.",
        "start_date": "2022-03-01",
        "end_date": "2023-03-01",
        "cost_amount": "120000.50",
        "staff_fte": 2.5,
        "stage": "scaled",
        "visibility": "members",
        "language": "fr",
        "topics": ["citizen-reporting"],
        "levels": ["local", "local"],
        "countries": ["fr", "BE"],
        "jurisdiction_type": "municipality",
        "population_band": "100k-1m",
        "needs_data": True,
        "outcomes": [
            {
                "name": "Days to repair a reported pothole",
                "unit": "days",
                "baseline": 21,
                "result": "6",
                "period": "12 months",
            }
        ],
        "links": [{"kind": "repository", "url": "https://code.example/potholes"}],
        "message": "First draft from the API",
    }
    body.update(overrides)
    return body


@pytest.fixture
def citizen_reporting(make_topic):
    return make_topic(name="Citizen reporting", slug="citizen-reporting")


def test_a_member_creates_a_draft_with_a_token(client, author, co_author, citizen_reporting):
    response = post_json(
        client, URL, draft_body(co_authors=[co_author.email.upper()]), **bearer(author)
    )

    assert response.status_code == 201
    data = response.json()
    assert data["slug"] == "fixing-potholes-in-6-days-with-a-citizen-reporting-app"
    assert data["status"] == "draft"
    assert data["revision"] == 1
    assert data["organization"]["slug"] == author.organization.slug
    assert data["co_authors"] == [{"handle": co_author.handle, "display_name": "Colette Coauthor"}]
    assert data["levels"] == ["local"]
    assert data["countries"] == ["BE", "FR"]
    assert data["cost_amount"] == "120000.5"
    assert data["staff_fte"] == "2.5"
    assert data["can_edit"] is True
    assert data["can_publish"] is True
    practice = Practice.objects.get(item__slug=data["slug"])
    assert practice.item.author == author
    assert practice.item.visibility == "members"
    assert practice.item.language == "fr"
    assert practice.has_outcomes is True
    assert list(practice.topics.all()) == [citizen_reporting]
    assert list(practice.outcomes.values_list("name", "baseline", "result", "period")) == [
        ("Days to repair a reported pothole", Decimal("21"), Decimal("6"), "12 months")
    ]
    assert list(practice.links.values_list("kind", "url", "title")) == [
        ("repository", "https://code.example/potholes", "")
    ]
    assert list(practice.item.revisions.values_list("number", "message")) == [
        (1, "First draft from the API")
    ]
    # Drafts stay invisible to others, in the API as on the page.
    assert client.get(f"{URL}/{data['slug']}").status_code == 404


def test_a_member_creates_a_draft_with_the_session(client, member):
    client.force_login(member)
    response = post_json(client, URL, {"title": "A tip", "contribution_kind": "practical_tip"})
    assert response.status_code == 201
    assert response.json()["organization"] is None
    assert response.json()["can_publish"] is False


def test_create_may_name_another_organisation_or_none(client, author, make_organization):
    other = make_organization(name="Métropole de Lyon", slug="metropole-de-lyon")
    first = post_json(
        client, URL, draft_body(topics=[], organization="metropole-de-lyon"), **bearer(author)
    )
    second = post_json(
        client, URL, draft_body(topics=[], title="Other", organization=None), **bearer(author)
    )
    assert first.json()["organization"] == {"slug": other.slug, "name": "Métropole de Lyon"}
    assert second.json()["organization"] is None


def test_anonymous_callers_cannot_write(client, shelf):
    before = Item.objects.count()
    response = post_json(client, URL, draft_body(topics=[]))
    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM
    assert Item.objects.count() == before
    slug = shelf["public"].item.slug
    assert put_json(client, f"{URL}/{slug}", draft_body(base_revision=1)).status_code == 401
    assert client.post(f"{URL}/{slug}/submit").status_code == 401
    assert client.post(f"{URL}/{slug}/publish").status_code == 401
    assert Item.objects.get(slug=slug).title == "Public practice"


def update_body(**overrides) -> dict:
    return draft_body(**{"topics": [], "title": "Potholes fixed in 5 days", **overrides})


def test_an_author_updates_from_the_current_revision(client, author, shelf):
    draft = shelf["draft"]
    response = put_json(
        client,
        f"{URL}/{draft.item.slug}",
        update_body(base_revision=1, message="New figures"),
        **bearer(author),
    )
    assert response.status_code == 200
    data = response.json()
    assert data["title"] == "Potholes fixed in 5 days"
    assert data["slug"] == "draft-practice"
    assert data["revision"] == 2
    # Left out of the body, the owning organisation and the co-authors stay as they were.
    assert data["organization"]["slug"] == author.organization.slug
    assert [m["display_name"] for m in data["co_authors"]] == ["Colette Coauthor"]
    assert list(draft.item.revisions.values_list("number", "message")) == [
        (2, "New figures"),
        (1, "First draft"),
    ]


def test_an_update_changes_only_what_is_sent(client, author, citizen_reporting):
    created = post_json(client, URL, draft_body(), **bearer(author)).json()
    response = put_json(
        client,
        f"{URL}/{created['slug']}",
        {"base_revision": 1, "summary": "Now in 5 days.", "cost_amount": None, "countries": []},
        **bearer(author),
    )
    data = response.json()
    assert response.status_code == 200
    assert data["summary"] == "Now in 5 days."
    assert data["cost_amount"] is None
    assert data["countries"] == []
    for name in ("title", "challenge", "topics", "levels", "outcomes", "links", "start_date"):
        assert data[name] == created[name], name
    assert data["revision"] == 2


def test_a_co_author_and_a_moderator_may_update(client, co_author, moderator, shelf):
    slug = shelf["draft"].item.slug
    first = put_json(client, f"{URL}/{slug}", update_body(base_revision=1), **bearer(co_author))
    client.force_login(moderator)
    second = put_json(client, f"{URL}/{slug}", update_body(base_revision=2))
    assert (first.status_code, second.status_code) == (200, 200)
    assert second.json()["revision"] == 3


def test_a_stale_base_revision_is_a_409_and_changes_nothing(client, author, co_author, shelf):
    slug = shelf["draft"].item.slug
    assert put_json(client, f"{URL}/{slug}", update_body(base_revision=1), **bearer(co_author))
    response = put_json(
        client, f"{URL}/{slug}", update_body(base_revision=1, title="Mine"), **bearer(author)
    )
    assert response.status_code == 409
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["title"] == "Conflict"
    assert body["current_revision"] == 2
    assert body["base_revision"] == 1
    assert body["detail"] == (
        "Someone else saved this contribution since version 1: it is now at version 2. Nothing "
        "was changed. Read it again, merge your changes and send them with base_revision 2."
    )
    item = Item.objects.get(slug=slug)
    assert item.title == "Potholes fixed in 5 days"
    assert item.revision_number == 2
    assert Revision.objects.filter(item=item).count() == 2


def test_an_update_needs_a_base_revision(client, author, shelf):
    slug = shelf["draft"].item.slug
    response = put_json(client, f"{URL}/{slug}", update_body(), **bearer(author))
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "payload", "base_revision"]
    assert Item.objects.get(slug=slug).revision_number == 1


def test_others_cannot_update(client, member, verified_member, shelf):
    draft, public = shelf["draft"].item.slug, shelf["public"].item.slug
    hidden = put_json(client, f"{URL}/{draft}", update_body(base_revision=1), **bearer(member))
    refused = put_json(
        client, f"{URL}/{public}", update_body(base_revision=1), **bearer(verified_member)
    )
    assert hidden.status_code == 404
    assert refused.status_code == 403
    assert refused["Content-Type"] == PROBLEM
    assert Item.objects.get(slug=draft).title == "Draft practice"
    assert Item.objects.get(slug=public).title == "Public practice"
    assert Revision.objects.count() == 4


def test_a_verified_author_submits_a_draft_for_review(client, author, shelf):
    slug = shelf["draft"].item.slug
    response = post_json(
        client, f"{URL}/{slug}/submit", {"note": "Figures checked by finance."}, **bearer(author)
    )
    assert response.status_code == 200
    data = response.json()
    assert (data["state"], data["status"], data["published_at"]) == ("submitted", "draft", None)
    assert (data["can_edit"], data["can_publish"]) == (False, False)
    submission = Submission.objects.get(practice=shelf["draft"])
    assert (submission.kind, submission.state, submission.revision_number) == (
        "first",
        "submitted",
        1,
    )
    assert submission.note_from_author == "Figures checked by finance."
    assert data["review_submission_id"] == submission.pk
    # Not public until reviewed and published.
    assert client.get(f"{URL}/{slug}").status_code == 404


def test_submit_needs_no_body(client, author, shelf):
    response = post_empty(client, f"{URL}/{shelf['draft'].item.slug}/submit", **bearer(author))
    assert response.status_code == 200
    assert response.json()["state"] == "submitted"
    assert Submission.objects.get().note_from_author == ""


def test_the_former_publish_address_submits_for_review_too(client, author, shelf):
    slug = shelf["draft"].item.slug
    response = post_empty(client, f"{URL}/{slug}/publish", **bearer(author))
    assert response.status_code == 200
    assert (response.json()["state"], response.json()["status"]) == ("submitted", "draft")
    assert Submission.objects.filter(practice=shelf["draft"]).count() == 1


def test_an_unverified_author_is_told_how_to_get_verified(client, co_author, shelf):
    slug = shelf["draft"].item.slug
    response = post_empty(client, f"{URL}/{slug}/submit", **bearer(co_author))
    assert response.status_code == 403
    assert response["Content-Type"] == PROBLEM
    detail = response.json()["detail"]
    assert detail.startswith("Only verified public servants can submit for review.")
    assert "http://testserver/verification/" in detail
    practice = Practice.objects.get(item__slug=slug)
    assert (practice.state, practice.item.status) == ("draft", ItemStatus.DRAFT)
    assert Submission.objects.count() == 0


def test_submitting_twice_is_a_409(client, author, shelf):
    slug = shelf["draft"].item.slug
    assert post_empty(client, f"{URL}/{slug}/submit", **bearer(author)).status_code == 200
    response = post_empty(client, f"{URL}/{slug}/submit", **bearer(author))
    assert response.status_code == 409
    assert response["Content-Type"] == PROBLEM
    assert response.json()["detail"] == "This contribution is already with the editors."
    assert Submission.objects.count() == 1


def test_a_published_contribution_without_changes_cannot_be_submitted(client, author, shelf):
    slug = shelf["public"].item.slug
    published_at = shelf["public"].item.published_at
    response = post_empty(client, f"{URL}/{slug}/submit", **bearer(author))
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert response.json()["detail"] == "Nothing has changed since the published version."
    assert Item.objects.get(slug=slug).published_at == published_at
    assert Submission.objects.count() == 0


def test_an_authors_edit_of_a_published_contribution_is_submitted_as_a_minor_edit(
    client, author, verified_member, shelf, topic
):
    public = shelf["public"]
    Practice.objects.get(pk=public.pk).topics.add(topic)
    put_json(
        client,
        f"{URL}/{public.item.slug}",
        {"base_revision": 1, "summary": "A typo fixed."},
        **bearer(author),
    )
    response = post_json(
        client, f"{URL}/{public.item.slug}/submit", {"minor": True}, **bearer(author)
    )
    assert response.status_code == 200
    data = response.json()
    # The public keeps reading the published version while the edit waits.
    assert (data["state"], data["status"], data["summary"]) == (
        "published",
        "published",
        "What we did: Public practice.",
    )
    assert data["has_pending_revision"] is True
    submission = Submission.objects.get(practice=public)
    assert (submission.kind, submission.revision_number, submission.live_revision) == (
        "minor",
        2,
        1,
    )
    assert data["review_submission_id"] == submission.pk
    # Others read the published version and nothing of its review.
    assert client.get(f"{URL}/{public.item.slug}").json()["review_submission_id"] is None
    other = client.get(f"{URL}/{public.item.slug}", **bearer(verified_member))
    assert other.json()["review_submission_id"] is None


def test_a_verified_member_cannot_submit_someone_elses_draft(client, verified_member, shelf):
    slug = shelf["draft"].item.slug
    response = post_empty(client, f"{URL}/{slug}/submit", **bearer(verified_member))
    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM
    assert Practice.objects.get(item__slug=slug).state == "draft"
    assert Submission.objects.count() == 0


def test_a_verified_member_cannot_submit_someone_elses_published_contribution(
    client, verified_member, shelf
):
    response = post_empty(
        client, f"{URL}/{shelf['public'].item.slug}/submit", **bearer(verified_member)
    )
    assert response.status_code == 403
    assert response["Content-Type"] == PROBLEM
    assert Submission.objects.count() == 0


def test_a_draft_without_a_summary_cannot_be_submitted(client, author):
    created = post_json(
        client, URL, {"title": "Bare", "contribution_kind": "practical_tip"}, **bearer(author)
    )
    response = post_empty(client, f"{URL}/bare/submit", **bearer(author))
    assert created.status_code == 201
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert response.json()["detail"] == (
        "Before submitting, fill in: summary, the challenge or the approach, at least one topic "
        "(editors and reviewers are matched by topic)."
    )
    assert Practice.objects.get(item__slug="bare").state == "draft"
    assert Submission.objects.count() == 0


def test_submitting_is_rate_limited_with_a_429_problem(client, author, shelf, settings):
    settings.POSTING_RATE_LIMITS = {**settings.POSTING_RATE_LIMITS, "review_write": "1/h"}
    slug = shelf["draft"].item.slug
    post_empty(client, f"{URL}/{shelf['public'].item.slug}/submit", **bearer(author))
    response = post_empty(client, f"{URL}/{slug}/submit", **bearer(author))
    assert response.status_code == 429
    assert response["Content-Type"] == PROBLEM
    assert Submission.objects.count() == 0


# --- Bad input -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "loc"),
    [
        ({"topics": ["no-such-topic"]}, ["body", "payload", "topics"]),
        ({"sectors": ["no-such-sector"]}, ["body", "payload", "sectors"]),
        ({"countries": ["XX"]}, ["body", "payload", "countries"]),
        ({"co_authors": ["nobody@example.org"]}, ["body", "payload", "co_authors"]),
        ({"organization": "no-such-body"}, ["body", "payload", "organization"]),
        ({"end_date": "2021-01-01"}, ["body", "payload", "end_date"]),
        (
            {"outcomes": [{"name": "Days", "result": "six"}]},
            ["body", "payload", "outcomes", 0, "result"],
        ),
        (
            {"outcomes": [{"name": "Days", "result": "NaN"}]},
            ["body", "payload", "outcomes", 0, "result"],
        ),
        ({"outcomes": [{"name": "Days"}]}, ["body", "payload", "outcomes", 0, "result"]),
        ({"title": "x" * 201}, ["body", "payload", "title"]),
        ({"title": "   "}, ["body", "payload", "title"]),
        ({"summary": "x" * 1501}, ["body", "payload", "summary"]),
        ({"approach": "x" * 20_001}, ["body", "payload", "approach"]),
        ({"contribution_kind": "anecdote"}, ["body", "payload", "contribution_kind"]),
        ({"visibility": "friends"}, ["body", "payload", "visibility"]),
        ({"levels": ["galactic"]}, ["body", "payload", "levels", 0]),
        ({"cost_amount": "-5"}, ["body", "payload", "cost_amount"]),
        ({"cost_amount": "1.234"}, ["body", "payload", "cost_amount"]),
        (
            {"links": [{"url": "javascript:alert(1)"}]},
            ["body", "payload", "links", 0, "url"],
        ),
        ({"outcomes": [{"name": "x", "result": 1}] * 31}, ["body", "payload", "outcomes"]),
    ],
)
def test_bad_input_is_a_422_problem_and_creates_nothing(
    client, author, citizen_reporting, overrides, loc
):
    response = post_json(client, URL, draft_body(**overrides), **bearer(author))

    assert response.status_code == 422
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["title"] == "Invalid input"
    assert [error["loc"] for error in body["errors"]] == [loc]
    assert Item.objects.count() == 0
    assert Outcome.objects.count() == 0


def test_unknown_slugs_are_all_reported_at_once(client, author):
    response = post_json(
        client,
        URL,
        draft_body(topics=["nope", "nada"], countries=["ZZ"]),
        **bearer(author),
    )
    assert response.status_code == 422
    assert [e["msg"] for e in response.json()["errors"]] == [
        "No topic has the slug nope, nada.",
        "ZZ: not ISO 3166 country codes.",
    ]


def test_a_bad_update_changes_nothing(client, author, shelf):
    slug = shelf["draft"].item.slug
    response = put_json(
        client,
        f"{URL}/{slug}",
        update_body(base_revision=1, outcomes=[{"name": "Days", "result": "many"}]),
        **bearer(author),
    )
    assert response.status_code == 422
    item = Item.objects.get(slug=slug)
    assert (item.title, item.revision_number) == ("Draft practice", 1)


def test_a_body_that_is_not_json_is_refused_as_a_problem(client, author):
    response = client.post(URL, "{not json", content_type="application/json", **bearer(author))
    assert response.status_code in {400, 422}
    assert response["Content-Type"] == PROBLEM
    assert Item.objects.count() == 0


def test_markdown_scripts_are_stored_as_text_and_links_refused(client, author):
    response = post_json(
        client,
        URL,
        draft_body(topics=[], approach="<script>alert(1)</script> [x](javascript:alert(1))"),
        **bearer(author),
    )
    assert response.status_code == 201
    # Stored as typed (nothing the member wrote is lost); the page renders it sanitised.
    assert response.json()["approach"] == "<script>alert(1)</script> [x](javascript:alert(1))"
    assert PracticeLink.objects.count() == 1


# --- Query counts --------------------------------------------------------------------------


@pytest.fixture
def crowded(author, make_member, make_topic, make_organization, moderator, tmp_path, settings):
    """Many contributions, each with several topics, countries, outcomes and adoptions."""
    settings.MEDIA_ROOT = tmp_path
    topics = [make_topic() for _ in range(4)]
    adopters = [make_organization(country=c) for c in ("DE", "ES", "IT", "NL", "PT")]
    co_authors = [make_member() for _ in range(4)]
    practices = []
    for i in range(25):
        practice = make_practice(
            author,
            title=f"Practice number {i}",
            topics=topics,
            countries=["FR", "BE", "DE"],
            levels=["local", "regional"],
            co_authors=co_authors,
            outcomes=[{"name": f"Metric {n}", "result": n} for n in range(4)],
            visibility=[Visibility.PUBLIC, Visibility.MEMBERS, Visibility.VERIFIED][i % 3],
        )
        practices.append(practice)
    target = practices[0]
    for n in range(5):
        services.update_practice(
            member=moderator,  # live at once: an author's edit would wait for review
            practice_id=target.pk,
            data=PracticeInput(
                fields={"title": "Practice number 0"},
                topics=topics,
                countries=["FR", "BE", "DE"],
                co_authors=co_authors,
                outcomes=[{"name": f"Metric {m}", "result": m} for m in range(6)],
                links=[{"url": f"https://example.org/{m}"} for m in range(4)],
            ),
            base_revision=n + 1,
        )
        services.add_attachment(
            member=author,
            practice_id=target.pk,
            upload=SimpleUploadedFile(f"f{n}.pdf", b"%PDF-1.4 x", "application/pdf"),
        )
    for org in adopters:
        services.report_adoption(
            member=moderator,
            practice_id=target.pk,
            organization=org,
            stage="in_operation",
            adopted_on=date(2024, 1, 1),
            outcomes=[{"name": "Metric", "result": 1}, {"name": "Other", "result": 2}],
        )
    for _ in range(3):
        adaptation = services.start_adaptation(member=author, source_id=target.pk)
        mark_published(adaptation)
    return target


def test_list_runs_a_bounded_number_of_queries(
    client, crowded, verified_member, django_assert_max_num_queries
):
    headers = bearer(verified_member)
    topic = crowded.topics.first().slug
    with django_assert_max_num_queries(4):
        anonymous = client.get(f"{URL}?page_size=50")
    # The token (read, and its last use noted), the topic and its sub-topics, then the list.
    with django_assert_max_num_queries(7):
        member = client.get(f"{URL}?page_size=50&topic={topic}", **headers)
    assert anonymous.json()["count"] == 12  # 9 public practices and 3 public adaptations
    assert member.json()["count"] == 28


def test_detail_runs_a_bounded_number_of_queries(
    client, crowded, author, moderator, django_assert_max_num_queries
):
    slug = crowded.item.slug
    with django_assert_max_num_queries(12):
        anonymous = client.get(f"{URL}/{slug}")
    client.force_login(moderator)
    # Signed in: also the session, the member, and the latest review submission.
    with django_assert_max_num_queries(17):
        as_moderator = client.get(f"{URL}/{slug}")
    assert len(anonymous.json()["outcomes"]) == 6
    assert len(anonymous.json()["attachments"]) == 5
    assert len(anonymous.json()["co_authors"]) == 4
    assert anonymous.json()["adoptions"]["organizations"] == 5
    assert len(anonymous.json()["adaptations"]) == 3
    assert as_moderator.json()["can_edit"] is True


# --- OpenAPI -------------------------------------------------------------------------------


def test_openapi_lists_the_practices_operations(client, db):
    schema = client.get("/api/openapi.json").json()
    paths = schema["paths"]
    assert set(paths["/api/v1/practices"]) == {"get", "post"}
    assert set(paths["/api/v1/practices/{slug}"]) == {"get", "put"}
    assert set(paths["/api/v1/practices/{slug}/submit"]) == {"post"}
    assert paths["/api/v1/practices/{slug}/submit"]["post"]["summary"] == "Submit for peer review"
    assert paths["/api/v1/practices/{slug}/publish"]["post"]["deprecated"] is True
    assert paths["/api/v1/practices"]["post"]["responses"]["201"]
    assert paths["/api/v1/practices/{slug}"]["put"]["responses"]["409"]
    assert "PracticeIn" in schema["components"]["schemas"]


def test_nul_characters_are_refused_with_a_problem_in_bodies_and_filters(client, member):
    client.force_login(member)
    response = post_json(
        client, URL, {"title": "Pot\x00holes", "contribution_kind": "practical_tip"}
    )
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert Practice.objects.count() == 0
    for name in ("q", "topic", "sector", "organization"):
        listing = client.get(URL, {name: "road\x00works"})
        assert listing.status_code == 422, name
        assert listing["Content-Type"] == "application/problem+json"


def test_openapi_documents_plain_field_names_for_contributions(client, db):
    schema = client.get("/api/openapi.json").json()
    properties = schema["components"]["schemas"]["PracticeOut"]["properties"]
    assert {"slug", "title", "revision", "published_at"} <= set(properties)
    assert not [name for name in properties if name.startswith("item.")]
