from django.apps import AppConfig
from django.core.signals import request_finished, request_started
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate, pre_migrate


class CoreConfig(AppConfig):
    name = "govcommons.core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import pagecache

        # Every database connection reports writes to content, so cached pages go stale.
        connection_created.connect(pagecache.install, dispatch_uid="pagecache.install")
        request_started.connect(pagecache.flush_pending, dispatch_uid="pagecache.started")
        request_finished.connect(pagecache.flush_pending, dispatch_uid="pagecache.finished")
        pre_migrate.connect(pagecache.migration_started, dispatch_uid="pagecache.migrating")
        post_migrate.connect(pagecache.migration_ended, dispatch_uid="pagecache.migrated")
