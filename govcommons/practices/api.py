"""API operations on contributions: read published ones; write, update and publish drafts.

A thin adapter over `selectors` (reads, visibility) and `services` (writes), so that the API and
the pages can never disagree about who sees or may change what.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator
from django.urls import reverse
from django.utils.translation import gettext as _
from django_countries import countries as all_countries
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import Throttled, ValidationError
from ninja.pagination import paginate
from pydantic import ValidationInfo, field_validator

from govcommons.accounts.models import User
from govcommons.accounts.permissions import can_moderate, can_submit_for_review
from govcommons.api.auth import caller, token_or_session
from govcommons.api.pagination import Pages
from govcommons.api.schemas import InputSchema, Problem
from govcommons.core import ratelimit
from govcommons.core.errors import ConflictError
from govcommons.core.models import ItemStatus, Language, Visibility
from govcommons.core.permissions import readable_levels
from govcommons.organizations.models import Organization
from govcommons.reviews import permissions as review_permissions
from govcommons.reviews import selectors as review_selectors
from govcommons.reviews import services as review_services
from govcommons.taxonomy.models import LevelOfGovernment, Sector, Topic

from . import permissions, selectors, services
from .models import (
    AdoptionStage,
    BudgetBand,
    ContributionKind,
    ContributionState,
    EvidenceLevel,
    JurisdictionType,
    Licence,
    LinkKind,
    PopulationBand,
    Practice,
    Stage,
)

router = Router(tags=["practices"])

TEXT_LIMIT = 20_000  # as in the page's form
COUNTRY_CODES = frozenset(code for code, _name in all_countries)


def _number(value: Decimal | None) -> Decimal | None:
    """21.0000 -> 21 and 2100.00 -> 2100: stored precision is not part of the answer."""
    if value is None:
        return None
    value = value.normalize()
    return value.quantize(Decimal(1)) if value.as_tuple().exponent > 0 else value


# --- Output --------------------------------------------------------------------------------


class OrganizationRef(Schema):
    slug: str
    name: str


class MemberRef(Schema):
    handle: str
    display_name: str


class TaxonRef(Schema):
    slug: str
    name: str


class PracticeRef(Schema):
    slug: str
    title: str
    url: str


class OutcomeOut(Schema):
    name: str
    unit: str
    baseline: Decimal | None
    result: Decimal
    period: str
    source: str = ""

    @staticmethod
    def resolve_baseline(obj) -> Decimal | None:
        return _number(obj.baseline)

    @staticmethod
    def resolve_result(obj) -> Decimal:
        return _number(obj.result)


class AdoptionOutcomeOut(OutcomeOut):
    source: str = ""

    @staticmethod
    def resolve_source(obj) -> str:
        return ""


class AttachmentOut(Schema):
    name: str
    content_type: str
    size: int
    url: str


class LinkOut(Schema):
    kind: LinkKind
    url: str
    title: str


class AdoptionOut(Schema):
    organization: OrganizationRef
    country: str
    stage: AdoptionStage
    adopted_on: date
    notes: str
    outcomes: list[AdoptionOutcomeOut]


class AdoptionsOut(Schema):
    organizations: int
    countries: int
    by_stage: dict[str, int]
    items: list[AdoptionOut]


class PracticeOut(Schema):
    """A contribution in a list."""

    slug: str = Field(alias="item.slug")
    title: str = Field(alias="item.title")
    summary: str = Field(alias="item.summary")
    contribution_kind: ContributionKind
    status: ItemStatus = Field(alias="item.status")
    visibility: Visibility = Field(alias="item.visibility")
    language: str = Field(alias="item.language")
    organization: OrganizationRef | None
    author: MemberRef = Field(alias="item.author")
    topics: list[TaxonRef]
    countries: list[str]
    stage: Stage
    has_outcomes: bool
    adoption_count: int = Field(alias="item.adoption_count")
    adoption_country_count: int = Field(alias="item.adoption_country_count")
    revision: int = Field(
        alias="item.revision_number", description="Send it back as base_revision when you update."
    )
    published_at: datetime | None = Field(alias="item.published_at")
    updated_at: datetime = Field(alias="item.updated_at")
    state: ContributionState = Field(
        description="Where it stands in peer review: draft, submitted, in_review, "
        "changes_requested, accepted, published, declined, withdrawn, outdated or archived."
    )
    peer_reviewed: bool = Field(description="Published after peer review.")
    evidence_level: EvidenceLevel | None = Field(
        description="1 described, 2 outcomes measured, 3 compared with a baseline or control, "
        "4 independently evaluated, 5 replicated elsewhere (see /about/review/)."
    )
    last_reviewed_at: datetime | None
    rereview_due_on: date | None = Field(description="When editors check it is still current.")
    url: str = Field(description="The contribution's page.")

    @staticmethod
    def resolve_peer_reviewed(obj) -> bool:
        return obj.is_peer_reviewed

    @staticmethod
    def resolve_organization(obj):
        return obj.item.organization if obj.item.organization_id else None

    @staticmethod
    def resolve_topics(obj):
        return sorted(obj.topics.all(), key=lambda t: t.name)

    @staticmethod
    def resolve_countries(obj) -> list[str]:
        return sorted(c.country.code for c in obj.countries.all())

    @staticmethod
    def resolve_url(obj, context) -> str:
        return context["request"].build_absolute_uri(obj.get_absolute_url())


class PracticeDetailOut(PracticeOut):
    """A contribution with everything its page shows."""

    co_authors: list[MemberRef]
    sectors: list[TaxonRef]
    levels: list[LevelOfGovernment]
    challenge: str
    context: str
    approach: str
    implementation: str
    lessons: str
    replication: str
    contacts: str
    costs: str
    cost_amount: Decimal | None
    cost_currency: str
    staff_fte: Decimal | None
    start_date: date | None
    end_date: date | None
    licence: Licence
    jurisdiction_type: JurisdictionType | None
    population_band: PopulationBand | None
    budget_band: BudgetBand | None
    service_area: str
    needs_data: bool
    needs_skills: bool
    needs_technology: bool
    needs_procurement: bool
    needs_legal_basis: bool
    prerequisites: str
    outcomes: list[OutcomeOut]
    attachments: list[AttachmentOut]
    links: list[LinkOut]
    adoptions: AdoptionsOut
    adapted_from: PracticeRef | None
    adaptations: list[PracticeRef]
    has_pending_revision: bool = Field(
        description="Its authors saved changes that wait for review; the public reads the "
        "published version meanwhile."
    )
    review_submission_id: int | None = Field(
        description="Its latest peer review (GET /api/v1/reviews/submissions/{id}), for its "
        "authors, its editors and invited reviewers; null for everyone else or if never "
        "submitted."
    )
    can_edit: bool = Field(description="Whether the caller may update it.")
    can_publish: bool = Field(
        description="Whether the caller may submit it (or its unpublished changes) for review."
    )

    @staticmethod
    def resolve_co_authors(obj):
        return sorted(obj.item.co_authors.all(), key=lambda m: m.display_name)

    @staticmethod
    def resolve_sectors(obj):
        return sorted(obj.sectors.all(), key=lambda s: s.name)

    @staticmethod
    def resolve_levels(obj) -> list[str]:
        return sorted(level.level for level in obj.levels.all())

    @staticmethod
    def resolve_cost_amount(obj):
        return _number(obj.cost_amount)

    @staticmethod
    def resolve_staff_fte(obj):
        return _number(obj.staff_fte)

    @staticmethod
    def resolve_jurisdiction_type(obj):
        return obj.jurisdiction_type or None

    @staticmethod
    def resolve_population_band(obj):
        return obj.population_band or None

    @staticmethod
    def resolve_budget_band(obj):
        return obj.budget_band or None

    @staticmethod
    def resolve_attachments(obj, context) -> list[dict]:
        request = context["request"]
        return [
            {
                "name": a.original_name,
                "content_type": a.content_type,
                "size": a.size,
                "url": request.build_absolute_uri(
                    reverse("practices:attachment", args=[obj.item.slug, a.pk])
                ),
            }
            for a in obj.attachments.all()
        ]

    @staticmethod
    def resolve_adoptions(obj) -> dict:
        adoptions = list(obj.adoptions.all())
        by_stage = dict.fromkeys(AdoptionStage.values, 0)
        for adoption in adoptions:
            by_stage[adoption.stage] += 1
        return {
            "organizations": len(adoptions),
            "countries": len({a.organization.country.code for a in adoptions}),
            "by_stage": by_stage,
            "items": [
                {
                    "organization": a.organization,
                    "country": a.organization.country.code,
                    "stage": a.stage,
                    "adopted_on": a.adopted_on,
                    "notes": a.notes,
                    "outcomes": list(a.outcomes.all()),
                }
                for a in adoptions
            ],
        }

    @staticmethod
    def resolve_adapted_from(obj, context) -> dict | None:
        source = obj.adapted_from
        if source is None or not _may_read(context["request"].user)(source):
            return None
        return _ref(context["request"], source)

    @staticmethod
    def resolve_adaptations(obj, context) -> list[dict]:
        request = context["request"]
        readable = _may_read(request.user)
        return [_ref(request, a) for a in obj.adaptations.all() if readable(a)]

    @staticmethod
    def resolve_review_submission_id(obj, context) -> int | None:
        user = context["request"].user
        if not user.is_authenticated:
            return None
        submission = review_selectors.latest_submission(obj)
        if submission is None:
            return None
        submission.practice = obj
        return submission.pk if review_permissions.can_view_submission(user, submission) else None

    @staticmethod
    def resolve_can_edit(obj, context) -> bool:
        return permissions.can_edit(context["request"].user, obj)

    @staticmethod
    def resolve_can_publish(obj, context) -> bool:
        return permissions.can_publish(context["request"].user, obj)


def _may_read(user):
    """For contributions linked from a page: published, at a level the reader may see.

    Decided on the loaded rows, with at most one query whatever the number of links.
    """
    levels = readable_levels(user)
    moderator = None

    def readable(practice: Practice) -> bool:
        nonlocal moderator
        if practice.item.status != ItemStatus.PUBLISHED:
            return False
        if practice.item.visibility in levels:
            return True
        if moderator is None:
            moderator = can_moderate(user)
        return moderator

    return readable


def _ref(request, practice: Practice) -> dict:
    return {
        "slug": practice.item.slug,
        "title": practice.item.title,
        "url": request.build_absolute_uri(practice.get_absolute_url()),
    }


# --- Input ---------------------------------------------------------------------------------


class OutcomeIn(InputSchema):
    name: str = Field(min_length=1, max_length=200, examples=["Days to repair a pothole"])
    unit: str = Field("", max_length=50, examples=["days"])
    baseline: Decimal | None = Field(None, max_digits=16, decimal_places=4, examples=[21])
    result: Decimal = Field(max_digits=16, decimal_places=4, examples=[6])
    period: str = Field("", max_length=100, examples=["12 months"])
    source: str = Field("", max_length=300)


class LinkIn(InputSchema):
    kind: LinkKind = LinkKind.WEBSITE
    url: str = Field(max_length=500)
    title: str = Field("", max_length=200)

    @field_validator("url")
    @classmethod
    def web_address(cls, value: str) -> str:
        value = value.strip()
        try:
            URLValidator(schemes=["http", "https"])(value)
        except DjangoValidationError as exc:
            raise ValueError(_("Enter a web address starting with https://.")) from exc
        return value


def _text(description: str = "Markdown."):
    return Field("", max_length=TEXT_LIMIT, description=description)


class PracticeIn(InputSchema):
    """A contribution as the page's form has it. Lists are replaced as a whole."""

    title: str = Field(min_length=1, max_length=200)
    summary: str = Field("", max_length=1500, description="One paragraph.")
    contribution_kind: ContributionKind
    challenge: str = _text()
    context: str = _text("Who, where, at what scale, under which constraints.")
    approach: str = _text()
    implementation: str = _text("Design, procurement, development, deployment.")
    lessons: str = _text()
    replication: str = _text("What it would take to replicate it.")
    contacts: str = _text("Who to ask: a role and a work address.")
    costs: str = _text("Costs and resources, in words.")
    cost_amount: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    cost_currency: str = Field("EUR", max_length=3)
    staff_fte: Decimal | None = Field(None, ge=0, max_digits=7, decimal_places=1)
    start_date: date | None = None
    end_date: date | None = None
    stage: Stage = Stage.IN_OPERATION
    licence: Licence = Licence.CC_BY
    visibility: Visibility = Visibility.PUBLIC
    language: Language = Language.EN
    organization: str | None = Field(
        None,
        description="The owning organisation's slug. Left out: yours (on create) or unchanged.",
    )
    co_authors: list[str] = Field(
        [], max_length=20, description="Email addresses of members who may edit it with you."
    )
    topics: list[str] = Field([], max_length=30, description="Topic slugs (see /api/v1/topics).")
    sectors: list[str] = Field([], max_length=30, description="Sector slugs.")
    levels: list[LevelOfGovernment] = Field([], max_length=10)
    countries: list[str] = Field([], max_length=60, description="ISO 3166-1 alpha-2 codes.")
    jurisdiction_type: JurisdictionType | None = None
    population_band: PopulationBand | None = None
    budget_band: BudgetBand | None = None
    service_area: str = Field("", max_length=150)
    needs_data: bool = False
    needs_skills: bool = False
    needs_technology: bool = False
    needs_procurement: bool = False
    needs_legal_basis: bool = False
    prerequisites: str = _text("Prerequisites in detail.")
    outcomes: list[OutcomeIn] = Field([], max_length=30)
    links: list[LinkIn] = Field([], max_length=20)
    message: str = Field("", max_length=300, description="What changed, for the history.")

    @field_validator("title")
    @classmethod
    def title_has_words(cls, value: str) -> str:
        if not value.strip():
            raise ValueError(_("Give the contribution a title."))
        return value.strip()

    @field_validator("end_date")
    @classmethod
    def ends_after_start(cls, value: date | None, info: ValidationInfo) -> date | None:
        start = info.data.get("start_date")
        if value and start and value < start:
            raise ValueError(_("The end date is before the start date."))
        return value


