"""The platforms' one door into the grading engine.

Classroom 50's autograder and Gradescope's `run_autograder` grade one submission folder exactly
as `hexahype grade` grades each submission of a batch, and never run student code in the
harness:

- the limits, sandbox and staging caps are `hexahype grade`'s: its own argument defaults
  (`grade.add_arguments`), overridden only by the settings the instructor chose when building
  the bundle, turned into batch options by `grade.options`;
- `batch.plan` collects the lessons and their expected tests from the instructor's suites;
- `batch.grade_one` stages the submission's exercise modules by whitelist and runs the visible
  and hidden suites in the harness, with student code in the sandboxed worker.

What comes back is the kit's outcome model (`grader.results.LessonOutcome`, one per graded
lesson), which every platform exporter builds on, plus the first docstring line of each test
(for feedback that names a hidden check without showing it).

The engine calls made here, and only here: `grade.add_arguments`, `grade.options`,
`harness.timeout_available`, `batch.plan` (and the `lessons`/`expected` fields of its Plan, to
grade a subset), `batch.grade_one` and its `Result.graded` (a gradebook `Graded` with its
`LessonRow` and `TestRow` lists), and `sources.Submission`.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..grading import batch, grade, harness
from ..grading.gradebook import Graded
from ..grading.sources import Submission
from ..manifest import Course
from ..results import LessonOutcome, TestOutcome, outcome_of

# The settings an instructor may fix in a bundle: `hexahype grade`'s options of the same names.
SETTINGS = ("timeout", "submission_timeout", "sandbox", "worker_memory_mb", "max_file_kb")


class EngineError(Exception):
    """The course cannot be graded here (one clear line)."""


@dataclass
class Outcome:
    """One graded submission, in the kit's outcome model."""

    lessons: list[LessonOutcome]
    docs: dict[str, str] = field(default_factory=dict)  # test id -> first docstring line
    commit: str = ""
    problem: str = ""  # the submission could not be read, or the full run failed
    isolation: str = ""
    tamper: list[str] = field(default_factory=list)

    @property
    def points(self) -> float:
        return round(sum(lesson.points for lesson in self.lessons), 2)

    @property
    def max_points(self) -> float:
        return round(sum(lesson.max_points for lesson in self.lessons), 2)

    @property
    def whole_points(self) -> int:
        return sum(lesson.whole_points for lesson in self.lessons)

    @property
    def grading_errors(self) -> list[LessonOutcome]:
        """The lessons that the course's own tests could not grade (never the student's
        failure): a platform reports them as its failed status, not as points lost."""
        return [lesson for lesson in self.lessons if lesson.grading_error]


def grade_arguments(settings: dict[str, Any] | None = None) -> argparse.Namespace:
    """`hexahype grade`'s arguments with their defaults, overridden by `settings`."""
    parser = argparse.ArgumentParser(add_help=False)
    grade.add_arguments(parser)
    args = parser.parse_args(["-"])  # a placeholder for the submissions positional
    for key, value in (settings or {}).items():
        if key in SETTINGS and value is not None:
            setattr(args, key, value)
    return args


def add_settings_arguments(parser: argparse.ArgumentParser) -> None:
    """The limit options of `hexahype grade`, for a verb that builds a bundle."""
    defaults = grade_arguments()
    parser.add_argument(
        "--timeout",
        type=float,
        default=defaults.timeout,
        help=f"seconds one test may run (default {defaults.timeout:g}, as hexahype grade)",
    )
    parser.add_argument(
        "--submission-timeout",
        type=float,
        default=defaults.submission_timeout,
        help="seconds the suites of one submission may run "
        f"(default {defaults.submission_timeout:g})",
    )
    parser.add_argument(
        "--sandbox",
        choices=("auto", "bwrap", "process"),
        default=defaults.sandbox,
        help="how student code is isolated where the bundle runs (default auto: bubblewrap "
        "when it works, else a plain process with limits)",
    )
    parser.add_argument(
        "--worker-memory-mb",
        type=int,
        default=defaults.worker_memory_mb,
        help=f"memory cap of the process running student code (default {defaults.worker_memory_mb})",
    )


def settings_of(args: argparse.Namespace) -> dict[str, Any]:
    """The SETTINGS values of a verb's parsed arguments (those it has)."""
    return {key: getattr(args, key) for key in SETTINGS if hasattr(args, key)}


def grade_folder(
    course: Course,
    folder: Path,
    student: str,
    settings: dict[str, Any] | None = None,
    release: dict[str, Any] | None = None,
    only: list[str] | None = None,
) -> Outcome:
    """Grade the submission in `folder` (a git checkout is read at HEAD, a plain folder as it
    is) with the course's visible and hidden suites. `only` restricts grading to those lesson
    ids. Raises EngineError when nothing of the course can be graded here."""
    if not harness.timeout_available():
        raise EngineError("pytest-timeout is not installed (pip install pytest-timeout)")
    opts = grade.options(grade_arguments(settings), release)
    try:
        plan = batch.plan(course, opts, only)
    except RuntimeError as exc:
        raise EngineError(str(exc)) from None
    if not any(plan.expected.values()) and not plan.errors:
        raise EngineError("no test of the course could be collected")
    sub = Submission(student, str(folder), str(folder))
    result = batch.grade_one(course, plan, sub, opts, lambda _student, _commit: False)
    if result.graded is None:  # never: nothing is skipped here
        raise EngineError("the submission was not graded")
    return outcome(result.graded)


def outcome(graded: Graded) -> Outcome:
    """A gradebook submission as the kit's outcome model."""
    tests: dict[str, list[TestOutcome]] = {}
    docs: dict[str, str] = {}
    for t in graded.tests:
        tests.setdefault(t.lesson, []).append(
            TestOutcome(t.name, t.lesson, outcome_of(t.status), t.message, t.duration)
        )
        docs[t.name] = t.doc
    lessons = [
        LessonOutcome(row.lesson, row.title, row.max_points, tests.get(row.lesson, []), row.total)
        for row in graded.lessons
    ]
    return Outcome(
        lessons=lessons,
        docs=docs,
        commit=graded.commit,
        problem=graded.problem,
        isolation=graded.isolation,
        tamper=list(graded.tamper),
    )
