"""`hexahype list`: one line per entry: id, title, reading minutes, status (saved state)."""

from __future__ import annotations

import argparse

from ..manifest import Course
from .dashboard import label
from .status import statuses


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--refresh", action="store_true", help="re-check changed exercises first")


def run(args: argparse.Namespace, course: Course) -> int:
    width = max(len(e.title) for e in course.entries)
    for item in statuses(course, fresh=args.refresh):
        e = item.lesson
        extra = "  (capstone)" if e.optional else ""
        print(f"{e.id:<5} {e.title:<{width}}  {e.minutes:>2} min  {label(item)}{extra}")
    return 0
