"""Contribution pages: browse, read, write, submit for review, history, adapt, adopt, files."""

from datetime import date
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from govcommons.accounts.decorators import verified_required
from govcommons.accounts.models import User
from govcommons.accounts.permissions import can_moderate
from govcommons.core import revisions
from govcommons.core.errors import ConflictError, DomainError
from govcommons.core.forms import add_service_error
from govcommons.core.markdown import render_markdown
from govcommons.core.models import ItemStatus
from govcommons.core.pagination import paginate
from govcommons.core.permissions import is_author
from govcommons.core.ratelimit import limit_posts
from govcommons.discussions import selectors as discussion_selectors
from govcommons.discussions.views import discussion_context
from govcommons.organizations.models import Organization
from govcommons.reviews import permissions as review_permissions
from govcommons.reviews import selectors as review_selectors
from govcommons.reviews import services as review_services
from govcommons.search import related, related_views

from . import permissions, selectors, services
from .filters import PracticeFilterForm
from .forms import (
    WITH_OUTCOMES,
    AdoptionForm,
    AttachmentForm,
    ContextForm,
    LinkFormSet,
    OutcomeFormSet,
    PracticeForm,
    SubmitForm,
    link_rows,
    outcome_rows,
)
from .models import LIVE_STATES, ContributionKind, ContributionState, MemberContext, Practice

# A review ended without publishing; the authors may read why, then submit again.
CLOSED_REVIEW_STATES = {ContributionState.DECLINED, ContributionState.WITHDRAWN}


def practice_list(request):
    form = PracticeFilterForm(request.GET)
    filters, sort = form.filters_and_sort()
    context_row = selectors.member_context(request.user)
    page = paginate(
        selectors.practice_list(request.user, filters, sort, context_row), request.GET.get("page")
    )
    context = {
        "form": form,
        "page_obj": page,
        "facets": selectors.facets(request.user, filters),
        "filters": filters,
        "sort": sort,
        "has_context": context_row is not None,
        "active": form.active_filters(),
    }
    template = (
        "practices/_results.html"
        if request.htmx and not request.htmx.boosted
        else "practices/list.html"
    )
    return render(request, template, context)


def practice_detail(request, slug: str):
    practice = selectors.get_practice_for(request.user, slug)
    item = practice.item
    user = request.user
    published = item.status == ItemStatus.PUBLISHED
    return render(
        request,
        "practices/detail.html",
        {
            "practice": practice,
            "item": item,
            "adoptions": selectors.adoption_summary(practice),
            "can_edit": permissions.can_edit(user, practice),
            "can_publish": permissions.can_publish(user, practice),
            "can_adapt": permissions.can_adapt(user, practice),
            "can_adopt": permissions.can_report_adoption(user, practice),
            "can_flag_outdated": review_permissions.can_flag_outdated(user, practice),
            "outdated_reason": (
                selectors.outdated_reason(practice)
                if practice.state == ContributionState.OUTDATED
                else ""
            ),
            "sections": _sections(practice),
            **_review_status(user, practice),
            # Published contributions only: a draft shows no discussion.
            **discussion_context(request, item),
            # "Cited in N answers": one count, only where there can be answers citing it.
            "citation_count": (
                discussion_selectors.citation_count(item)
                if item.status == ItemStatus.PUBLISHED
                else 0
            ),
            # Related content beside published pages only: a draft has no readers to send on.
            "related": related.related_items(user, item) if published else [],
            "also_adopted": related.also_adopted(user, practice) if published else [],
        },
    )


def _review_status(user, practice: Practice) -> dict:
    """What the authors and moderators see of the review: the open submission (annotated by
    get_practice_for, no query) or, after a decline or a withdrawal, the newest one (one query,
    only for them)."""
    item = practice.item
    # core.permissions.is_author, read from the co-authors the page has already fetched.
    author = user.is_authenticated and (
        item.author_id == user.pk or any(m.pk == user.pk for m in item.co_authors.all())
    )
    follows = bool(author or can_moderate(user))
    submission_id = practice.open_submission_id
    if follows and submission_id is None and practice.state in CLOSED_REVIEW_STATES:
        latest = review_selectors.latest_submission(practice)
        submission_id = latest.pk if latest else None
    return {"follows_review": follows, "submission_id": submission_id if follows else None}


