"""Peer review pages for reviewers, members and the public: invitations, the review form, the
frozen version, freshness, the public review summary, /about/review, declared conflicts."""

from dataclasses import dataclass, field
from types import SimpleNamespace

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import BoundField
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_countries import countries as all_countries

from govcommons.accounts.permissions import can_submit_for_review
from govcommons.core import revisions
from govcommons.core.errors import ConflictError, DomainError
from govcommons.core.forms import add_service_error
from govcommons.core.markdown import render_markdown
from govcommons.core.models import Language, Visibility
from govcommons.core.pagination import paginate
from govcommons.core.ratelimit import limit_posts
from govcommons.practices import selectors as practice_selectors
from govcommons.practices.models import (
    LIVE_STATES,
    BudgetBand,
    ContributionKind,
    EvidenceLevel,
    JurisdictionType,
    Licence,
    LinkKind,
    PopulationBand,
    Stage,
)
from govcommons.practices.services import SNAPSHOT_LABELS
from govcommons.taxonomy.models import LevelOfGovernment

from . import permissions, selectors, services, workflow
from .models import (
    Criterion,
    InvitationState,
    SubmissionKind,
)
from .reviewer_forms import (
    INLINE_FIELDS,
    ConflictForm,
    FlagOutdatedForm,
    FreshnessForm,
    RespondForm,
    ReviewForm,
)

# What each evidence level means, with an example: /about/review and the public summary.
EVIDENCE_GUIDE = {
    EvidenceLevel.DESCRIBED: (
        gettext_lazy(
            "The authors describe what they did and what they saw, without measuring the results."
        ),
        gettext_lazy(
            "A city explains how it set up repair cafés and what residents said about them."
        ),
    ),
    EvidenceLevel.MEASURED: (
        gettext_lazy("The results were measured before and after, by the organisation itself."),
        gettext_lazy(
            "Days to repair a reported pothole fell from 21 to 6 in a year, from the city's own "
            "repair records."
        ),
    ),
    EvidenceLevel.COMPARED: (
        gettext_lazy(
            "The results are compared with a baseline trend, a similar place or a control group, "
            "so the change is more likely due to the practice."
        ),
        gettext_lazy(
            "Districts using the reporting app are compared with districts still using the phone "
            "line over the same year."
        ),
    ),
    EvidenceLevel.EVALUATED: (
        gettext_lazy(
            "Someone outside the team, such as an audit office, a university or an evaluator, "
            "assessed the results."
        ),
        gettext_lazy("The national audit office published a report on the programme's savings."),
    ),
    EvidenceLevel.REPLICATED: (
        gettext_lazy("Other organisations put it in place and measured similar results."),
        gettext_lazy("Three other municipalities adopted the app and report similar repair times."),
    ),
}

MARKDOWN_FIELDS = {
    "summary",
    "challenge",
    "context",
    "approach",
    "implementation",
    "costs",
    "lessons",
    "replication",
    "contacts",
    "prerequisites",
}
SECTION_LABELS = {**SNAPSHOT_LABELS, "prerequisites": gettext_lazy("Prerequisites")}
CHOICE_LABELS = {
    "contribution_kind": dict(ContributionKind.choices),
    "stage": dict(Stage.choices),
    "licence": dict(Licence.choices),
    "language": dict(Language.choices),
    "visibility": dict(Visibility.choices),
    "jurisdiction_type": dict(JurisdictionType.choices),
    "population_band": dict(PopulationBand.choices),
    "budget_band": dict(BudgetBand.choices),
}
OPEN_INVITATION_STATES = [InvitationState.INVITED, InvitationState.ACCEPTED]
ABOUT_MAX_AGE = 3600


# --- the frozen version ------------------------------------------------------------------------


@dataclass
class FrozenSection:
    field: str
    label: str
    html: SafeString | None = None
    outcomes: list = field(default_factory=list)
    links: list = field(default_factory=list)
    inline: BoundField | None = None


@dataclass
class FrozenVersion:
    """A stored revision shaped for display: what reviewers read and comment on."""

    number: int
    created_at: object
    title: str
    language: str
    kind_label: str
    facts: list[tuple[str, str]]
    topics: list[str]
    sections: list[FrozenSection]


def _choice_label(name: str, value) -> str:
    return str(CHOICE_LABELS.get(name, {}).get(value, value or ""))


