"""`hexahype hint ID`: the next hint for a lesson, weakest first. The count of hints shown is
remembered in the learner's state file."""

from __future__ import annotations

import argparse

from ..manifest import Course
from ..usage import UsageError, lesson_arg
from . import state


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("lesson", help="a lesson id such as 1.3")
    parser.add_argument("--all", action="store_true", help="show every hint shown so far")
    parser.add_argument("--reset", action="store_true", help="start the hints again")


def run(args: argparse.Namespace, course: Course) -> int:
    entry = lesson_arg(course, args.lesson)
    if not entry.hints:
        raise UsageError(f"hexahype hint: lesson {entry.id} has no hints")
    if args.reset:
        state.set_hints_shown(course.root, entry.id, 0)
        print(f"Hints for {entry.id} reset.")
        return 0
    shown = state.hints_shown(course.root, entry.id)
    total = len(entry.hints)
    if args.all:
        upto = max(shown, 1)
    else:
        upto = min(shown + 1, total)
        state.set_hints_shown(course.root, entry.id, upto)
    first = 0 if args.all else upto - 1
    for i in range(first, upto):
        print(f"Hint {i + 1} of {total} for {entry.id} {entry.title}:")
        print(f"  {entry.hints[i]}")
    if upto == total and not args.all:
        print(
            "That was the last hint. The lesson text has the worked example: "
            f"hexahype lesson {entry.id}"
        )
    else:
        print(f"Still stuck? Run hexahype hint {entry.id} again for a stronger hint.")
    return 0
