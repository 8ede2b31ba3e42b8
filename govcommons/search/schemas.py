"""Input and output shapes of the search API. Validation only: values that need the database
(topic and sector slugs, organisation ids) are checked in search.api, the search in selectors."""

from datetime import datetime
from typing import Annotated, Any, Literal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries as all_countries
from ninja import Field, Schema
from pydantic import ValidationInfo, field_validator, model_validator

from govcommons.api.schemas import InputSchema
from govcommons.core.models import ItemKind, Language
from govcommons.practices.models import ContributionKind
from govcommons.taxonomy.models import LevelOfGovernment

from .query import MAX_QUERY_LENGTH
from .selectors import FACET_NAMES, MAX_PAGE, MAX_VALUES_PER_FACET, PER_PAGE

COUNTRY_CODES = frozenset(code for code, _name in all_countries)
MAX_PAGE_SIZE = 50
# Larger than any real page: past it a page number is a mistake (422), not a request for the end.
MAX_PAGE_NUMBER = 1_000_000
# Organisation ids are database keys (64-bit): a larger number cannot be one.
MAX_ID = 2**63 - 1
OrganizationId = Annotated[int, Field(ge=1, le=MAX_ID)]

# The values each facet can have, where the code knows them (topics, sectors and organisations
# are rows, checked in search.api); a value outside them is refused, naming the parameter.
ALLOWED_VALUES = {
    "kind": frozenset(ItemKind.values),
    "type": frozenset(ContributionKind.values),
    "level": frozenset(LevelOfGovernment.values),
    "country": COUNTRY_CODES,
    "language": frozenset(Language.values),
    "evidence": frozenset({"1", "2", "3", "4", "5"}),
    "peer_reviewed": frozenset({"yes", "no"}),
}
EXPECTED = {
    "kind": gettext_lazy("a kind of item"),
    "type": gettext_lazy("a kind of contribution"),
    "level": gettext_lazy("a level of government"),
    "country": gettext_lazy("an ISO 3166-1 alpha-2 country code"),
    "language": gettext_lazy("a language code"),
    "evidence": gettext_lazy("an evidence level"),
    "peer_reviewed": gettext_lazy("yes or no"),
    "organization": gettext_lazy("an organisation id (a whole number)"),
}
# Short lists worth repeating in the error; countries are too many.
LISTED = {"kind", "type", "level", "language", "evidence"}


def _is_id(value: str) -> bool:
    return value.isascii() and value.isdigit() and len(value) <= 19 and 0 < int(value) <= MAX_ID


# --- Output ------------------------------------------------------------------------------------


class OrganizationRef(Schema):
    name: str
    url: str = Field(description="Its page.")


class SearchHitOut(Schema):
    id: int = Field(description="The item's id: its discussion is at /api/v1/items/{id}/comments.")
    kind: ItemKind
    title: str
    url: str = Field(description="Its page.")
    snippet_html: str = Field(
        description="A passage of its text with the matching words in <mark>; escaped HTML, "
        "safe to insert as it is."
    )
    organization: OrganizationRef | None
    published_at: datetime
    rank: float = Field(
        description="Relevance to the query (higher is better; 0 without words). Comparable "
        "within one answer only."
    )


class FacetValueOut(Schema):
    value: str = Field(description="What to send back as the facet's parameter to filter by it.")
    label: str
    count: int = Field(description="How many results have it, with the other filters applied.")
    selected: bool


class SearchOut(Schema):
    query: str = Field(description="The `q` sent.")
    sort: Literal["relevance", "newest", "adopted"] = Field(
        description="The order applied: `newest` when no words were given and `relevance` asked."
    )
    total: int = Field(
        description="How many published items match, of those you may read; when `more` is "
        "true, how many were considered (more match)."
    )
    more: bool = Field(
        description="More items match than a search considers (the newest matches and the "
        "newest title matches, SEARCH_MAX_CANDIDATES of each): the results are the best of "
        "those and the facet counts are among them. Add words or filters to narrow."
    )
    page: int = Field(description="The page shown: past the last page, the last page.")
    num_pages: int = Field(description=f"Pages you can read (at most {MAX_PAGE}).")
    page_size: int
    results: list[SearchHitOut]
    facets: dict[str, list[FacetValueOut]] = Field(
        description="For each facet (" + ", ".join(FACET_NAMES) + "), its most frequent values "
        "among the results, the selected ones first."
    )


