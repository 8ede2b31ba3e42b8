"""Input for the ideas board: an idea, the topic filter, a state change and the outcome link.

The texts are checked by ideas.services (needed parts, lengths, unknown @mentions), so that a
page and the API refuse the same things with the same words; these forms only shape the input.
"""

from urllib.parse import urlsplit

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import F
from django.db.models.functions import Coalesce
from django.urls import Resolver404, resolve
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from govcommons.core.models import Item, ItemKind, ItemStatus
from govcommons.taxonomy.models import Topic

from .models import IdeaState

MARKDOWN_HELP = _("Markdown: **bold**, *italics*, lists, links; @handle mentions a member.")


def _topics_queryset():
    """Each broad topic followed by its narrower ones."""
    return (
        Topic.objects.select_related("parent")
        .annotate(family=Coalesce("parent__name", "name"))
        .order_by("family", F("parent").asc(nulls_first=True), "name")
    )


def _topic_label(topic: Topic) -> str:
    return f"{topic.parent.name} › {topic.name}" if topic.parent_id else topic.name


# An empty needed part is refused here with the service's own words, so that every empty part
# is named at once; everything else about the text is the service's to check.
PART_NEEDED = _("This part is needed: write a few sentences.")
TITLE_NEEDED = _("Write the title as one clear sentence of at least 10 characters.")


def _text(label, help_text, rows=5, required=False) -> forms.CharField:
    # strip=False: the service strips, and a refused text comes back exactly as it was typed.
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=required,
        strip=False,
        error_messages={"required": PART_NEEDED},
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class IdeaForm(forms.Form):
    # The version the edit form was loaded at: a stale edit is refused, not lost (empty when new).
    base_revision = forms.IntegerField(required=False, widget=forms.HiddenInput)
    title = forms.CharField(
        label=_("Your idea in one sentence"),
        help_text=_("For example: “Report potholes with a photo from the bus”."),
        strip=False,
        error_messages={"required": TITLE_NEEDED},
    )
    problem = _text(
        _("The problem"),
        format_lazy("{} {}", _("What goes wrong today, for whom, and how often?"), MARKDOWN_HELP),
        required=True,
    )
    proposal = _text(
        _("The proposal"),
        format_lazy("{} {}", _("What would you do about it?"), MARKDOWN_HELP),
        rows=7,
        required=True,
    )
    benefit = _text(
        _("Expected benefit"),
        _("Optional. What would change, ideally in numbers (time, money, people reached)."),
        rows=3,
    )
    who_might_try = _text(
        _("Who might try it"),
        _("Optional. Which kind of organisation could run a pilot, or who you would ask."),
        rows=3,
    )
    topics = forms.ModelMultipleChoiceField(
        label=_("Topics"),
        help_text=_("Readers filter the board by topic: choose all that apply."),
        queryset=Topic.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, mentions_url: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topics"].queryset = _topics_queryset()
        self.fields["topics"].label_from_instance = _topic_label
        if mentions_url:
            # discussions/mentions.js suggests members as one types "@"
            for name in ("problem", "proposal", "benefit", "who_might_try"):
                self.fields[name].widget.attrs["data-mentions"] = mentions_url

    @staticmethod
    def initial_for(idea) -> dict:
        return {
            "base_revision": idea.item.revision_number,
            "title": idea.item.title,
            "problem": idea.problem,
            "proposal": idea.proposal,
            "benefit": idea.benefit,
            "who_might_try": idea.who_might_try,
            "topics": list(idea.topics.all()),
        }


class TopicFilterForm(forms.Form):
    """The board's topic filter (GET): an unknown topic shows every idea."""

    topic = forms.ModelChoiceField(
        label=_("Topic"),
        queryset=Topic.objects.none(),
        required=False,
        to_field_name="slug",
        empty_label=_("All topics"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].queryset = _topics_queryset()
        self.fields["topic"].label_from_instance = _topic_label

    def chosen_topic(self) -> Topic | None:
        return self.cleaned_data.get("topic") if self.is_valid() else None


class MoveForm(forms.Form):
    """A moderator's state change. Only the allowed moves are offered; services.move_idea
    checks the transition itself (and that a decline has a reason)."""

    to = forms.CharField(label=_("New state"), widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Reason"),
        help_text=_(
            "Shown with the state on the idea page. Needed to decline: the people who "
            "proposed and voted will read it."
        ),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, moves: list[str], **kwargs):
        kwargs.setdefault("prefix", "move")
        super().__init__(*args, **kwargs)
        self.fields["to"].widget.choices = [(state, IdeaState(state).label) for state in moves]


class LinkForm(forms.Form):
    """Which published contribution implements the idea, given by its address or its slug."""

    practice = forms.CharField(
        label=_("Address of the contribution"),
        help_text=_("Paste the address of the contribution's page."),
        required=False,
        max_length=500,
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "outcome")
        super().__init__(*args, **kwargs)

    def clean_practice(self) -> int | None:
        """The Item id of the published contribution at this address (None: remove the link).
        Whether the member may read it is the service's check."""
        address = self.cleaned_data["practice"].strip()
        if not address:
            return None
        slug = _slug_from_address(address)
        item_id = (
            Item.objects.filter(kind=ItemKind.PRACTICE, status=ItemStatus.PUBLISHED, slug=slug)
            .values_list("pk", flat=True)
            .first()
        )
        if item_id is None:
            raise ValidationError(
                _(
                    "No published contribution has this address: copy it from the "
                    "contribution's page."
                )
            )
        return item_id


def _slug_from_address(address: str) -> str:
    """A contribution's slug from its page address (absolute or relative) or the slug itself."""
    path = urlsplit(address).path
    if "/" not in path:
        return path
    try:
        match = resolve(path if path.startswith("/") else f"/{path}")
    except Resolver404:
        return ""
    if match.view_name != "practices:detail":
        return ""
    return match.kwargs.get("slug", "")