def _sections(practice: Practice) -> list[tuple[str, str, str]]:
    """(anchor, heading, html) of the filled Markdown sections, for the page and its contents."""
    fields = [
        ("challenge", _("The challenge")),
        ("context", _("The context")),
        ("approach", _("The approach")),
        ("implementation", _("Implementation steps")),
        ("costs", _("Costs and resources")),
        ("lessons", _("Lessons learned and pitfalls")),
        ("replication", _("What it would take to replicate it")),
        ("contacts", _("Contacts")),
    ]
    return [
        (
            name,
            label,
            render_markdown(getattr(practice, name), heading_offset=2, anchor_prefix=f"{name}-"),
        )
        for name, label in fields
        if getattr(practice, name).strip()
    ]


def _formsets(request, snap: dict | None):
    """The outcome and link rows: as posted, or from the version being edited."""
    prefix_o, prefix_l = "outcomes", "links"
    if request.method == "POST":
        return OutcomeFormSet(request.POST, prefix=prefix_o), LinkFormSet(
            request.POST, prefix=prefix_l
        )
    snap = snap or {}
    return OutcomeFormSet(initial=snap.get("outcomes", []), prefix=prefix_o), LinkFormSet(
        initial=snap.get("links", []), prefix=prefix_l
    )


def _initial(practice: Practice, snap: dict) -> dict:
    """The form's values from a snapshot: for a published contribution with unpublished
    changes, the newest (pending) version, which is what its authors go on editing."""
    item = practice.item
    data = dict(snap)
    data["organization"] = snap.get("organization_id")
    data["topics"] = snap.get("topic_ids", [])
    data["sectors"] = snap.get("sector_ids", [])
    co_author_ids = snap.get("co_author_ids", [])
    emails = {m.pk: m.email for m in item.co_authors.all()}
    if set(co_author_ids) - set(emails):
        emails = dict(User.objects.filter(pk__in=co_author_ids).values_list("pk", "email"))
    data["co_authors"] = "\n".join(emails[pk] for pk in co_author_ids if pk in emails)
    for name in ("start_date", "end_date"):
        data[name] = date.fromisoformat(snap[name]) if snap.get(name) else None
    for name in ("cost_amount", "staff_fte"):
        data[name] = Decimal(snap[name]) if snap.get(name) not in (None, "") else None
    data["base_revision"] = item.revision_number
    return data


@login_required
@require_http_methods(["GET", "POST"])
@limit_posts("practice_write")
def practice_create(request):
    kind = request.GET.get("kind") or request.POST.get("kind")
    if kind not in ContributionKind.values:
        return render(request, "practices/choose_kind.html", {"kinds": ContributionKind.choices})
    form = PracticeForm(
        request.POST or None, kind=kind, initial={"organization": request.user.organization_id}
    )
    outcome_set, link_set = _formsets(request, None)
    # "Check for similar contributions" without JavaScript: show them, save nothing.
    similar_check = related_views.checked_similar(request)
    if (
        similar_check is None
        and request.method == "POST"
        and form.is_valid()
        and outcome_set.is_valid()
        and link_set.is_valid()
    ):
        try:
            practice = services.create_draft(
                author=request.user,
                data=form.to_input(outcome_rows(outcome_set), link_rows(link_set)),
                message=form.cleaned_data.get("message") or "",
            )
        except (DomainError, ValidationError) as error:
            add_service_error(form, error)
        else:
            messages.success(
                request, _("Your draft is saved. Only you and your co-authors can see it.")
            )
            return redirect("practices:edit", slug=practice.item.slug)
    return render(
        request,
        "practices/form.html",
        _form_context(form, outcome_set, link_set, kind, None, similar_check=similar_check),
    )


def _form_context(form, outcome_set, link_set, kind, practice, **extra) -> dict:
    return {
        "form": form,
        "outcome_set": outcome_set,
        "link_set": link_set,
        "kind": kind,
        "kind_label": ContributionKind(kind).label,
        "with_outcomes": kind in WITH_OUTCOMES,
        "practice": practice,
        "attachment_form": AttachmentForm() if practice else None,
        **extra,
    }


