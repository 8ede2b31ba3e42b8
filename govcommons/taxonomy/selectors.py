"""Reads of reference data."""

from django.db.models import Count, QuerySet

from .models import Sector, Topic


def topic_tree() -> list[tuple[Topic, list[Topic]]]:
    """Top-level topics with their children, in two queries whatever the tree's size."""
    topics = list(Topic.objects.order_by("name"))
    children: dict[int, list[Topic]] = {}
    for topic in topics:
        if topic.parent_id:
            children.setdefault(topic.parent_id, []).append(topic)
    return [(topic, children.get(topic.pk, [])) for topic in topics if topic.parent_id is None]


def topics_for_api() -> QuerySet[Topic]:
    return Topic.objects.select_related("parent").order_by("name")


def get_topic(slug: str) -> Topic:
    return Topic.objects.select_related("parent").get(slug=slug)


def topic_children(topic: Topic) -> QuerySet[Topic]:
    return topic.children.order_by("name")


def topic_experts_count(topic: Topic) -> int:
    return topic.experts.count()


def sectors_with_counts() -> QuerySet[Sector]:
    return Sector.objects.annotate(organization_count=Count("organizations")).order_by("name")
