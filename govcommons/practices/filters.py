"""The contribution list's filters and sort, read from the URL so a view can be shared."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import EvidenceLevel
from .selectors import SORTS, PracticeFilters

SORT_CHOICES = [
    ("newest", _("Newest")),
    ("adopted", _("Most adopted")),
    ("updated", _("Recently updated")),
    ("fit", _("Works in places like mine")),
]
TEXT_FILTERS = [
    "kind",
    "topic",
    "sector",
    "level",
    "country",
    "organization",
    "language",
    "stage",
    "jurisdiction_type",
    "population_band",
    "budget_band",
]


# Filters that are not facet selects; with TEXT_FILTERS, what counts as an active filter.
OTHER_FILTERS = {
    "q",
    "has_outcomes",
    "min_adoptions",
    "min_evidence",
    "peer_reviewed",
    "include_archived",
}


class PracticeFilterForm(forms.Form):
    """Lenient on purpose: an unknown or malformed value is dropped, never an error page."""

    q = forms.CharField(label=_("Title or summary contains"), required=False, max_length=200)
    has_outcomes = forms.BooleanField(label=_("With measured outcomes"), required=False)
    min_adoptions = forms.IntegerField(
        label=_("Adopted by at least"), required=False, min_value=0, max_value=10_000
    )
    min_evidence = forms.TypedChoiceField(
        label=_("Evidence level"),
        choices=[("", _("Any evidence level")), *((str(v), v) for v in EvidenceLevel.values)],
        coerce=int,
        empty_value=0,
        required=False,
    )
    peer_reviewed = forms.BooleanField(label=_("Peer reviewed only"), required=False)
    include_archived = forms.BooleanField(
        label=_("Include archived contributions"),
        required=False,
        help_text=_("Kept for reference; their authors no longer maintain them."),
    )
    sort = forms.ChoiceField(label=_("Sort by"), choices=SORT_CHOICES, required=False)

    def filters_and_sort(self) -> tuple[PracticeFilters, str]:
        self.is_valid()
        data = self.cleaned_data
        # PostgreSQL refuses NUL characters in text parameters: drop them, never a 500.
        text = {
            name: str(self.data.get(name, "")).replace("\x00", "")[:100] for name in TEXT_FILTERS
        }
        text["country"] = text["country"].upper()[:2]
        filters = PracticeFilters(
            **text,
            q=data.get("q") or "",
            has_outcomes=bool(data.get("has_outcomes")),
            min_adoptions=data.get("min_adoptions") or 0,
            min_evidence=data.get("min_evidence") or 0,
            peer_reviewed=bool(data.get("peer_reviewed")),
            include_archived=bool(data.get("include_archived")),
        )
        sort = data.get("sort") or "newest"
        return filters, sort if sort in SORTS or sort == "fit" else "newest"

    def active_filters(self) -> dict[str, str]:
        return {k: v for k, v in self.data.items() if v and k in {*TEXT_FILTERS, *OTHER_FILTERS}}
