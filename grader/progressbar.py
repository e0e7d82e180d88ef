"""Progress of long work on the terminal, with counts and the time left: `rich`'s progress bar.

On a terminal, a live bar on stderr (transient: it leaves the screen as it was). Elsewhere (a CI
log, a pipe) nothing live is drawn: `Counter.note()` gives the "[3/300, about 2 min left]" prefix
that a caller puts on each line it prints anyway, so a log shows the same counts.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
)


def left(seconds: float) -> str:
    """A duration to come, in words: "about 40 s", "about 3 min"."""
    if seconds < 90:
        return f"about {max(1, round(seconds))} s"
    return f"about {round(seconds / 60)} min"


class Counter:
    """Counts finished items of a known total and estimates the time left."""

    def __init__(self, total: int, label: str, live: bool | None = None) -> None:
        self.total, self.label, self.done = total, label, 0
        self.started = time.monotonic()
        self.live = sys.stderr.isatty() if live is None else live
        self._progress: Progress | None = None
        self._task: TaskID | None = None

    def __enter__(self) -> Counter:
        if self.live and self.total > 1:
            self._progress = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("·"),
                TimeRemainingColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self._progress.start()
            self._task = self._progress.add_task(self.label, total=self.total)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._progress is not None:
            self._progress.stop()

    def advance(self, n: int = 1) -> None:
        self.done += n
        if self._progress is not None and self._task is not None:
            self._progress.update(self._task, completed=self.done)

    def note(self) -> str:
        """ "[done/total, about N min left]" (no time left once all are done)."""
        if self.done >= self.total or self.done == 0:
            return f"[{self.done}/{self.total}]"
        spent = time.monotonic() - self.started
        return (
            f"[{self.done}/{self.total}, {left(spent / self.done * (self.total - self.done))} left]"
        )

    def print(self, line: str) -> None:
        """Print a line to stdout (rich keeps a live bar below it)."""
        print(line, flush=True)


@contextmanager
def counting(total: int, label: str) -> Iterator[Counter]:
    with Counter(total, label) as counter:
        yield counter
