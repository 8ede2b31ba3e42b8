from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "govcommons.notifications"
    default_auto_field = "django.db.models.BigAutoField"
