"""Saved searches: a member keeps a search and hears by email (a real SMTP server) when something
new that they may read matches it, once; and manages their own saved searches, nobody else's.
Runs on SQLite and on PostgreSQL."""

from datetime import timedelta
from email.header import decode_header, make_header
from urllib.parse import quote

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from govcommons.accounts.models import Role
from govcommons.core.models import Item, Visibility
from govcommons.discussions import services as discussion_services
from govcommons.notifications.models import Notification, OutgoingEmail
from govcommons.notifications.services import set_email_preference
from govcommons.practices.tests.factories import write_draft, write_published
from govcommons.reviews.tests.factories import published
from govcommons.search import saved, services
from govcommons.search.models import SavedSearch
from govcommons.search.tasks import send_saved_search_alerts
from govcommons.taxonomy.models import LevelOfGovernment

LIST_URL = "/search/saved/"
SAVE_URL = "/search/saved/new/"


def publish(author, title, *, ago: timedelta | None = None, **fields) -> Item:
    """A published contribution, in the index (as the publishing services leave it); `ago`
    moves its publication into the past. Its only words are its title and summary."""
    fields = {"challenge": "", "approach": "", "summary": "", **fields}
    practice = write_published(author, title=title, **fields)
    if ago is not None:
        Item.objects.filter(pk=practice.pk).update(published_at=timezone.now() - ago)
    services.index_item(practice.pk)
    return Item.objects.get(pk=practice.pk)


def next_run() -> timezone.datetime:
    """When the worker's next hourly sweep runs."""
    return timezone.now() + saved.alert_period()


def subject_of(message) -> str:
    return str(make_header(decode_header(message["Subject"])))


def alert_emails() -> list[OutgoingEmail]:
    return list(OutgoingEmail.objects.filter(idempotency_key__startswith="email:saved-search:"))


@pytest.fixture
def follower(make_member):
    return make_member(display_name="Sofia Reyes")


@pytest.fixture
def author(make_member, make_organization):
    return make_member(organization=make_organization(name="Ville de Lyon", country="FR"))


@pytest.fixture
def deliver(run_tasks, django_capture_on_commit_callbacks):
    """Run the alert sweep `at` a time, then the worker, which sends the queued email."""

    def run(at=None) -> int:
        with django_capture_on_commit_callbacks(execute=True):
            count = saved.send_due_alerts(now=at or next_run())
        run_tasks()
        return count

    return run


# --- Saving -----------------------------------------------------------------------------------


def test_a_saved_search_keeps_its_words_and_filters_and_saving_it_again_adds_nothing(follower):
    first, created = saved.save_search(
        member=follower,
        query="  pothole   reporting ",
        filters={"country": ["FR", "EE"], "topic": "roads", "evidence": [4], "colour": ["blue"]},
    )

    again, created_again = saved.save_search(
        member=follower,
        query="Pothole Reporting",
        filters={"evidence": "4", "topic": ["roads"], "country": ["EE", "FR"]},
    )

    assert created is True
    assert (first.query, first.filters, first.alerts) == (
        "pothole reporting",
        {"topic": ["roads"], "country": ["EE", "FR"], "evidence": ["4"]},
        True,
    )
    assert first.checked_at == first.created_at
    assert (again.pk, created_again) == (first.pk, False)
    assert SavedSearch.objects.count() == 1


@pytest.mark.parametrize(
    ("query", "filters", "error"),
    [
        ("   ", {}, "Type some words or choose a filter before saving a search."),
        ("", {"colour": ["blue"]}, "Type some words or choose a filter before saving a search."),
        ("x" * 501, {}, "A saved search can be at most 500 characters long."),
    ],
)
def test_an_empty_or_overlong_search_is_refused_beside_the_words(follower, query, filters, error):
    with pytest.raises(saved.DomainError) as refused:
        saved.save_search(member=follower, query=query, filters=filters)

    assert (refused.value.message, refused.value.field) == (error, "q")
    assert SavedSearch.objects.count() == 0


def test_a_member_keeps_at_most_25_saved_searches(follower, member):
    for n in range(saved.MAX_SAVED_SEARCHES):
        saved.save_search(member=follower, query=f"topic {n}", filters={})

    with pytest.raises(saved.DomainError) as refused:
        saved.save_search(member=follower, query="one more", filters={})

    assert refused.value.message == (
        "You already have 25 saved searches, the most you can keep. "
        "Delete one you no longer need, then save this one."
    )
    assert SavedSearch.objects.filter(member=follower).count() == 25
    # Saving one already saved is still fine, and the limit is per member.
    assert saved.save_search(member=follower, query="topic 3", filters={})[1] is False
    assert saved.save_search(member=member, query="one more", filters={})[1] is True


