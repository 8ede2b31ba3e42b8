"""Benchmark data at a scale (small: 10,000 contributions and 100,000 comments; large: ten times
that), reproducible from a seed. See govcommons.core.benchdata and bench/README.md.

Progress bars go to stderr; the last line on stdout is a JSON summary (counts, timings, and the
pages the benchmark requests), read by bench/run.py.
"""

import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from govcommons.core import benchdata


class Command(BaseCommand):
    help = "Seed benchmark data: --scale small|large (tiny is for tests)."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=list(benchdata.SCALES), default="small")
        parser.add_argument("--seed", type=int, default=2024, help="same seed, same data")
        parser.add_argument("--force", action="store_true", help="Run even with DEBUG off.")

    def handle(self, *args, scale, seed, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_bench makes members with a known password: use it with DEBUG on, or --force."
            )
        try:
            summary = benchdata.seed(scale, seed=seed, stream=sys.stderr)
        except benchdata.AlreadySeededError as error:
            raise CommandError(str(error)) from error
        if options["verbosity"] > 0:
            counts = summary["counts"]
            sys.stderr.write(
                f"Seeded {scale} in {summary['seconds']:.0f}s: {counts['contributions']:,} "
                f"contributions, {counts['comments']:,} comments, {counts['members']:,} members, "
                f"{counts['organizations']:,} organisations.\n"
            )
        self.stdout.write(benchdata.summary_line(summary))