@login_required
@require_http_methods(["GET", "POST"])
@limit_posts("practice_write")
def practice_edit(request, slug: str):
    practice = selectors.get_practice_for(request.user, slug)
    if not permissions.can_edit(request.user, practice):
        if permissions.under_review(practice) and is_author(request.user, practice.item):
            # Reviewers read a frozen version: say so, and how to get it back, not a bare 403.
            return render(
                request,
                "practices/locked.html",
                {"practice": practice, "item": practice.item},
                status=403,
            )
        raise PermissionDenied
    kind = practice.contribution_kind
    snap = services.latest_snapshot(practice)
    form = PracticeForm(request.POST or None, kind=kind, initial=_initial(practice, snap))
    outcome_set, link_set = _formsets(request, snap)
    conflict_diff = preview = None
    similar_check = related_views.checked_similar(request, exclude_item_id=practice.pk)
    if (
        similar_check is None
        and request.method == "POST"
        and form.is_valid()
        and outcome_set.is_valid()
        and link_set.is_valid()
    ):
        data = form.to_input(outcome_rows(outcome_set), link_rows(link_set))
        if "preview" in request.POST:
            preview = {
                name: render_markdown(data.fields.get(name, ""), heading_offset=2)
                for name in (
                    "summary",
                    "challenge",
                    "context",
                    "approach",
                    "implementation",
                    "lessons",
                )
            }
        else:
            try:
                services.update_practice(
                    member=request.user,
                    practice_id=practice.pk,
                    data=data,
                    base_revision=form.cleaned_data["base_revision"] or 0,
                    message=form.cleaned_data.get("message") or "",
                )
            except ConflictError as error:
                add_service_error(form, error)
                current = selectors.get_practice_for(request.user, slug)
                saved = services.latest_snapshot(current)
                conflict_diff = revisions.diff_snapshots(
                    saved, {**saved, **services.input_snapshot(data)}, services.SNAPSHOT_LABELS
                )
                # The next save is made knowingly over the newer version.
                form.data = form.data.copy()
                form.data["base_revision"] = current.item.revision_number
            except (DomainError, ValidationError) as error:
                add_service_error(form, error)
            else:
                messages.success(request, _saved_message(request.user, practice))
                return redirect("practices:edit", slug=slug)
    return render(
        request,
        "practices/form.html",
        _form_context(
            form,
            outcome_set,
            link_set,
            kind,
            practice,
            conflict_diff=conflict_diff,
            preview=preview,
            similar_check=similar_check,
            can_publish=permissions.can_publish(request.user, practice),
            submit_form=SubmitForm(revision=practice.state in LIVE_STATES),
            edits_wait_for_review=practice.state in LIVE_STATES and not can_moderate(request.user),
        ),
    )


def _saved_message(member, practice: Practice) -> str:
    if practice.state in LIVE_STATES and not can_moderate(member):
        return _(
            "Saved as a new version. Readers still see the published version until your "
            "changes are reviewed: submit them for review when they are ready."
        )
    return _("Saved as a new version.")


