"""A URL that fails on purpose, to test the 500 page; used only by tests."""

from django.urls import path

from govcommons.urls import urlpatterns as site_urlpatterns


def crash(request):
    return 1 // 0


urlpatterns = [path("crash/", crash), *site_urlpatterns]
handler500 = "govcommons.core.views.server_error"
