"""Peer review: submissions (one version going through review), their events, invitations,
reviews with rubric scores and points, declared conflicts of interest, and "may be outdated" flags.

The allowed state changes are in reviews.workflow; every change writes a SubmissionEvent.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from govcommons.organizations.models import Organization
from govcommons.practices.models import ContributionState, EvidenceLevel, Practice


class SubmissionKind(models.TextChoices):
    FIRST = "first", _("New contribution")
    REVISION = "revision", _("Revision of a published contribution")
    MINOR = "minor", _("Minor edit")
    REREVIEW = "rereview", _("Re-review")


# A submission is open while it sits in one of these states; one open per contribution.
OPEN_STATES = [
    ContributionState.SUBMITTED,
    ContributionState.IN_REVIEW,
    ContributionState.CHANGES_REQUESTED,
    ContributionState.ACCEPTED,
]


class Submission(models.Model):
    """One version of a contribution going through review, from submission to decision."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="submissions")
    kind = models.CharField(max_length=10, choices=SubmissionKind, default=SubmissionKind.FIRST)
    state = models.CharField(
        max_length=20, choices=ContributionState, default=ContributionState.SUBMITTED
    )
    # The frozen version reviewers read; a resubmission moves it to the revised version.
    revision_number = models.PositiveIntegerField()
    # The version that was public when a revision was submitted (for its diff); 0 for a first one.
    live_revision = models.PositiveIntegerField(default=0)
    round = models.PositiveSmallIntegerField(default=1)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField()
    # When it last came back to the editor's desk (first submission or resubmission).
    waiting_since = models.DateTimeField()
    state_changed_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    evidence_level = models.PositiveSmallIntegerField(
        _("evidence level"), choices=EvidenceLevel, null=True, blank=True
    )
    editor_note = models.TextField(_("editor's note"), blank=True, max_length=4000)
    note_from_author = models.TextField(_("note to the editor"), blank=True, max_length=4000)

    class Meta:
        ordering = ["waiting_since", "pk"]
        indexes = [
            models.Index(fields=["state", "waiting_since"], name="submission_queue_idx"),
            models.Index(fields=["practice", "-submitted_at"], name="submission_practice_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["practice"],
                condition=Q(state__in=OPEN_STATES),
                name="submission_one_open_per_practice",
            )
        ]

    def __str__(self) -> str:
        return f"{self.practice} ({self.get_state_display()}, round {self.round})"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


class EventKind(models.TextChoices):
    TRANSITION = "transition", _("State changed")
    INVITED = "invited", _("Reviewer invited")
    INVITATION_ACCEPTED = "accepted_invitation", _("Invitation accepted")
    INVITATION_DECLINED = "declined_invitation", _("Invitation declined")
    INVITATION_CANCELLED = "cancelled_invitation", _("Invitation withdrawn")
    REMINDED = "reminded", _("Reviewer reminded")
    REVIEW_SUBMITTED = "review_submitted", _("Review submitted")
    AUTHOR_RESPONDED = "author_responded", _("Authors answered the reviews")
    FLAGGED_OUTDATED = "flagged_outdated", _("Flagged as possibly outdated")
    CONFIRMED_CURRENT = "confirmed_current", _("Confirmed as current")


