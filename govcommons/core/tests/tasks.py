"""Tasks used only by the worker tests: one that blocks until the test lets it finish."""

import os
import time
from pathlib import Path

from django_tasks import task

# The task gives up after this long, so a worker left behind by a failed test always ends.
RELEASE_TIMEOUT_SECONDS = 20.0


@task()
def wait_for_release(directory: str) -> str:
    """Record this run (one line per start, the worker's pid), then wait for the release file."""
    folder = Path(directory)
    with (folder / "started").open("a") as started:
        started.write(f"{os.getpid()}\n")
    release = folder / "release"
    deadline = time.monotonic() + RELEASE_TIMEOUT_SECONDS
    while not release.exists():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{release} did not appear in {RELEASE_TIMEOUT_SECONDS} s")
        time.sleep(0.05)
    return "released"
