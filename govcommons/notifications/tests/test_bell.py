"""The bell in the header, the notifications page, opening a notification and marking all read;
the header's review links; and what all that costs in queries."""

import re
from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from govcommons.accounts import services as account_services
from govcommons.accounts.models import Role
from govcommons.core.context_processors import site
from govcommons.notifications.models import EmailCategory, Notification
from govcommons.notifications.services import notify
from govcommons.reviews.tests.factories import invite, submitted

LIST = "/notifications/"
READ_AT = datetime(2025, 1, 1, tzinfo=UTC)


def make_notifications(member, count: int, *, read: int = 0, url: str = "/practices/") -> list:
    """`count` notifications for `member`, oldest first; the first `read` of them read."""
    made = [
        notify(
            key=f"test:{member.pk}:{n}",
            recipient=member,
            category=EmailCategory.REVIEWS,
            message=f"Notice number {n}",
            url=url,
        )
        for n in range(count)
    ]
    Notification.objects.filter(pk__in=[m.pk for m in made[:read]]).update(read_at=READ_AT)
    return made


def page(client, path: str = "/about/") -> str:
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def account_nav(body: str) -> str:
    return re.search(r'<nav class="account-nav".*?</nav>', body, re.S).group(0)


def main_nav(body: str) -> str:
    return re.search(r'<nav class="site-nav".*?</nav>', body, re.S).group(0)


def bell(body: str) -> str:
    match = re.search(r'<a class="bell".*?</a>', body, re.S)
    return match.group(0) if match else ""


