"""Re-index every published Item, for recovery (the index follows writes by itself)."""

from django.core.management.base import BaseCommand

from govcommons.core.progress import ProgressBar
from govcommons.search import services


class Command(BaseCommand):
    help = "Rebuild the search index from the published Items, with a progress bar."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, batch_size: int = 500, **options):
        bar = None

        def progress(done: int, total: int) -> None:
            nonlocal bar
            bar = bar or ProgressBar("Indexing", total, stream=self.stderr._out)
            bar.update(done)

        count = services.rebuild(batch_size=batch_size, progress=progress)
        self.stdout.write(self.style.SUCCESS(f"Search index rebuilt: {count} items."))
