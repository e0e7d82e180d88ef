"""What a run of the course's tests comes to: the kit's one outcome model.

Every part of the kit that reports on lessons (the learner's pytest plugin, the nbgrader
kernel runtime, batch grading and its gradebook, the Classroom step, feedback and verify)
builds and reads outcomes through this module, so there is exactly one place where:

- a status is named (`Status` for a lesson, `TestStatus` for one test);
- a lesson's status follows from its tests (`lesson_status`);
- points follow from passed tests (`score`, and `whole_score` for platforms that need
  integers), and a late penalty from a lesson's points (`penalised`, `total`);
- a test is recognised as hidden (`is_hidden`);
- the versioned results document (`results.json`) is written and read (`ResultsDoc`).

It imports nothing of the kit.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

RESULTS_VERSION = 1
HIDDEN_PART = "hidden"  # tests/hidden/... holds the hidden suites


class Status(str, Enum):
    """A lesson's status, as learners and instructors read it."""

    DONE = "done"
    FAILING = "failing"  # some check fails, cannot load, or waits for another lesson
    NOT_STARTED = "not started"
    UNKNOWN = "unknown"  # not run (yet)
    ERROR = "error"  # grading: none of the lesson's tests ran

    def __str__(self) -> str:
        return str(self.value)


class TestStatus(str, Enum):
    """One test's outcome."""

    __test__ = False  # not a pytest test class

    PASSED = "passed"
    FAILED = "failed"
    SKIPPED = "skipped"
    NOT_STARTED = "not started"  # the lesson's own stub still raises NotImplementedError
    CANNOT_LOAD = "cannot load"  # the lesson module does not import
    NEEDS_LESSON = "needs lesson"  # blocked by another lesson's unwritten stub
    MISSING = "missing"  # grading: expected, but never reported
    # the test module itself could not be imported or collected: the course's (or the
    # bundle's) fault, never the student's; the lesson is a grading error, not points lost
    SUITE_ERROR = "grading error"

    def __str__(self) -> str:
        return str(self.value)


# The mark shown after a status, keyed by the status text (as stored in state files).
MARKS: dict[str, str] = {
    Status.DONE.value: "✓",
    Status.FAILING.value: "✗",
    Status.NOT_STARTED.value: "·",
    Status.UNKNOWN.value: "?",
    Status.ERROR.value: "✗",
}

_NEEDS = re.compile(r"needs lesson (\d+\.\d+)")
_TODO = re.compile(r": (\w+) is not written yet")


def status_of(value: str) -> Status:
    """A lesson status from its stored text; unknown text is UNKNOWN, never an exception."""
    try:
        return Status(value)
    except ValueError:
        return Status.UNKNOWN


def outcome_of(value: str) -> TestStatus:
    """A test status from its stored text; unknown text counts as a failure."""
    try:
        return TestStatus(value)
    except ValueError:
        return TestStatus.FAILED


def suite_error(path: str, exc: str) -> str:
    """The one line that reports a test module that cannot be imported or collected."""
    return f"grading error: {path} cannot be collected: {exc}"


def is_hidden(nodeid: str) -> bool:
    """Whether a test id (or a test file path) belongs to a hidden suite."""
    parts = nodeid.split("::", 1)[0].replace("\\", "/").split("/")
    return HIDDEN_PART in parts[:-1]


def score(points: float, passed: int, total: int) -> float:
    """The kit's one scoring rule: a lesson's points in proportion to its tests passed, to two
    decimals. No tests, no points."""
    if total <= 0 or passed <= 0:
        return 0.0
    return round(points * min(passed, total) / total, 2)


def whole_score(points: float, passed: int, total: int) -> int:
    """Integer points for platforms that only take whole numbers (Classroom 50): full credit
    only when every test passes, else the proportional score rounded down."""
    if total > 0 and passed >= total:
        return int(round(points))
    return int(math.floor(score(points, passed, total)))


