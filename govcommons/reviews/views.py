"""Peer review pages for a submission: the editor's queue and desk, the authors' answers.

One submission page serves everyone allowed to see it; what it shows depends on the viewer's
part (editor, author, invited reviewer), so confidential comments and invitations never reach
authors. Every POST goes to one service; a refusal re-renders the page with the error beside the
field and the text the member typed.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from govcommons.core.errors import DomainError
from govcommons.core.forms import add_service_error
from govcommons.core.pagination import paginate
from govcommons.core.permissions import can_view_item, is_author
from govcommons.core.ratelimit import limit_posts
from govcommons.practices.models import ContributionState as S
from govcommons.practices.services import SNAPSHOT_LABELS

from . import permissions, selectors, services
from .forms import (
    AnswersForm,
    CancelInvitationForm,
    DecisionForm,
    InviteForm,
    PublishForm,
    QueueFilterForm,
    RateReviewForm,
    ResubmitForm,
    WithdrawForm,
)
from .models import (
    ACTIVE_INVITATION_STATES,
    Criterion,
    EventKind,
    InvitationState,
    Review,
    ReviewInvitation,
    Submission,
    SubmissionKind,
)

DECIDING_STATES = permissions.DECIDING_STATES
ANSWERABLE_STATES = permissions.ANSWERABLE_STATES
# States in which the authors may withdraw (an accepted submission only waits to be published).
WITHDRAWABLE_STATES = (S.SUBMITTED, S.IN_REVIEW, S.CHANGES_REQUESTED)

# --- the queue ---------------------------------------------------------------------------------


@login_required
def queue(request):
    user = request.user
    if not permissions.is_editor(user):
        raise PermissionDenied
    form = QueueFilterForm(request.GET, topic_ids=permissions.editor_topic_ids(user))
    filters = form.filters()
    page = paginate(
        selectors.editor_queue(user, **filters),
        request.GET.get("page"),
    )
    for submission in page:
        submission.waited = selectors.waited_days(submission)
        submission.needs_reviewers = (
            submission.state in DECIDING_STATES
            and submission.invited_count < settings.REVIEWERS_PER_SUBMISSION
        )
    context = {
        "form": form,
        "page_obj": page,
        "filtered": bool(filters["topic_id"] or filters["state"]),
        "reviewers_needed": settings.REVIEWERS_PER_SUBMISSION,
    }
    partial = request.htmx and not request.htmx.boosted
    template = "reviews/_submission_queue.html" if partial else "reviews/queue.html"
    return render(request, template, context)


# --- the submission page -----------------------------------------------------------------------


@login_required
def submission_detail(request, pk: int):
    submission = selectors.get_submission_for(request.user, pk)
    return _render_page(request, submission)


def _point_target(point) -> str:
    if point.kind == "criterion" and point.target in Criterion.values:
        return Criterion(point.target).label
    return str(SNAPSHOT_LABELS.get(point.target, point.target))


_reviewer_numbers = selectors.reviewer_numbers


def _rounds(reviews: list[Review]) -> list[dict]:
    """Reviews grouped by round, the latest round first."""
    rounds: dict[int, list[Review]] = {}
    for review in reviews:
        rounds.setdefault(review.round, []).append(review)
    return [{"number": n, "reviews": rounds[n]} for n in sorted(rounds, reverse=True)]


def _decorate(reviews: list[Review], numbers: dict[int, int]) -> None:
    for review in reviews:
        review.number = numbers[review.reviewer_id]
        for point in review.points.all():
            point.target_label = _point_target(point)


_authors_can_read = permissions.authors_can_read_review


def _render_page(request, submission: Submission, *, status: int = 200, **bound) -> object:
    """The page for this viewer. `bound` holds forms that failed, to show with their errors:
    invite_form, decision_form, publish_form, answers_form, resubmit_form, withdraw_form,
    rate_form (with rate_review_id), cancel_form (with cancel_invitation_id)."""
    user = request.user
    practice = submission.practice
    item = practice.item
    handler = permissions.can_handle(user, submission)
    author = is_author(user, item)
    invitation = None if author else permissions.invitation_for(user, submission)
    signed = settings.REVIEWS_SIGNED
    all_reviews = selectors.reviews_of(submission)
    _decorate(all_reviews, _reviewer_numbers(all_reviews))
    events = selectors.timeline(submission, include_confidential=handler)
    for event in events:
        # Who reviewed: editors see it; authors only when reviews are signed; a reviewer only
        # their own review, never who else was asked.
        event.show_actor = (
            handler
            or event.kind != EventKind.REVIEW_SUBMITTED
            or event.actor_id == user.pk
            or (author and signed)
        )
    context = {
        "submission": submission,
        "practice": practice,
        "item": item,
        "is_handler": handler,
        "is_author": author,
        "invitation": invitation,
        "signed": signed,
        "events": events,
        "can_view_contribution": can_view_item(user, item),
        "reviewers_needed": settings.REVIEWERS_PER_SUBMISSION,
        "is_minor": submission.kind == SubmissionKind.MINOR,
        "error_form": next((f for f in bound.values() if hasattr(f, "errors") and f.errors), None),
    }
    if handler:
        context.update(_editor_context(submission, all_reviews, bound, editor=request.user))
    if author:
        context.update(_author_context(submission, all_reviews, events, bound))
    if invitation is not None:
        invitation.submission = submission
        context.update(
            {
                "own_reviews": [r for r in all_reviews if r.reviewer_id == user.pk],
                "can_write_review": permissions.can_write_review(user, invitation),
                "invitation_overdue": permissions.overdue(invitation),
            }
        )
    return render(request, "reviews/submission.html", context, status=status)


def _editor_context(submission: Submission, reviews: list[Review], bound: dict, *, editor) -> dict:
    state = submission.state
    invitations = selectors.invitations_of(submission)
    cancel_id = bound.get("cancel_invitation_id")
    for invitation in invitations:
        invitation.is_open = invitation.state in (InvitationState.INVITED, InvitationState.ACCEPTED)
        invitation.is_overdue = permissions.overdue(invitation)
        invitation.cancel_form = (
            bound["cancel_form"] if cancel_id == invitation.pk else CancelInvitationForm()
        )
    active = [i for i in invitations if i.state in ACTIVE_INVITATION_STATES]
    invite_form = bound.get("invite_form")
    bound_reviewer = _bound_reviewer(invite_form)
    suggestions = []
    if state in DECIDING_STATES:
        for suggestion in selectors.suggested_reviewers(submission, editor=editor):
            member = suggestion.member
            if bound_reviewer == member.pk:
                form = invite_form
            else:
                form = InviteForm(initial={"reviewer": member.pk})
            form.auto_id = f"invite-{member.pk}-%s"
            _relabel(
                form["due_on"],
                _("Due date for the review by %(name)s") % {"name": member.display_name},
            )
            suggestions.append({"suggestion": suggestion, "form": form})
    suggested_ids = {row["suggestion"].member.pk for row in suggestions}
    other_form = (
        invite_form
        if invite_form is not None and bound_reviewer not in suggested_ids
        else InviteForm(auto_id="invite-other-%s")
    )
    other_form.auto_id = "invite-other-%s"
    rate_id = bound.get("rate_review_id")
    for review in reviews:
        if rate_id == review.pk:
            review.rate_form = bound["rate_form"]
        else:
            review.rate_form = RateReviewForm(initial={"quality": review.quality})
        review.rate_form.auto_id = f"rate-{review.pk}-%s"
    minor = submission.kind == SubmissionKind.MINOR
    current_reviews = [r for r in reviews if r.round == submission.round]
    return {
        "invitations": invitations,
        "active_invitation_count": len(active),
        "suggestions": suggestions,
        "invite_form": other_form,
        "invite_error": invite_form if invite_form is not None and invite_form.errors else None,
        "editor_rounds": _rounds(reviews),
        "current_review_count": len(current_reviews),
        "can_invite": state in DECIDING_STATES,
        "can_decide": state in DECIDING_STATES,
        "can_publish": state == S.ACCEPTED,
        "decision_form": bound.get("decision_form")
        or DecisionForm(initial={"expected_state": state}),
        "publish_form": bound.get("publish_form") or PublishForm(minor=minor),
    }


def _relabel(bound_field, label: str) -> None:
    """A label that names whose field it is (a bound field keeps the label it was made with)."""
    bound_field.label = bound_field.field.label = label


def _bound_reviewer(form) -> int | None:
    if form is None:
        return None
    try:
        return int(form.data.get("reviewer") or 0) or None
    except (TypeError, ValueError):
        return None


def _answerable_points(submission: Submission, rounds: list[dict]) -> list:
    """The points of the latest round the authors can read, while answering is open."""
    if submission.state not in ANSWERABLE_STATES or not rounds:
        return []
    return [p for review in rounds[0]["reviews"] for p in review.points.all()]


def _decision_note(submission: Submission, events: list) -> str:
    """What the editor wrote when requesting the changes the authors are working on."""
    for event in reversed(events):
        if event.kind == EventKind.TRANSITION and event.to_state == submission.state:
            return "" if event.confidential else event.reason
    return ""


def _author_context(
    submission: Submission, reviews: list[Review], events: list, bound: dict
) -> dict:
    readable = [r for r in reviews if _authors_can_read(submission, r)]
    rounds = _rounds(readable)
    points = _answerable_points(submission, rounds)
    answers_form = bound.get("answers_form") or AnswersForm(points=points)
    for review in readable:
        for point in review.points.all():
            field = answers_form.field_for(point.pk)
            point.answer_field = field
            if field is not None:
                reviewer = (
                    review.reviewer.display_name
                    if settings.REVIEWS_SIGNED
                    else _("Reviewer %(n)s") % {"n": review.number}
                )
                _relabel(
                    field,
                    _("Your answer to %(reviewer)s on “%(target)s”")
                    % {"reviewer": reviewer, "target": point.target_label},
                )
    practice = submission.practice
    return {
        "decision_note": _decision_note(submission, events),
        "author_rounds": rounds,
        "reviews_pending": submission.state in DECIDING_STATES,
        "answers_form": answers_form if points else None,
        "can_resubmit": submission.state == S.CHANGES_REQUESTED,
        "revised": practice.item.revision_number > submission.revision_number,
        "resubmit_form": bound.get("resubmit_form") or ResubmitForm(),
        "can_withdraw": submission.state in WITHDRAWABLE_STATES,
        "withdraw_form": bound.get("withdraw_form") or WithdrawForm(),
    }


# --- POSTs -------------------------------------------------------------------------------------


def _require_handler(user, submission: Submission) -> None:
    if not permissions.can_handle(user, submission):
        raise PermissionDenied(_("Only an editor for this topic can do that."))


def _require_author(user, submission: Submission) -> None:
    if not is_author(user, submission.practice.item):
        raise PermissionDenied(_("Only the authors can do that."))


def _refused(request, pk: int, error: DomainError | None = None, **bound):
    """Re-render the page (fresh: the refusal may come from a change made meanwhile)."""
    submission = selectors.get_submission_for(request.user, pk)
    status = error.status_code if error is not None else 400
    return _render_page(request, submission, status=status, **bound)


def _back(submission_id: int):
    return redirect("reviews:submission", pk=submission_id)


@login_required
@require_POST
@limit_posts("review_write")
def invite(request, pk: int):
    submission = selectors.get_submission_for(request.user, pk)
    _require_handler(request.user, submission)
    form = InviteForm(request.POST)
    if not form.is_valid():
        return _refused(request, pk, invite_form=form)
    via_handle = not request.POST.get("reviewer")
    try:
        invitation = services.invite_reviewer(
            editor=request.user,
            submission_id=pk,
            reviewer_id=form.cleaned_data["reviewer"],
            due_on=form.cleaned_data["due_on"],
        )
    except DomainError as error:
        if error.field == "reviewer":
            form.add_error("who" if via_handle else None, error.message)
        else:
            add_service_error(form, error)
        return _refused(request, pk, error, invite_form=form)
    messages.success(
        request,
        _("%(name)s is invited and has until %(due)s to review it.")
        % {
            "name": invitation.reviewer.display_name,
            "due": date_format(invitation.due_on, "j F Y"),
        },
    )
    return _back(pk)


@login_required
@require_POST
@limit_posts("review_write")
def cancel_invitation(request, pk: int):
    invitation = get_object_or_404(ReviewInvitation.objects.only("pk", "submission_id"), pk=pk)
    submission = selectors.get_submission_for(request.user, invitation.submission_id)
    _require_handler(request.user, submission)
    form = CancelInvitationForm(request.POST)
    form.is_valid()
    try:
        services.cancel_invitation(
            editor=request.user,
            invitation_id=pk,
            reason=form.cleaned_data.get("reason", ""),
        )
    except DomainError as error:
        form.add_error(None, error.message)
        return _refused(
            request, submission.pk, error, cancel_form=form, cancel_invitation_id=invitation.pk
        )
    messages.success(request, _("Invitation withdrawn. You can invite someone else."))
    return _back(submission.pk)


@login_required
@require_POST
@limit_posts("review_write")
def decide(request, pk: int):
    submission = selectors.get_submission_for(request.user, pk)
    _require_handler(request.user, submission)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _refused(request, pk, decision_form=form)
    decision = form.cleaned_data["decision"]
    try:
        services.decide(
            editor=request.user,
            submission_id=pk,
            decision=decision,
            note=form.cleaned_data["note"],
            expected_state=form.cleaned_data["expected_state"],
        )
    except DomainError as error:
        add_service_error(form, error)
        return _refused(request, pk, error, decision_form=form)
    done = {
        services.Decision.REQUEST_CHANGES: _(
            "Changes requested. The authors are told and can read the reviews."
        ),
        services.Decision.ACCEPT: _("Accepted. Choose its evidence level below to publish it."),
        services.Decision.DECLINE: _("Declined. The authors are told."),
    }
    messages.success(request, done[decision])
    return _back(pk)


@login_required
@require_POST
@limit_posts("review_write")
def publish(request, pk: int):
    submission = selectors.get_submission_for(request.user, pk)
    _require_handler(request.user, submission)
    form = PublishForm(request.POST, minor=submission.kind == SubmissionKind.MINOR)
    if not form.is_valid():
        return _refused(request, pk, publish_form=form)
    try:
        services.publish(
            editor=request.user,
            submission_id=pk,
            evidence_level=form.cleaned_data.get("evidence_level"),
            note=form.cleaned_data["note"],
        )
    except DomainError as error:
        add_service_error(form, error)
        return _refused(request, pk, error, publish_form=form)
    messages.success(request, _("Published. The authors are told."))
    return _back(pk)


@login_required
@require_POST
@limit_posts("review_write")
def rate_review(request, pk: int):
    review = get_object_or_404(Review.objects.only("pk", "submission_id"), pk=pk)
    submission = selectors.get_submission_for(request.user, review.submission_id)
    _require_handler(request.user, submission)
    form = RateReviewForm(request.POST)
    if not form.is_valid():
        return _refused(request, submission.pk, rate_form=form, rate_review_id=review.pk)
    try:
        services.rate_review(
            editor=request.user, review_id=pk, quality=form.cleaned_data["quality"]
        )
    except DomainError as error:
        add_service_error(form, error)
        return _refused(request, submission.pk, error, rate_form=form, rate_review_id=review.pk)
    messages.success(request, _("Thank you: the review is rated."))
    return _back(submission.pk)


@login_required
@require_POST
@limit_posts("review_write")
def withdraw(request, pk: int):
    submission = selectors.get_submission_for(request.user, pk)
    _require_author(request.user, submission)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        return _refused(request, pk, withdraw_form=form)
    try:
        services.withdraw(member=request.user, submission_id=pk, reason=form.cleaned_data["reason"])
    except DomainError as error:
        add_service_error(form, error)
        return _refused(request, pk, error, withdraw_form=form)
    messages.success(
        request, _("Withdrawn. You can edit the contribution and submit it again later.")
    )
    return _back(pk)


@login_required
@require_POST
@limit_posts("review_write")
def answer_points(request, pk: int):
    submission = selectors.get_submission_for(request.user, pk)
    _require_author(request.user, submission)
    reviews = selectors.reviews_of(submission)
    _decorate(reviews, _reviewer_numbers(reviews))
    rounds = _rounds([r for r in reviews if _authors_can_read(submission, r)])
    form = AnswersForm(request.POST, points=_answerable_points(submission, rounds))
    if not form.is_valid():
        return _refused(request, pk, answers_form=form)
    try:
        count = services.answer_points(
            member=request.user, submission_id=pk, answers=form.answers()
        )
    except DomainError as error:
        add_service_error(form, error)
        return _refused(request, pk, error, answers_form=form)
    if count:
        messages.success(
            request,
            ngettext(
                "%(n)s answer saved. The editor and the reviewers will read it.",
                "%(n)s answers saved. The editor and the reviewers will read them.",
                count,
            )
            % {"n": count},
        )
    else:
        messages.info(request, _("No answer changed."))
    return _back(pk)


@login_required
@require_POST
@limit_posts("review_write")
def resubmit(request, pk: int):
    submission = selectors.get_submission_for(request.user, pk)
    _require_author(request.user, submission)
    form = ResubmitForm(request.POST)
    if not form.is_valid():
        return _refused(request, pk, resubmit_form=form)
    try:
        services.resubmit(member=request.user, submission_id=pk, note=form.cleaned_data["note"])
    except DomainError as error:
        add_service_error(form, error)
        return _refused(request, pk, error, resubmit_form=form)
    messages.success(request, _("Resubmitted. The reviewers are asked to read the new version."))
    return _back(pk)
