"""API operations on topics. Reading is public."""

from ninja import Router, Schema
from ninja.pagination import paginate

from govcommons.api.pagination import Pages

from . import selectors

router = Router(tags=["topics"])


class TopicOut(Schema):
    slug: str
    name: str
    parent: str | None
    description: str

    @staticmethod
    def resolve_parent(obj) -> str | None:
        return obj.parent.slug if obj.parent_id else None


@router.get("", response=list[TopicOut], summary="List topics", auth=None)
@paginate(Pages, page_size=100)
def list_topics(request):
    """Every topic, with its parent's slug to rebuild the tree. Public."""
    return selectors.topics_for_api()