class PracticeUpdateIn(PracticeIn):
    """What you send replaces what is there; what you leave out stays as it is."""

    title: str = Field(None, min_length=1, max_length=200)
    contribution_kind: ContributionKind = None
    base_revision: int = Field(
        ge=0, description="The revision you started from; a newer one on the server means 409."
    )


class PracticeQuery(InputSchema):
    kind: ContributionKind | None = None
    topic: str = Field("", max_length=100, description="A topic slug; includes its sub-topics.")
    sector: str = Field("", max_length=100, description="A sector slug.")
    level: LevelOfGovernment | None = None
    country: str = Field("", max_length=2, description="An ISO 3166-1 alpha-2 code.")
    organization: str = Field("", max_length=100, description="An organisation slug.")
    language: Language | None = None
    stage: Stage | None = None
    has_outcomes: bool = False
    min_adoptions: int = Field(0, ge=0, le=10_000, description="Adopted by at least N bodies.")
    jurisdiction_type: JurisdictionType | None = None
    population_band: PopulationBand | None = None
    budget_band: BudgetBand | None = None
    min_evidence: EvidenceLevel | None = Field(
        None, description="Peer reviewed with at least this evidence level (1-5)."
    )
    peer_reviewed: bool = Field(False, description="Peer reviewed ones only.")
    include_archived: bool = Field(
        False, description="Archived contributions too (kept for reference, left out by default)."
    )
    q: str = Field("", max_length=200, description="Words in the title or summary.")
    sort: Literal["newest", "adopted", "updated", "fit"] = Field(
        "newest", description="`fit`: places like the caller's saved context first."
    )

    def to_filters(self) -> selectors.PracticeFilters:
        return selectors.PracticeFilters(
            kind=self.kind or "",
            topic=self.topic,
            sector=self.sector,
            level=self.level or "",
            country=self.country.upper(),
            organization=self.organization,
            language=self.language or "",
            stage=self.stage or "",
            has_outcomes=self.has_outcomes,
            min_adoptions=self.min_adoptions,
            min_evidence=self.min_evidence or 0,
            peer_reviewed=self.peer_reviewed,
            include_archived=self.include_archived,
            jurisdiction_type=self.jurisdiction_type or "",
            population_band=self.population_band or "",
            budget_band=self.budget_band or "",
            q=self.q.strip(),
        )


