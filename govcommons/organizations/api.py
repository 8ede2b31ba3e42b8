"""API operations on the organisations directory. Reading is public."""

from django.http import Http404
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from govcommons.api.pagination import Pages
from govcommons.api.schemas import Problem
from govcommons.taxonomy.models import LevelOfGovernment

from . import selectors
from .models import Organization

router = Router(tags=["organizations"])


class OrganizationOut(Schema):
    slug: str
    name: str
    parent: str | None
    country: str
    region: str
    level: LevelOfGovernment
    sector: str | None
    website: str
    member_count: int | None = None
    url: str

    @staticmethod
    def resolve_parent(obj) -> str | None:
        return obj.parent.slug if obj.parent_id else None

    @staticmethod
    def resolve_country(obj) -> str:
        return obj.country.code

    @staticmethod
    def resolve_sector(obj) -> str | None:
        return obj.sector.slug if obj.sector_id else None

    @staticmethod
    def resolve_url(obj, context) -> str:
        return context["request"].build_absolute_uri(obj.get_absolute_url())


class OrganizationDetailOut(OrganizationOut):
    description: str
    email_domains: list[str]

    @staticmethod
    def resolve_email_domains(obj) -> list[str]:
        return [d.domain for d in obj.email_domains.all()]


class DirectoryFilters(Schema):
    country: str = ""
    level: LevelOfGovernment | None = None
    sector: str = ""
    q: str = ""


@router.get("", response=list[OrganizationOut], summary="List organisations", auth=None)
@paginate(Pages, page_size=50)
def list_organizations(request, filters: Query[DirectoryFilters]):
    """The directory, filtered by country (ISO code), level, sector (slug) and name. Public."""
    return selectors.filtered_organizations(
        country=filters.country.upper()[:2],
        level=filters.level or "",
        sector=filters.sector,
        q=filters.q[:100],
    )


@router.get(
    "/{slug}",
    response={200: OrganizationDetailOut, 404: Problem},
    summary="One organisation",
    auth=None,
)
def get_organization(request, slug: str):
    try:
        return selectors.get_organization(slug)
    except Organization.DoesNotExist as exc:
        raise Http404 from exc
