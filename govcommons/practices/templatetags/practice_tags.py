"""Display helpers for contribution pages: numbers, outcome changes, filter links, the adoption
chart (SVG with a text alternative) and the schema.org JSON-LD block. Display only, no rules."""

import json
from decimal import Decimal, InvalidOperation
from urllib.parse import urlencode

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries as all_countries

from govcommons.core.models import ItemStatus, Language
from govcommons.core.permissions import readable_levels
from govcommons.practices.forms import KIND_FIELDS
from govcommons.practices.models import (
    BudgetBand,
    ContributionKind,
    EvidenceLevel,
    JurisdictionType,
    PopulationBand,
    Stage,
)
from govcommons.taxonomy.models import LevelOfGovernment

register = template.Library()

LICENCE_URLS = {
    "CC-BY-4.0": "https://creativecommons.org/licenses/by/4.0/",
    "CC-BY-SA-4.0": "https://creativecommons.org/licenses/by-sa/4.0/",
    "CC0-1.0": "https://creativecommons.org/publicdomain/zero/1.0/",
    "OGL-3.0": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
    "Etalab-2.0": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
}

KIND_DESCRIPTIONS = {
    "best_practice": gettext_lazy(
        "An approach that worked, described so that others can repeat it."
    ),
    "case_study": gettext_lazy(
        "The full story of one project: challenge, context, approach, outcomes and lessons."
    ),
    "success_story": gettext_lazy("A short account of a result worth sharing, with its numbers."),
    "practical_tip": gettext_lazy("One useful thing you learned, in a few lines."),
    "policy_analysis": gettext_lazy(
        "A policy examined: the problem, the options, the evidence and the effects."
    ),
    "implementation_guide": gettext_lazy(
        "Step-by-step guidance to put something in place, from design to deployment."
    ),
    "tool_template": gettext_lazy(
        "A reusable tool, template or checklist, and how to use it well."
    ),
}

# The list page's filters, in the order the sidebar shows them.
FACETS = [
    ("kind", gettext_lazy("Kind"), gettext_lazy("Any kind")),
    ("min_evidence", gettext_lazy("Evidence level"), gettext_lazy("Any evidence level")),
    ("topic", gettext_lazy("Topic"), gettext_lazy("Any topic")),
    ("sector", gettext_lazy("Sector"), gettext_lazy("Any sector")),
    ("level", gettext_lazy("Level of government"), gettext_lazy("Any level")),
    ("country", gettext_lazy("Country"), gettext_lazy("Any country")),
    ("organization", gettext_lazy("Organisation"), gettext_lazy("Any organisation")),
    ("language", gettext_lazy("Language"), gettext_lazy("Any language")),
    ("stage", gettext_lazy("Status of the practice"), gettext_lazy("Any status")),
    ("jurisdiction_type", gettext_lazy("Type of jurisdiction"), gettext_lazy("Any jurisdiction")),
    ("population_band", gettext_lazy("Population served"), gettext_lazy("Any population")),
    ("budget_band", gettext_lazy("Budget"), gettext_lazy("Any budget")),
]
CONTEXT_FACETS = {"jurisdiction_type", "population_band", "budget_band"}
MORE_FACETS = {"sector", "level", "organization", "language", "stage"}
FILTER_LABELS = {
    **{name: label for name, label, _any in FACETS},
    "q": gettext_lazy("Search"),
    "has_outcomes": gettext_lazy("With measured outcomes"),
    "min_adoptions": gettext_lazy("Adopted by at least"),
    "peer_reviewed": gettext_lazy("Peer reviewed only"),
    "include_archived": gettext_lazy("Including archived"),
}
YES_FILTERS = {"has_outcomes", "peer_reviewed", "include_archived"}


STATIC_LABELS = {
    "kind": dict(ContributionKind.choices),
    "level": dict(LevelOfGovernment.choices),
    "language": dict(Language.choices),
    "stage": dict(Stage.choices),
    "jurisdiction_type": dict(JurisdictionType.choices),
    "population_band": dict(PopulationBand.choices),
    "budget_band": dict(BudgetBand.choices),
}


def _value_label(name: str, value: str, facets: dict) -> str:
    """A filter value's name for people, also when no contribution has it (a count of 0)."""
    for v, text, _n in facets.get(name, []):
        if v == value:
            return str(text)
    if name in STATIC_LABELS:
        return str(STATIC_LABELS[name].get(value, value))
    if name == "min_evidence":
        levels = {str(v): label for v, label in EvidenceLevel.choices}
        return _("At least %(level)s") % {"level": levels[value]} if value in levels else value
    if name == "country":
        return str(dict(all_countries).get(value.upper(), value))
    return value.replace("-", " ").capitalize()


