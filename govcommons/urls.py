"""URL map. Each app owns its URLs; the API and allauth are mounted here."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.static import serve

from govcommons.api.api import api
from govcommons.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("about/", core_views.about, name="about"),
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("api/", api.urls),
    path("", include("govcommons.accounts.urls")),
    path("", include("govcommons.organizations.urls")),
    path("", include("govcommons.taxonomy.urls")),
    path("", include("govcommons.notifications.urls")),
    path("", include("govcommons.practices.urls")),
]

if settings.MEDIA_URL.startswith("/") and settings.STORAGES["default"]["BACKEND"].endswith(
    "FileSystemStorage"
):
    # Avatars are re-encoded PNGs we produced ourselves; nginx serves them in production.
    urlpatterns.append(
        path(
            f"{settings.MEDIA_URL.strip('/')}/<path:path>",
            serve,
            {"document_root": settings.MEDIA_ROOT},
        )
    )

handler400 = "govcommons.core.views.bad_request"
handler403 = "govcommons.core.views.permission_denied"
handler404 = "govcommons.core.views.page_not_found"
handler500 = "govcommons.core.views.server_error"