def _facts(snap: dict) -> list[tuple[str, str]]:
    facts = [(_("Kind"), _choice_label("contribution_kind", snap.get("contribution_kind")))]
    if snap.get("organization"):
        facts.append((_("Organisation"), snap["organization"]))
    if snap.get("co_authors"):
        facts.append((_("Co-authors"), ", ".join(snap["co_authors"])))
    if snap.get("stage"):
        facts.append((_("Status"), _choice_label("stage", snap["stage"])))
    if snap.get("start_date"):
        when = snap["start_date"] + (f" – {snap['end_date']}" if snap.get("end_date") else "")
        facts.append((_("When"), when))
    if snap.get("cost_amount") not in (None, ""):
        facts.append(
            (_("Total cost"), f"{snap['cost_amount']} {snap.get('cost_currency') or ''}".strip())
        )
    if snap.get("staff_fte") not in (None, ""):
        facts.append((_("Staff (full-time equivalent)"), str(snap["staff_fte"])))
    for name in ("jurisdiction_type", "population_band", "budget_band"):
        if snap.get(name):
            facts.append((str(SECTION_LABELS[name]), _choice_label(name, snap[name])))
    if snap.get("service_area"):
        facts.append((_("Service area"), snap["service_area"]))
    if snap.get("sectors"):
        facts.append((_("Sectors"), ", ".join(snap["sectors"])))
    if snap.get("levels"):
        levels = dict(LevelOfGovernment.choices)
        facts.append(
            (_("Levels of government"), ", ".join(str(levels.get(v, v)) for v in snap["levels"]))
        )
    if snap.get("countries"):
        names = dict(all_countries)
        facts.append((_("Countries"), ", ".join(str(names.get(c, c)) for c in snap["countries"])))
    facts.append((_("Language"), _choice_label("language", snap.get("language"))))
    facts.append((_("Licence"), _choice_label("licence", snap.get("licence"))))
    facts.append((_("Who can read it"), _choice_label("visibility", snap.get("visibility"))))
    return facts


def _frozen_version(item, number: int, form: ReviewForm | None = None) -> FrozenVersion:
    """The stored revision `number` of a contribution, ready for the shared partial; with a
    review form, each section carries its "Comment on this section" field."""
    revision = revisions.get_revision(item, number)
    snap = revision.snapshot
    link_kinds = dict(LinkKind.choices)
    sections = []
    for name in INLINE_FIELDS:
        section = FrozenSection(field=name, label=str(SECTION_LABELS[name]))
        if name in MARKDOWN_FIELDS:
            text = (snap.get(name) or "").strip()
            if not text:
                continue
            section.html = render_markdown(text, heading_offset=3, anchor_prefix=f"v-{name}-")
        elif name == "outcomes":
            if not snap.get("outcomes"):
                continue
            section.outcomes = [SimpleNamespace(**o) for o in snap["outcomes"]]
        elif name == "links":
            if not snap.get("links"):
                continue
            section.links = [
                {**link, "kind_label": link_kinds.get(link.get("kind"), link.get("kind"))}
                for link in snap["links"]
            ]
        if form is not None:
            section.inline = form.inline_field(name)
        sections.append(section)
    return FrozenVersion(
        number=number,
        created_at=revision.created_at,
        title=snap.get("title", ""),
        language=snap.get("language", ""),
        kind_label=_choice_label("contribution_kind", snap.get("contribution_kind")),
        facts=_facts(snap),
        topics=list(snap.get("topics", [])),
        sections=sections,
    )


def _diff(item, old_number: int, new_number: int) -> list[revisions.FieldDiff]:
    if not old_number or old_number == new_number:
        return []
    old = revisions.get_revision(item, old_number).snapshot
    new = revisions.get_revision(item, new_number).snapshot
    return revisions.diff_snapshots(old, new, SNAPSHOT_LABELS)


def _point_label(point) -> str:
    if point.kind == "criterion":
        try:
            return str(Criterion(point.target).label)
        except ValueError:
            return point.target
    return str(SECTION_LABELS.get(point.target, point.target))


# --- reviewers: invitations --------------------------------------------------------------------