@register.filter
def number(value) -> str:
    """A decimal without trailing zeros or exponent, with thousands separators: 21, 1,250.5."""
    if value is None or value == "":
        return ""
    try:
        return format(Decimal(value).normalize(), ",f")
    except (InvalidOperation, ValueError, TypeError):
        return str(value)


@register.simple_tag
def outcome_change(outcome) -> SafeString:
    """The change with its sign, percentage and an arrow ("minus 15, minus 71%"): the direction
    is in the text, never in colour alone."""
    if outcome.baseline is None or outcome.result is None:
        return mark_safe('<span class="muted">—</span>')
    baseline, result = Decimal(outcome.baseline), Decimal(outcome.result)
    delta = result - baseline
    if delta == 0:
        return format_html('<span class="change">{}</span>', _("no change"))
    sign, arrow, css = ("+", "▲", "up") if delta > 0 else ("−", "▼", "down")
    text = f"{sign}{number(abs(delta))}"
    if baseline:
        pct = (delta / abs(baseline) * 100).quantize(Decimal("1"))
        text += f" ({sign}{number(abs(pct))}%)"
    return format_html(
        '<span class="change change--{}"><span aria-hidden="true">{} </span>{}</span>',
        css,
        arrow,
        text,
    )


@register.filter
def licence_url(code: str) -> str:
    return LICENCE_URLS.get(code, "")


@register.filter
def kind_description(value: str) -> str:
    return KIND_DESCRIPTIONS.get(value, "")


@register.filter
def readable_by(item, user) -> bool:
    """Whether a related contribution (adapted from, adaptations) may be shown to this reader.

    Without a query: published and at a visibility level the reader may read."""
    return item.status == ItemStatus.PUBLISHED and item.visibility in readable_levels(user)


@register.simple_tag
def fields_in(form, names: str) -> list:
    """The bound fields among `names` that this kind's form has, in that order."""
    return [form[name] for name in names.split() if name in form.fields]


def _query(params: dict) -> str:
    kept = [(k, v) for k, v in params.items() if v not in ("", None) and k != "page"]
    return "?" + urlencode(kept) if kept else "?"


def _current(request) -> dict:
    return {k: request.GET.get(k) for k in request.GET}


@register.simple_tag
def facet_selects(facets: dict, filters) -> dict[str, list[dict]]:
    """The sidebar's selects: each value with its count; a chosen value with no results stays
    listed (with 0) so the reader sees what is selected. Main filters first, then "more", then
    the place-like-mine ones."""
    selects: dict[str, list[dict]] = {"main": [], "more": [], "context": [], "all": []}
    for name, label, any_label in FACETS:
        current = str(getattr(filters, name, "") or "")
        options = [
            {"value": value, "label": text, "count": n, "selected": value == current}
            for value, text, n in facets.get(name, [])
        ]
        if current and not any(o["selected"] for o in options):
            label_text = _value_label(name, current, facets)
            options.insert(0, {"value": current, "label": label_text, "count": 0, "selected": True})
        # Every select is drawn, even without choices, so an htmx update can refresh it in place.
        group = "context" if name in CONTEXT_FACETS else "more" if name in MORE_FACETS else "main"
        select = {
            "name": name,
            "label": label,
            "any_label": any_label,
            "options": options,
            "active": bool(current),
        }
        selects[group].append(select)
        selects["all"].append(select)
    return selects


@register.simple_tag(takes_context=True)
def filter_chips(context, active: dict, facets: dict) -> list[dict]:
    """The active filters, each with a link that removes it and keeps the others."""
    request = context["request"]
    params = _current(request)
    chips = []
    for name, value in active.items():
        label = FILTER_LABELS.get(name, name)
        shown = _value_label(name, value.upper() if name == "country" else value, facets)
        if name == "q":
            shown = f"“{value}”"
        if name in YES_FILTERS:
            shown = _("yes")
        if name == "min_adoptions":
            shown = _("%(n)s organisations") % {"n": value}
        rest = {k: v for k, v in params.items() if k != name}
        chips.append({"label": label, "value": shown, "url": _query(rest)})
    return chips


@register.simple_tag(takes_context=True)
def clear_filters_url(context) -> str:
    """The list without filters, keeping the chosen sort."""
    sort = context["request"].GET.get("sort", "")
    return _query({"sort": sort})


