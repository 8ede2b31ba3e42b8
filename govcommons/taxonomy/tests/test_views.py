"""Topic pages: the tree of topics, and one topic with its sub-topics and experts."""

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

TOPICS = reverse("taxonomy:topics")


def tree_names(response) -> list[tuple[str, list[str]]]:
    return [
        (parent.name, [c.name for c in children]) for parent, children in response.context["tree"]
    ]


@pytest.fixture
def digital(make_topic):
    digital = make_topic(name="Digital services", slug="digital", description="Online services.")
    make_topic(name="Citizen reporting", slug="citizen-reporting", parent=digital)
    make_topic(name="Accessibility", slug="accessibility", parent=digital)
    return digital


def test_topics_page_shows_top_level_topics_with_their_children(client, digital, make_topic):
    make_topic(name="Climate", slug="climate")
    response = client.get(TOPICS)
    assert response.status_code == 200
    assert tree_names(response) == [
        ("Climate", []),
        ("Digital services", ["Accessibility", "Citizen reporting"]),
    ]
    assertContains(response, 'href="/topics/citizen-reporting/"')
    assertContains(response, "Online services.")


def test_topics_page_without_topics_says_so(client, db):
    response = client.get(TOPICS)
    assert response.status_code == 200
    assertContains(response, "No topics yet")


@pytest.mark.parametrize("parents", [1, 10])
def test_topics_page_query_count_does_not_grow_with_the_tree(
    client, make_topic, member, django_assert_max_num_queries, parents
):
    for n in range(parents):
        parent = make_topic(name=f"Field {n:02d}")
        for m in range(4):
            make_topic(name=f"Sub {n:02d}.{m}", parent=parent)
    client.force_login(member)
    with django_assert_max_num_queries(6):
        response = client.get(TOPICS)
    assert response.status_code == 200
    assert len(response.context["tree"]) == parents
    assert sum(1 + len(children) for _, children in response.context["tree"]) == parents * 5


def test_topic_page_lists_its_sub_topics_and_its_parent(client, digital):
    response = client.get(digital.get_absolute_url())
    assert response.status_code == 200
    assert [t.name for t in response.context["children"]] == ["Accessibility", "Citizen reporting"]
    child = client.get("/topics/accessibility/")
    assert [t.name for t in child.context["children"]] == []
    assertContains(child, '<a href="/topics/digital/">Digital services</a>')
    assertContains(child, '<li aria-current="page">Accessibility</li>')


@pytest.fixture
def experts(digital, make_member):
    public = make_member(display_name="Ada Public", password=None)
    private = make_member(display_name="Bob Private", public_expertise=False, password=None)
    gone = make_member(display_name="Cy Gone", is_active=False, password=None)
    for expert in (public, private, gone):
        expert.expertise.add(digital)
    make_member(display_name="Dee Elsewhere", password=None)
    return digital


def test_visitors_see_only_experts_who_made_their_expertise_public(client, experts):
    response = client.get(experts.get_absolute_url())
    assert [m.display_name for m in response.context["experts_page"]] == ["Ada Public"]
    assertNotContains(response, "Bob Private")


def test_members_see_every_active_expert_of_a_topic(client, experts, member):
    client.force_login(member)
    response = client.get(experts.get_absolute_url())
    assert [m.display_name for m in response.context["experts_page"]] == [
        "Ada Public",
        "Bob Private",
    ]


def test_topic_without_experts_has_a_helpful_empty_state(client, digital):
    assertContains(client.get(digital.get_absolute_url()), "No one lists this expertise yet")


def test_unknown_topic_is_a_friendly_404(client, db):
    response = client.get("/topics/no-such-topic/")
    assert response.status_code == 404
    assertContains(response, "We could not find that page", status_code=404)


@pytest.mark.parametrize("count", [1, 50])
def test_topic_page_query_count_does_not_grow(
    client, make_topic, make_member, member, django_assert_max_num_queries, count
):
    topic = make_topic(name="Open data")
    for n in range(count):
        make_topic(name=f"Sub {n:02d}", parent=topic)
        make_member(password=None, verified=True).expertise.add(topic)
    client.force_login(member)
    with django_assert_max_num_queries(11):
        response = client.get(topic.get_absolute_url())
    assert response.status_code == 200
    assert len(response.context["experts_page"].object_list) == min(count, 20)
