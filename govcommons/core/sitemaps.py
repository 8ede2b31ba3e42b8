"""Sitemaps of the Items an anonymous visitor may read, one per kind, through visible_items."""

from django.contrib.auth.models import AnonymousUser
from django.contrib.sitemaps import Sitemap

from .models import Item
from .permissions import visible_items


class ItemKindSitemap(Sitemap):
    changefreq = "daily"
    limit = 5000

    def __init__(self, kind: str):
        self.kind = kind

    def items(self):
        return (
            visible_items(AnonymousUser())
            .filter(kind=self.kind)
            .only("kind", "slug", "updated_at")
            .order_by("-published_at", "pk")
        )

    def lastmod(self, item: Item):
        return item.updated_at

    def location(self, item: Item):
        return item.get_absolute_url()
