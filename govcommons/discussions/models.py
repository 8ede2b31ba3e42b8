"""Discussions under every Item (comments, one level of replies, "useful" reactions) and the
questions-and-answers board (a Question is an Item; its answers are voted up or down)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from govcommons.core.models import Item

# Long enough for a detailed procurement story, short enough that nobody pastes a whole report.
BODY_MAX_LENGTH = 20_000


class Comment(models.Model):
    """A comment in an Item's discussion; a reply has a top-level comment as parent (one level
    deep, like GitHub and Discourse). Removed comments with replies stay as "comment removed"."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="comments"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    body = models.TextField(_("comment"), max_length=BODY_MAX_LENGTH)
    # Rendered and sanitised once, when written: a page of 50 comments renders no Markdown.
    body_html = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    # Bumped by every edit: an edit made from an older version is refused, not lost.
    version = models.PositiveIntegerField(default=1)
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    useful_count = models.PositiveIntegerField(default=0)
    reply_count = models.PositiveIntegerField(default=0)
    # The item's authors marked it as the answer to the question asked in the discussion.
    is_answer = models.BooleanField(default=False)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["item", "parent", "created_at"], name="comment_thread_idx"),
            models.Index(fields=["parent", "created_at"], name="comment_replies_idx"),
            models.Index(fields=["author", "item", "-created_at"], name="comment_author_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["item"], condition=Q(is_answer=True), name="comment_one_answer_per_item"
            )
        ]

    def __str__(self) -> str:
        return f"Comment {self.pk} on {self.item_id}"

    def get_absolute_url(self) -> str:
        return reverse("discussions:comment", args=[self.pk])

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None


class CommentEdit(models.Model):
    """The text a comment had before an edit (or a removal): the history moderators read."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="edits")
    body = models.TextField()
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    edited_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-edited_at", "-pk"]

    def __str__(self) -> str:
        return f"Edit of comment {self.comment_id} at {self.edited_at:%Y-%m-%d %H:%M}"


class CommentReaction(models.Model):
    """A member found a comment useful: one per member and comment."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reactions")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comment_reactions"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["comment", "member"], name="reaction_once_per_member")
        ]

    def __str__(self) -> str:
        return f"{self.member_id} found {self.comment_id} useful"


class Question(models.Model):
    """ "Ask the community": a question is an Item (kind "question"), published when asked."""

    item = models.OneToOneField(
        Item, on_delete=models.CASCADE, primary_key=True, related_name="question"
    )
    body = models.TextField(_("context and details"), max_length=BODY_MAX_LENGTH, blank=True)
    body_html = models.TextField(blank=True)
    topics = models.ManyToManyField(
        "taxonomy.Topic", verbose_name=_("topics"), blank=True, related_name="questions"
    )
    accepted_answer = models.OneToOneField(
        "Answer", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answer_count = models.PositiveIntegerField(default=0)
    score = models.IntegerField(default=0)
    # The draft contribution this question was turned into, once someone documented it.
    documented_in = models.ForeignKey(
        Item, null=True, blank=True, on_delete=models.SET_NULL, related_name="source_questions"
    )

    class Meta:
        indexes = [
            models.Index(fields=["-score"], name="question_score_idx"),
            models.Index(fields=["answer_count"], name="question_unanswered_idx"),
        ]

    def __str__(self) -> str:
        return self.item.title

    def get_absolute_url(self) -> str:
        return self.item.get_absolute_url()

    @property
    def is_answered(self) -> bool:
        return self.accepted_answer_id is not None


class Answer(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="answers"
    )
    body = models.TextField(_("your answer"), max_length=BODY_MAX_LENGTH)
    body_html = models.TextField()
    score = models.IntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-score", "created_at", "pk"]
        indexes = [
            models.Index(fields=["question", "-score", "created_at"], name="answer_rank_idx"),
            models.Index(fields=["author", "-created_at"], name="answer_author_idx"),
        ]

    def __str__(self) -> str:
        return f"Answer {self.pk} to {self.question_id}"

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None


class Vote(models.Model):
    """Common shape of an up (+1) or down (-1) vote; one per member and target."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    value = models.SmallIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True


class QuestionVote(Vote):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="votes")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["question", "member"], name="question_vote_once"),
            models.CheckConstraint(condition=Q(value__in=[-1, 1]), name="question_vote_up_or_down"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.value:+d} on question {self.question_id}"


class AnswerVote(Vote):
    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="votes")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["answer", "member"], name="answer_vote_once"),
            models.CheckConstraint(condition=Q(value__in=[-1, 1]), name="answer_vote_up_or_down"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.value:+d} on answer {self.answer_id}"


class AnswerCitation(models.Model):
    """An answer links to a contribution: the contribution shows "cited in N answers"."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="citations")
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="citations")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["answer", "item"], name="citation_once_per_answer")
        ]

    def __str__(self) -> str:
        return f"Answer {self.answer_id} cites {self.item_id}"