@verified_required
@require_POST
@limit_posts("review_write")
def practice_submit(request, slug: str):
    """Send a draft, or a published contribution's unpublished changes, to the editors."""
    practice = selectors.get_practice_for(request.user, slug)
    form = SubmitForm(request.POST, revision=practice.state in LIVE_STATES)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("practices:edit", slug=slug)
    try:
        submission = review_services.submit_for_review(
            member=request.user,
            practice_id=practice.pk,
            note=form.cleaned_data["note"],
            minor=form.minor,
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("practices:edit", slug=slug)
    messages.success(
        request,
        _(
            "Submitted for peer review. You will be notified here and by email when the "
            "editor and the reviewers have read it."
        ),
    )
    return redirect("reviews:submission", pk=submission.pk)


def practice_history(request, slug: str):
    practice = selectors.get_practice_for(request.user, slug)
    page = paginate(
        practice.item.revisions.select_related("author").order_by("-number"),
        request.GET.get("page"),
        per_page=50,
    )
    return render(
        request,
        "practices/history.html",
        {
            "practice": practice,
            "item": practice.item,
            "page_obj": page,
            "can_restore": permissions.can_restore(request.user, practice),
        },
    )


def practice_compare(request, slug: str):
    practice = selectors.get_practice_for(request.user, slug)
    current = practice.item.revision_number
    try:
        a = int(request.GET.get("from", current - 1))
        b = int(request.GET.get("to", current))
        old, new = (
            revisions.get_revision(practice.item, a),
            revisions.get_revision(practice.item, b),
        )
    except (ValueError, revisions.Revision.DoesNotExist) as exc:
        raise Http404 from exc
    return render(
        request,
        "practices/compare.html",
        {
            "practice": practice,
            "item": practice.item,
            "old": old,
            "new": new,
            "diffs": revisions.diff_snapshots(old.snapshot, new.snapshot, services.SNAPSHOT_LABELS),
            "can_restore": permissions.can_restore(request.user, practice),
        },
    )


@login_required
@require_POST
def practice_restore(request, slug: str, number: int):
    practice = selectors.get_practice_for(request.user, slug)
    try:
        services.restore_revision(member=request.user, practice_id=practice.pk, number=number)
    except revisions.Revision.DoesNotExist as exc:
        raise Http404 from exc
    messages.success(request, _("Version %(n)s is restored as a new version.") % {"n": number})
    return redirect("practices:history", slug=slug)


@login_required
@require_POST
@limit_posts("practice_write")
def practice_adapt(request, slug: str):
    source = selectors.get_practice_for(request.user, slug)
    draft = services.start_adaptation(member=request.user, source_id=source.pk)
    messages.success(
        request,
        _("A draft adapted from “%(title)s” is ready for your changes.")
        % {"title": source.item.title},
    )
    return redirect("practices:edit", slug=draft.item.slug)


@login_required
@require_http_methods(["GET", "POST"])
@limit_posts("adoption")
def practice_adopt(request, slug: str):
    practice = selectors.get_practice_for(request.user, slug)
    if not permissions.can_report_adoption(request.user, practice):
        return render(request, "practices/adopt_refused.html", {"practice": practice}, status=403)
    organizations = Organization.objects.order_by("name")
    if not permissions.can_report_for_any_organization(request.user):
        organizations = organizations.filter(pk=request.user.organization_id)
    form = AdoptionForm(
        request.POST or None,
        organizations=organizations,
        initial={"organization": request.user.organization_id},
    )
    outcome_set = OutcomeFormSet(request.POST or None, prefix="outcomes")
    if request.method == "POST" and form.is_valid() and outcome_set.is_valid():
        try:
            services.report_adoption(
                member=request.user,
                practice_id=practice.pk,
                outcomes=outcome_rows(outcome_set),
                **form.cleaned_data,
            )
        except (DomainError, ValidationError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Thank you: the adoption is recorded."))
            return redirect(practice)
    return render(
        request,
        "practices/adopt.html",
        {"practice": practice, "form": form, "outcome_set": outcome_set},
    )


@login_required
@require_POST
@limit_posts("attachment")
def attachment_upload(request, slug: str):
    practice = selectors.get_practice_for(request.user, slug)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_attachment(
                member=request.user, practice_id=practice.pk, upload=form.cleaned_data["file"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("File added."))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("practices:edit", slug=slug)


@login_required
@require_POST
def attachment_delete(request, slug: str, attachment_id: int):
    practice = selectors.get_practice_for(request.user, slug)
    try:
        services.remove_attachment(
            member=request.user, practice_id=practice.pk, attachment_id=attachment_id
        )
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("practices:edit", slug=slug)


def attachment_download(request, slug: str, attachment_id: int):
    """Always a download, never rendered by the browser: nothing uploaded runs on our origin."""
    practice = selectors.get_practice_for(request.user, slug)
    attachment = get_object_or_404(practice.attachments.all(), pk=attachment_id)
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def my_context(request):
    row = MemberContext.objects.filter(member=request.user).first()
    initial = {}
    if row is None and request.user.organization_id:
        initial = selectors.context_from_organization(request.user.organization)
    form = ContextForm(
        request.POST or None,
        initial={
            **initial,
            **({f: getattr(row, f) for f in ContextForm.base_fields} if row else {}),
        },
    )
    if request.method == "POST" and form.is_valid():
        services.save_member_context(member=request.user, **form.cleaned_data)
        messages.success(
            request,
            _("Saved. Sort by “works in places like mine” to see matching practices first."),
        )
        return redirect("/practices/?sort=fit")
    return render(request, "practices/my_context.html", {"form": form})


@login_required
def my_drafts(request):
    return render(
        request,
        "practices/drafts.html",
        {"page_obj": paginate(selectors.drafts_of(request.user), request.GET.get("page"))},
    )
