"""Input for the editor's desk and the authors' side of a submission: queue filters, invitations,
decisions, publishing, review ratings, answers to reviewers' points, resubmission, withdrawal."""

from datetime import timedelta

from django import forms
from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from govcommons.accounts.models import User
from govcommons.practices.models import EvidenceLevel
from govcommons.taxonomy.models import Topic

from .models import OPEN_STATES
from .services import Decision

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class QueueFilterForm(forms.Form):
    """The queue's filters, read from the query string; a bad value is ignored, not fatal."""

    topic = forms.ModelChoiceField(
        label=_("Topic"), queryset=Topic.objects.none(), required=False, empty_label=_("All")
    )
    state = forms.ChoiceField(label=_("State"), required=False)

    def __init__(self, *args, topic_ids: set[int] | None, **kwargs):
        super().__init__(*args, **kwargs)
        topics = Topic.objects.order_by("name")
        if topic_ids is not None:
            topics = topics.filter(pk__in=topic_ids)
        self.fields["topic"].queryset = topics
        self.fields["state"].choices = [("", _("All open states"))] + [
            (s.value, s.label) for s in OPEN_STATES
        ]

    def filters(self) -> dict:
        """The valid filters only (an unknown topic or state is dropped)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        topic = data.get("topic")
        return {"topic_id": topic.pk if topic else None, "state": data.get("state") or ""}

    @property
    def active(self) -> bool:
        filters = self.filters()
        return bool(filters["topic_id"] or filters["state"])


def default_due_on():
    return timezone.localdate() + timedelta(days=settings.REVIEW_DUE_DAYS)


class InviteForm(forms.Form):
    """Invite a suggested reviewer (`reviewer`, an id) or anyone else (`who`, a profile address or
    an email address), by a due date."""

    reviewer = forms.IntegerField(required=False, widget=forms.HiddenInput)
    who = forms.CharField(
        label=_("Profile address or email address"),
        required=False,
        max_length=254,
        help_text=_("For example “kadri-tamm” (from their profile address) or their email."),
    )
    due_on = forms.DateField(label=_("Review due by"), widget=DATE_WIDGET)

    def __init__(self, *args, **kwargs):
        kwargs["initial"] = {"due_on": default_due_on(), **kwargs.get("initial", {})}
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if data.get("reviewer"):
            return data
        who = (data.get("who") or "").strip()
        if not who:
            self.add_error("who", _("Enter the profile address or email of the member to invite."))
            return data
        # Accept a pasted profile link or "@handle" as well as the bare handle.
        handle = who.rstrip("/").rsplit("/", 1)[-1].lstrip("@")
        member = (
            User.objects.filter(is_active=True)
            .filter(Q(email__iexact=who) | Q(handle__iexact=handle))
            .only("pk")
            .first()
        )
        if member is None:
            self.add_error("who", _("No member has this profile address or email address."))
        else:
            data["reviewer"] = member.pk
        return data


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Your decision"), choices=Decision.CHOICES, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Note to the authors"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Needed when you request changes: say what to change. When you decline, only the "
            "authors read it (by email), not the public history."
        ),
    )
    # The state the editor saw: a decision taken meanwhile by someone else refuses this one.
    expected_state = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "decision-%s")
        super().__init__(*args, **kwargs)


class PublishForm(forms.Form):
    evidence_level = forms.TypedChoiceField(
        label=_("Evidence level"),
        choices=EvidenceLevel.choices,
        coerce=int,
        widget=forms.RadioSelect,
        help_text=_("How strong the evidence behind the outcomes is, on the published scale."),
    )
    note = forms.CharField(
        label=_("Editor's note"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Shown on the published page with the review summary."),
    )

    def __init__(self, *args, minor: bool = False, **kwargs):
        kwargs.setdefault("auto_id", "publish-%s")
        super().__init__(*args, **kwargs)
        if minor:
            # A minor edit keeps the evidence level of the published version.
            del self.fields["evidence_level"]


class RateReviewForm(forms.Form):
    quality = forms.TypedChoiceField(
        label=_("Rate this review"),
        coerce=int,
        choices=[
            ("", _("Choose…")),
            (1, _("1 · Not useful")),
            (2, _("2 · Of little use")),
            (3, _("3 · Useful")),
            (4, _("4 · Very useful")),
            (5, _("5 · Exemplary")),
        ],
        help_text=_("Only editors see it; it ranks reviewer suggestions later."),
    )


class AnswersForm(forms.Form):
    """One textarea per reviewer's point: `answer-<point id>`."""

    def __init__(self, *args, points=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.point_fields = {}
        for point in points:
            name = f"answer-{point.pk}"
            self.fields[name] = forms.CharField(
                label=_("Your answer"),
                required=False,
                max_length=5000,
                initial=point.response,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
            self.point_fields[point.pk] = name

    def answers(self) -> dict[int, str]:
        return {pk: self.cleaned_data.get(name, "") for pk, name in self.point_fields.items()}

    def field_for(self, point_pk: int):
        name = self.point_fields.get(point_pk)
        return self[name] if name else None


class ResubmitForm(forms.Form):
    note = forms.CharField(
        label=_("What you changed"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("A short note for the editor and the reviewers."),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "resubmit-%s")
        super().__init__(*args, **kwargs)


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why you withdraw it (optional)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "withdraw-%s")
        super().__init__(*args, **kwargs)


class CancelInvitationForm(forms.Form):
    reason = forms.CharField(required=False, max_length=4000)
