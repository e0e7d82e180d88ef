"""Points as exports show them: raw points, late penalty, override and final, per student and
lesson, from the gradebook, the late policy and the instructor's overrides.

Without deadlines a lesson's points are those of the student's latest graded submission. With a
deadline, every graded submission of the student is a candidate for that lesson, and the one
worth most after its own late penalty counts (so a late push to one lesson never makes an
earlier, on-time lesson late). Free late days are then spent in teaching order on the late
lessons that have points to save. An override replaces the final points.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import datetime

from ...manifest import Course
from ...results import penalised, total
from ..gradebook import Gradebook
from . import late
from .book import Override, overrides


@dataclass
class LessonScore:
    student: str
    lesson: str
    title: str
    max_points: float
    raw: float
    status: str
    commit: str
    submitted: datetime | None = None
    deadline: datetime | None = None
    late_days: int = 0  # whole days late (after grace and extensions)
    free_days: int = 0  # of those, covered by free late days
    penalty: float = 0.0  # points deducted
    after_penalty: float = 0.0
    override: float | None = None
    note: str = ""

    @property
    def charged_days(self) -> int:
        return self.late_days - self.free_days

    @property
    def final(self) -> float:
        return self.override if self.override is not None else self.after_penalty


@dataclass
class StudentScore:
    student: str
    commit: str  # the latest graded commit
    tampered: bool
    problem: str
    lessons: list[LessonScore] = field(default_factory=list)

    @property
    def raw(self) -> float:
        return total(s.raw for s in self.lessons)

    @property
    def penalty(self) -> float:
        return total(s.penalty for s in self.lessons)

    @property
    def final(self) -> float:
        return total(s.final for s in self.lessons)

    @property
    def max_points(self) -> float:
        return total(s.max_points for s in self.lessons)

    @property
    def late_days(self) -> int:
        return sum(s.late_days for s in self.lessons)

    def lesson(self, lesson_id: str) -> LessonScore | None:
        return next((s for s in self.lessons if s.lesson == lesson_id), None)


def _candidates(book: Gradebook) -> dict[str, list[tuple[sqlite3.Row, dict[str, sqlite3.Row]]]]:
    out: dict[str, list[tuple[sqlite3.Row, dict[str, sqlite3.Row]]]] = {}
    for sub in book.history():
        if not sub["commit_sha"]:
            continue
        rows = {r["lesson"]: r for r in book.lessons(sub["id"])}
        out.setdefault(sub["student"], []).append((sub, rows))
    return out


def compute(
    book: Gradebook,
    policy: late.Policy,
    extensions: list[late.Extension],
    changes: dict[tuple[str, str], Override] | None = None,
) -> list[StudentScore]:
    """Every graded student's points, by student name, lessons in teaching order."""
    chosen_overrides = overrides(book) if changes is None else changes
    columns = book.lesson_columns()
    out: list[StudentScore] = []
    for student, history in sorted(_candidates(book).items()):
        latest = history[-1][0]
        score = StudentScore(
            student, latest["commit_sha"], bool(latest["tampered"]), latest["problem"]
        )
        free = late.bank(policy, extensions, student)
        for lesson_id, title in columns:
            deadline = policy.deadlines.get(lesson_id)
            extra = late.extra_days(extensions, student, lesson_id)
            best: tuple[float, int, LessonScore] | None = None
            for sub, rows in history:
                row = rows.get(lesson_id)
                if row is None:
                    continue
                item = LessonScore(
                    student=student,
                    lesson=lesson_id,
                    title=title,
                    max_points=float(row["max_points"]),
                    raw=float(row["points"]),
                    status=row["status"],
                    commit=sub["commit_sha"],
                    deadline=deadline,
                )
                if deadline is not None:
                    item.submitted = late.submitted_at(sub)
                    item.late_days = late.days_late(item.submitted, deadline, policy.grace, extra)
                value = penalised(item.raw, policy.share(item.late_days))[1]
                if deadline is None:
                    value = 0.0  # no deadline: the latest submission counts
                key = (value, int(sub["id"]))
                if best is None or key > best[:2]:
                    best = (value, int(sub["id"]), item)
            if best is None:
                continue
            item = best[2]
            if item.late_days and item.raw > 0:
                item.free_days = min(item.late_days, free)
                free -= item.free_days
            item.penalty, item.after_penalty = penalised(item.raw, policy.share(item.charged_days))
            manual = chosen_overrides.get((student, lesson_id))
            if manual is not None:
                item.override, item.note = manual.points, manual.note
            score.lessons.append(item)
        out.append(score)
    return out


def for_course(
    book: Gradebook, course: Course, policy: late.Policy, also_known: list[str] | None = None
) -> list[StudentScore]:
    """`compute` with the course's extension file, checked against the gradebook's students
    (and `also_known`, the roster's)."""
    known = sorted({r["student"] for r in book.history()} | set(also_known or []))
    extensions = late.load_extensions(policy, course, known)
    return compute(book, policy, extensions)
