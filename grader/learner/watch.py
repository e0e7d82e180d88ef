"""`hexahype watch`: re-run the current lesson's tests whenever an exercise file is saved.

The current lesson is the one whose exercise file changed last; at start, the first lesson that
is not done. Polls file modification times (no extra dependency); Ctrl-C stops.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from .. import runs
from ..manifest import Course, Lesson
from ..usage import lesson_arg
from .status import next_step, statuses


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("lesson", nargs="?", help="start with this lesson (default: the next one)")
    parser.add_argument("--interval", type=float, default=0.5, help="seconds between looks")
    parser.add_argument("--max-runs", type=int, default=0, help="stop after N runs (0: never)")


def _mtimes(course: Course) -> dict[Path, float]:
    out: dict[Path, float] = {}
    for e in course.entries:
        try:
            out[e.exercise_path] = e.exercise_path.stat().st_mtime_ns
        except OSError:
            pass
    return out


def _check(course: Course, entry: Lesson) -> None:
    print(
        f"\n── hexahype watch · {entry.id} {entry.title} · {time.strftime('%H:%M:%S')}", flush=True
    )
    runs.run_suite(
        course.root,
        [entry.test_path],
        course.root / "exercises",
        quiet=False,
        extra=["-q", "--no-header", "-p", "no:warnings"],
        capture=False,
    )
    print("Watching exercises/ for changes (Ctrl-C to stop)...", flush=True)


def run(args: argparse.Namespace, course: Course) -> int:
    if args.lesson:
        current = lesson_arg(course, args.lesson)
    else:
        nxt = next_step(statuses(course))
        if nxt is None:
            print("Every lesson is done. Nothing to watch.")
            return 0
        current = nxt.lesson
    by_path = {e.exercise_path: e for e in course.entries}
    seen = _mtimes(course)
    count = 0
    try:
        _check(course, current)
        count += 1
        while not args.max_runs or count < args.max_runs:
            time.sleep(args.interval)
            now = _mtimes(course)
            changed = [p for p, m in now.items() if seen.get(p) != m]
            seen = now
            if changed:
                current = by_path[changed[-1]]
                _check(course, current)
                count += 1
    except KeyboardInterrupt:
        print("\nStopped watching.")
    return 0
