from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("notifications/", views.notification_list, name="list"),
    path("notifications/<int:pk>/open/", views.open_notification, name="open"),
    path("notifications/read-all/", views.read_all, name="read_all"),
    path("settings/emails/", views.email_settings, name="settings"),
    path("emails/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