def _unique(values) -> list:
    return list(dict.fromkeys(values))


LISTS = {"topics", "sectors", "levels", "countries", "co_authors", "outcomes", "links"}


def _current_lists(practice: Practice) -> dict:
    """The lists as they are (from the prefetched rows), for an update that leaves some out."""
    return {
        "topics": list(practice.topics.all()),
        "sectors": list(practice.sectors.all()),
        "levels": [level.level for level in practice.levels.all()],
        "countries": [str(c.country.code) for c in practice.countries.all()],
        "co_authors": list(practice.item.co_authors.all()),
        "outcomes": [
            {k: getattr(o, k) for k in ("name", "unit", "baseline", "result", "period", "source")}
            for o in practice.outcomes.all()
        ],
        "links": [{"kind": x.kind, "url": x.url, "title": x.title} for x in practice.links.all()],
    }


def _to_input(
    payload: PracticeIn, *, member, current: Practice | None = None
) -> services.PracticeInput:
    """Turn slugs, codes and addresses into rows, refusing unknown ones as 422 with all errors.

    On create every field counts (with its default); on update only the fields sent.
    """
    sent = set(PracticeIn.model_fields) if current is None else payload.model_fields_set
    lists = {} if current is None else _current_lists(current)
    errors = []

    def refuse(field: str, message: str) -> None:
        errors.append({"type": "value_error", "loc": ["body", "payload", field], "msg": message})

    if "topics" in sent:
        wanted = _unique(payload.topics)
        lists["topics"] = list(Topic.objects.filter(slug__in=wanted))
        unknown = [s for s in wanted if s not in {t.slug for t in lists["topics"]}]
        if unknown:
            refuse("topics", _("No topic has the slug %(slugs)s.") % {"slugs": ", ".join(unknown)})
    if "sectors" in sent:
        wanted = _unique(payload.sectors)
        lists["sectors"] = list(Sector.objects.filter(slug__in=wanted))
        unknown = [s for s in wanted if s not in {x.slug for x in lists["sectors"]}]
        if unknown:
            refuse(
                "sectors", _("No sector has the slug %(slugs)s.") % {"slugs": ", ".join(unknown)}
            )
    if "countries" in sent:
        lists["countries"] = _unique(c.strip().upper() for c in payload.countries)
        unknown = [c for c in lists["countries"] if c not in COUNTRY_CODES]
        if unknown:
            refuse(
                "countries",
                _("%(codes)s: not ISO 3166 country codes.") % {"codes": ", ".join(unknown)},
            )
    if "co_authors" in sent:
        emails = _unique(e.strip().lower() for e in payload.co_authors if e.strip())
        lists["co_authors"] = list(User.objects.filter(email__in=emails, is_active=True))
        unknown = [e for e in emails if e not in {m.email for m in lists["co_authors"]}]
        if unknown:
            refuse(
                "co_authors",
                _("No member has the address %(emails)s. Co-authors need a GovCommons account.")
                % {"emails": ", ".join(unknown)},
            )
    if "levels" in sent:
        lists["levels"] = _unique(payload.levels)
    if "outcomes" in sent:
        lists["outcomes"] = [o.model_dump() for o in payload.outcomes]
    if "links" in sent:
        lists["links"] = [link.model_dump() for link in payload.links]
    fields = payload.model_dump(include=sent - LISTS - {"organization", "message", "base_revision"})
    # Left out on create, the owning organisation is the author's; on update, it stays.
    if "organization" in payload.model_fields_set:
        fields["organization"] = None
        if payload.organization:
            fields["organization"] = Organization.objects.filter(slug=payload.organization).first()
            if fields["organization"] is None:
                refuse(
                    "organization",
                    _("No organisation has the slug %(slug)s.") % {"slug": payload.organization},
                )
    elif current is None:
        fields["organization"] = member.organization
    if errors:
        raise ValidationError(errors)
    for name in ("jurisdiction_type", "population_band", "budget_band"):
        if name in fields:
            fields[name] = fields[name] or ""
    if "cost_currency" in fields:
        fields["cost_currency"] = fields["cost_currency"].strip().upper()
    return services.PracticeInput(fields=fields, **lists)


