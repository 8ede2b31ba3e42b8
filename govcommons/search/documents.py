"""What each kind of Item puts in the index: its searchable text and its facet values."""

from dataclasses import dataclass, field

from govcommons.core.models import Item, ItemKind

from .text import plain_text

PRACTICE_TEXT_FIELDS = [
    "challenge", "context", "approach", "implementation", "lessons", "replication", "costs",
]  # fmt: skip


@dataclass
class DocumentData:
    title: str
    body: str
    facets: list[tuple[str, str]] = field(default_factory=list)


def _common_facets(item: Item) -> list[tuple[str, str]]:
    facets = [("kind", item.kind), ("language", item.language)]
    if item.organization_id:
        facets.append(("organization", str(item.organization_id)))
    return facets


def _topic_facets(topics) -> list[tuple[str, str]]:
    """A topic and its parent both match: "Open data" is found under "Digital services" too."""
    values = set()
    for topic in topics:
        values.add(topic.slug)
        if topic.parent_id:
            values.add(topic.parent.slug)
    return [("topic", slug) for slug in sorted(values)]


def practice_document(item: Item) -> DocumentData:
    from govcommons.practices.models import Practice

    practice = (
        Practice.objects.select_related("item")
        .prefetch_related("topics__parent", "sectors", "levels", "countries", "outcomes")
        .get(pk=item.pk)
    )
    parts = [plain_text(item.summary)]
    parts += [plain_text(getattr(practice, name)) for name in PRACTICE_TEXT_FIELDS]
    parts += [outcome.name for outcome in practice.outcomes.all()]
    facets = _common_facets(item) + _topic_facets(practice.topics.all())
    facets += [("sector", sector.slug) for sector in practice.sectors.all()]
    facets += [("level", level.level) for level in practice.levels.all()]
    facets += [("country", str(country.country)) for country in practice.countries.all()]
    facets.append(("type", practice.contribution_kind))
    if practice.evidence_level:
        facets.append(("evidence", str(practice.evidence_level)))
    facets.append(("peer_reviewed", "yes" if practice.is_peer_reviewed else "no"))
    return DocumentData(item.title, " ".join(p for p in parts if p), facets)


def question_document(item: Item) -> DocumentData:
    from govcommons.discussions.models import Question

    question = Question.objects.prefetch_related("topics__parent").get(pk=item.pk)
    answers = question.answers.filter(removed_at__isnull=True).values_list("body", flat=True)
    body = " ".join(p for p in [plain_text(question.body), *map(plain_text, answers)] if p)
    facets = _common_facets(item) + _topic_facets(question.topics.all())
    return DocumentData(item.title, body, facets)


def idea_document(item: Item) -> DocumentData:
    from govcommons.ideas.models import Idea

    idea = Idea.objects.prefetch_related("topics__parent").get(pk=item.pk)
    texts = [idea.problem, idea.proposal, idea.benefit, idea.who_might_try]
    body = " ".join(plain_text(t) for t in texts if t)
    facets = _common_facets(item) + _topic_facets(idea.topics.all())
    return DocumentData(item.title, body, facets)


BUILDERS = {
    ItemKind.PRACTICE: practice_document,
    ItemKind.QUESTION: question_document,
    ItemKind.IDEA: idea_document,
}


def document_for(item: Item) -> DocumentData:
    return BUILDERS[item.kind](item)
