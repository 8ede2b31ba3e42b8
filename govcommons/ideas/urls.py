from django.urls import path

from . import views

app_name = "ideas"

urlpatterns = [
    path("ideas/", views.idea_list, name="list"),
    path("ideas/new/", views.idea_create, name="create"),
    path("ideas/<slug:slug>/", views.idea_detail, name="detail"),
    path("ideas/<slug:slug>/edit/", views.idea_edit, name="edit"),
    path("ideas/<slug:slug>/vote/", views.idea_vote, name="vote"),
    path("ideas/<slug:slug>/state/", views.idea_move, name="move"),
    path("ideas/<slug:slug>/outcome/", views.idea_link, name="link"),
]
