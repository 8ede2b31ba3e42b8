"""Every write to contributions: drafts, revisions, adaptations, adoptions, files.

Publishing goes through peer review (reviews.services). Once a contribution is public, an
author's edit is stored as a new revision without touching the published rows; it goes live
when its review (or a moderator's approval of a minor edit) publishes it (`make_live`).
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _

from govcommons.accounts.permissions import can_moderate
from govcommons.core import revisions
from govcommons.core.errors import DomainError
from govcommons.core.models import Item, ItemKind, ItemStatus
from govcommons.core.services import unique_item_slug
from govcommons.organizations.models import Organization
from govcommons.search import services as search_services

from . import permissions
from .files import check_attachment
from .models import (
    LIVE_STATES,
    Adoption,
    AdoptionOutcome,
    Attachment,
    MemberContext,
    Outcome,
    Practice,
    PracticeCountry,
    PracticeLevel,
    PracticeLink,
)

ITEM_FIELDS = ["title", "summary", "organization", "visibility", "language"]
PRACTICE_FIELDS = [
    "contribution_kind",
    "challenge",
    "context",
    "approach",
    "implementation",
    "lessons",
    "replication",
    "contacts",
    "costs",
    "cost_amount",
    "cost_currency",
    "staff_fte",
    "start_date",
    "end_date",
    "stage",
    "licence",
    "jurisdiction_type",
    "population_band",
    "budget_band",
    "service_area",
    "needs_data",
    "needs_skills",
    "needs_technology",
    "needs_procurement",
    "needs_legal_basis",
    "prerequisites",
]

# What the history shows, in page order.
SNAPSHOT_LABELS = {
    "title": _("Title"),
    "contribution_kind": _("Kind"),
    "summary": _("Summary"),
    "challenge": _("The challenge"),
    "context": _("The context"),
    "approach": _("The approach"),
    "implementation": _("Implementation steps"),
    "outcomes": _("Outcomes"),
    "costs": _("Costs and resources"),
    "cost_amount": _("Total cost"),
    "cost_currency": _("Currency"),
    "staff_fte": _("Staff"),
    "start_date": _("Start date"),
    "end_date": _("End date"),
    "stage": _("Status"),
    "lessons": _("Lessons learned"),
    "replication": _("Replication"),
    "contacts": _("Contacts"),
    "organization": _("Organisation"),
    "co_authors": _("Co-authors"),
    "topics": _("Topics"),
    "sectors": _("Sectors"),
    "levels": _("Levels of government"),
    "countries": _("Countries"),
    "language": _("Language"),
    "licence": _("Licence"),
    "visibility": _("Visibility"),
    "jurisdiction_type": _("Type of jurisdiction"),
    "population_band": _("Population served"),
    "budget_band": _("Budget"),
    "service_area": _("Service area"),
    "prerequisites": _("Prerequisites"),
    "links": _("Links"),
}


@dataclass
class PracticeInput:
    """Everything a form or an API call may set on a contribution."""

    fields: dict
    topics: list = field(default_factory=list)
    sectors: list = field(default_factory=list)
    levels: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    outcomes: list[dict] = field(default_factory=list)
    links: list[dict] = field(default_factory=list)
    co_authors: list = field(default_factory=list)


def plain_value(value):
    """A value as JSON would keep it: 21.0000 -> "21", dates in ISO form, organisations by name."""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Organization):
        return value.name
    return value


def snapshot(practice: Practice) -> dict:
    """The editable content as plain JSON, for revisions and diffs."""
    item = practice.item
    data = {name: plain_value(getattr(item, name)) for name in ITEM_FIELDS}
    data["organization_id"] = item.organization_id
    data.update({name: plain_value(getattr(practice, name)) for name in PRACTICE_FIELDS})
    data["topics"] = sorted(t.name for t in practice.topics.all())
    data["topic_ids"] = sorted(t.pk for t in practice.topics.all())
    data["sectors"] = sorted(s.name for s in practice.sectors.all())
    data["sector_ids"] = sorted(s.pk for s in practice.sectors.all())
    data["levels"] = sorted(level.level for level in practice.levels.all())
    data["countries"] = sorted(str(c.country.code) for c in practice.countries.all())
    data["co_authors"] = sorted(m.display_name for m in item.co_authors.all())
    data["co_author_ids"] = sorted(m.pk for m in item.co_authors.all())
    data["outcomes"] = [
        {
            k: plain_value(getattr(o, k))
            for k in ("name", "unit", "baseline", "result", "period", "source")
        }
        for o in practice.outcomes.all()
    ]
    data["links"] = [
        {"kind": link.kind, "url": link.url, "title": link.title} for link in practice.links.all()
    ]
    return data


def input_snapshot(data: PracticeInput) -> dict:
    """What a save of `data` would store, in snapshot form: to show an editor the differences
    between their unsaved text and the version someone else saved meanwhile."""
    snap = {name: plain_value(value) for name, value in data.fields.items()}
    snap["topics"] = sorted(t.name for t in data.topics)
    snap["sectors"] = sorted(s.name for s in data.sectors)
    snap["levels"] = sorted(data.levels)
    snap["countries"] = sorted(str(c) for c in data.countries)
    snap["co_authors"] = sorted(m.display_name for m in data.co_authors)
    snap["outcomes"] = [
        {
            k: plain_value(o.get(k))
            for k in ("name", "unit", "baseline", "result", "period", "source")
        }
        for o in data.outcomes
    ]
    snap["links"] = [{k: link.get(k, "") for k in ("kind", "url", "title")} for link in data.links]
    return snap


def _apply(practice: Practice, data: PracticeInput) -> None:
    """Write the input to the rows, validating each; the caller holds the transaction."""
    item = practice.item
    for name in ITEM_FIELDS:
        if name in data.fields:
            setattr(item, name, data.fields[name])
    for name in PRACTICE_FIELDS:
        if name in data.fields:
            setattr(practice, name, data.fields[name])
    if practice.start_date and practice.end_date and practice.end_date < practice.start_date:
        raise ValidationError({"end_date": _("The end date is before the start date.")})
    practice.has_outcomes = bool(data.outcomes)
    item.full_clean(exclude=["slug", "author"])
    practice.full_clean(exclude=["item"])
    item.save()
    practice.save()
    practice.topics.set(data.topics)
    practice.sectors.set(data.sectors)
    item.co_authors.set([m for m in data.co_authors if m.pk != item.author_id])
    PracticeLevel.objects.filter(practice=practice).exclude(level__in=data.levels).delete()
    existing = set(practice.levels.values_list("level", flat=True))
    PracticeLevel.objects.bulk_create(
        PracticeLevel(practice=practice, level=level)
        for level in data.levels
        if level not in existing
    )
    PracticeCountry.objects.filter(practice=practice).exclude(country__in=data.countries).delete()
    existing = {str(c) for c in practice.countries.values_list("country", flat=True)}
    PracticeCountry.objects.bulk_create(
        PracticeCountry(practice=practice, country=c) for c in data.countries if c not in existing
    )
    practice.outcomes.all().delete()
    outcomes = [Outcome(practice=practice, position=i, **o) for i, o in enumerate(data.outcomes)]
    for outcome in outcomes:
        outcome.full_clean(exclude=["practice"])
    Outcome.objects.bulk_create(outcomes)
    practice.links.all().delete()
    links = [PracticeLink(practice=practice, **link) for link in data.links]
    for link in links:
        link.full_clean(exclude=["practice"])
    PracticeLink.objects.bulk_create(links)


def _locked(practice_id: int) -> Practice:
    Item.objects.select_for_update().filter(pk=practice_id).first()
    practice = Practice.objects.select_related("item").filter(pk=practice_id).first()
    if practice is None:
        raise Practice.DoesNotExist
    return practice


@transaction.atomic
def create_draft(
    *, author, data: PracticeInput, message: str = "", adapted_from: Practice | None = None
) -> Practice:
    if not permissions.can_create(author):
        raise PermissionDenied
    title = data.fields.get("title") or ""
    item = Item(
        kind=ItemKind.PRACTICE,
        author=author,
        slug=unique_item_slug(title, "contribution"),
        status=ItemStatus.DRAFT,
    )
    practice = Practice(item=item, adapted_from=adapted_from)
    for name in ITEM_FIELDS:
        if name in data.fields:
            setattr(item, name, data.fields[name])
    item.full_clean(exclude=["author"])
    item.save()
    practice.item = item
    _apply(practice, data)
    revisions.record_revision(
        item, author=author, message=message or _("First draft"), snapshot=snapshot(practice)
    )
    return practice


@transaction.atomic
def update_practice(
    *, member, practice_id: int, data: PracticeInput, base_revision: int, message: str = ""
) -> Practice:
    """Save an edit as a new revision, unless someone saved since the form was loaded."""
    practice = _locked(practice_id)
    if not permissions.can_edit(member, practice):
        raise PermissionDenied
    revisions.check_not_stale(practice.item, base_revision)
    _save_version(practice, data, member=member, message=message)
    search_services.index_item(practice.pk)  # a moderator's edit to a live one shows at once
    return practice


def _edits_wait_for_review(member, practice: Practice) -> bool:
    """A published contribution's edits by its authors wait for review; a moderator's go live."""
    return practice.state in LIVE_STATES and not can_moderate(member)


def _save_version(
    practice: Practice, data: PracticeInput, *, member, message: str, restored_from=None
) -> None:
    if _edits_wait_for_review(member, practice):
        # Validate and shape the version exactly as a live save would, then undo the row
        # changes: the public keeps reading the published version until review publishes this.
        savepoint = transaction.savepoint()
        _apply(practice, data)
        pending = snapshot(practice)
        transaction.savepoint_rollback(savepoint)
        revisions.record_revision(
            practice.item,
            author=member,
            message=message,
            snapshot=pending,
            restored_from=restored_from,
        )
        return
    _apply(practice, data)
    revisions.record_revision(
        practice.item,
        author=member,
        message=message,
        snapshot=snapshot(practice),
        restored_from=restored_from,
    )
    if practice.state in LIVE_STATES:
        Practice.objects.filter(pk=practice.pk).update(live_revision=practice.item.revision_number)
        practice.live_revision = practice.item.revision_number


def latest_snapshot(practice: Practice) -> dict:
    """What the authors edit: the newest version, which may be waiting for review."""
    if practice.state in LIVE_STATES and practice.item.revision_number > practice.live_revision:
        return revisions.get_revision(practice.item, practice.item.revision_number).snapshot
    return snapshot(practice)


def snapshot_to_input(old: dict) -> PracticeInput:
    """A stored snapshot back as input, to restore it or to make a reviewed version live."""
    from govcommons.accounts.models import User
    from govcommons.taxonomy.models import Sector, Topic

    fields = {
        name: old.get(name)
        for name in ITEM_FIELDS + PRACTICE_FIELDS
        if name in old and name != "organization"
    }
    fields["organization"] = Organization.objects.filter(pk=old.get("organization_id")).first()
    for name in ("cost_amount", "staff_fte"):
        fields[name] = Decimal(fields[name]) if fields.get(name) not in (None, "") else None
    for name in ("start_date", "end_date"):
        fields[name] = date.fromisoformat(fields[name]) if fields.get(name) else None
    return PracticeInput(
        fields=fields,
        topics=list(Topic.objects.filter(pk__in=old.get("topic_ids", []))),
        sectors=list(Sector.objects.filter(pk__in=old.get("sector_ids", []))),
        levels=old.get("levels", []),
        countries=old.get("countries", []),
        outcomes=[
            {
                **o,
                "baseline": Decimal(o["baseline"]) if o.get("baseline") not in (None, "") else None,
                "result": Decimal(o["result"]),
            }
            for o in old.get("outcomes", [])
        ],
        links=old.get("links", []),
        co_authors=list(User.objects.filter(pk__in=old.get("co_author_ids", []))),
    )


def make_live(*, practice: Practice, number: int) -> None:
    """Publish a reviewed revision: the rows take its content. The caller (reviews.services)
    holds the lock and has checked the review; no new revision is recorded."""
    old = revisions.get_revision(practice.item, number).snapshot
    _apply(practice, snapshot_to_input(old))
    practice.live_revision = number
    Practice.objects.filter(pk=practice.pk).update(live_revision=number)
    search_services.index_item(practice.pk)


@transaction.atomic
def restore_revision(*, member, practice_id: int, number: int) -> Practice:
    """Bring back an older version as a new revision; history is never rewritten."""
    practice = _locked(practice_id)
    if not permissions.can_restore(member, practice):
        raise PermissionDenied
    old = revisions.get_revision(practice.item, number).snapshot
    _save_version(
        practice,
        snapshot_to_input(old),
        member=member,
        message=_("Restored version %(n)s") % {"n": number},
        restored_from=number,
    )
    search_services.index_item(practice.pk)
    return practice


@transaction.atomic
def start_adaptation(*, member, source_id: int) -> Practice:
    """A new draft prefilled from a published contribution, linked as "adapted from"."""
    source = Practice.objects.select_related("item").get(pk=source_id)
    if not permissions.can_adapt(member, source):
        raise PermissionDenied
    old = snapshot(source)
    fields = {name: getattr(source, name) for name in PRACTICE_FIELDS}
    fields.update(
        title=_("Adapted: %(title)s") % {"title": source.item.title},
        summary=source.item.summary,
        organization=member.organization,
        visibility=source.item.visibility,
        language=source.item.language,
    )
    data = PracticeInput(
        fields=fields,
        topics=list(source.topics.all()),
        sectors=list(source.sectors.all()),
        levels=old["levels"],
        countries=[],
        outcomes=[],
        links=old["links"],
    )
    return create_draft(
        author=member,
        data=data,
        adapted_from=source,
        message=_("Adapted from “%(title)s”") % {"title": source.item.title},
    )


def _refresh_adoption_counts(practice: Practice) -> None:
    counts = Adoption.objects.filter(practice=practice).aggregate(
        organizations=Count("organization", distinct=True),
        countries=Count("organization__country", distinct=True),
    )
    Item.objects.filter(pk=practice.pk).update(
        adoption_count=counts["organizations"], adoption_country_count=counts["countries"]
    )
    search_services.index_item(practice.pk)  # "most adopted" sorts by it


@transaction.atomic
def report_adoption(
    *,
    member,
    practice_id: int,
    organization: Organization,
    stage: str,
    adopted_on: date,
    notes: str = "",
    outcomes: list[dict] | None = None,
) -> Adoption:
    """Record (or update) that an organisation adopted a contribution, with its own results."""
    practice = _locked(practice_id)
    if not permissions.can_report_adoption(member, practice, organization):
        raise PermissionDenied(_("You can report adoptions for your own organisation."))
    if adopted_on > timezone.localdate():
        raise DomainError(_("The date is in the future."), field="adopted_on")
    adoption, _created = Adoption.objects.update_or_create(
        practice=practice,
        organization=organization,
        defaults={"stage": stage, "adopted_on": adopted_on, "notes": notes, "reported_by": member},
    )
    adoption.full_clean()
    if outcomes is not None:
        adoption.outcomes.all().delete()
        # A practice's outcome rows also carry a source; an adoption's do not.
        keep = ("name", "unit", "baseline", "result", "period")
        rows = [
            AdoptionOutcome(adoption=adoption, **{k: o[k] for k in keep if k in o})
            for o in outcomes
        ]
        for row in rows:
            row.full_clean(exclude=["adoption"])
        AdoptionOutcome.objects.bulk_create(rows)
    _refresh_adoption_counts(practice)
    return adoption


@transaction.atomic
def save_member_context(
    *, member, jurisdiction_type: str, population_band: str, budget_band: str
) -> MemberContext:
    context, _created = MemberContext.objects.update_or_create(
        member=member,
        defaults={
            "jurisdiction_type": jurisdiction_type,
            "population_band": population_band,
            "budget_band": budget_band,
            "country": member.country or "",
        },
    )
    return context


@transaction.atomic
def add_attachment(*, member, practice_id: int, upload) -> Attachment:
    practice = _locked(practice_id)
    if not permissions.can_edit(member, practice):
        raise PermissionDenied
    content_type, extension = check_attachment(upload)
    attachment = Attachment(
        practice=practice,
        original_name=(upload.name or "file")[-255:],
        content_type=content_type,
        size=upload.size,
        uploaded_by=member,
    )
    # The stored name is ours: random, with the extension the content proved.
    attachment.file.save(f"{get_random_string(24).lower()}.{extension}", upload, save=False)
    attachment.save()
    return attachment


@transaction.atomic
def remove_attachment(*, member, practice_id: int, attachment_id: int) -> None:
    practice = _locked(practice_id)
    if not permissions.can_edit(member, practice):
        raise PermissionDenied
    attachment = Attachment.objects.filter(practice=practice, pk=attachment_id).first()
    if attachment is None:
        raise DomainError(_("This file is already gone."))
    name, storage = attachment.file.name, attachment.file.storage
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(name))
