"""The sitemap lists what an anonymous visitor may read, through the same visibility rule."""

from django.contrib.auth.models import AnonymousUser
from django.contrib.sitemaps import Sitemap

from .selectors import published_practices


class PracticeSitemap(Sitemap):
    changefreq = "weekly"
    limit = 5000

    def items(self):
        return (
            published_practices(AnonymousUser())
            .select_related("item")
            .order_by("-item__published_at", "pk")
        )

    def lastmod(self, practice):
        return practice.item.updated_at

    def location(self, practice):
        return practice.get_absolute_url()
