"""`manage.py seed_bench` makes data the pages can show: published contributions with their
discussion, notifications for members, search documents; counters agree with the rows."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, Max

from govcommons.core.benchdata import BENCH_PASSWORD, SCALES
from govcommons.core.models import Item, Revision
from govcommons.discussions.models import Comment
from govcommons.notifications.models import Notification
from govcommons.practices.models import Adoption, Practice
from govcommons.reviews.models import Submission
from govcommons.search.models import SearchDocument

TINY = SCALES["tiny"]

# The seed's bulk writer works on its own connection, in another thread: the data must be
# committed for real, not inside the test's transaction.
pytestmark = pytest.mark.django_db(transaction=True)


def empty_full_text_index() -> None:
    """The flush between transactional tests empties the models' tables, not SQLite's FTS5
    table: leftover rows would clash with the next seed's (and mislead other tests' searches)."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM search_fts")


@pytest.fixture
def summary():
    empty_full_text_index()
    yield seed_tiny()
    empty_full_text_index()


def seed_tiny() -> dict:
    out = StringIO()
    call_command("seed_bench", scale="tiny", force=True, stdout=out, stderr=StringIO())
    return json.loads(out.getvalue().strip().splitlines()[-1])


def test_tiny_scale_makes_every_kind_of_row(summary):
    counts = summary["counts"]
    assert counts["contributions"] == TINY.contributions
    assert counts["search_documents"] == TINY.contributions
    assert counts["comments"] == TINY.comments
    assert counts["submissions"] == TINY.contributions
    for name in ("revisions", "outcomes", "reviews", "review_events", "reactions"):
        assert counts[name] > 0, name
    assert summary["indexer_differences"] == []


def test_counters_agree_with_the_rows(summary):
    items = Item.objects.filter(kind="practice").annotate(
        comments_written=Count("comments", distinct=True),
        latest_revision=Max("revisions__number"),
    )
    for item in items:
        assert item.comment_count == item.comments_written
        assert item.revision_number == item.latest_revision
        assert item.practice.live_revision == item.revision_number
        assert item.adoption_count == Adoption.objects.filter(practice_id=item.pk).count()
    for comment in Comment.objects.filter(parent__isnull=True, reply_count__gt=0)[:20]:
        assert comment.replies.count() == comment.reply_count
    assert Practice.objects.filter(has_outcomes=True).count() == (
        Practice.objects.filter(outcomes__isnull=False).distinct().count()
    )
    assert Submission.objects.filter(state="published").count() == TINY.contributions


def test_the_busiest_contribution_shows_its_first_fifty_comments(client, summary):
    response = client.get(summary["targets"]["detail_path"])

    assert response.status_code == 200
    item = response.context["item"]
    assert item.visibility == "public"
    first_fifty = Comment.objects.filter(item=item, parent__isnull=True).order_by(
        "created_at", "pk"
    )[:50]
    assert len(first_fifty) == 50
    content = response.content.decode()
    for comment in first_fifty:
        assert f'id="comment-{comment.pk}"' in content


def test_the_bench_member_signs_in_and_reads_their_notifications(client, summary):
    email = summary["targets"]["member_email"]
    assert client.login(email=email, password=BENCH_PASSWORD)

    response = client.get("/notifications/")

    assert response.status_code == 200
    newest = Notification.objects.filter(recipient__email=email).order_by("-created_at").first()
    assert (
        Notification.objects.filter(recipient__email=email).count()
        == (summary["targets"]["member_notifications"])
    )
    assert newest.message in response.content.decode()


def test_search_finds_a_seeded_contribution(client, summary):
    document = SearchDocument.objects.filter(visibility="public").order_by("pk").first()
    item = Item.objects.get(pk=document.pk)

    response = client.get("/search/", {"q": f'"{document.title}"'})

    assert response.status_code == 200
    assert item.get_absolute_url() in response.content.decode()


def test_every_revision_is_a_full_snapshot(summary):
    revision = Revision.objects.order_by("pk").first()
    assert {"title", "summary", "approach", "topics", "outcomes"} <= set(revision.snapshot)


def test_seeding_twice_is_refused(summary):
    with pytest.raises(CommandError, match="already holds bench data"):
        call_command("seed_bench", scale="tiny", force=True, stdout=StringIO(), stderr=StringIO())
