"""A page only verified public servants may open, to test verified_required; used only by tests."""

from django.http import HttpResponse
from django.urls import path

from govcommons.accounts.decorators import verified_required
from govcommons.urls import urlpatterns as site_urlpatterns


@verified_required
def submit_for_review(request):
    return HttpResponse("Submitted for review")


urlpatterns = [path("submit-for-review/", submit_for_review), *site_urlpatterns]