# --- Alerts -----------------------------------------------------------------------------------


def test_a_contribution_published_through_review_is_emailed_to_the_saved_search_once(
    follower, make_member, make_organization, make_topic, mailbox, deliver, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    from govcommons.accounts import services as account_services

    topic = make_topic(name="Road maintenance")
    home = make_organization(name="Ville de Lyon", country="FR")
    author = make_member(verified=True, organization=home, display_name="Claire Martin")
    editor = make_member(verified=True, organization=make_organization(country="ES"))
    account_services.grant_role(actor=None, member=editor, role=Role.EDITOR, topic=topic)
    reviewers = [
        make_member(verified=True, organization=make_organization(country=country))
        for country in ("EE", "FI")
    ]
    for reviewer in reviewers:
        reviewer.expertise.add(topic)
    saved_search, _ = saved.save_search(
        member=follower, query="pothole reporting", filters={"topic": [topic.slug]}
    )

    practice = published(
        author,
        topic,
        editor,
        reviewers,
        title="Fixing potholes with a citizen reporting app",
        organization=home,
    )
    assert deliver() == 1

    [message] = mailbox.wait_for_recipient(follower.email)
    item_url = f"{settings.SITE_URL}/practices/{practice.item.slug}/"
    assert practice.item.get_absolute_url() == f"/practices/{practice.item.slug}/"
    search_url = f"{settings.SITE_URL}/search/?q=pothole+reporting&topic={topic.slug}"
    title = "1 new result for your saved search “pothole reporting”"
    assert subject_of(message) == title
    assert message.get_content_type() == "multipart/alternative"
    text = mailbox.text_of(message).replace("\r\n", "\n")
    assert text.startswith(
        f"Hello Sofia Reyes,\n\n{title}.\nFilters: Topic: Road maintenance\n\n"
        f"- Fixing potholes with a citizen reporting app\n"
        f"  Contribution · Ville de Lyon · {timezone.localdate():%-d %B %Y}\n"
        f"  {item_url}\n\n"
        f"See every result of this search here: {search_url}\n\n"
        f"Turn off alerts for this search, or delete it: {settings.SITE_URL}/search/saved/\n"
    )
    category = saved.SAVED_SEARCH_CATEGORY.label.lower()
    assert f"Stop emails about {category}: {settings.SITE_URL}/emails/unsubscribe/" in text
    assert message["List-Unsubscribe"] is not None
    html = mailbox.html_of(message)
    assert f'<a href="{item_url}">Fixing potholes with a citizen reporting app</a>' in html
    assert f'<a href="{search_url.replace("&", "&amp;")}">' in html
    # Under the bell too, pointing at the search.
    bell = Notification.objects.get(recipient=follower)
    assert (bell.message, bell.url) == (title, f"/search/?q=pothole+reporting&topic={topic.slug}")

    # The next sweeps find nothing new: nothing more is sent.
    assert deliver() == 0
    assert deliver(next_run() + saved.alert_period()) == 0
    assert len(alert_emails()) == 1
    assert len(mailbox.wait_for_recipient(follower.email)) == 1
    saved_search.refresh_from_db()
    assert saved_search.checked_at > practice.item.published_at


def test_a_question_asked_is_an_alert_too(follower, member, mailbox, deliver):
    saved.save_search(member=follower, query="clinic waiting", filters={"kind": ["question"]})

    question = discussion_services.ask_question(
        author=member, title="How did you cut waiting times at the clinic?", body="Our waits..."
    )

    assert deliver() == 1
    [message] = mailbox.wait_for_recipient(follower.email)
    assert question.item.title in mailbox.text_of(message)
    assert "Filters: Kind of content: Question" in mailbox.text_of(message)


def test_only_new_matching_items_the_member_may_read_and_did_not_write_are_sent(
    follower, author, make_member, deliver
):
    saved_search, _ = saved.save_search(member=follower, query="pothole", filters={})
    publish(author, "Potholes fixed before the search was saved", ago=timedelta(days=1))
    publish(author, "Shorter waits at the outpatient clinic", summary="Triage by phone.")
    publish(author, "Pothole crews for verified eyes", visibility=Visibility.VERIFIED)
    write_draft(author, title="A pothole draft nobody may read yet")
    publish(follower, "My own pothole app")
    members_only = publish(author, "Pothole app for members", visibility=Visibility.MEMBERS)

    assert deliver() == 1

    [email] = alert_emails()
    assert email.recipient == follower
    assert email.subject == "1 new result for your saved search “pothole”"
    assert "Pothole app for members" in email.body_text
    for not_sent in ("before the search", "clinic", "verified eyes", "draft", "My own"):
        assert not_sent not in email.body_text
    assert email.idempotency_key == f"email:saved-search:{saved_search.pk}:{members_only.pk}"

    # The verified-only one goes to a verified member's identical search.
    verified = make_member(verified=True)
    SavedSearch.objects.create(
        member=verified, query="pothole", checked_at=timezone.now() - timedelta(hours=2)
    )
    assert deliver() == 1
    body = OutgoingEmail.objects.get(recipient=verified).body_text
    assert "Pothole crews for verified eyes" in body
    assert "Pothole app for members" in body


def test_nothing_is_sent_when_nothing_new_matches_but_the_search_moves_on(
    follower, author, deliver
):
    saved_search, _ = saved.save_search(member=follower, query="pothole", filters={})
    publish(author, "Shorter waits at the outpatient clinic", summary="Triage by phone.")
    run_at = next_run()

    assert deliver(run_at) == 0

    assert alert_emails() == []
    assert Notification.objects.count() == 0
    saved_search.refresh_from_db()
    assert saved_search.checked_at == run_at - saved.SETTLE


def test_filters_narrow_what_is_sent(follower, author, deliver):
    saved.save_search(
        member=follower, query="pothole", filters={"level": [LevelOfGovernment.LOCAL]}
    )
    publish(author, "Regional pothole programme", levels=[LevelOfGovernment.REGIONAL])
    publish(author, "Local pothole app", levels=[LevelOfGovernment.LOCAL])

    assert deliver() == 1

    [email] = alert_emails()
    assert "Local pothole app" in email.body_text
    assert "Regional pothole programme" not in email.body_text
    assert "Filters: Level of government: Local" in email.body_text


def test_a_search_waits_a_period_between_alerts_and_alerts_off_send_nothing(
    follower, member, author, deliver
):
    quiet, _ = saved.save_search(member=member, query="pothole", filters={}, alerts=False)
    saved.save_search(member=follower, query="pothole", filters={})
    publish(author, "Pothole app")

    # Less than a period after it was saved, the search is not due.
    assert deliver(timezone.now() + saved.alert_period() / 2) == 0
    assert deliver() == 1

    assert [e.recipient for e in alert_emails()] == [follower]
    quiet.refresh_from_db()
    assert quiet.checked_at == quiet.created_at


def test_an_item_published_in_the_last_minute_waits_for_the_next_alert(follower, author, deliver):
    saved.save_search(member=follower, query="pothole", filters={})
    publish(author, "Pothole app one")
    run_at = next_run()
    late = publish(author, "Pothole app two")
    Item.objects.filter(pk=late.pk).update(published_at=run_at - saved.SETTLE / 2)
    services.index_item(late.pk)

    assert deliver(run_at) == 1
    assert deliver(run_at + saved.alert_period()) == 1

    first, second = sorted(alert_emails(), key=lambda e: e.pk)
    assert "Pothole app one" in first.body_text
    assert "Pothole app two" not in first.body_text
    assert "Pothole app two" in second.body_text
    assert "Pothole app one" not in second.body_text


def test_a_member_who_stopped_these_emails_still_sees_the_alert_under_the_bell(
    follower, author, deliver
):
    set_email_preference(member=follower, category=saved.SAVED_SEARCH_CATEGORY, enabled=False)
    saved.save_search(member=follower, query="pothole", filters={})
    publish(author, "Pothole app")

    deliver()

    assert alert_emails() == []
    assert Notification.objects.filter(recipient=follower).count() == 1


def test_the_worker_task_sends_each_digest_once_even_when_run_twice(
    follower, author, mailbox, run_tasks, django_capture_on_commit_callbacks
):
    saved_search, _ = saved.save_search(member=follower, query="pothole", filters={})
    SavedSearch.objects.filter(pk=saved_search.pk).update(
        checked_at=timezone.now() - timedelta(hours=3)
    )
    publish(author, "Pothole app", ago=timedelta(hours=1))
    first = send_saved_search_alerts.enqueue()
    second = send_saved_search_alerts.enqueue()

    with django_capture_on_commit_callbacks(execute=True):
        run_tasks()
    run_tasks()

    returned = DBTaskResult.objects.filter(pk__in=[first.id, second.id]).values_list(
        "return_value", flat=True
    )
    assert sorted(returned) == [0, 1]
    [message] = mailbox.wait_for_recipient(follower.email)
    assert subject_of(message) == "1 new result for your saved search “pothole”"
    assert len(alert_emails()) == 1


def test_a_digest_lists_at_most_20_items_and_says_there_are_more(follower, author, deliver):
    saved.save_search(member=follower, query="pothole", filters={})
    for n in range(saved.DIGEST_ITEMS + 1):
        publish(author, f"Pothole app {n}")

    deliver()

    [email] = alert_emails()
    assert email.subject == "More than 20 new results for your saved search “pothole”"
    assert email.body_text.count("\n- Pothole app") == 20
    assert "There are more: see every result of this search here:" in email.body_text


# --- The saved searches page ------------------------------------------------------------------


@pytest.fixture
def signed_in(client, follower):
    client.force_login(follower)
    return client


def test_visitors_are_sent_to_sign_in(client):
    for url in (LIST_URL, f"{SAVE_URL}?q=pothole"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"/accounts/login/?next={quote(url)}"


def test_the_page_lists_the_members_own_searches_in_words(
    signed_in, follower, member, make_topic, make_organization
):
    topic = make_topic(name="Road maintenance")
    lyon = make_organization(name="Ville de Lyon", country="FR")
    saved.save_search(
        member=follower,
        query="pothole app",
        filters={"topic": [topic.slug], "country": ["FR"], "organization": [str(lyon.pk)]},
    )
    saved.save_search(member=follower, query="", filters={"level": ["local"]})
    saved.save_search(member=member, query="secret plans", filters={})

    page = signed_in.get(LIST_URL).content.decode()

    assert "“pothole app”" in page
    assert f'href="/search/?q=pothole+app&amp;topic={topic.slug}' in page
    assert '<span class="tag">Topic: Road maintenance</span>' in page
    assert '<span class="tag">Country: France</span>' in page
    assert '<span class="tag">Organisation: Ville de Lyon</span>' in page
    assert "Level of government: Local" in page
    assert "secret plans" not in page
    assert page.count("Turn alerts off") == 2


def test_the_page_explains_what_to_do_when_there_is_nothing_saved(signed_in):
    page = signed_in.get(LIST_URL).content.decode()

    assert "No saved searches yet" in page
    assert "Save this search" in page


def test_the_page_costs_the_same_queries_for_few_or_many_searches(
    signed_in, follower, make_topic, make_organization, django_assert_max_num_queries
):
    def add(count: int) -> None:
        for _n in range(count):
            topic, organization = make_topic(), make_organization()
            saved.save_search(
                member=follower,
                query=f"search {SavedSearch.objects.count()}",
                filters={"topic": [topic.slug], "organization": [str(organization.pk)]},
            )

    add(2)
    with CaptureQueriesContext(connection) as few:
        signed_in.get(LIST_URL)
    add(10)
    with django_assert_max_num_queries(len(few)):
        response = signed_in.get(LIST_URL)
    assert response.content.decode().count('class="tag">Topic:') == 12


def test_alerts_turn_off_and_on_from_the_page(signed_in, follower):
    saved_search, _ = saved.save_search(member=follower, query="pothole", filters={})
    url = reverse("saved_searches:alerts", args=[saved_search.pk])

    response = signed_in.post(url, {"alerts": "off", "next": f"{LIST_URL}?page=1"})
    saved_search.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == f"{LIST_URL}?page=1#saved-{saved_search.pk}"
    assert saved_search.alerts is False

    before = timezone.now()
    signed_in.post(url, {"alerts": "on"})
    saved_search.refresh_from_db()
    assert saved_search.alerts is True
    # Turned on again, it alerts about what is published from now on.
    assert saved_search.checked_at >= before
    page = signed_in.get(LIST_URL).content.decode()
    assert "Email alerts are on for “pothole”." in page


def test_deleting_asks_first_then_deletes(signed_in, follower):
    saved_search, _ = saved.save_search(member=follower, query="pothole", filters={})
    url = reverse("saved_searches:delete", args=[saved_search.pk])

    asked = signed_in.get(url)
    assert asked.status_code == 200
    assert "Delete this saved search?" in asked.content.decode()
    assert SavedSearch.objects.filter(pk=saved_search.pk).exists()

    response = signed_in.post(url)
    assert response.status_code == 302
    assert response["Location"] == LIST_URL
    assert not SavedSearch.objects.filter(pk=saved_search.pk).exists()
    assert "Saved search “pothole” deleted." in signed_in.get(LIST_URL).content.decode()


def test_another_member_cannot_see_change_or_delete_a_saved_search(client, follower, member):
    saved_search, _ = saved.save_search(member=follower, query="pothole", filters={})
    client.force_login(member)

    responses = [
        client.post(reverse("saved_searches:alerts", args=[saved_search.pk]), {"alerts": "off"}),
        client.get(reverse("saved_searches:delete", args=[saved_search.pk])),
        client.post(reverse("saved_searches:delete", args=[saved_search.pk])),
        client.post(reverse("saved_searches:alerts", args=[999_999]), {"alerts": "off"}),
    ]

    assert [r.status_code for r in responses] == [404, 404, 404, 404]
    saved_search.refresh_from_db()
    assert saved_search.alerts is True
    assert "pothole" not in client.get(LIST_URL).content.decode()


# --- Saving from the results page -------------------------------------------------------------


def results_request(user, query_string: str):
    request = RequestFactory().get(f"/search/?{query_string}")
    request.user = user
    return request


def test_the_results_page_form_carries_the_search_and_saves_it(signed_in, follower):
    form = render_to_string(
        "search/_saved_form.html",
        request=results_request(follower, "q=pothole&topic=roads&country=FR&page=2&sort=newest"),
    )
    assert 'action="/search/saved/new/"' in form
    assert 'name="csrfmiddlewaretoken"' in form
    for name, value in (("q", "pothole"), ("topic", "roads"), ("country", "FR")):
        assert f'<input type="hidden" name="{name}" value="{value}">' in form
    assert 'name="page"' not in form
    assert 'name="sort"' not in form

    back = "/search/?q=pothole&topic=roads&country=FR"
    response = signed_in.post(
        SAVE_URL,
        {"q": "pothole", "topic": "roads", "country": "FR", "alerts": "on", "next": back},
    )

    assert response.status_code == 302
    assert response["Location"] == back
    saved_search = SavedSearch.objects.get(member=follower)
    assert (saved_search.query, saved_search.filters, saved_search.alerts) == (
        "pothole",
        {"topic": ["roads"], "country": ["FR"]},
        True,
    )
    again = signed_in.post(SAVE_URL, {"q": "pothole", "topic": "roads", "country": "FR"})
    assert again.status_code == 302
    assert SavedSearch.objects.count() == 1


def test_visitors_get_a_link_through_sign_in_to_a_confirmation_form(client, follower, settings):
    from django.contrib.auth.models import AnonymousUser

    form = render_to_string(
        "search/_saved_form.html", request=results_request(AnonymousUser(), "q=pothole&level=local")
    )
    assert '<a href="/search/saved/new/?q=pothole&amp;level=local">Save this search</a>' in form
    assert "<form" not in form

    client.force_login(follower)
    page = client.get(f"{SAVE_URL}?q=pothole&level=local&next=/search/%3Fq%3Dpothole")
    body = page.content.decode()
    assert page.status_code == 200
    assert 'name="q" value="pothole"' in body
    assert '<input type="hidden" name="level" value="local">' in body
    assert "Level of government: Local" in body
    response = client.post(
        SAVE_URL, {"q": "pothole", "level": "local", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/search/?q=pothole&level=local"
    assert SavedSearch.objects.get().alerts is False  # the box was left unticked


def test_a_refused_save_keeps_the_words_and_says_why_beside_them(signed_in, follower):
    too_long = "pothole " * 70

    response = signed_in.post(SAVE_URL, {"q": too_long, "topic": "roads", "alerts": "on"})

    body = response.content.decode()
    assert response.status_code == 400
    assert "Ensure this value has at most 500 characters" in body
    assert too_long.strip() in body
    assert '<input type="hidden" name="topic" value="roads">' in body
    assert SavedSearch.objects.count() == 0

    for n in range(saved.MAX_SAVED_SEARCHES):
        saved.save_search(member=follower, query=f"search {n}", filters={})
    response = signed_in.post(SAVE_URL, {"q": "one more", "alerts": "on"})
    assert response.status_code == 400
    assert "You already have 25 saved searches" in response.content.decode()
    assert 'value="one more"' in response.content.decode()


def test_saving_needs_the_csrf_token_and_is_rate_limited(follower, settings):
    settings.POSTING_RATE_LIMITS = {**settings.POSTING_RATE_LIMITS, "saved_search": "2/d"}
    client = Client(enforce_csrf_checks=True)
    client.force_login(follower)

    assert client.post(SAVE_URL, {"q": "pothole"}).status_code == 403
    token = client.get(f"{SAVE_URL}?q=x").cookies["csrftoken"].value
    statuses = [
        client.post(SAVE_URL, {"q": f"pothole {n}", "csrfmiddlewaretoken": token}).status_code
        for n in range(3)
    ]

    assert statuses == [302, 302, 429]
    assert SavedSearch.objects.count() == 2
