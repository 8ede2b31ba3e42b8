from django.apps import AppConfig


class DiscussionsConfig(AppConfig):
    name = "govcommons.discussions"
    default_auto_field = "django.db.models.BigAutoField"
