"""The anonymous page cache: visitors get cached pages, and never a stale or someone else's one.

Tests that prove invalidation commit for real (transactional_db): the generation changes after
a commit, as in production, not inside a test transaction that never commits.
"""

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from govcommons.core import pagecache
from govcommons.core.models import Item, ItemStatus, Visibility
from govcommons.discussions import services as discussion_services
from govcommons.practices import services as practice_services
from govcommons.practices.tests.factories import practice_input, write_draft, write_published

SESSIONS = "django.contrib.sessions.middleware.SessionMiddleware"
MIDDLEWARE = "govcommons.core.pagecache.AnonymousPageCacheMiddleware"


@pytest.fixture
def page_cache(settings):
    """The middleware where settings.MIDDLEWARE has it in production: before the sessions."""
    if MIDDLEWARE not in settings.MIDDLEWARE:
        stack = list(settings.MIDDLEWARE)
        stack.insert(stack.index(SESSIONS), MIDDLEWARE)
        settings.MIDDLEWARE = stack
    settings.PAGE_CACHE_SECONDS = 60
    pagecache.clear_local()
    yield
    pagecache.clear_local()


@pytest.fixture
def author(make_member, make_organization):
    return make_member(
        verified=True, display_name="Claire Martin", organization=make_organization(country="FR")
    )


@pytest.fixture
def practice(author, topic):
    return write_published(
        author, title="Fixing potholes in six days", topics=[topic], countries=["FR"]
    )


def visit(client, url, **headers):
    response = client.get(url, headers=headers)
    assert response.status_code == 200, url
    return response


def text(response) -> str:
    return response.content.decode()


def pages(practice) -> dict[str, str]:
    topic = practice.topics.first().slug
    return {
        "home": reverse("home"),
        "list": f"{reverse('practices:list')}?topic={topic}&country=FR",
        "detail": practice.get_absolute_url(),
        "api": f"/api/v1/practices?topic={topic}",
    }


@pytest.mark.parametrize("page", ["home", "list", "detail", "api"])
def test_a_second_anonymous_visit_is_served_from_the_cache_without_rendering(
    page_cache, client, practice, page, django_assert_max_num_queries
):
    url = pages(practice)[page]
    first = visit(client, url)

    # At most the read of the content generation (none when the cache is Redis).
    with django_assert_max_num_queries(1):
        second = visit(client, url)

    assert first["X-Page-Cache"] == "miss"
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]
    assert second["X-Frame-Options"] == "DENY"


def test_a_comment_edited_through_the_page_is_visible_to_visitors_at_once(
    page_cache, transactional_db, client, practice, make_member
):
    commenter = make_member(display_name="Ada Lovelace")
    comment = discussion_services.post_comment(
        item_id=practice.pk, author=commenter, body="We cut repair times to nine days."
    )
    url = practice.get_absolute_url()
    visit(client, url)
    assert visit(client, url)["X-Page-Cache"] == "hit"

    their_browser = Client()
    their_browser.force_login(commenter)
    edited = their_browser.post(
        reverse("discussions:comment_edit", args=[comment.pk]),
        {"body": "We cut repair times to four days.", "version": comment.version},
    )
    assert edited.status_code == 302

    after = visit(client, url)
    assert after["X-Page-Cache"] == "miss"
    assert "four days" in text(after)
    assert "nine days" not in text(after)


def test_a_live_edit_of_a_contribution_shows_at_once_on_every_cached_page(
    page_cache, transactional_db, client, practice, moderator
):
    urls = pages(practice)
    for url in urls.values():
        visit(client, url)
        assert visit(client, url)["X-Page-Cache"] == "hit"

    # A moderator's edit of a published contribution goes live without review.
    practice_services.update_practice(
        member=moderator,
        practice_id=practice.pk,
        data=practice_input(
            title="Fixing potholes in four days",
            topics=list(practice.topics.all()),
            countries=["FR"],
        ),
        base_revision=Item.objects.get(pk=practice.pk).revision_number,
    )

    new_url = Item.objects.get(pk=practice.pk).get_absolute_url()
    assert "Fixing potholes in four days" in text(visit(client, new_url))
    assert "Fixing potholes in four days" in text(visit(client, urls["list"]))
    assert "Fixing potholes in four days" in text(visit(client, urls["api"]))