def penalised(points: float, share: float) -> tuple[float, float]:
    """A late penalty of `share` (0..1) of `points`: (points deducted, points left), both to
    two decimals, so that deducted + left == points."""
    share = min(max(share, 0.0), 1.0)
    deducted = round(points * share, 2)
    return deducted, round(points - deducted, 2)


def total(points: Iterable[float]) -> float:
    """A sum of points, to two decimals (like every points value the kit stores)."""
    return round(sum(points), 2)


@dataclass
class TestOutcome:
    """One test: its pytest id, lesson, status and the one-line message a learner reads."""

    __test__ = False

    nodeid: str
    lesson: str
    status: TestStatus
    message: str = ""
    duration: float = 0.0

    @property
    def hidden(self) -> bool:
        return is_hidden(self.nodeid)

    @property
    def name(self) -> str:
        """The test function's name, with its parameters."""
        return self.nodeid.split("::")[-1]

    @property
    def passed(self) -> bool:
        return self.status is TestStatus.PASSED

    @property
    def needs(self) -> str:
        """The other lesson this test waits for, or ''."""
        if self.status is not TestStatus.NEEDS_LESSON:
            return ""
        m = _NEEDS.search(self.message)
        return m.group(1) if m else ""

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.nodeid,
            "lesson": self.lesson,
            "status": self.status.value,
            "message": self.message,
            "duration": self.duration,
            "hidden": self.hidden,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> TestOutcome:
        return cls(
            nodeid=str(data.get("name", "")),
            lesson=str(data.get("lesson", "")),
            status=outcome_of(str(data.get("status", "failed"))),
            message=str(data.get("message", "")),
            duration=_number(data.get("duration", 0.0)),
        )


def _number(value: Any) -> float:
    try:
        out = float(value)
    except (TypeError, ValueError):
        return 0.0
    return out if math.isfinite(out) else 0.0


def lesson_status(tests: Iterable[TestOutcome], complete: bool = True) -> Status:
    """A lesson's status from its tests. `complete` is False when some of the lesson's tests
    were not run (a `-k` selection): such a run never counts as done."""
    tests = list(tests)
    ran = [t for t in tests if t.status is not TestStatus.MISSING]
    if not ran or any(t.status is TestStatus.SUITE_ERROR for t in ran):
        return Status.ERROR
    if all(t.passed for t in ran):
        return Status.DONE if complete and len(ran) == len(tests) else Status.FAILING
    if all(t.status is TestStatus.NOT_STARTED for t in ran):
        return Status.NOT_STARTED
    return Status.FAILING


def lesson_message(tests: Iterable[TestOutcome]) -> str:
    """The one message that explains a lesson's status: the functions still to write for a
    half-written lesson, else the first message of the most telling kind of failure."""
    tests = list(tests)
    todo = [t for t in tests if t.status is TestStatus.NOT_STARTED]
    if (
        todo
        and len(todo) < len(tests)
        and all(t.status in (TestStatus.NOT_STARTED, TestStatus.PASSED) for t in tests)
    ):
        names = _TODO.findall(" ".join(t.message for t in todo))
        if names:
            return "still to write: " + ", ".join(dict.fromkeys(names))
    for wanted in (
        TestStatus.SUITE_ERROR,
        TestStatus.CANNOT_LOAD,
        TestStatus.FAILED,
        TestStatus.NEEDS_LESSON,
        TestStatus.SKIPPED,
        TestStatus.MISSING,
        TestStatus.NOT_STARTED,
    ):
        for t in tests:
            if t.status is wanted:
                return t.message
    return ""


