"""The ideas board: a member proposes, members vote (once each) and discuss, moderators move
the idea through its states, and it links to what came of it (a contribution, later a pilot)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from govcommons.core.models import Item

TEXT_MAX_LENGTH = 10_000


class IdeaState(models.TextChoices):
    OPEN = "open", _("Open")
    UNDER_CONSIDERATION = "under_consideration", _("Under consideration")
    SELECTED = "selected", _("Selected for a pilot")
    PILOTED = "piloted", _("Piloted")
    ADOPTED = "adopted", _("Adopted")
    DECLINED = "declined", _("Declined")


class Idea(models.Model):
    item = models.OneToOneField(
        Item, on_delete=models.CASCADE, primary_key=True, related_name="idea"
    )
    problem = models.TextField(_("the problem"), max_length=TEXT_MAX_LENGTH)
    proposal = models.TextField(_("the proposal"), max_length=TEXT_MAX_LENGTH)
    benefit = models.TextField(_("expected benefit"), max_length=TEXT_MAX_LENGTH, blank=True)
    who_might_try = models.TextField(_("who might try it"), max_length=TEXT_MAX_LENGTH, blank=True)
    topics = models.ManyToManyField(
        "taxonomy.Topic", verbose_name=_("topics"), blank=True, related_name="ideas"
    )
    state = models.CharField(max_length=20, choices=IdeaState, default=IdeaState.OPEN)
    # Shown with the state: why it was declined, or what the moderators decided.
    state_reason = models.TextField(blank=True)
    state_changed_at = models.DateTimeField(null=True, blank=True)
    vote_count = models.PositiveIntegerField(default=0)
    # Votes and age in one number that never changes with the clock, so it can be indexed:
    # see ideas.services.hot_score.
    hot_score = models.FloatField(default=0)
    # What came of it: a contribution that implements it, and (a later issue) a pilot project.
    implemented_by = models.ForeignKey(
        Item, null=True, blank=True, on_delete=models.SET_NULL, related_name="implemented_ideas"
    )
    pilot = models.ForeignKey(
        Item, null=True, blank=True, on_delete=models.SET_NULL, related_name="piloted_ideas"
    )

    class Meta:
        indexes = [
            models.Index(fields=["-hot_score"], name="idea_hot_idx"),
            models.Index(fields=["-vote_count"], name="idea_top_idx"),
            models.Index(fields=["state", "-hot_score"], name="idea_state_idx"),
        ]

    def __str__(self) -> str:
        return self.item.title

    def get_absolute_url(self) -> str:
        return self.item.get_absolute_url()


class IdeaVote(models.Model):
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="votes")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="idea_votes"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["idea", "member"], name="idea_vote_once"),
        ]
        indexes = [models.Index(fields=["member", "-created_at"], name="idea_vote_member_idx")]

    def __str__(self) -> str:
        return f"{self.member_id} votes for {self.idea_id}"


class IdeaEvent(models.Model):
    """Every state change, with who made it and why: shown on the idea page."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_state = models.CharField(max_length=20, choices=IdeaState, blank=True)
    to_state = models.CharField(max_length=20, choices=IdeaState)
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.idea_id}: {self.from_state or '-'} -> {self.to_state}"
