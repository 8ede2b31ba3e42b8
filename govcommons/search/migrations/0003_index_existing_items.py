"""Index what was published before search existed, once, so that an upgraded site finds it
without a manual rebuild (search_rebuild stays for recovery)."""

from django.db import migrations


def index_everything(apps, schema_editor):
    # The current services, not the historical models: the index is built exactly as the
    # running code builds it. On a new database there is nothing to index.
    from govcommons.search.services import rebuild

    Item = apps.get_model("core", "Item")
    if Item.objects.filter(status="published").exists():
        rebuild()


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0002_full_text"),
        ("practices", "0002_review_state"),
        ("reviews", "0001_initial"),
        ("discussions", "0001_initial"),
        ("ideas", "0001_initial"),
    ]

    operations = [migrations.RunPython(index_everything, migrations.RunPython.noop)]
