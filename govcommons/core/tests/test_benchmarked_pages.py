"""The pages `make bench` measures run as many queries with much more data as with little.

Each test measures a page on a small data set, adds many more rows of everything the page
shows, and asserts the page runs no more queries than before. The page cache is off here: these
are the queries of a page being rendered (a cached page runs at most one).
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from govcommons.accounts.services import create_api_token
from govcommons.discussions import services as discussion_services
from govcommons.notifications.models import EmailCategory
from govcommons.notifications.services import notify
from govcommons.practices.tests.factories import (
    AdoptionFactory,
    OutcomeFactory,
    PracticeFactory,
)


@pytest.fixture(autouse=True)
def _rendered_not_cached(settings):
    settings.PAGE_CACHE_SECONDS = 0


def queries_of(client, method: str, url: str, **kwargs) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(url, **kwargs)
    assert response.status_code in {200, 302}, (url, response.status_code)
    return len(queries)


def contributions(count: int, *, topics, make_member, make_organization, make_topic) -> None:
    """Contributions tagged with the list's two filters (and more), each with co-authors,
    outcomes and an adoption: every row a card or a facet shows."""
    for _ in range(count):
        practice = PracticeFactory(
            item__organization=make_organization(country="FR"),
            item__co_authors=make_member.create_batch(2),
            topics=[*topics, make_topic()],
            countries=["FR", "DE"],
            levels=["local", "regional"],
            has_outcomes=True,
            evidence_level=3,
        )
        OutcomeFactory.create_batch(2, practice=practice)
        AdoptionFactory(practice=practice, organization=make_organization())


@pytest.fixture
def grow(make_member, make_organization, make_topic, topic):
    def add(count: int) -> None:
        contributions(
            count,
            topics=[topic],
            make_member=make_member,
            make_organization=make_organization,
            make_topic=make_topic,
        )
        make_member.create_batch(count)

    return add


@pytest.mark.parametrize("who", ["anonymous", "member"])
def test_home_runs_as_many_queries_with_many_more_rows(client, grow, member, who):
    if who == "member":
        client.force_login(member)
    grow(2)
    queries_of(client, "get", reverse("home"))  # warm up: content types, the session
    few = queries_of(client, "get", reverse("home"))

    grow(25)

    assert queries_of(client, "get", reverse("home")) <= few


@pytest.mark.parametrize("who", ["anonymous", "member"])
def test_the_list_with_two_filters_runs_as_many_queries_with_many_more_rows(
    client, grow, member, topic, who
):
    if who == "member":
        client.force_login(member)
    url = f"{reverse('practices:list')}?topic={topic.slug}&country=FR"
    grow(2)
    queries_of(client, "get", url)
    few = queries_of(client, "get", url)

    grow(30)

    assert queries_of(client, "get", url) <= few
    assert client.get(url).context["page_obj"].paginator.count == 32


@pytest.mark.parametrize("who", ["anonymous", "token"])
def test_the_api_list_with_filters_runs_as_many_queries_with_many_more_rows(
    client, grow, member, topic, who
):
    headers = {}
    if who == "token":
        _token, secret = create_api_token(member=member, name="bench", days=30)
        headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    url = f"/api/v1/practices?topic={topic.slug}&country=FR&page_size=50"
    grow(2)
    queries_of(client, "get", url, **headers)
    few = queries_of(client, "get", url, **headers)

    grow(30)

    assert queries_of(client, "get", url, **headers) <= few
    assert client.get(url, **headers).json()["count"] == 32


def make_notifications(member, start: int, count: int) -> None:
    for n in range(start, start + count):
        notify(
            key=f"bench:{member.pk}:{n}",
            recipient=member,
            category=EmailCategory.DISCUSSIONS,
            message=f"Someone commented ({n})",
            url="/practices/",
        )


def test_the_notifications_page_runs_as_many_queries_with_many_more_notifications(client, member):
    client.force_login(member)
    make_notifications(member, 0, 3)
    queries_of(client, "get", reverse("notifications:list"))
    few = queries_of(client, "get", reverse("notifications:list"))

    make_notifications(member, 3, 150)

    assert queries_of(client, "get", reverse("notifications:list")) <= few
    assert queries_of(client, "get", f"{reverse('notifications:list')}?page=5") <= few


def test_a_comment_post_runs_as_many_queries_in_a_long_discussion(
    client, make_member, make_organization, make_topic, topic, settings
):
    settings.POSTING_RATE_LIMITS = {**settings.POSTING_RATE_LIMITS, "comment": "1000/h"}
    contributions(
        2,
        topics=[topic],
        make_member=make_member,
        make_organization=make_organization,
        make_topic=make_topic,
    )
    quiet, busy = PracticeFactory._meta.model.objects.order_by("pk")[:2]
    others = make_member.create_batch(5)
    for n in range(60):
        parent = discussion_services.post_comment(
            item_id=busy.pk, author=others[n % 5], body=f"Comment {n}"
        )
        if n % 10 == 0:
            discussion_services.post_comment(
                item_id=busy.pk, author=others[(n + 1) % 5], body="A reply", parent_id=parent.pk
            )
    discussion_services.post_comment(item_id=quiet.pk, author=others[0], body="The only one")
    poster = make_member()
    client.force_login(poster)
    form = {"body": "How long did the procurement take?"}
    queries_of(client, "post", reverse("discussions:discussion", args=[quiet.pk]), data=form)
    few = queries_of(client, "post", reverse("discussions:discussion", args=[quiet.pk]), data=form)

    assert (
        queries_of(client, "post", reverse("discussions:discussion", args=[busy.pk]), data=form)
        <= few
    )
