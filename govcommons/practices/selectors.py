"""Reads of contributions: the filtered, faceted list and everything one page needs."""

from dataclasses import dataclass

from django.db.models import (
    Case,
    Count,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.http import Http404
from django.utils.translation import gettext as _
from django_countries import countries as all_countries

from govcommons.core.models import ItemKind, ItemStatus, Language
from govcommons.core.permissions import can_view_item, visibility_q
from govcommons.organizations.models import Organization
from govcommons.taxonomy.models import LevelOfGovernment, Sector, Topic

from .models import (
    Adoption,
    AdoptionStage,
    BudgetBand,
    ContributionKind,
    ContributionState,
    EvidenceLevel,
    JurisdictionType,
    MemberContext,
    PopulationBand,
    Practice,
    PracticeCountry,
    PracticeLevel,
    Stage,
)

SORTS = {
    "newest": ("-item__published_at", "-pk"),
    "adopted": ("-item__adoption_count", "-item__published_at", "-pk"),
    "updated": ("-item__updated_at", "-pk"),
}


@dataclass
class PracticeFilters:
    kind: str = ""
    topic: str = ""
    sector: str = ""
    level: str = ""
    country: str = ""
    organization: str = ""
    language: str = ""
    stage: str = ""
    has_outcomes: bool = False
    min_adoptions: int = 0
    # Peer review: "evidence level at least N" (0: any), reviewed ones only, archived ones too.
    min_evidence: int = 0
    peer_reviewed: bool = False
    include_archived: bool = False
    jurisdiction_type: str = ""
    population_band: str = ""
    budget_band: str = ""
    q: str = ""

    def __post_init__(self) -> None:
        # PostgreSQL refuses NUL characters in parameters: whatever the caller, drop them.
        for name, value in vars(self).items():
            if isinstance(value, str):
                setattr(self, name, value.replace("\x00", ""))


def _topic_ids(slug: str) -> list[int]:
    """A topic and its sub-topics: filtering on "Digital services" includes "Open data"."""
    return list(
        Topic.objects.filter(Q(slug=slug) | Q(parent__slug=slug)).values_list("pk", flat=True)
    )


def _tagged(model, field: str, values) -> QuerySet:
    """The contributions with one of `values` in a list (topics, sectors, levels, countries),
    as a semi-join: the list never multiplies rows, so no DISTINCT over whole rows is needed."""
    return model.objects.filter(**{f"{field}__in": values}).values("practice_id")


def _apply(qs: QuerySet[Practice], f: PracticeFilters, skip: str = "") -> QuerySet[Practice]:
    if f.kind and skip != "kind":
        qs = qs.filter(contribution_kind=f.kind)
    if f.topic and skip != "topic":
        qs = qs.filter(pk__in=_tagged(Practice.topics.through, "topic_id", _topic_ids(f.topic)))
    if f.sector and skip != "sector":
        sectors = Sector.objects.filter(slug=f.sector).values("pk")
        qs = qs.filter(pk__in=_tagged(Practice.sectors.through, "sector_id", sectors))
    if f.level and skip != "level":
        qs = qs.filter(pk__in=_tagged(PracticeLevel, "level", [f.level]))
    if f.country and skip != "country":
        qs = qs.filter(pk__in=_tagged(PracticeCountry, "country", [f.country]))
    if f.organization and skip != "organization":
        qs = qs.filter(item__organization__slug=f.organization)
    if f.language and skip != "language":
        qs = qs.filter(item__language=f.language)
    if f.stage and skip != "stage":
        qs = qs.filter(stage=f.stage)
    if f.has_outcomes and skip != "has_outcomes":
        qs = qs.filter(has_outcomes=True)
    if f.min_adoptions and skip != "min_adoptions":
        qs = qs.filter(item__adoption_count__gte=f.min_adoptions)
    if f.min_evidence and skip != "min_evidence":
        qs = qs.filter(evidence_level__gte=f.min_evidence)
    if f.peer_reviewed and skip != "peer_reviewed":
        qs = qs.filter(last_reviewed_at__isnull=False)
    # Archived contributions are kept for reference: their page, history, authors' profiles and
    # organisation pages still show them, but the list is for finding what to use now, so it
    # leaves them out unless the reader ticks "Include archived" (the API has the same default).
    if not f.include_archived:
        qs = qs.exclude(state=ContributionState.ARCHIVED)
    for name in ("jurisdiction_type", "population_band", "budget_band"):
        if getattr(f, name) and skip != name:
            qs = qs.filter(**{name: getattr(f, name)})
    if f.q and skip != "q":
        qs = qs.filter(Q(item__title__icontains=f.q) | Q(item__summary__icontains=f.q))
    return qs


def published_practices(viewer) -> QuerySet[Practice]:
    """Published contributions this viewer may read."""
    # The kind is implied by the table; said, it lets the item listing indexes (kind, status,
    # visibility, date) serve the filter and the sort.
    return Practice.objects.filter(
        visibility_q(viewer, prefix="item__"),
        item__kind=ItemKind.PRACTICE,
        item__status=ItemStatus.PUBLISHED,
    )


def practice_list(
    viewer, filters: PracticeFilters, sort: str = "newest", context: MemberContext | None = None
):
    qs = _apply(published_practices(viewer), filters)
    order = SORTS.get(sort, SORTS["newest"])
    if sort == "fit" and context is not None:
        # "Works in places like mine": matches on jurisdiction, population and budget first.
        score = sum(
            (
                Case(
                    When(**{name: value}, then=Value(1)),
                    default=Value(0),
                    output_field=IntegerField(),
                )
                for name, value in [
                    ("jurisdiction_type", context.jurisdiction_type),
                    ("population_band", context.population_band),
                    ("budget_band", context.budget_band),
                ]
                if value
            ),
            Value(0),
        )
        qs = qs.annotate(fit=score)
        order = ("-fit", *SORTS["newest"])
    return (
        qs.select_related("item", "item__organization", "item__author")
        .prefetch_related("topics", "countries")
        .order_by(*order)
    )


def _counts(qs: QuerySet, key: str) -> dict:
    return {
        row[key]: row["n"]
        for row in qs.order_by().values(key).annotate(n=Count("pk", distinct=True))
    }


def _topic_counts(qs: QuerySet, parent_of: dict[int, int | None]) -> dict[int, int]:
    """What filtering on each topic would give: its contributions and its sub-topics' (as
    `_topic_ids` filters), each contribution counted once."""
    reached: dict[int, set[int]] = {}
    for practice_id, topic_id in qs.order_by().values_list("pk", "topics"):
        if topic_id is None:
            continue
        for pk in (topic_id, parent_of.get(topic_id)):
            if pk is not None:
                reached.setdefault(pk, set()).add(practice_id)
    return {pk: len(ids) for pk, ids in reached.items()}


# Facets on a column with one value per contribution: all those that apply the same filters
# are counted in one pass over the contributions (conditional counts), not one query each.
ROW_FACETS = {
    "min_evidence": ("evidence_level", EvidenceLevel.values),
    "kind": ("contribution_kind", ContributionKind.values),
    "language": ("item__language", Language.values),
    "stage": ("stage", Stage.values),
    "jurisdiction_type": ("jurisdiction_type", JurisdictionType.values),
    "population_band": ("population_band", PopulationBand.values),
    "budget_band": ("budget_band", BudgetBand.values),
}


def _row_facet_counts(base: QuerySet, f: PracticeFilters) -> dict[str, dict]:
    """{facet: {value: count}} for ROW_FACETS. A facet whose filter is set counts without it
    (its own query); the others share the fully filtered set (one query for all of them)."""
    groups: dict[str, list[str]] = {}
    for name in ROW_FACETS:
        groups.setdefault(name if getattr(f, name) else "", []).append(name)
    counts: dict[str, dict] = {}
    for skip, names in groups.items():
        slots = [(name, value) for name in names for value in ROW_FACETS[name][1]]
        row = (
            _apply(base, f, skip=skip)
            .order_by()
            .aggregate(
                **{
                    f"n{i}": Count("pk", filter=Q(**{ROW_FACETS[name][0]: value}))
                    for i, (name, value) in enumerate(slots)
                }
            )
        )
        for i, (name, value) in enumerate(slots):
            counts.setdefault(name, {})[value] = row[f"n{i}"]
    return counts


def _evidence_facet(counts: dict[int, int]) -> list[tuple[str, str, int]]:
    """ "At least N": how many contributions each level and those above give."""
    return [
        (str(level), _("At least %(level)s") % {"level": label}, n)
        for level, label in EvidenceLevel.choices
        if (n := sum(c for value, c in counts.items() if value >= level))
    ]


def facets(viewer, f: PracticeFilters) -> dict[str, list[tuple[str, str, int]]]:
    """For each filter, its values with how many contributions each would give, the other
    filters applied (so a reader sees what choosing it would leave). A constant number of
    queries: one per multi-valued facet (topic, sector, level, country, organisation) and one
    for the single-valued ones together (plus one per single-valued filter that is set)."""
    base = published_practices(viewer)

    def facet(skip: str, key: str, labels) -> list[tuple[str, str, int]]:
        counts = _counts(_apply(base, f, skip=skip), key)
        return [(value, label, counts[value]) for value, label in labels if counts.get(value)]

    def row_facet(name: str, labels) -> list[tuple[str, str, int]]:
        counts = row_counts[name]
        return [(value, label, counts[value]) for value, label in labels if counts.get(value)]

    row_counts = _row_facet_counts(base, f)
    topics = list(Topic.objects.order_by("name").values_list("pk", "slug", "name", "parent_id"))
    topic_counts = _topic_counts(
        _apply(base, f, skip="topic"), {pk: parent for pk, _s, _n, parent in topics}
    )
    orgs = _counts(_apply(base, f, skip="organization"), "item__organization")
    org_names = {
        pk: (slug, name)
        for pk, slug, name in Organization.objects.filter(
            pk__in=[k for k in orgs if k]
        ).values_list("pk", "slug", "name")
    }
    return {
        "min_evidence": _evidence_facet(row_counts["min_evidence"]),
        "kind": row_facet("kind", ContributionKind.choices),
        "topic": [
            (slug, name, topic_counts[pk])
            for pk, slug, name, _parent in topics
            if topic_counts.get(pk)
        ],
        "sector": facet(
            "sector", "sectors__slug", Sector.objects.order_by("name").values_list("slug", "name")
        ),
        "level": facet("level", "levels__level", LevelOfGovernment.choices),
        "country": facet("country", "countries__country", list(all_countries)),
        "organization": sorted(
            ((*org_names[pk], n) for pk, n in orgs.items() if pk), key=lambda x: x[1]
        ),
        "language": row_facet("language", Language.choices),
        "stage": row_facet("stage", Stage.choices),
        "jurisdiction_type": row_facet("jurisdiction_type", JurisdictionType.choices),
        "population_band": row_facet("population_band", PopulationBand.choices),
        "budget_band": row_facet("budget_band", BudgetBand.choices),
    }


def open_submission_state(field: str = "state"):
    """The state (or another field) of the version now with the editors (None if none), as a
    subquery; at most one submission is open per contribution."""
    from govcommons.reviews.models import OPEN_STATES, Submission

    return Subquery(
        Submission.objects.filter(practice=OuterRef("pk"), state__in=OPEN_STATES).values(field)[:1]
    )


def get_practice_for(viewer, slug: str) -> Practice:
    """The contribution page's data in a fixed number of queries; 404 when it may not be seen."""
    practice = (
        Practice.objects.select_related(
            "item", "item__author", "item__organization", "adapted_from", "adapted_from__item"
        )
        .prefetch_related(
            "item__co_authors",
            "topics",
            "sectors",
            "levels",
            "countries",
            "outcomes",
            "links",
            "attachments",
            Prefetch(
                "adoptions",
                queryset=Adoption.objects.select_related("organization").prefetch_related(
                    "outcomes"
                ),
            ),
            Prefetch(
                "adaptations",
                queryset=Practice.objects.select_related("item").filter(
                    item__status=ItemStatus.PUBLISHED
                ),
            ),
        )
        .annotate(
            open_submission_state=open_submission_state(),
            # The page links the authors to the open submission and names its kind.
            open_submission_id=open_submission_state("pk"),
            open_submission_kind=open_submission_state("kind"),
        )
        .filter(item__slug=slug)
        .first()
    )
    if practice is None or not can_view_item(viewer, practice.item):
        raise Http404
    return practice


def adoption_summary(practice: Practice) -> dict:
    """Counts by stage and by country for the page's list and small chart (prefetched rows)."""
    adoptions = list(practice.adoptions.all())
    by_stage = {stage: 0 for stage, _label in AdoptionStage.choices}
    by_country: dict[str, int] = {}
    for adoption in adoptions:
        by_stage[adoption.stage] += 1
        name = adoption.organization.country.name
        by_country[name] = by_country.get(name, 0) + 1
    return {
        "organizations": len(adoptions),
        "countries": len(by_country),
        "by_stage": [(AdoptionStage(s).label, n) for s, n in by_stage.items()],
        "by_country": sorted(by_country.items(), key=lambda kv: (-kv[1], kv[0])),
    }


def latest_submission_id():
    """The contribution's newest submission (open or closed), as a subquery: its review page."""
    from govcommons.reviews.models import Submission

    return Subquery(
        Submission.objects.filter(practice=OuterRef("pk"))
        .order_by("-submitted_at", "-pk")
        .values("pk")[:1]
    )


def drafts_of(member) -> QuerySet[Practice]:
    """What a member is writing or has in review: every contribution of theirs not yet public
    (draft, submitted, in review, changes requested, accepted, declined, withdrawn), each with
    its newest submission's id for the link to its reviews."""
    return (
        Practice.objects.filter(
            Q(item__author=member) | Q(item__co_authors=member), item__status=ItemStatus.DRAFT
        )
        .select_related("item")
        .annotate(latest_submission_id=latest_submission_id())
        .distinct()
        .order_by("-item__updated_at", "-pk")
    )


def outdated_reason(practice: Practice) -> str:
    """Why an editor marked it outdated (the reason of that move), for the page's banner."""
    from govcommons.reviews.models import EventKind, ReviewEvent

    return (
        ReviewEvent.objects.filter(
            practice=practice,
            kind=EventKind.TRANSITION,
            to_state=ContributionState.OUTDATED,
            confidential=False,
        )
        .order_by("-created_at", "-pk")
        .values_list("reason", flat=True)
        .first()
        or ""
    )


def practices_by_author(viewer, member) -> QuerySet[Practice]:
    return (
        published_practices(viewer)
        .filter(Q(item__author=member) | Q(item__co_authors=member))
        .distinct()
        .select_related("item")
        .order_by("-item__published_at")
    )


def practices_of_organization(viewer, organization) -> QuerySet[Practice]:
    return (
        published_practices(viewer)
        .filter(item__organization=organization)
        .select_related("item")
        .order_by("-item__published_at")
    )


def practices_adopted_by(viewer, organization) -> QuerySet[Adoption]:
    visible = published_practices(viewer).values("pk")
    return (
        Adoption.objects.filter(organization=organization, practice__in=visible)
        .select_related("practice__item")
        .order_by("-adopted_on")
    )


def practices_in_topic(viewer, topic) -> QuerySet[Practice]:
    return (
        published_practices(viewer)
        .filter(topics__in=_topic_ids(topic.slug))
        .distinct()
        .select_related("item", "item__organization")
        .order_by("-item__published_at")
    )


LEVEL_TO_JURISDICTION = {
    "local": JurisdictionType.MUNICIPALITY,
    "regional": JurisdictionType.REGION,
    "national": JurisdictionType.NATIONAL_AGENCY,
    "international": JurisdictionType.INTERNATIONAL,
}


def context_from_organization(organization) -> dict:
    """A first guess of "my context" from the member's organisation, for them to correct."""
    return {"jurisdiction_type": LEVEL_TO_JURISDICTION.get(organization.level, "")}


def member_context(member) -> MemberContext | None:
    if not member.is_authenticated:
        return None
    return MemberContext.objects.filter(member=member).first()