def test_a_new_comment_shows_at_once_to_visitors(
    page_cache, transactional_db, client, practice, make_member
):
    url = practice.get_absolute_url()
    visit(client, url)

    discussion_services.post_comment(
        item_id=practice.pk, author=make_member(), body="Which app did you use?"
    )

    assert "Which app did you use?" in text(visit(client, url))


def test_a_write_by_any_path_counts_even_a_bulk_update(
    page_cache, transactional_db, client, practice
):
    """Admin actions, scripts and QuerySet.update() send no model signals; they still count."""
    url = pages(practice)["list"]
    assert practice.item.title in text(visit(client, url))

    Item.objects.filter(pk=practice.pk).update(visibility=Visibility.MEMBERS)

    assert practice.item.title not in text(visit(client, url))


def test_a_write_rolled_back_leaves_the_cached_pages_in_place(
    page_cache, transactional_db, client, practice
):
    url = practice.get_absolute_url()
    visit(client, url)

    with transaction.atomic():
        Item.objects.filter(pk=practice.pk).update(title="Never committed")
        transaction.set_rollback(True)

    again = visit(client, url)
    assert again["X-Page-Cache"] == "hit"
    assert "Never committed" not in text(again)


def test_a_signed_in_member_never_gets_the_visitors_page_nor_leaves_theirs_to_visitors(
    page_cache, client, practice, make_member
):
    url = pages(practice)["list"]
    visitor_first = visit(client, url)
    member = make_member(display_name="Bob Builder")
    members_browser = Client()
    members_browser.force_login(member)

    as_member = visit(members_browser, url)
    visitor_again = visit(client, url)

    assert "X-Page-Cache" not in as_member
    assert "Bob Builder" in text(as_member)
    assert "Sign out" in text(as_member)
    assert visitor_again["X-Page-Cache"] == "hit"
    assert visitor_again.content == visitor_first.content
    assert "Bob Builder" not in text(visitor_again)
    assert "Sign out" not in text(visitor_again)


def test_members_only_content_and_drafts_never_reach_a_visitor_through_the_cache(
    page_cache, client, author, make_member
):
    draft = write_draft(author, title="Our unfinished draft")
    members_only = write_published(author, title="For members only")
    Item.objects.filter(pk=members_only.pk).update(visibility=Visibility.MEMBERS)
    authors_browser = Client()
    authors_browser.force_login(author)
    reader = Client()
    reader.force_login(make_member())

    assert "Our unfinished draft" in text(visit(authors_browser, draft.get_absolute_url()))
    assert "For members only" in text(visit(reader, members_only.get_absolute_url()))
    assert "For members only" in text(visit(reader, reverse("practices:list")))
    assert "For members only" in text(visit(reader, "/api/v1/practices"))

    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(members_only.get_absolute_url()).status_code == 404
    assert "For members only" not in text(visit(client, reverse("practices:list")))
    assert "For members only" not in text(visit(client, "/api/v1/practices"))
    # Not found is never cached: asked again, it is worked out again.
    assert "X-Page-Cache" not in client.get(members_only.get_absolute_url())


def test_an_api_call_with_a_token_is_never_served_from_the_visitors_cache(
    page_cache, client, author, make_member
):
    from govcommons.accounts import services as account_services

    members_only = write_published(author, title="For members only")
    Item.objects.filter(pk=members_only.pk).update(visibility=Visibility.MEMBERS)
    visit(client, "/api/v1/practices")
    _token, secret = account_services.create_api_token(member=make_member(), name="Reader", days=30)

    with_token = visit(client, "/api/v1/practices", Authorization=f"Bearer {secret}")

    assert "X-Page-Cache" not in with_token
    assert "For members only" in text(with_token)


