from django.urls import path

from . import views

app_name = "organizations"

urlpatterns = [
    path("organizations/", views.directory, name="list"),
    path("organizations/new/", views.create, name="create"),
    path("organizations/propose/", views.propose, name="propose"),
    path("organizations/<slug:slug>/", views.detail, name="detail"),
    path("organizations/<slug:slug>/edit/", views.edit, name="edit"),
    path(
        "moderation/organizations/<int:proposal_id>/", views.decide_proposal, name="decide_proposal"
    ),
]
