from django.urls import path

from . import views

app_name = "practices"

urlpatterns = [
    path("practices/", views.practice_list, name="list"),
    path("practices/new/", views.practice_create, name="create"),
    path("practices/drafts/", views.my_drafts, name="drafts"),
    path("practices/my-context/", views.my_context, name="my_context"),
    path("practices/<slug:slug>/", views.practice_detail, name="detail"),
    path("practices/<slug:slug>/edit/", views.practice_edit, name="edit"),
    path("practices/<slug:slug>/submit/", views.practice_submit, name="submit"),
    path("practices/<slug:slug>/history/", views.practice_history, name="history"),
    path("practices/<slug:slug>/history/compare/", views.practice_compare, name="compare"),
    path(
        "practices/<slug:slug>/history/<int:number>/restore/",
        views.practice_restore,
        name="restore",
    ),
    path("practices/<slug:slug>/adapt/", views.practice_adapt, name="adapt"),
    path("practices/<slug:slug>/adopt/", views.practice_adopt, name="adopt"),
    path("practices/<slug:slug>/files/", views.attachment_upload, name="attachment_upload"),
    path(
        "practices/<slug:slug>/files/<int:attachment_id>/",
        views.attachment_download,
        name="attachment",
    ),
    path(
        "practices/<slug:slug>/files/<int:attachment_id>/delete/",
        views.attachment_delete,
        name="attachment_delete",
    ),
]
