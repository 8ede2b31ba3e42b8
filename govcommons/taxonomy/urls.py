from django.urls import path

from . import views

app_name = "taxonomy"

urlpatterns = [
    path("topics/", views.topics, name="topics"),
    path("topics/<slug:slug>/", views.topic, name="topic"),
]