def text_of(fragment: str) -> str:
    """What a screen reader announces: the text, markup removed, spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", fragment).split())


def messages_on(body: str) -> list[str]:
    """The notification messages listed on the page, in order."""
    return re.findall(r'<a href="/notifications/\d+/open/">([^<]*)</a>', body)


@pytest.fixture
def editor(make_member, topic):
    member = make_member(verified=True, display_name="Topic Editor")
    account_services.grant_role(actor=None, member=member, role=Role.EDITOR, topic=topic)
    return member


@pytest.fixture
def invited_reviewer(make_member, make_organization, topic, editor):
    """A verified member invited to review one submission (by the topic's editor)."""
    author = make_member(verified=True, organization=make_organization(name="Lyon"))
    reviewer = make_member(verified=True, organization=make_organization(name="Tallinn"))
    invite(editor, submitted(author, topic), reviewer, accept=False)
    return reviewer


# --- The bell --------------------------------------------------------------------------------


def test_the_bell_shows_the_unread_count_in_words_for_screen_readers(client, member):
    make_notifications(member, 4, read=1)
    client.force_login(member)

    link = bell(page(client))

    assert 'href="/notifications/"' in link
    assert '<span class="bell__count" aria-hidden="true">3</span>' in link
    assert '<span class="visually-hidden"> 3 unread</span>' in link
    assert text_of(link) == "Notifications 3 3 unread"


def test_the_bell_has_no_badge_when_everything_is_read(client, member):
    make_notifications(member, 2, read=2)
    client.force_login(member)

    link = bell(page(client))

    assert text_of(link) == "Notifications"
    assert "bell__count" not in link


def test_the_bell_counts_only_the_members_own_unread_notifications(client, member, make_member):
    make_notifications(make_member(), 5)
    make_notifications(member, 1)
    client.force_login(member)

    assert text_of(bell(page(client))) == "Notifications 1 1 unread"


def test_a_large_count_shows_as_99_plus_and_is_read_out_in_full(client, member):
    make_notifications(member, 120)
    client.force_login(member)

    link = bell(page(client))

    assert '<span class="bell__count" aria-hidden="true">99+</span>' in link
    assert '<span class="visually-hidden"> 120 unread</span>' in link


def test_the_bell_is_marked_current_on_the_notifications_page(client, member):
    client.force_login(member)

    assert 'aria-current="page"' in bell(page(client, LIST))
    assert 'aria-current="page"' not in bell(page(client))


def test_a_visitor_sees_no_bell_and_no_review_links(client):
    body = page(client)

    assert bell(body) == ""
    assert 'href="/notifications/' not in body
    assert 'href="/reviews/' not in body


def test_the_context_processor_queries_nothing_for_a_visitor(django_assert_num_queries):
    request = RequestFactory().get("/")
    request.user = AnonymousUser()

    with django_assert_num_queries(0):
        context = site(request)

    assert context["account_header"] is None


def test_the_context_processor_queries_nothing_until_a_template_reads_it(
    member, django_assert_num_queries
):
    request = RequestFactory().get("/")
    request.user = member

    with django_assert_num_queries(0):
        header = site(request)["account_header"]
    with django_assert_num_queries(1):
        assert (header.unread, header.has_review_invitations) == (0, False)
        assert header.unread == 0


# --- Review links in the header --------------------------------------------------------------


def test_a_topic_editor_sees_the_reviews_link(client, editor):
    client.force_login(editor)

    nav = main_nav(page(client))

    assert f'<a href="{reverse("reviews:queue")}">Reviews</a>' in nav


def test_a_moderator_sees_the_reviews_link(client, moderator):
    client.force_login(moderator)

    assert f'<a href="{reverse("reviews:queue")}">Reviews</a>' in main_nav(page(client))


def test_a_member_without_the_editor_role_sees_no_reviews_link(client, verified_member, editor):
    client.force_login(verified_member)

    assert "Reviews" not in main_nav(page(client))


def test_a_revoked_editor_sees_no_reviews_link(client, editor, topic):
    account_services.revoke_role(actor=None, grant_id=editor.role_grants.get(topic=topic).pk)
    client.force_login(editor)

    assert "Reviews" not in main_nav(page(client))


def test_an_invited_reviewer_sees_your_reviews(client, invited_reviewer):
    client.force_login(invited_reviewer)

    nav = account_nav(page(client))

    assert f'<a href="{reverse("reviews:invitations")}">Your reviews</a>' in nav


def test_a_member_never_invited_sees_no_your_reviews(client, verified_member, invited_reviewer):
    client.force_login(verified_member)

    assert "Your reviews" not in account_nav(page(client))


# --- Query counts ----------------------------------------------------------------------------


def header_queries(queries) -> list[str]:
    tables = ("notifications_notification", "reviews_reviewinvitation", "accounts_rolegrant")
    return [q["sql"] for q in queries if any(t in q["sql"] for t in tables)]


def test_the_header_adds_at_most_two_queries_to_a_page(client, editor, invited_reviewer):
    """The worst case: a topic editor (one role query) who has notifications (one query, with
    the review invitations). A visitor's page is the baseline; a signed-in page also reads the
    session and the member."""
    make_notifications(editor, 3)
    # The editor was also told about the submission they invited the reviewer to.
    unread = Notification.objects.filter(recipient=editor, read_at__isnull=True).count()
    with CaptureQueriesContext(connection) as visitor:
        page(client)
    client.force_login(editor)

    with CaptureQueriesContext(connection) as signed_in:
        body = page(client)

    assert text_of(bell(body)) == f"Notifications {unread} {unread} unread"
    assert "Your reviews" not in account_nav(body)
    assert "Reviews" in main_nav(body)
    assert len(header_queries(signed_in.captured_queries)) == 2
    assert len(signed_in) == len(visitor) + 2 + 2


def test_a_moderators_header_costs_one_query(client, moderator, settings):
    settings.REQUIRE_MFA_FOR_STAFF = True
    make_notifications(moderator, 2)
    client.force_login(moderator)

    with CaptureQueriesContext(connection) as queries:
        body = page(client)

    assert "Reviews" in main_nav(body)
    assert len(header_queries(queries.captured_queries)) == 1


# --- The notifications page ------------------------------------------------------------------


def test_the_page_needs_a_signed_in_member(client):
    response = client.get(LIST)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={LIST}"


def test_the_page_lists_the_members_notifications_newest_first(client, member, make_member):
    make_notifications(member, 3, read=1)
    make_notifications(make_member(), 2)
    client.force_login(member)

    body = page(client, LIST)

    assert messages_on(body) == ["Notice number 2", "Notice number 1", "Notice number 0"]
    assert "You have 2 unread notifications." in body


def test_unread_notifications_say_so_in_words(client, member):
    make_notifications(member, 2, read=1)
    client.force_login(member)

    body = page(client, LIST)

    items = re.findall(r'<li class="notification[^"]*">.*?</li>', body, re.S)
    messages = [re.search(r'<p class="notification__message">.*?</p>', i).group(0) for i in items]
    assert [text_of(message) for message in messages] == [
        "Unread Notice number 1",
        "Notice number 0",
    ]
    assert 'class="notification notification--unread"' in items[0]
    assert " · read" in items[1]


def test_the_page_paginates(client, member):
    make_notifications(member, 25)
    client.force_login(member)

    first, second = page(client, LIST), page(client, LIST + "?page=2")

    assert len(messages_on(first)) == 20
    assert messages_on(first)[0] == "Notice number 24"
    assert messages_on(second) == [f"Notice number {n}" for n in range(4, -1, -1)]
    assert 'rel="next" href="?page=2"' in first


def test_an_empty_page_says_what_will_appear(client, member):
    client.force_login(member)

    body = page(client, LIST)

    assert "No notifications yet" in body
    assert "Mark all as read" not in body
    assert messages_on(body) == []


@pytest.mark.parametrize("rows", [1, 30])
def test_the_page_runs_a_bounded_number_of_queries(
    client, editor, django_assert_max_num_queries, rows
):
    make_notifications(editor, rows)
    client.force_login(editor)

    with django_assert_max_num_queries(7):
        body = page(client, LIST)

    assert len(messages_on(body)) == min(rows, 20)


# --- Opening a notification ------------------------------------------------------------------


def open_path(notification) -> str:
    return reverse("notifications:open", args=[notification.pk])


def test_opening_marks_it_read_and_goes_to_its_page(client, member):
    [notification] = make_notifications(member, 1, url="/reviews/invitations/7/")
    client.force_login(member)

    response = client.get(open_path(notification))

    assert response.status_code == 302
    assert response["Location"] == "/reviews/invitations/7/"
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert text_of(bell(page(client))) == "Notifications"


def test_opening_a_read_notification_keeps_its_read_time(client, member):
    [notification] = make_notifications(member, 1, read=1)
    client.force_login(member)

    response = client.get(open_path(notification))

    assert response["Location"] == "/practices/"
    notification.refresh_from_db()
    assert notification.read_at == READ_AT


def test_another_members_notification_is_a_404_and_stays_unread(client, member, make_member):
    [notification] = make_notifications(make_member(), 1)
    client.force_login(member)

    response = client.get(open_path(notification))

    assert response.status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_opening_needs_a_signed_in_member(client, member):
    [notification] = make_notifications(member, 1)

    response = client.get(open_path(notification))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    notification.refresh_from_db()
    assert notification.read_at is None


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example/",
        "//evil.example/phish",
        "/\\evil.example/phish",
        "javascript:alert(1)",
        "evil.example",
        "",
    ],
)
def test_a_url_off_the_site_is_never_followed(client, member, url):
    [notification] = make_notifications(member, 1, url=url)
    client.force_login(member)

    response = client.get(open_path(notification))

    assert response.status_code == 302
    assert response["Location"] == LIST
    notification.refresh_from_db()
    assert notification.read_at is not None