# --- Input -------------------------------------------------------------------------------------


def _facet(description: str):
    return Field(
        [],
        max_length=MAX_VALUES_PER_FACET,
        description=description + " Repeat the parameter for several values (any of them).",
    )


class SearchQuery(InputSchema):
    """The /search/ page's parameters. Values of one facet are alternatives (OR); different
    facets all apply (AND). An unknown value is refused (422) rather than ignored."""

    q: str = Field(
        "",
        description='Words (all must match), "exact phrases", -exclusions, OR between two terms; '
        "accents and case are ignored. Anything else is read as plain text. Only the first "
        f"{MAX_QUERY_LENGTH} characters count. Without words and without filters nothing is "
        "found; with filters only, the filtered items are listed newest first.",
    )
    sort: Literal["relevance", "newest", "adopted"] = Field(
        "relevance", description="`adopted`: adopted by the most organisations first."
    )
    page: int = Field(
        1,
        ge=1,
        le=MAX_PAGE_NUMBER,
        description=f"Past the last page (or past page {MAX_PAGE}) the last page is answered.",
    )
    page_size: int = Field(PER_PAGE, ge=1, le=MAX_PAGE_SIZE)
    kind: list[ItemKind] = _facet("Kinds of item.")
    type: list[ContributionKind] = _facet("Kinds of contribution.")
    topic: list[str] = _facet("Topic slugs (see /api/v1/topics); a topic includes its sub-topics.")
    sector: list[str] = _facet("Sector slugs.")
    level: list[LevelOfGovernment] = _facet("Levels of government.")
    country: list[str] = _facet("ISO 3166-1 alpha-2 country codes.")
    organization: list[OrganizationId] = _facet(
        "Organisation ids (as in the `organization` facet)."
    )
    language: list[Language] = _facet("Languages the items are written in.")
    evidence: list[Literal["1", "2", "3", "4", "5"]] = _facet(
        "Evidence levels of peer-reviewed contributions (see /about/review/)."
    )
    peer_reviewed: list[Literal["yes", "no"]] = _facet("Peer reviewed or not.")

    @model_validator(mode="before")
    @classmethod
    def refuse_nul_characters(cls, data: Any) -> Any:
        """Replaces InputSchema's check: NUL characters are refused (422) by the parameter
        checks below, so that the problem names the parameter."""
        return data

    @field_validator("q", mode="before")
    @classmethod
    def words_without_nul(cls, value: Any) -> Any:
        if isinstance(value, str) and "\x00" in value:
            raise ValueError(_("Text may not contain NUL characters."))
        return value

    @field_validator(*FACET_NAMES, mode="before")
    @classmethod
    def known_facet_values(cls, value: Any, info: ValidationInfo) -> Any:
        """Every value must be one the facet can have: a mistyped filter is an error to see,
        not a filter silently dropped. `?topic=` (a form's empty choice) means no filter."""
        if not isinstance(value, list):
            return value
        if any("\x00" in str(v) for v in value):
            raise ValueError(_("Text may not contain NUL characters."))
        values = [str(v).strip() for v in value if str(v).strip()]
        if info.field_name == "country":
            values = [v.upper() for v in values]
        allowed = ALLOWED_VALUES.get(info.field_name)
        if allowed is not None:
            unknown = [v for v in values if v not in allowed]
        elif info.field_name == "organization":
            unknown = [v for v in values if not _is_id(v)]
        else:
            unknown = []
        if unknown:
            name = info.field_name
            message = _("%(values)s: not %(what)s.") % {
                "values": ", ".join(unknown),
                "what": EXPECTED[name],
            }
            if name in LISTED:
                message += " " + _("Use %(choices)s.") % {"choices": ", ".join(sorted(allowed))}
            raise ValueError(message)
        return values

    def facet_values(self) -> dict[str, list[str]]:
        """The chosen values as the index stores them (strings), without repeats."""
        chosen = {}
        for name in FACET_NAMES:
            values = [str(getattr(v, "value", v)) for v in getattr(self, name)]
            if values:
                chosen[name] = list(dict.fromkeys(values))
        return chosen
