"""Who sees which Item: the one place that decides (drafts, visibility levels, removed content).

Every listing, page, feed, sitemap, export and API call filters through `visible_items` or
`visibility_q`; nothing else may query Items for display.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet

from govcommons.accounts.permissions import can_moderate

from .models import Item, ItemStatus, Visibility


def readable_levels(user) -> list[str]:
    if not user.is_authenticated:
        return [Visibility.PUBLIC]
    if user.is_verified:
        return [Visibility.PUBLIC, Visibility.MEMBERS, Visibility.VERIFIED]
    return [Visibility.PUBLIC, Visibility.MEMBERS]


def visibility_q(user, prefix: str = "") -> Q:
    """A filter for querysets of Items (prefix "") or of a kind's table (prefix "item__")."""
    published = Q(**{f"{prefix}status": ItemStatus.PUBLISHED}) & Q(
        **{f"{prefix}visibility__in": readable_levels(user)}
    )
    if not user.is_authenticated:
        return published
    if can_moderate(user):
        return Q()
    # A kind's table shares its primary key with its Item, so "pk" fits both querysets.
    co_authored = Exists(
        Item.co_authors.through.objects.filter(item_id=OuterRef("pk"), user_id=user.pk)
    )
    return published | Q(**{f"{prefix}author": user}) | Q(co_authored)


def visible_items(user) -> QuerySet[Item]:
    return Item.objects.filter(visibility_q(user))


def can_view_item(user, item: Item) -> bool:
    if item.status == ItemStatus.PUBLISHED and item.visibility in readable_levels(user):
        return True
    return bool(user.is_authenticated and (can_moderate(user) or is_author(user, item)))


def is_author(user, item: Item) -> bool:
    if not user.is_authenticated:
        return False
    if item.author_id == user.pk:
        return True
    # A page that prefetched the co-authors answers without another query.
    cached = getattr(item, "_prefetched_objects_cache", {}).get("co_authors")
    if cached is not None:
        return any(member.pk == user.pk for member in cached)
    return item.co_authors.filter(pk=user.pk).exists()
