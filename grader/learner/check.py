"""`hexahype check ID`: run one lesson's visible tests and show its progress line."""

from __future__ import annotations

import argparse

from .. import runs
from ..manifest import Course
from ..usage import UsageError, lesson_arg


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("lesson", help="a lesson id such as 1.3 (a chapter number: its quiz)")
    parser.add_argument("-v", "--verbose", action="store_true", help="pytest's full output")


def run(args: argparse.Namespace, course: Course) -> int:
    entry = lesson_arg(course, args.lesson)
    if not entry.authored or not entry.test_path.exists():
        raise UsageError(f"hexahype check: lesson {entry.id} has no tests yet")
    extra = ["-v"] if args.verbose else ["-q", "--no-header", "-p", "no:warnings"]
    code, _, _ = runs.run_suite(
        course.root,
        [entry.test_path],
        course.root / "exercises",
        quiet=False,
        extra=extra,
        capture=False,
    )
    return code