# --- Operations ----------------------------------------------------------------------------

READ_ERRORS = {401: Problem, 404: Problem}
WRITE_ERRORS = {401: Problem, 403: Problem, 404: Problem, 422: Problem}


@router.get(
    "",
    response={200: list[PracticeOut], 401: Problem, 422: Problem},
    summary="List contributions",
    auth=None,
)
@paginate(Pages, page_size=20)
def list_practices(request, filters: Query[PracticeQuery]):
    """Published contributions the caller may read, with the filters of the /practices/ page.

    Anonymous callers see public contributions; members also see members-only ones, verified
    public servants also verified-only ones. Send a token to read as yourself. Archived
    contributions are left out unless `include_archived` is true.
    """
    viewer = caller(request)
    context = selectors.member_context(viewer) if filters.sort == "fit" else None
    return selectors.practice_list(viewer, filters.to_filters(), filters.sort, context)


@router.get(
    "/{slug}",
    response={200: PracticeDetailOut, **READ_ERRORS},
    summary="One contribution",
    auth=None,
)
def get_practice(request, slug: str):
    """Everything the contribution's page shows. Drafts are found only by their authors and
    moderators; a contribution the caller may not read answers 404, as if it did not exist."""
    return selectors.get_practice_for(caller(request), slug)


def _posting_allowed(request) -> None:
    """The page's posting limit applies to the API too (429 problem)."""
    if not ratelimit.consume(request, "practice_write"):
        raise Throttled(wait=None)


