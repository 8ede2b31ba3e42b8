from django.apps import AppConfig


class IdeasConfig(AppConfig):
    name = "govcommons.ideas"
    default_auto_field = "django.db.models.BigAutoField"