def _bar_rows(rows, max_value: int) -> SafeString:
    out = []
    bar_max = 270
    for i, (label, n) in enumerate(rows):
        y = i * 40
        bar = round(bar_max * n / max_value) if max_value else 0
        out.append(
            format_html(
                '<text x="0" y="{}" class="chart__label">{}</text>'
                '<rect x="0" y="{}" width="{}" height="14" rx="2" class="chart__track"></rect>'
                '<rect x="0" y="{}" width="{}" height="14" rx="2" class="chart__bar"></rect>'
                '<text x="{}" y="{}" class="chart__value">{}</text>',
                y + 14,
                label,
                y + 20,
                bar_max,
                y + 20,
                bar,
                bar_max + 8,
                y + 32,
                n,
            )
        )
    return mark_safe("".join(out))  # noqa: S308 - every piece went through format_html


@register.simple_tag
def bar_chart(rows, title: str, chart_id: str) -> SafeString:
    """A small horizontal bar chart, drawn on the server; its title and description carry the
    numbers for screen readers, and the page shows the same numbers as a table."""
    rows = [(str(label), int(n)) for label, n in rows]
    max_value = max((n for _label, n in rows), default=0)
    description = "; ".join(f"{label}: {n}" for label, n in rows)
    height = max(len(rows) * 40, 40)
    return format_html(
        '<svg class="chart__svg" viewBox="0 0 320 {}" width="320" height="{}" role="img" '
        'aria-labelledby="{}-title {}-desc" focusable="false">'
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>{}</svg>',
        height,
        height,
        chart_id,
        chart_id,
        chart_id,
        title,
        chart_id,
        description,
        _bar_rows(rows, max_value),
    )


_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def _absolute(request, path: str) -> str:
    return request.build_absolute_uri(path)


@register.simple_tag(takes_context=True)
def practice_jsonld(context, practice) -> SafeString:
    """schema.org metadata as data (application/ld+json), escaped like json_script so no text
    a member typed can close the element."""
    request = context["request"]
    item = practice.item
    authors = [item.author, *item.co_authors.all()]
    data = {
        "@context": "https://schema.org",
        "@type": "CreativeWork" if practice.contribution_kind == "tool_template" else "Article",
        "headline": item.title[:110],
        "name": item.title,
        "description": item.summary,
        "url": _absolute(request, practice.get_absolute_url()),
        "inLanguage": item.language,
        "genre": practice.get_contribution_kind_display(),
        "author": [
            {
                "@type": "Person",
                "name": m.display_name,
                "url": _absolute(request, m.get_absolute_url()),
            }
            for m in authors
        ],
        "about": [{"@type": "Thing", "name": t.name} for t in practice.topics.all()],
        "dateCreated": item.created_at.isoformat(),
        "dateModified": item.updated_at.isoformat(),
    }
    if item.published_at:
        data["datePublished"] = item.published_at.isoformat()
    if licence := LICENCE_URLS.get(practice.licence):
        data["license"] = licence
    if item.organization:
        organization = {
            "@type": "GovernmentOrganization",
            "name": item.organization.name,
            "url": _absolute(request, item.organization.get_absolute_url()),
        }
        data["publisher"] = organization
        data["sourceOrganization"] = organization
    countries = [str(c.country.name) for c in practice.countries.all()]
    if countries:
        data["spatialCoverage"] = [{"@type": "Country", "name": name} for name in countries]
    text = json.dumps(data, ensure_ascii=False).translate(_JSON_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # noqa: S308


FILE_KINDS = {
    "application/pdf": gettext_lazy("PDF"),
    "text/csv": gettext_lazy("CSV table"),
    "image/png": gettext_lazy("PNG image"),
    "image/jpeg": gettext_lazy("JPEG image"),
    "image/gif": gettext_lazy("GIF image"),
    "image/webp": gettext_lazy("WebP image"),
}


@register.filter
def file_kind(content_type: str) -> str:
    """A reader's name for a file type: "PDF", "Spreadsheet", not "application/vnd...."."""
    if content_type in FILE_KINDS:
        return str(FILE_KINDS[content_type])
    if "word" in content_type or "opendocument.text" in content_type:
        return _("Text document")
    if "sheet" in content_type or "excel" in content_type:
        return _("Spreadsheet")
    if "presentation" in content_type or "powerpoint" in content_type:
        return _("Presentation")
    return content_type


@register.filter
def kind_has(practice, field_name: str) -> bool:
    """Whether this kind of contribution records the field (a tip has no timeline)."""
    return field_name in KIND_FIELDS.get(practice.contribution_kind, [])


@register.simple_tag(takes_context=True)
def absolute_url(context, path: str) -> str:
    return context["request"].build_absolute_uri(path)
