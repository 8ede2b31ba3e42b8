from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "govcommons.search"
    default_auto_field = "django.db.models.BigAutoField"
