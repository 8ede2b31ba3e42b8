"""URL map. Each app owns its URLs; the API and allauth are mounted here."""

from pathlib import Path

from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.http import HttpResponse
from django.urls import include, path
from django.views.static import serve

from govcommons.api.api import api
from govcommons.core import views as core_views
from govcommons.core.models import ItemKind
from govcommons.core.sitemaps import ItemKindSitemap
from govcommons.practices.sitemaps import PracticeSitemap

SITEMAPS = {
    "practices": PracticeSitemap,
    "questions": ItemKindSitemap(ItemKind.QUESTION),
    "ideas": ItemKindSitemap(ItemKind.IDEA),
}


def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /accounts/",
        "Disallow: /settings/",
        "Disallow: /moderation/",
        "Disallow: /reviews/",
        "Disallow: /notifications/",
        f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


urlpatterns = [
    path("", core_views.home, name="home"),
    path("about/", core_views.about, name="about"),
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("robots.txt", robots_txt),
    path("sitemap.xml", sitemap_views.index, {"sitemaps": SITEMAPS}, name="sitemap-index"),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": SITEMAPS},
        name="django.contrib.sitemaps.views.sitemap",
    ),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("api/", api.urls),
    path("", include("govcommons.accounts.urls")),
    path("", include("govcommons.organizations.urls")),
    path("", include("govcommons.taxonomy.urls")),
    path("", include("govcommons.notifications.urls")),
    path("", include("govcommons.practices.urls")),
    path("", include("govcommons.reviews.urls")),
    path("", include("govcommons.discussions.urls")),
    path("", include("govcommons.ideas.urls")),
    path("", include("govcommons.search.urls")),
    path("", include("govcommons.search.related_urls")),
    path("", include("govcommons.search.saved_urls")),
]

if settings.MEDIA_URL.startswith("/") and settings.STORAGES["default"]["BACKEND"].endswith(
    "FileSystemStorage"
):
    # Avatars only: re-encoded PNGs we produced ourselves (nginx serves them in production).
    # Attachments are never served from here: their own view checks who may read them.
    urlpatterns.append(
        path(
            f"{settings.MEDIA_URL.strip('/')}/avatars/<path:path>",
            serve,
            {"document_root": Path(settings.MEDIA_ROOT) / "avatars"},
        )
    )

if settings.BENCH_ENDPOINTS:
    urlpatterns.append(path("_bench/bare", core_views.bench_bare, name="bench_bare"))

handler400 = "govcommons.core.views.bad_request"
handler403 = "govcommons.core.views.permission_denied"
handler404 = "govcommons.core.views.page_not_found"
handler500 = "govcommons.core.views.server_error"
