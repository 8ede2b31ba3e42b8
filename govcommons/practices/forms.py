"""Input for contributions. Each kind shows the fields that fit it (a tip is short)."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from govcommons.accounts.models import User
from govcommons.core.models import Language, Visibility
from govcommons.organizations.models import Organization
from govcommons.taxonomy.models import LevelOfGovernment, Sector, Topic

from .models import (
    AdoptionStage,
    BudgetBand,
    ContributionKind,
    JurisdictionType,
    Licence,
    LinkKind,
    PopulationBand,
    Stage,
)
from .services import PracticeInput

# Fields every kind has; then what each kind adds.
COMMON = [
    "title",
    "summary",
    "organization",
    "co_authors",
    "topics",
    "sectors",
    "levels",
    "countries",
    "language",
    "licence",
    "visibility",
]
STORY = [
    "challenge",
    "context",
    "approach",
    "implementation",
    "costs",
    "cost_amount",
    "cost_currency",
    "staff_fte",
    "start_date",
    "end_date",
    "stage",
    "lessons",
    "replication",
    "contacts",
]
TRANSFER = [
    "jurisdiction_type",
    "population_band",
    "budget_band",
    "service_area",
    "needs_data",
    "needs_skills",
    "needs_technology",
    "needs_procurement",
    "needs_legal_basis",
    "prerequisites",
]
KIND_FIELDS = {
    ContributionKind.BEST_PRACTICE: STORY + TRANSFER,
    ContributionKind.CASE_STUDY: STORY + TRANSFER,
    ContributionKind.SUCCESS_STORY: [
        "challenge",
        "context",
        "approach",
        "start_date",
        "end_date",
        "stage",
        "lessons",
        "contacts",
        *TRANSFER,
    ],
    ContributionKind.PRACTICAL_TIP: ["approach", "lessons"],
    ContributionKind.POLICY_ANALYSIS: [
        "challenge",
        "context",
        "approach",
        "lessons",
        "replication",
        "contacts",
    ],
    ContributionKind.IMPLEMENTATION_GUIDE: [
        "context",
        "approach",
        "implementation",
        "costs",
        "lessons",
        "replication",
        "contacts",
        *TRANSFER,
    ],
    ContributionKind.TOOL_TEMPLATE: ["approach", "implementation", "contacts", *TRANSFER],
}
# Kinds whose page records measured outcomes.
WITH_OUTCOMES = {
    ContributionKind.BEST_PRACTICE,
    ContributionKind.CASE_STUDY,
    ContributionKind.SUCCESS_STORY,
    ContributionKind.POLICY_ANALYSIS,
    ContributionKind.IMPLEMENTATION_GUIDE,
}

ACCEPTED_EXTENSIONS = (
    ".pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.odt,.ods,.odp,.png,.jpg,.jpeg,.gif,.webp,.csv"
)
MARKDOWN_HELP = _("Markdown: **bold**, *italics*, lists, links, ## headings.")


def _text(label, help_text="", rows=5, required=False, max_length=20000):
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=required,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class PracticeForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = _text(
        _("Summary"),
        _("One paragraph: what was done, where, and what came of it."),
        rows=4,
        max_length=1500,
    )
    organization = forms.ModelChoiceField(
        label=_("Owning organisation"), queryset=Organization.objects.none(), required=False
    )
    co_authors = forms.CharField(
        label=_("Co-authors"),
        required=False,
        max_length=2000,
        help_text=_("Email addresses of members who may edit this draft with you, one per line."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    challenge = _text(_("The challenge"), MARKDOWN_HELP)
    context = _text(_("The context"), _("Who, where, at what scale, under which constraints."))
    approach = _text(_("The approach"), MARKDOWN_HELP, rows=8)
    implementation = _text(
        _("Implementation steps"), _("Design, procurement, development, deployment."), rows=8
    )
    costs = _text(_("Costs and resources"), rows=3)
    cost_amount = forms.DecimalField(
        label=_("Total cost"), required=False, min_value=0, max_digits=14, decimal_places=2
    )
    cost_currency = forms.CharField(
        label=_("Currency"), required=False, max_length=3, initial="EUR"
    )
    staff_fte = forms.DecimalField(
        label=_("Staff (full-time equivalent)"),
        required=False,
        min_value=0,
        max_digits=7,
        decimal_places=1,
    )
    start_date = forms.DateField(
        label=_("Start date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end_date = forms.DateField(
        label=_("End date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    stage = forms.ChoiceField(
        label=_("Status of the practice"), choices=Stage.choices, initial=Stage.IN_OPERATION
    )
    lessons = _text(_("Lessons learned and pitfalls"), MARKDOWN_HELP)
    replication = _text(_("What it would take to replicate it"))
    contacts = _text(_("Contacts"), _("Who to ask: a role and a work address."), rows=2)
    topics = forms.ModelMultipleChoiceField(
        label=_("Topics"),
        queryset=Topic.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    sectors = forms.ModelMultipleChoiceField(
        label=_("Sectors"),
        queryset=Sector.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    levels = forms.MultipleChoiceField(
        label=_("Levels of government"),
        choices=LevelOfGovernment.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    countries = forms.MultipleChoiceField(
        label=_("Countries"),
        choices=list(countries),
        required=False,
        help_text=_("Hold Ctrl (or Cmd) to choose several."),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices, initial=Language.EN)
    licence = forms.ChoiceField(
        label=_("Licence"),
        choices=Licence.choices,
        initial=Licence.CC_BY,
        help_text=_("How others may reuse what you publish. CC BY 4.0: with credit to you."),
    )
    visibility = forms.ChoiceField(
        label=_("Who can read it once published"),
        choices=Visibility.choices,
        initial=Visibility.PUBLIC,
        widget=forms.RadioSelect,
        help_text=_(
            "Public is best for most practices. Choose members or verified public servants "
            "only for candid lessons and failure stories you would not publish to the world."
        ),
    )
    jurisdiction_type = forms.ChoiceField(
        label=_("Type of jurisdiction"),
        choices=[("", "—"), *JurisdictionType.choices],
        required=False,
    )
    population_band = forms.ChoiceField(
        label=_("Population served"), choices=[("", "—"), *PopulationBand.choices], required=False
    )
    budget_band = forms.ChoiceField(
        label=_("Budget"), choices=[("", "—"), *BudgetBand.choices], required=False
    )
    service_area = forms.CharField(
        label=_("Service area"),
        required=False,
        max_length=150,
        help_text=_("For example: road maintenance, outpatient clinics."),
    )
    needs_data = forms.BooleanField(label=_("Needs data"), required=False)
    needs_skills = forms.BooleanField(label=_("Needs specific skills"), required=False)
    needs_technology = forms.BooleanField(label=_("Needs technology"), required=False)
    needs_procurement = forms.BooleanField(label=_("Needs a procurement"), required=False)
    needs_legal_basis = forms.BooleanField(label=_("Needs a legal basis"), required=False)
    prerequisites = _text(_("Prerequisites in detail"), rows=3)
    message = forms.CharField(
        label=_("What did you change?"),
        required=False,
        max_length=300,
        help_text=_("A few words for the history, e.g. “Added the 2025 figures”."),
    )
    base_revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        keep = set(COMMON) | set(KIND_FIELDS[kind]) | {"message", "base_revision"}
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        self.fields["organization"].queryset = Organization.objects.order_by("name")
        self.fields["topics"].queryset = Topic.objects.select_related("parent").order_by(
            "parent__name", "name"
        )
        self.fields["topics"].label_from_instance = lambda t: (
            f"{t.parent.name} › {t.name}" if t.parent_id else t.name
        )
        self.fields["sectors"].queryset = Sector.objects.order_by("name")

    def clean_co_authors(self) -> list[User]:
        emails = [
            e.strip().lower()
            for e in self.cleaned_data["co_authors"].replace(",", "\n").split()
            if e.strip()
        ]
        members = list(User.objects.filter(email__in=emails, is_active=True))
        unknown = sorted(set(emails) - {m.email for m in members})
        if unknown:
            raise ValidationError(
                _("No member has the address %(emails)s. Co-authors need a GovCommons account."),
                params={"emails": ", ".join(unknown)},
            )
        return members

    def clean(self):
        cleaned = super().clean()
        # Browsers send textarea line breaks as CRLF; store LF so versions compare cleanly.
        for name, value in cleaned.items():
            if isinstance(value, str) and "\r" in value:
                cleaned[name] = value.replace("\r\n", "\n")
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date is before the start date."))
        return cleaned

    def to_input(self, outcomes: list[dict], links: list[dict]) -> PracticeInput:
        c = self.cleaned_data
        scalar = {
            name: c[name]
            for name in self.fields
            if name
            not in {
                "co_authors",
                "topics",
                "sectors",
                "levels",
                "countries",
                "message",
                "base_revision",
            }
        }
        scalar["contribution_kind"] = self.kind
        return PracticeInput(
            fields=scalar,
            topics=list(c.get("topics") or []),
            sectors=list(c.get("sectors") or []),
            levels=c.get("levels") or [],
            countries=c.get("countries") or [],
            outcomes=outcomes,
            links=links,
            co_authors=c.get("co_authors") or [],
        )


class OutcomeForm(forms.Form):
    name = forms.CharField(label=_("What was measured"), max_length=200, required=False)
    unit = forms.CharField(label=_("Unit"), max_length=50, required=False)
    baseline = forms.DecimalField(
        label=_("Before"), required=False, max_digits=16, decimal_places=4
    )
    result = forms.DecimalField(label=_("After"), required=False, max_digits=16, decimal_places=4)
    period = forms.CharField(label=_("Over what period"), max_length=100, required=False)
    source = forms.CharField(label=_("Source"), max_length=300, required=False)

    def clean(self):
        cleaned = super().clean()
        filled = any(
            cleaned.get(k) not in (None, "")
            for k in ("name", "unit", "baseline", "result", "period", "source")
        )
        if filled and not cleaned.get("name"):
            self.add_error("name", _("Say what was measured."))
        if filled and cleaned.get("result") is None and "result" not in self.errors:
            self.add_error("result", _("Give the measured result as a number."))
        return cleaned


class LinkForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of link"), choices=LinkKind.choices, required=False)
    url = forms.URLField(label=_("Address"), max_length=500, required=False, assume_scheme="https")
    title = forms.CharField(label=_("Title"), max_length=200, required=False)


OutcomeFormSet = formset_factory(OutcomeForm, extra=2, max_num=30, validate_max=True)
LinkFormSet = formset_factory(LinkForm, extra=1, max_num=20, validate_max=True)


def outcome_rows(formset) -> list[dict]:
    """The outcome rows a member filled in (empty extra rows are ignored)."""
    rows = []
    for form in formset.forms:
        data = getattr(form, "cleaned_data", None) or {}
        if data.get("name"):
            rows.append(
                {
                    "name": data["name"],
                    "unit": data.get("unit") or "",
                    "baseline": data.get("baseline"),
                    "result": data["result"],
                    "period": data.get("period") or "",
                    "source": data.get("source") or "",
                }
            )
    return rows


def link_rows(formset) -> list[dict]:
    rows = []
    for form in formset.forms:
        data = getattr(form, "cleaned_data", None) or {}
        if data.get("url"):
            rows.append(
                {
                    "kind": data.get("kind") or LinkKind.WEBSITE,
                    "url": data["url"],
                    "title": data.get("title") or "",
                }
            )
    return rows


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("Add a file"),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPTED_EXTENSIONS}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "PDF, office documents, images or CSV, up to %(mb)s MB."
        ) % {"mb": settings.ATTACHMENT_MAX_BYTES // 1_048_576}


class AdoptionForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organization.objects.none()
    )
    stage = forms.ChoiceField(label=_("Stage"), choices=AdoptionStage.choices)
    adopted_on = forms.DateField(label=_("Since"), widget=forms.DateInput(attrs={"type": "date"}))
    notes = _text(
        _("Notes"), _("What you changed, what it cost, what happened."), rows=4, max_length=5000
    )

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations


class ContextForm(forms.Form):
    jurisdiction_type = forms.ChoiceField(
        label=_("Type of jurisdiction"),
        choices=[("", "—"), *JurisdictionType.choices],
        required=False,
    )
    population_band = forms.ChoiceField(
        label=_("Population served"), choices=[("", "—"), *PopulationBand.choices], required=False
    )
    budget_band = forms.ChoiceField(
        label=_("Budget"), choices=[("", "—"), *BudgetBand.choices], required=False
    )


class ChangeSize(models.TextChoices):
    """How a live contribution's unpublished changes are checked (reviews.SubmissionKind)."""

    MINOR = "minor", _("Minor edit (typo, link, wording) — approved by a moderator")
    SUBSTANTIAL = "substantial", _("Substantial change — reviewed again")


class SubmitForm(forms.Form):
    """Sending a contribution (or a live one's unpublished changes) to the editors."""

    note = forms.CharField(
        label=_("Note to the editor"),
        required=False,
        max_length=4000,
        help_text=_("Optional: anything the editor should know, such as a conflict of interest."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    change = forms.ChoiceField(
        label=_("What kind of change is it?"),
        choices=ChangeSize.choices,
        initial=ChangeSize.SUBSTANTIAL,
        required=False,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, revision: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        # The choice only exists for changes to a published contribution.
        if not revision:
            del self.fields["change"]

    def clean_note(self) -> str:
        return self.cleaned_data["note"].replace("\r\n", "\n").strip()

    @property
    def minor(self) -> bool:
        return self.cleaned_data.get("change") == ChangeSize.MINOR