@router.post(
    "",
    response={201: PracticeDetailOut, **WRITE_ERRORS},
    summary="Write a draft",
    auth=token_or_session,
)
def create_practice(request, payload: PracticeIn):
    """A new draft, visible only to you and its co-authors until you publish it.
    Permission: any signed-in member."""
    _posting_allowed(request)
    member = request.auth
    data = _to_input(payload, member=member)
    practice = services.create_draft(author=member, data=data, message=payload.message)
    return Status(201, selectors.get_practice_for(member, practice.item.slug))


@router.put(
    "/{slug}",
    response={200: PracticeDetailOut, 409: Problem, **WRITE_ERRORS},
    summary="Update a contribution",
    auth=token_or_session,
)
def update_practice(request, slug: str, payload: PracticeUpdateIn):
    """Save a new revision. The fields you send replace what is there; those you leave out stay
    as they are. Send the `revision` you read as `base_revision`: if someone saved since,
    nothing is changed and the answer is 409 with `current_revision`.
    Permission: its authors and moderators."""
    _posting_allowed(request)
    member = request.auth
    practice = selectors.get_practice_for(member, slug)
    data = _to_input(payload, member=member, current=practice)
    try:
        services.update_practice(
            member=member,
            practice_id=practice.pk,
            data=data,
            base_revision=payload.base_revision,
            message=payload.message,
        )
    except ConflictError as exc:
        practice.item.refresh_from_db(fields=["revision_number"])
        current = practice.item.revision_number
        conflict = ConflictError(
            _(
                "Someone else saved this contribution since version %(base)s: it is now at "
                "version %(current)s. Nothing was changed. Read it again, merge your changes "
                "and send them with base_revision %(current)s."
            )
            % {"base": payload.base_revision, "current": current}
        )
        conflict.problem_members = {
            "current_revision": current,
            "base_revision": payload.base_revision,
        }
        raise conflict from exc
    return selectors.get_practice_for(member, slug)


