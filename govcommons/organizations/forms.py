"""Input for the organisations directory."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from govcommons.taxonomy.models import LevelOfGovernment, Sector

from .models import Organization, OrganizationProposal


class DirectoryFilterForm(forms.Form):
    """The directory's filters. Unknown values are ignored, never an error page."""

    q = forms.CharField(label=_("Name contains"), required=False, max_length=100)
    country = forms.ChoiceField(label=_("Country"), required=False)
    level = forms.ChoiceField(
        label=_("Level of government"),
        required=False,
        choices=[("", _("Any level")), *LevelOfGovernment.choices],
    )
    sector = forms.ChoiceField(label=_("Sector"), required=False)

    def __init__(self, *args, countries_present: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        present = set(countries_present)
        self.fields["country"].choices = [("", _("Any country"))] + [
            (code, name) for code, name in countries if code in present
        ]
        sectors = Sector.objects.order_by("name").values_list("slug", "name")
        self.fields["sector"].choices = [("", _("Any sector")), *sectors]

    def filters(self) -> dict:
        """The valid filters; an invalid one (an unknown country, say) is dropped, not an error."""
        self.is_valid()
        return {k: v for k, v in self.cleaned_data.items() if v}


class OrganizationForm(forms.ModelForm):
    email_domains = forms.CharField(
        label=_("Staff email domains"),
        required=False,
        help_text=_(
            "One per line, e.g. lyon.fr. Members who confirm an address on one are verified."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    loaded_at = forms.DateTimeField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Organization
        fields = [
            "name",
            "parent",
            "country",
            "region",
            "level",
            "sector",
            "website",
            "description",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        parents = Organization.objects.order_by("name")
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
            self.initial.setdefault(
                "email_domains",
                "\n".join(self.instance.email_domains.values_list("domain", flat=True)),
            )
            self.initial.setdefault("loaded_at", self.instance.updated_at)
        self.fields["parent"].queryset = parents

    def domain_list(self) -> list[str]:
        return self.cleaned_data["email_domains"].replace(",", "\n").split()

    def organization_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class ProposalForm(forms.ModelForm):
    class Meta:
        model = OrganizationProposal
        fields = [
            "name",
            "parent",
            "country",
            "region",
            "level",
            "sector",
            "website",
            "email_domain",
            "note",
        ]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = Organization.objects.order_by("name")


class ProposalDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("accept", _("Accept and add to the directory")), ("refuse", _("Refuse"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "refuse" and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", _("Say why you refuse the proposal."))
        return cleaned
