"""Sixteen members post at the same instant: every comment is saved and counted, and SQLite
never answers "database is locked" (IMMEDIATE transactions queue on the busy timeout).

Real threads, each with its own database connection, on the real (file) database with real
commits; they start together at a barrier. The page cache's invalidation runs after each
commit, as in production.
"""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from govcommons.core.models import Item
from govcommons.discussions import services
from govcommons.discussions.models import Comment
from govcommons.practices.tests.factories import write_published

WRITERS = 16


@pytest.fixture
def discussion(transactional_db, make_member, settings):
    settings.PAGE_CACHE_SECONDS = 60
    settings.POSTING_RATE_LIMITS = {**settings.POSTING_RATE_LIMITS, "comment": "1000/h"}
    item = write_published(make_member(verified=True), title="Fixing potholes in six days").item
    thread = services.post_comment(item_id=item.pk, author=make_member(), body="How long?")
    return item, thread


def all_at_once(work) -> list[BaseException]:
    """Run work(n) in WRITERS threads released together; the errors they raised."""
    barrier = threading.Barrier(WRITERS)
    errors: list[BaseException] = []

    def run(n: int) -> None:
        try:
            barrier.wait(timeout=30)
            work(n)
        except BaseException as error:  # collected for the assertion, not swallowed
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a writer never finished"
    return errors


def test_sixteen_members_posting_through_the_page_at_once_all_succeed(discussion, make_member):
    item, thread = discussion
    browsers = []
    for n in range(WRITERS):
        browser = Client()
        browser.force_login(make_member(display_name=f"Writer {n}"))
        browsers.append(browser)
    url = reverse("discussions:discussion", args=[item.pk])
    statuses: dict[int, int] = {}

    def post(n: int) -> None:
        # Half start threads, half reply to the same one: the item's and the thread's counters
        # are both contended.
        form = {"body": f"What we saw in city {n}."}
        if n % 2:
            form["parent"] = str(thread.pk)
        statuses[n] = browsers[n].post(url, form).status_code

    errors = all_at_once(post)

    assert errors == []
    assert statuses == dict.fromkeys(range(WRITERS), 302)
    assert Comment.objects.filter(item=item).count() == WRITERS + 1
    assert Item.objects.get(pk=item.pk).comment_count == WRITERS + 1
    assert Comment.objects.get(pk=thread.pk).reply_count == WRITERS // 2


def test_sixteen_posts_through_the_service_at_once_are_all_saved_and_counted(
    discussion, make_member
):
    item, thread = discussion
    writers = [make_member() for _ in range(WRITERS)]

    def post(n: int) -> None:
        services.post_comment(
            item_id=item.pk,
            author=writers[n],
            body=f"Reply {n}",
            parent_id=thread.pk,
        )

    errors = all_at_once(post)

    assert [str(e) for e in errors] == []
    assert Comment.objects.filter(parent=thread).count() == WRITERS
    assert Comment.objects.get(pk=thread.pk).reply_count == WRITERS
    assert Item.objects.get(pk=item.pk).comment_count == WRITERS + 1
