"""`hexahype solutions OUT/`: reference solutions for the students who may see them, never
earlier.

A student gets a lesson's reference solution once the student has passed that lesson in the
graded commit (the submission whose points count for the lesson in every export,
`scores.compute`, has it done, and no date flag of the student names that commit: a commit
dated before the deadline but first seen after it never opens a solution), or once the lesson's
deadline has passed *for that student*:
the deadline plus the student's extension for the lesson plus every free late day the student
could still spend, because a solution seen before a late hand-in would be a solution copied.
A lesson without a deadline is released only to those who passed it.

OUT/<student>/solutions/<chapter>/<module>.py holds what one student may see (to push into the
student's repository or attach to the feedback), with a README that says why each file is
there; OUT/released.json lists every decision, withheld lessons included.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from ...files import write_json
from ...manifest import Course, Lesson
from ...results import Status
from ..feedback import safe_name
from ..gradebook import DEFAULT_PATH, Gradebook
from . import late, scores
from .book import BookError, open_book
from .safe import term

FLAGGED = re.compile(r"\bcommit ([0-9a-f]{7,64})\b")  # the commits a date flag names


@dataclass(frozen=True)
class Decision:
    student: str
    lesson: str
    released: bool
    why: str


def open_from(
    policy: late.Policy, extensions: list[late.Extension], student: str, lesson: str
) -> datetime | None:
    """When a lesson's solution may reach this student by the clock (None: never by the clock)."""
    deadline = policy.deadlines.get(lesson)
    if deadline is None:
        return None
    days = late.extra_days(extensions, student, lesson) + late.bank(policy, extensions, student)
    return deadline + days * late.DAY + policy.grace


def decide(
    book: Gradebook, course: Course, policy: late.Policy, now: datetime | None = None
) -> list[Decision]:
    now = now or datetime.now(timezone.utc)
    students = sorted({r["student"] for r in book.history() if r["commit_sha"]})
    extensions = late.load_extensions(policy, course, students)
    flagged: dict[str, set[str]] = {}
    for sub in book.history():
        named = set(FLAGGED.findall(sub["date_flags"] or ""))
        flagged.setdefault(sub["student"], set()).update(named)
    passed: dict[str, dict[str, str]] = {}
    suspect: dict[str, dict[str, str]] = {}
    for score in scores.compute(book, policy, extensions):
        for item in score.lessons:
            if item.status != Status.DONE.value or not item.commit:
                continue
            bad = any(item.commit.startswith(p) for p in flagged.get(score.student, ()))
            (suspect if bad else passed).setdefault(score.student, {})[item.lesson] = item.commit
    out = []
    lessons = [e for e in course.lessons if e.solution_path.is_file()]
    for student in students:
        for lesson in lessons:
            commit = passed.get(student, {}).get(lesson.id)
            flagged_pass = suspect.get(student, {}).get(lesson.id)
            opens = open_from(policy, extensions, student, lesson.id)
            if commit:
                out.append(Decision(student, lesson.id, True, f"passed (commit {commit[:12]})"))
            elif flagged_pass and (opens is None or now < opens):
                out.append(
                    Decision(
                        student,
                        lesson.id,
                        False,
                        f"passed only in commit {flagged_pass[:12]}, which a date flag names"
                        + (f"; opens {opens.isoformat()}" if opens is not None else ""),
                    )
                )
            elif opens is not None and now >= opens:
                out.append(
                    Decision(
                        student, lesson.id, True, f"the deadline has passed ({opens.isoformat()})"
                    )
                )
            elif opens is not None:
                out.append(
                    Decision(student, lesson.id, False, f"not passed; opens {opens.isoformat()}")
                )
            else:
                out.append(
                    Decision(
                        student, lesson.id, False, "not passed, and the lesson has no deadline"
                    )
                )
    return out


def write(course: Course, decisions: list[Decision], out: Path) -> int:
    by_id: dict[str, Lesson] = {e.id: e for e in course.entries}
    written = 0
    for student in sorted({d.student for d in decisions}):
        mine = [d for d in decisions if d.student == student]
        folder = out / safe_name(student)
        lines = ["# Reference solutions", "", "| Lesson | Why you see it |", "|---|---|"]
        for d in mine:
            if not d.released:
                continue
            lesson = by_id[d.lesson]
            target = folder / "solutions" / lesson.package / lesson.solution_path.name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(lesson.solution_path.read_bytes())
            lines.append(f"| {lesson.id} {lesson.title} | {d.why} |")
            written += 1
        if any(d.released for d in mine):
            (folder / "README.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    write_json(
        out / "released.json",
        {"decisions": [vars(d) for d in decisions]},
    )
    return written


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("out", type=Path, help="the folder to write one folder per student into")
    parser.add_argument(
        "--gradebook",
        type=Path,
        default=DEFAULT_PATH,
        help=f"the SQLite gradebook (default {DEFAULT_PATH})",
    )


def run(args: argparse.Namespace, course: Course) -> int:
    try:
        policy = late.load(course)
        with open_book(args.gradebook) as book:
            decisions = decide(book, course, policy)
    except (BookError, late.PolicyError) as exc:
        print(f"hexahype solutions: {exc}", file=sys.stderr)
        return 2
    written = write(course, decisions, args.out)
    released = [d for d in decisions if d.released]
    for d in released:
        print(f"{term(d.student)} {d.lesson}: {d.why}")
    print(
        f"wrote {written} solution files for {len({d.student for d in released})} students to "
        f"{args.out}; withheld {len(decisions) - len(released)}"
    )
    return 0