# --- Mark all as read ------------------------------------------------------------------------


def test_mark_all_as_read_marks_only_the_members_own(client, member, make_member):
    other = make_member()
    make_notifications(member, 3, read=1)
    make_notifications(other, 2)
    client.force_login(member)
    assert "Mark all as read" in page(client, LIST)

    response = client.post(reverse("notifications:read_all"))

    assert response.status_code == 302
    assert response["Location"] == LIST
    assert Notification.objects.filter(recipient=member, read_at__isnull=True).count() == 0
    assert Notification.objects.filter(recipient=other, read_at__isnull=True).count() == 2
    body = page(client, LIST)
    assert "All your notifications are marked as read." in body
    assert "Unread" not in body
    assert "Mark all as read" not in body


def test_mark_all_as_read_refuses_a_get(client, member):
    make_notifications(member, 1)
    client.force_login(member)

    response = client.get(reverse("notifications:read_all"))

    assert response.status_code == 405
    assert Notification.objects.filter(read_at__isnull=True).count() == 1


def test_mark_all_as_read_refuses_a_post_without_csrf_token(member):
    make_notifications(member, 1)
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)

    response = client.post(reverse("notifications:read_all"))

    assert response.status_code == 403
    assert Notification.objects.filter(read_at__isnull=True).count() == 1


def test_mark_all_as_read_needs_a_signed_in_member(client, member):
    make_notifications(member, 1)

    response = client.post(reverse("notifications:read_all"))

    assert response.status_code == 302
    assert Notification.objects.filter(read_at__isnull=True).count() == 1
