"""Saved search pages, under /search/saved/ (the search page's own URLs are in search/urls.py)."""

from django.urls import path

from . import saved_views

app_name = "saved_searches"

urlpatterns = [
    path("search/saved/", saved_views.saved_search_list, name="list"),
    path("search/saved/new/", saved_views.save_search, name="save"),
    path("search/saved/<int:saved_search_id>/alerts/", saved_views.set_alerts, name="alerts"),
    path(
        "search/saved/<int:saved_search_id>/delete/",
        saved_views.delete_saved_search,
        name="delete",
    ),
]
