"""A one-line progress bar for long commands, redrawn in place on a terminal (only the final
line goes to a log, so logs stay readable)."""

import sys
import time


class ProgressBar:
    def __init__(self, label: str, total: int, *, stream=None, width: int = 30):
        self.label = label
        self.total = max(total, 0)
        self.stream = stream or sys.stderr
        self.width = width
        self.started = time.monotonic()

    def update(self, done: int) -> None:
        finished = done >= self.total
        if not finished and not getattr(self.stream, "isatty", lambda: False)():
            return
        filled = self.width * done // self.total if self.total else self.width
        bar = "#" * filled + "-" * (self.width - filled)
        elapsed = time.monotonic() - self.started
        end = "\n" if finished else ""
        self.stream.write(
            f"\r  {self.label:<14} [{bar}] {done:>7}/{self.total} {elapsed:6.1f}s{end}"
        )
        self.stream.flush()