@dataclass
class LessonOutcome:
    """One lesson's outcome in one run."""

    id: str
    title: str
    max_points: float
    tests: list[TestOutcome] = field(default_factory=list)
    total: int = 0  # the tests the lesson has (collected), whether or not they ran
    complete: bool = True
    message: str | None = None  # set to override the message the tests give

    def __post_init__(self) -> None:
        self.total = max(self.total, len(self.tests))

    @property
    def passed(self) -> int:
        return sum(t.passed for t in self.tests)

    @property
    def status(self) -> Status:
        complete = self.complete and len(self.tests) >= self.total
        return lesson_status(self.tests, complete)

    @property
    def points(self) -> float:
        return score(self.max_points, self.passed, self.total)

    @property
    def whole_points(self) -> int:
        return whole_score(self.max_points, self.passed, self.total)

    @property
    def grading_error(self) -> str:
        """Why this lesson could not be graded (a test module that cannot be collected), or
        ''. Such a lesson is the grader's failure, never the student's."""
        return next((t.message for t in self.tests if t.status is TestStatus.SUITE_ERROR), "")

    def first_message(self) -> str:
        if self.message is not None:
            return self.message
        return "" if self.status is Status.DONE else lesson_message(self.tests)

    def part(self, hidden: bool) -> list[TestOutcome]:
        return [t for t in self.tests if t.hidden == hidden]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "status": self.status.value,
            "passed": self.passed,
            "total": self.total,
            "complete": self.complete,
            "message": self.first_message(),
            "points": self.points,
            "max_points": self.max_points,
        }


@dataclass
class ResultsDoc:
    """The versioned `results.json` of one pytest run."""

    course: str
    course_version: str
    impl: str
    exit_status: int = 0
    duration: float = 0.0
    lessons: list[LessonOutcome] = field(default_factory=list)

    @property
    def tests(self) -> list[TestOutcome]:
        return [t for lesson in self.lessons for t in lesson.tests]

    def lesson(self, lesson_id: str) -> LessonOutcome | None:
        return next((item for item in self.lessons if item.id == lesson_id), None)

    def to_json(self) -> dict[str, Any]:
        return {
            "version": RESULTS_VERSION,
            "course": self.course,
            "course_version": self.course_version,
            "impl": self.impl,
            "exit_status": int(self.exit_status),
            "duration": round(self.duration, 3),
            "lessons": [lesson.to_json() for lesson in self.lessons],
            "tests": [t.to_json() for t in self.tests],
        }

    @classmethod
    def from_json(cls, data: Any) -> ResultsDoc:
        """Read a results document; anything that is not one raises ResultsError."""
        if not isinstance(data, Mapping):
            raise ResultsError("a results document is a JSON object")
        if data.get("version") != RESULTS_VERSION:
            raise ResultsError(f"unknown results version {data.get('version')!r}")
        by_lesson: dict[str, list[TestOutcome]] = {}
        for raw in data.get("tests", []) or []:
            if isinstance(raw, Mapping) and isinstance(raw.get("name"), str):
                t = TestOutcome.from_json(raw)
                by_lesson.setdefault(t.lesson, []).append(t)
        lessons = []
        for raw in data.get("lessons", []) or []:
            if not isinstance(raw, Mapping) or not isinstance(raw.get("id"), str):
                continue
            lid = raw["id"]
            lessons.append(
                LessonOutcome(
                    id=lid,
                    title=str(raw.get("title", "")),
                    max_points=_number(raw.get("max_points", 0.0)),
                    tests=by_lesson.pop(lid, []),
                    total=int(_number(raw.get("total", 0))),
                    complete=bool(raw.get("complete", True)),
                    message=str(raw["message"]) if "message" in raw else None,
                )
            )
        return cls(
            course=str(data.get("course", "")),
            course_version=str(data.get("course_version", "")),
            impl=str(data.get("impl", "")),
            exit_status=int(_number(data.get("exit_status", 0))),
            duration=_number(data.get("duration", 0.0)),
            lessons=lessons,
        )

    @classmethod
    def read(cls, path: Path) -> ResultsDoc:
        try:
            return cls.from_json(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError) as exc:
            raise ResultsError(f"{path.name}: {exc}") from None


class ResultsError(ValueError):
    """A results document that cannot be read."""