@login_required
@require_GET
def my_invitations(request):
    page = paginate(selectors.invitations_for(request.user), request.GET.get("page"))
    page.object_list = list(page.object_list)
    for invitation in page.object_list:
        invitation.is_overdue = permissions.overdue(invitation)
    return render(
        request,
        "reviews/invitations.html",
        {"page_obj": page, "today": timezone.localdate()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def invitation(request, pk: int):
    invitation = selectors.get_invitation_for(request.user, pk)
    submission = invitation.submission
    item = submission.practice.item
    form = RespondForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        accept = form.cleaned_data["decision"] == "accept"
        try:
            services.respond_to_invitation(
                reviewer=request.user,
                invitation_id=invitation.pk,
                accept=accept,
                reason=form.cleaned_data["reason"],
                conflict=form.cleaned_data["conflict"],
            )
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("reviews:invitation", pk=invitation.pk)
        if accept:
            messages.success(request, _("Thank you for accepting. The version to review is below."))
            return redirect("reviews:review", pk=invitation.pk)
        messages.success(
            request,
            _("You declined this invitation. Thank you for telling the editor quickly."),
        )
        return redirect("reviews:invitations")
    snap = revisions.get_revision(item, submission.revision_number).snapshot
    return render(
        request,
        "reviews/invitation.html",
        {
            "invitation": invitation,
            "submission": submission,
            "item": item,
            "snap": snap,
            "summary_html": render_markdown(snap.get("summary", ""), heading_offset=2),
            "authors": [item.author, *item.co_authors.select_related("organization")],
            "form": form,
            "is_overdue": permissions.overdue(invitation),
            "can_write": permissions.can_write_review(request.user, invitation),
        },
    )


def _closed_reason(invitation) -> str:
    """Why this reviewer cannot write a review now, in plain words."""
    submission = invitation.submission
    if invitation.state == InvitationState.COMPLETED:
        return _(
            "You have already reviewed this version. If the authors revise it, you will be "
            "asked to read the new version."
        )
    if invitation.state == InvitationState.DECLINED:
        return _("You declined this invitation, so there is nothing more to do.")
    if invitation.state == InvitationState.CANCELLED:
        return _("The editor withdrew this invitation, so there is nothing more to do.")
    return _(
        "This submission is %(state)s now, so it takes no more reviews. Your text is still in "
        "the form if you want to keep a copy."
    ) % {"state": submission.get_state_display().lower()}


@login_required
@require_http_methods(["GET", "POST"])
@limit_posts("review_write")
def write_review(request, pk: int):
    invitation = selectors.get_invitation_for(request.user, pk)
    if not can_submit_for_review(request.user):
        return render(request, "accounts/verification_required.html", status=403)
    submission = invitation.submission
    item = submission.practice.item
    writable = permissions.can_write_review(request.user, invitation)
    if request.method == "GET" and not writable:
        return render(
            request,
            "reviews/review_form.html",
            {
                "invitation": invitation,
                "submission": submission,
                "item": item,
                "closed_reason": _closed_reason(invitation),
            },
            status=403,
        )
    form = ReviewForm(
        request.POST if request.method == "POST" else None, inline_labels=SECTION_LABELS
    )
    status = 200
    if request.method == "POST":
        if not writable:
            # The editor decided (or the invitation closed) while the reviewer was writing:
            # say so and give every typed word back.
            form.is_valid()
            form.add_error(None, _closed_reason(invitation))
            status = 409
        elif form.is_valid():
            try:
                services.submit_review(
                    reviewer=request.user,
                    invitation_id=invitation.pk,
                    **form.service_arguments(),
                )
            except ConflictError as error:
                form.add_error(None, error.message)
                status = 409
            except (DomainError, ValidationError) as error:
                add_service_error(form, error)
            else:
                messages.success(
                    request,
                    _("Thank you: your review of “%(title)s” is with the editor.")
                    % {"title": item.title},
                )
                return redirect("reviews:invitations")
    previous = None
    for review in selectors.reviews_of(submission):
        if review.reviewer_id == request.user.pk and review.round < submission.round:
            previous = review
    previous_points = [(p, _point_label(p)) for p in previous.points.all()] if previous else []
    return render(
        request,
        "reviews/review_form.html",
        {
            "invitation": invitation,
            "submission": submission,
            "item": item,
            "form": form,
            "frozen": _frozen_version(item, submission.revision_number, form),
            "previous": previous,
            "previous_points": previous_points,
            "diff_since_yours": _diff(
                item, previous.revision_number if previous else 0, submission.revision_number
            ),
            "diff_from_live": _diff(item, submission.live_revision, submission.revision_number),
            "is_overdue": permissions.overdue(invitation),
        },
        status=status,
    )


@login_required
@require_GET
def version(request, pk: int):
    submission = selectors.get_submission_for(request.user, pk)
    item = submission.practice.item
    previous_number = 0
    if submission.round > 1:
        earlier = selectors.reviews_of(submission, round=submission.round - 1)
        previous_number = earlier[0].revision_number if earlier else 0
    return render(
        request,
        "reviews/version.html",
        {
            "submission": submission,
            "item": item,
            "frozen": _frozen_version(item, submission.revision_number),
            "previous_number": previous_number,
            "diff_from_previous": _diff(item, previous_number, submission.revision_number),
            "diff_from_live": _diff(item, submission.live_revision, submission.revision_number),
            "is_revision": submission.kind != SubmissionKind.FIRST,
        },
    )


# --- the public --------------------------------------------------------------------------------


def _live_practice(user, slug: str):
    practice = practice_selectors.get_practice_for(user, slug)
    if practice.state not in LIVE_STATES:
        raise Http404
    return practice


@require_GET
def practice_review(request, slug: str):
    practice = _live_practice(request.user, slug)
    summary = selectors.review_summary(practice, signed=settings.REVIEWS_SIGNED)
    columns, score_rows = [], []
    if summary is not None:
        columns = [
            (review, _("Reviewer %(n)s") % {"n": number})
            for number, review in enumerate(summary.reviews, start=1)
        ]
        means = dict(summary.mean_scores)
        score_rows = [
            (
                criterion.label,
                [getattr(review, criterion.value) for review in summary.reviews],
                means.get(criterion.label),
            )
            for criterion in Criterion
        ]
    level = practice.evidence_level
    return render(
        request,
        "reviews/practice_review.html",
        {
            "practice": practice,
            "item": practice.item,
            "summary": summary,
            "signed": settings.REVIEWS_SIGNED,
            "columns": columns,
            "score_rows": score_rows,
            "evidence_label": EvidenceLevel(level).label if level else "",
            "evidence_meaning": EVIDENCE_GUIDE[level][0] if level else "",
            "timeline": selectors.public_timeline(practice),
            "can_flag": permissions.can_flag_outdated(request.user, practice),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@limit_posts("outdated_flag")
def flag_outdated(request, slug: str):
    practice = _live_practice(request.user, slug)
    if not permissions.can_flag_outdated(request.user, practice):
        raise PermissionDenied
    form = FlagOutdatedForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.flag_outdated(
                member=request.user, practice_id=practice.pk, reason=form.cleaned_data["reason"]
            )
        except ConflictError as error:
            form.add_error(None, error.message)
            status = 409
        except DomainError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("Thank you. The editors will check whether this contribution is still current."),
            )
            return redirect(practice)
    mine = next(
        (f for f in selectors.open_flags(practice) if f.flagged_by_id == request.user.pk), None
    )
    return render(
        request,
        "reviews/flag_outdated.html",
        {"practice": practice, "item": practice.item, "form": form, "my_flag": mine},
        status=status,
    )


# --- editors: freshness ------------------------------------------------------------------------


@login_required
@require_GET
def rereview_queue(request):
    if not permissions.is_editor(request.user):
        raise PermissionDenied
    page = paginate(
        selectors.rereview_queue(request.user),
        request.GET.get("page"),
    )
    today = timezone.localdate()
    rows = [
        (
            practice,
            FreshnessForm(auto_id=f"fresh-{practice.pk}-%s"),
            practice.rereview_due_on is not None and practice.rereview_due_on < today,
        )
        for practice in page.object_list
    ]
    return render(
        request,
        "reviews/rereview.html",
        {"page_obj": page, "rows": rows, "today": today},
    )


@login_required
@require_POST
def freshness(request, slug: str):
    if not permissions.is_editor(request.user):
        raise PermissionDenied
    practice = _live_practice(request.user, slug)
    form = FreshnessForm(request.POST)
    queue = reverse("reviews:rereview")
    page = request.POST.get("page", "")
    if page.isdigit():
        queue += f"?page={page}"
    if not form.is_valid():
        messages.error(request, _("Choose what to do with “%(title)s”.") % {"title": practice})
        return redirect(queue)
    action, note = form.cleaned_data["action"], form.cleaned_data["note"]
    title = practice.item.title
    try:
        if action == "confirm_current":
            services.confirm_current(editor=request.user, practice_id=practice.pk, note=note)
            done = _("“%(title)s” is confirmed as current.")
        elif action == "mark_outdated":
            services.mark_outdated(editor=request.user, practice_id=practice.pk, reason=note)
            done = _("“%(title)s” is marked outdated; its authors are told.")
        else:
            services.archive(editor=request.user, practice_id=practice.pk, reason=note)
            done = _("“%(title)s” is archived.")
    except DomainError as error:
        messages.error(
            request, _("“%(title)s”: %(error)s") % {"title": title, "error": error.message}
        )
    else:
        messages.success(request, done % {"title": title})
    return redirect(queue)


# --- the public: explanations and statistics ---------------------------------------------------


def _public_cache(request, response, max_age: int):
    """Cache the page in shared caches for visitors; a signed-in member's copy (with their name
    in the header) is kept only in their browser, and revalidated."""
    if request.user.is_authenticated:
        patch_cache_control(response, private=True, no_cache=True)
    else:
        patch_cache_control(response, public=True, max_age=max_age)
    patch_vary_headers(response, ["Cookie"])
    return response


@require_GET
def about(request):
    kinds = dict(ContributionKind.choices)
    faster = [str(kinds[k]) for k in workflow.REREVIEW_MONTHS_BY_KIND]
    faster_months = sorted(set(workflow.REREVIEW_MONTHS_BY_KIND.values()))
    levels = [
        (level, label, EVIDENCE_GUIDE[level][0], EVIDENCE_GUIDE[level][1])
        for level, label in EvidenceLevel.choices
    ]
    response = render(
        request,
        "reviews/about.html",
        {
            "levels": levels,
            "signed": settings.REVIEWS_SIGNED,
            "reviewers_per_submission": settings.REVIEWERS_PER_SUBMISSION,
            "due_days": settings.REVIEW_DUE_DAYS,
            "rereview_months": settings.REREVIEW_MONTHS,
            "faster_kinds": faster,
            "faster_months": faster_months[0] if len(faster_months) == 1 else None,
        },
    )
    return _public_cache(request, response, ABOUT_MAX_AGE)


CHART_PLOT_HEIGHT = 160
CHART_TOP = 24
CHART_BAR_WIDTH = 28
CHART_STEP = 44


def _month_bars(per_month) -> dict:
    """Bar geometry for the server-drawn SVG chart of reviews per month."""
    highest = max((n for _month, n in per_month), default=0)
    bars = []
    for index, (month, n) in enumerate(per_month):
        height = round(n / highest * CHART_PLOT_HEIGHT) if highest else 0
        x = 8 + index * CHART_STEP
        bars.append(
            {
                "month": month,
                "n": n,
                "x": x,
                "y": CHART_TOP + CHART_PLOT_HEIGHT - height,
                "height": height,
                "text_x": x + CHART_BAR_WIDTH // 2,
                "value_y": CHART_TOP + CHART_PLOT_HEIGHT - height - 6,
            }
        )
    return {
        "bars": bars,
        "width": 16 + len(per_month) * CHART_STEP,
        "height": CHART_TOP + CHART_PLOT_HEIGHT + 28,
        "baseline": CHART_TOP + CHART_PLOT_HEIGHT,
        "label_y": CHART_TOP + CHART_PLOT_HEIGHT + 20,
        "bar_width": CHART_BAR_WIDTH,
        "total": sum(n for _month, n in per_month),
    }


@require_GET
def stats(request):
    data = selectors.review_stats()
    rate = data.acceptance_rate
    days = data.median_days_to_first_decision
    median_days = ""
    if days is not None and days < 1:
        median_days = _("less than a day")
    elif days is not None:
        shown = f"{days:g}"
        median_days = ngettext("%(days)s day", "%(days)s days", 1 if days == 1 else 2) % {
            "days": shown
        }
    response = render(
        request,
        "reviews/stats.html",
        {
            "stats": data,
            "acceptance_percent": round(rate * 100) if rate is not None else None,
            "median_days": median_days,
            "chart": _month_bars(data.reviews_per_month),
        },
    )
    return _public_cache(request, response, 600)


# --- members: declared conflicts ---------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def conflicts(request):
    form = ConflictForm(request.POST if "declare" in request.POST else None)
    if request.method == "POST":
        if "remove" in request.POST:
            try:
                services.remove_conflict(
                    member=request.user, conflict_id=int(request.POST["remove"])
                )
            except (DomainError, ValueError):
                messages.error(request, _("This declaration is already gone."))
            else:
                messages.success(request, _("Declaration removed."))
            return redirect("reviews:conflicts")
        if form.is_valid():
            try:
                services.declare_conflict(
                    member=request.user,
                    organization=form.cleaned_data["organization"],
                    person=form.cleaned_data["person"],
                    reason=form.cleaned_data["reason"],
                )
            except DomainError as error:
                add_service_error(form, error)
            else:
                messages.success(
                    request, _("Thank you. Editors will not ask you to review these contributions.")
                )
                return redirect("reviews:conflicts")
    declared = selectors.conflicts_of(request.user)
    return render(
        request,
        "reviews/conflicts.html",
        {"form": form, "page_obj": paginate(declared, request.GET.get("page"))},
    )