def test_htmx_partials_have_cache_entries_of_their_own(page_cache, client, practice):
    url = pages(practice)["list"]

    full = visit(client, url)
    partial = visit(client, url, HX_Request="true")
    full_again = visit(client, url)
    partial_again = visit(client, url, HX_Request="true")

    assert "<html" in text(full)
    assert "<html" not in text(partial)
    assert partial["X-Page-Cache"] == "miss"
    assert full_again["X-Page-Cache"] == "hit"
    assert full_again.content == full.content
    assert partial_again["X-Page-Cache"] == "hit"
    assert partial_again.content == partial.content


def test_a_page_with_a_csrf_token_is_never_cached(page_cache, client):
    first = visit(client, reverse("account_login"))
    second = visit(client, reverse("account_login"))

    assert "csrfmiddlewaretoken" in text(second)
    assert "X-Page-Cache" not in first
    assert "X-Page-Cache" not in second


def test_a_visitor_with_messages_waiting_gets_the_page_made_for_them(page_cache, client, practice):
    url = practice.get_absolute_url()
    visit(client, url)
    client.cookies["messages"] = "anything"

    assert "X-Page-Cache" not in visit(client, url)


def test_answers_marked_uncacheable_stay_uncached(page_cache, client):
    assert "X-Page-Cache" not in client.get(reverse("readyz"))
    assert "X-Page-Cache" not in client.get(reverse("healthz"))


def test_page_cache_seconds_zero_turns_the_cache_off(page_cache, settings, client, practice):
    settings.PAGE_CACHE_SECONDS = 0
    url = practice.get_absolute_url()
    visit(client, url)

    assert "X-Page-Cache" not in visit(client, url)


def test_pages_are_served_uncached_while_the_shared_cache_is_down(
    page_cache, settings, client, practice
):
    # A Redis nobody listens on: every cache call fails.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",
        }
    }
    url = practice.get_absolute_url()

    response = visit(client, url)

    assert "X-Page-Cache" not in response
    assert practice.item.title in text(response)


@pytest.mark.parametrize(
    ("sql", "counts"),
    [
        ('UPDATE "core_item" SET "title" = %s WHERE "core_item"."id" = %s', True),
        ('INSERT INTO "discussions_comment" ("item_id") VALUES (%s)', True),
        ('DELETE FROM "practices_practice_topics" WHERE "id" IN (%s)', True),
        ("\n  INSERT OR IGNORE INTO search_fts (rowid, title) VALUES (?, ?)", True),
        ('TRUNCATE "django_session", "core_item"', True),
        ('UPDATE "django_session" SET "session_data" = %s', False),
        ('INSERT INTO "notifications_notification" ("recipient_id") VALUES (%s)', False),
        ('INSERT INTO "govcommons_cache" ("cache_key") VALUES (%s)', False),
        ('UPDATE "accounts_user" SET "last_login" = %s WHERE "accounts_user"."id" = %s', False),
        ('UPDATE "accounts_user" SET "display_name" = %s WHERE "accounts_user"."id" = %s', True),
        ('SELECT "core_item"."id" FROM "core_item"', False),
        ("WITH m AS MATERIALIZED (SELECT rowid FROM search_fts) SELECT * FROM m", False),
    ],
)
def test_which_statements_make_pages_stale(settings, sql, counts):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "govcommons_cache",
        }
    }
    pagecache._private_tables.cache_clear()
    try:
        assert pagecache.changes_content(sql) is counts
    finally:
        pagecache._private_tables.cache_clear()


def test_a_draft_saved_by_its_author_leaves_no_trace_on_visitors_pages(
    page_cache, transactional_db, client, author
):
    url = reverse("practices:list")
    visit(client, url)

    write_draft(author, title="A private first draft")

    listing = visit(client, url)
    assert "A private first draft" not in text(listing)
    assert Item.objects.filter(status=ItemStatus.DRAFT).count() == 1


def test_an_address_that_gave_an_uncacheable_answer_skips_the_cache_next_time(
    page_cache, client, django_assert_num_queries
):
    assert client.get("/robots.txt")["Content-Type"].startswith("text/plain")

    with django_assert_num_queries(0):
        response = client.get("/robots.txt")

    assert "X-Page-Cache" not in response
    assert "Sitemap:" in text(response)
