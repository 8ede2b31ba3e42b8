"""Input for the reviewers' and members' review pages: answering an invitation, the rubric
review with inline comments, flags, freshness actions and declared conflicts."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from govcommons.accounts.models import User
from govcommons.organizations.models import Organization

from .models import Criterion, Recommendation

# What a 1 and a 5 mean for each criterion; the radio labels carry them.
CRITERION_SCALE = {
    Criterion.ACCURACY: (
        _("facts or figures are wrong, or cannot be checked"),
        _("every fact and figure is right and can be checked"),
    ),
    Criterion.EVIDENCE: (
        _("the outcomes it claims have nothing behind them"),
        _("outcomes are measured carefully, with their sources"),
    ),
    Criterion.TRANSFERABILITY: (
        _("it would only work where it was done, or we cannot tell"),
        _("it is clear what another organisation needs to repeat it"),
    ),
    Criterion.CLARITY: (
        _("hard to follow"),
        _("clear, well organised, plain language"),
    ),
    Criterion.COMPLETENESS: (
        _("essential parts are missing (costs, steps, lessons)"),
        _("nothing important is missing"),
    ),
}

RECOMMENDATION_HELP = {
    Recommendation.ACCEPT: _("publish it as it is."),
    Recommendation.MINOR: _("publish it after small changes."),
    Recommendation.MAJOR: _("substantial changes, then another look."),
    Recommendation.DECLINE: _("not suitable for GovCommons, even after changes."),
}

# The parts of a contribution a reviewer may comment on inline, in page order (each is a key of
# practices.services.SNAPSHOT_LABELS, which reviews.services.submit_review accepts).
INLINE_FIELDS = [
    "summary",
    "challenge",
    "context",
    "approach",
    "implementation",
    "outcomes",
    "costs",
    "lessons",
    "replication",
    "contacts",
    "prerequisites",
    "links",
]


def inline_name(field: str) -> str:
    return f"inline-{field}"


def _score_choices(criterion: Criterion) -> list[tuple[int, str]]:
    low, high = CRITERION_SCALE[criterion]
    return [
        (1, _("1: %(meaning)s") % {"meaning": low}),
        (2, "2"),
        (3, "3"),
        (4, "4"),
        (5, _("5: %(meaning)s") % {"meaning": high}),
    ]


class RespondForm(forms.Form):
    """Accept or decline an invitation; a decline may give a reason and declare a conflict."""

    decision = forms.ChoiceField(
        choices=[("accept", _("Accept")), ("decline", _("Decline"))],
        widget=forms.HiddenInput,
    )
    reason = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only the editor sees it. The authors never learn who declined."),
    )
    conflict = forms.BooleanField(
        label=_("I have a conflict of interest with this contribution or its authors"),
        required=False,
        help_text=_("We remember it, so that you are not asked to review this contribution again."),
    )


class ReviewForm(forms.Form):
    """The rubric: five scores with optional comments, a recommendation, comments to the
    authors, confidential comments to the editor, and optional comments on each section."""

    recommendation = forms.ChoiceField(
        label=_("Your recommendation"),
        choices=[
            (value, f"{label}: {RECOMMENDATION_HELP[value]}")
            for value, label in Recommendation.choices
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a recommendation.")},
    )
    to_authors = forms.CharField(
        label=_("Comments to the authors"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "What works, what to change and why. The authors see this; so does the public once "
            "the contribution is published. You can use Markdown."
        ),
    )
    to_editor = forms.CharField(
        label=_("Confidential comments to the editor (only editors see this)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The authors and the public never see these comments."),
    )

    def __init__(self, *args, inline_labels: dict[str, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        fields = {}
        for criterion in Criterion:
            fields[criterion.value] = forms.TypedChoiceField(
                label=criterion.label,
                choices=_score_choices(criterion),
                coerce=int,
                widget=forms.RadioSelect,
                help_text=_("From 1 (weak) to 5 (excellent)."),
                error_messages={
                    "required": _("Give a score from 1 to 5 for “%(criterion)s”.")
                    % {"criterion": criterion.label}
                },
            )
            fields[f"{criterion.value}_comment"] = forms.CharField(
                label=_("Comment on “%(criterion)s” (optional)") % {"criterion": criterion.label},
                required=False,
                max_length=5000,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
        labels = inline_labels or {}
        for name in INLINE_FIELDS:
            fields[inline_name(name)] = forms.CharField(
                label=_("Your comment on “%(section)s” (optional)")
                % {"section": labels.get(name, name)},
                required=False,
                max_length=5000,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
        # Scores first, then the recommendation and comments, in the order the page shows them.
        self.fields = {**fields, **self.fields}

    def criteria(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[c.value], self[f"{c.value}_comment"]) for c in Criterion]

    def inline_field(self, name: str) -> forms.BoundField:
        return self[inline_name(name)]

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "scores": {c.value: data[c.value] for c in Criterion},
            "recommendation": data["recommendation"],
            "to_authors": data["to_authors"],
            "to_editor": data["to_editor"],
            "criterion_comments": {c.value: data[f"{c.value}_comment"] for c in Criterion},
            "inline_comments": {name: data[inline_name(name)] for name in INLINE_FIELDS},
        }


class FlagOutdatedForm(forms.Form):
    reason = forms.CharField(
        label=_("What has changed?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "For example: the law it relies on was replaced, the tool is no longer available, "
            "newer results tell a different story. Links help the editors check."
        ),
        error_messages={"required": _("Say what has changed, so the editors can check.")},
    )


class FreshnessForm(forms.Form):
    ACTIONS = [
        ("confirm_current", _("Still current: confirm it and start the re-review clock again")),
        ("mark_outdated", _("Mark it outdated and ask the authors to revise it")),
        ("archive", _("Archive it: no longer useful")),
    ]
    action = forms.ChoiceField(label=_("What to do"), choices=ACTIONS, widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("Note or reason"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed to mark outdated or archive; the authors see it."),
    )


class ConflictForm(forms.Form):
    """A declared conflict with an organisation or a person (by profile address or email)."""

    organization = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organization.objects.order_by("name", "pk"),
        required=False,
        empty_label=_("No organisation"),
    )
    person = forms.CharField(
        label=_("Person"),
        required=False,
        max_length=254,
        help_text=_("Their profile address (the end of their profile link) or their email."),
    )
    reason = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        max_length=500,
        help_text=_("For example: a former employer, a relative, a business partner."),
    )

    def clean_person(self):
        value = self.cleaned_data["person"].strip()
        if not value:
            return None
        value = value.rstrip("/").rsplit("/", 1)[-1].lstrip("@")
        person = User.objects.filter(
            Q(handle__iexact=value) | Q(email__iexact=value), is_active=True
        ).first()
        if person is None:
            raise forms.ValidationError(
                _("We found no member with this profile address or email."), code="unknown"
            )
        return person

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("organization") and not data.get("person"):
            raise forms.ValidationError(_("Choose an organisation or name a person."))
        return data
