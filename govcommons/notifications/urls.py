from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("settings/emails/", views.email_settings, name="settings"),
    path("emails/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