class SubmitIn(InputSchema):
    note: str = Field("", max_length=4000, description="A note to the editors.")
    minor: bool = Field(
        False,
        description="For a published contribution's changes only: a minor edit (typos, links), "
        "approved by an editor without reviewers.",
    )


SUBMIT_RESPONSES = {
    200: PracticeDetailOut,
    400: Problem,
    409: Problem,
    429: Problem,
    **WRITE_ERRORS,
}


@router.post(
    "/{slug}/submit",
    response=SUBMIT_RESPONSES,
    summary="Submit for peer review",
    auth=token_or_session,
)
def submit_practice(request, slug: str, payload: SubmitIn | None = None):
    """Send a draft (or a published contribution's unpublished changes) to the editors for
    peer review. It is published when an editor accepts it after review; while it is with the
    editors, its authors cannot edit it. The body is optional.
    Permission: its authors, when verified public servants. 409 when it is already with the
    editors or its state does not allow it; 400 when something it needs is missing or nothing
    changed since the published version."""
    if not ratelimit.consume(request, "review_write"):
        raise Throttled(wait=None)
    member = request.auth
    payload = payload or SubmitIn()
    practice = selectors.get_practice_for(member, slug)
    if not can_submit_for_review(member):
        raise PermissionDenied(
            _(
                "Only verified public servants can submit for review. Confirm a work email "
                "address whose domain belongs to a public body, or ask a moderator to verify "
                "you at %(url)s."
            )
            % {"url": request.build_absolute_uri(reverse("accounts:verification"))}
        )
    review_services.submit_for_review(
        member=member, practice_id=practice.pk, note=payload.note, minor=payload.minor
    )
    return selectors.get_practice_for(member, slug)


router.post(
    "/{slug}/publish",
    response=SUBMIT_RESPONSES,
    summary="Submit for peer review (former name)",
    description="Deprecated: use /submit. Contributions are published by peer review now; this "
    "submits the draft for review exactly as /submit does.",
    auth=token_or_session,
    deprecated=True,
    operation_id="practices_publish_practice",
)(submit_practice)
