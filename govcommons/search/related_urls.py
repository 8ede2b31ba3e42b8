"""The "Did someone already share this?" partial of the contribution form."""

from django.urls import path

from . import related_views

app_name = "related"

urlpatterns = [
    path("search/similar/", related_views.similar, name="similar"),
]
