"""Names people read for facet values (the index keeps slugs, codes and ids): one query per
model whatever the number of values, the rest from the choices in code."""

from collections.abc import Iterable

from django.utils.translation import gettext_lazy as _
from django_countries import countries

from govcommons.core.models import ItemKind, Language
from govcommons.organizations.models import Organization
from govcommons.practices.models import ContributionKind, EvidenceLevel
from govcommons.taxonomy.models import LevelOfGovernment, Sector, Topic

# Each facet's heading, in the order the search page shows them.
FACET_TITLES = {
    "kind": _("Kind of content"),
    "type": _("Type of contribution"),
    "topic": _("Topic"),
    "sector": _("Sector"),
    "level": _("Level of government"),
    "country": _("Country"),
    "organization": _("Organisation"),
    "language": _("Language"),
    "evidence": _("Evidence level"),
    "peer_reviewed": _("Peer review"),
}

STATIC_LABELS = {
    "kind": dict(ItemKind.choices),
    "type": dict(ContributionKind.choices),
    "level": dict(LevelOfGovernment.choices),
    "language": dict(Language.choices),
    "evidence": {str(value): label for value, label in EvidenceLevel.choices},
    "peer_reviewed": {"yes": _("Peer reviewed"), "no": _("Not peer reviewed")},
}


def facet_value_labels(values: dict[str, Iterable[str]]) -> dict[str, dict[str, str]]:
    """facet name -> value -> label, for every value given; a value nobody can name (a topic
    since deleted, a made-up address) is shown as it is."""
    wanted = {name: set(found) for name, found in values.items() if found}
    labels: dict[str, dict[str, str]] = {}
    for name, found in wanted.items():
        if name in STATIC_LABELS:
            labels[name] = {v: str(STATIC_LABELS[name].get(v, v)) for v in found}
        elif name == "country":
            labels[name] = {v: countries.name(v.upper()) or v for v in found}
    if wanted.get("topic"):
        labels["topic"] = dict(
            Topic.objects.filter(slug__in=wanted["topic"]).values_list("slug", "name")
        )
    if wanted.get("sector"):
        labels["sector"] = dict(
            Sector.objects.filter(slug__in=wanted["sector"]).values_list("slug", "name")
        )
    # Ids from the address may be anything: only numbers that can be an id are looked up.
    organization_ids = [
        int(v)
        for v in wanted.get("organization", ())
        if v.isascii() and v.isdigit() and len(v) < 10
    ]
    if organization_ids:
        found = Organization.objects.filter(pk__in=organization_ids).values_list("pk", "name")
        labels["organization"] = {str(pk): name for pk, name in found}
    for name, found in wanted.items():
        named = labels.setdefault(name, {})
        for value in found:
            named.setdefault(value, value)
    return labels