class ReviewEvent(models.Model):
    """The review history: who did what, when, from which state to which, and why."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="review_events")
    submission = models.ForeignKey(
        Submission, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(max_length=24, choices=EventKind)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_state = models.CharField(max_length=20, choices=ContributionState, blank=True)
    to_state = models.CharField(max_length=20, choices=ContributionState, blank=True)
    reason = models.TextField(blank=True, max_length=4000)
    # Only editors see confidential events (a decline, who declined an invitation).
    confidential = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["practice", "created_at"], name="reviewevent_practice_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.from_state} -> {self.to_state}"


class InvitationState(models.TextChoices):
    INVITED = "invited", _("Invited")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    CANCELLED = "cancelled", _("Withdrawn by the editor")
    COMPLETED = "completed", _("Review submitted")


# Invitations that still hold a reviewer's place on a submission.
ACTIVE_INVITATION_STATES = [
    InvitationState.INVITED,
    InvitationState.ACCEPTED,
    InvitationState.COMPLETED,
]


class ReviewInvitation(models.Model):
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="invitations")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_invitations"
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    state = models.CharField(
        max_length=10, choices=InvitationState, default=InvitationState.INVITED
    )
    invited_at = models.DateTimeField()
    due_on = models.DateField(_("due date"))
    responded_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.CharField(_("reason"), max_length=500, blank=True)
    reminder_count = models.PositiveSmallIntegerField(default=0)
    last_reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["invited_at", "pk"]
        indexes = [
            models.Index(fields=["reviewer", "state"], name="invitation_reviewer_idx"),
            models.Index(fields=["state", "due_on"], name="invitation_due_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "reviewer"],
                condition=Q(state__in=ACTIVE_INVITATION_STATES),
                name="invitation_one_active_per_reviewer",
            )
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} on {self.submission_id} ({self.state})"


class Recommendation(models.TextChoices):
    ACCEPT = "accept", _("Accept")
    MINOR = "minor_changes", _("Minor changes")
    MAJOR = "major_changes", _("Major changes")
    DECLINE = "decline", _("Decline")


class Criterion(models.TextChoices):
    """The rubric, each scored 1-5."""

    ACCURACY = "accuracy", _("Accuracy")
    EVIDENCE = "evidence", _("Evidence behind the outcomes")
    TRANSFERABILITY = "transferability", _("Transferability to other contexts")
    CLARITY = "clarity", _("Clarity")
    COMPLETENESS = "completeness", _("Completeness")


def _score(label):
    return models.PositiveSmallIntegerField(
        label, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )


class Review(models.Model):
    """A reviewer's assessment of one round (one frozen revision) of a submission."""

    invitation = models.ForeignKey(
        ReviewInvitation, on_delete=models.CASCADE, related_name="reviews"
    )
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews_written"
    )
    round = models.PositiveSmallIntegerField()
    revision_number = models.PositiveIntegerField()
    accuracy = _score(_("accuracy"))
    evidence = _score(_("evidence behind the outcomes"))
    transferability = _score(_("transferability"))
    clarity = _score(_("clarity"))
    completeness = _score(_("completeness"))
    recommendation = models.CharField(_("recommendation"), max_length=20, choices=Recommendation)
    to_authors = models.TextField(_("comments to the authors"), blank=True, max_length=10000)
    to_editor = models.TextField(
        _("confidential comments to the editor"), blank=True, max_length=5000
    )
    submitted_at = models.DateTimeField()
    # Editors rate how useful a review was (1-5); it ranks reviewer suggestions later.
    quality = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )

    class Meta:
        ordering = ["submitted_at", "pk"]
        indexes = [models.Index(fields=["reviewer", "submitted_at"], name="review_reviewer_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["invitation", "round"], name="review_one_per_invitation_round"
            )
        ]

    def __str__(self) -> str:
        return f"Review by {self.reviewer} (round {self.round})"

    @property
    def scores(self) -> list[tuple[str, str, int]]:
        return [(c.value, c.label, getattr(self, c.value)) for c in Criterion]

    @property
    def mean_score(self) -> float:
        values = [getattr(self, c.value) for c in Criterion]
        return sum(values) / len(values)


class PointKind(models.TextChoices):
    CRITERION = "criterion", _("On a criterion")
    INLINE = "inline", _("On a field")


class ReviewPoint(models.Model):
    """One comment in a review (on a rubric criterion or inline on a field), and the authors'
    answer to it."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="points")
    kind = models.CharField(max_length=10, choices=PointKind)
    # A Criterion value, or a contribution field name ("approach", "outcomes"...).
    target = models.CharField(max_length=40)
    text = models.TextField(max_length=5000)
    response = models.TextField(_("your answer"), blank=True, max_length=5000)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.target}: {self.text[:40]}"


class ConflictOfInterest(models.Model):
    """A member's declared conflict: with one contribution, one organisation or one person."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="declared_conflicts"
    )
    practice = models.ForeignKey(
        Practice, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(practice__isnull=False)
                | Q(organization__isnull=False)
                | Q(person__isnull=False),
                name="conflict_names_something",
            )
        ]

    def __str__(self) -> str:
        return f"Conflict declared by {self.member}"


class OutdatedFlag(models.Model):
    """ "This may be outdated": a member's flag, open until an editor resolves it."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="outdated_flags")
    flagged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    reason = models.TextField(_("what has changed"), max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolution = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["resolved_at", "practice"], name="outdatedflag_open_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "flagged_by"],
                condition=Q(resolved_at__isnull=True),
                name="outdatedflag_one_open_per_member",
            )
        ]

    def __str__(self) -> str:
        return f"{self.practice} may be outdated"
