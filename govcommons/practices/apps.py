from django.apps import AppConfig


class PracticesConfig(AppConfig):
    name = "govcommons.practices"
    default_auto_field = "django.db.models.BigAutoField"
