"""Input for the questions board: asking (and editing) a question, an answer, an answer's edit,
and the list's filters.

Titles and texts are checked by the services (clean_title, clean_body, mentions), so that a page
and the API refuse the same things with the same words; these forms only shape the input.
"""

from django import forms
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from govcommons.core.models import Language
from govcommons.taxonomy.models import Topic

from .selectors import QuestionSort

MARKDOWN_HELP = _(
    "Markdown: **bold**, *italic*, - lists, [a link](https://…). @handle mentions a member."
)


def _text(label: str, help_text: str, *, rows: int) -> forms.CharField:
    # strip=False and not required: the service strips and refuses, and a refused text comes
    # back exactly as it was typed.
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


def _topics_in_tree_order():
    """Each top-level topic followed by its subtopics, whatever the database's NULL order."""
    return Topic.objects.select_related("parent").order_by(
        Coalesce("parent__name", "name"), F("parent").asc(nulls_first=True), "name"
    )


def _topic_label(topic: Topic) -> str:
    return f"{topic.parent.name} › {topic.name}" if topic.parent_id else topic.name


def _topics() -> forms.ModelMultipleChoiceField:
    field = forms.ModelMultipleChoiceField(
        label=_("Topics"),
        queryset=_topics_in_tree_order(),
        required=False,
        help_text=_("Members who follow these topics will find your question."),
        widget=forms.CheckboxSelectMultiple,
    )
    field.label_from_instance = _topic_label
    return field


class QuestionForm(forms.Form):
    title = forms.CharField(
        label=_("Your question, in one sentence"),
        help_text=_(
            "For example: “Has any city procured a 311 app under 100k EUR?” "
            "Between 10 and 200 characters."
        ),
        error_messages={
            "required": _("Write the title as one clear sentence of at least 10 characters.")
        },
        strip=False,
    )
    body = _text(
        _("Context and details (optional)"),
        _(
            "What you have tried, your constraints (budget, size, country), what a good answer "
            "would tell you. "
        )
        + MARKDOWN_HELP,
        rows=8,
    )
    topics = _topics()
    # Not required: a form posted without it (an old tab, a script) asks in English.
    language = forms.ChoiceField(
        label=_("Language of your question"),
        choices=Language.choices,
        initial=Language.EN,
        required=False,
    )

    # The version the edit form was loaded at (editing only): a stale edit is refused, not lost.
    base_revision = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            # The language is chosen when asking; the services do not change it afterwards.
            del self.fields["language"]
        else:
            del self.fields["base_revision"]


class AnswerForm(forms.Form):
    body = _text(
        _("Write your answer"),
        _(
            "Say what was done, where, and what came of it. Link a contribution on GovCommons "
            "and it shows “cited in an answer”. "
        )
        + MARKDOWN_HELP,
        rows=8,
    )

    def __init__(self, *args, mentions_url: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if mentions_url:
            self.fields["body"].widget.attrs["data-mentions"] = mentions_url


class AnswerEditForm(AnswerForm):
    # The version the text was loaded from: an edit of an older version is refused, not lost.
    version = forms.IntegerField(widget=forms.HiddenInput)


class QuestionFilterForm(forms.Form):
    """The list's sort tab and topic; anything unknown in the address falls back to no filter."""

    sort = forms.ChoiceField(
        choices=[(s, s) for s in QuestionSort.CHOICES], required=False, widget=forms.HiddenInput
    )
    topic = forms.ModelChoiceField(
        label=_("Topic"),
        queryset=_topics_in_tree_order(),
        to_field_name="slug",
        required=False,
        empty_label=_("All topics"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].label_from_instance = _topic_label

    def sort_and_topic(self) -> tuple[str, Topic | None]:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        sort = data.get("sort") or QuestionSort.NEWEST
        return sort, data.get("topic")


class VoteForm(forms.Form):
    """Which button was pressed: up (1), down (-1), or the pressed one again to withdraw (0)."""

    value = forms.TypedChoiceField(
        choices=[("1", _("Vote up")), ("-1", _("Vote down")), ("0", _("Withdraw the vote"))],
        coerce=int,
        error_messages={"invalid_choice": _("A vote is up, down or withdrawn.")},
    )
