"""The late policy: deadlines in course.toml, free late days, extensions and the penalty rule.

course.toml holds it (every key optional; no deadline anywhere means no late policy):

    [late]
    late_days = 2                  # free late days per student, spent in teaching order
    extensions = "extensions.csv"  # per-student extra days (relative to the course root)
    penalty = "per-day"            # or "cut-off": no points once a late day is charged
    per_day = 0.10                 # share of the lesson's points per charged late day
    max_penalty = 0.50             # the cap of the per-day rule
    grace_minutes = 15             # lateness below this is on time
    timezone = "Europe/Berlin"     # for deadlines written without an offset (default UTC)

    [[chapters]]
    deadline = "2030-01-15T23:59:00+01:00"   # every entry of the chapter...
    [[chapters.lessons]]
    deadline = 2030-01-10                     # ...unless the entry has its own

A deadline is a TOML date-time or date, or a string in ISO 8601; a date alone means the end of
that day. The extension file is CSV with the columns `student,days` and optionally `lesson`
(an entry id, or a chapter as `ch1`): without a lesson the days join the student's bank of free
late days, with one they move that student's deadline.

A submission's time is read through `submitted_at` only: the gradebook's `submitted_at` column
(the trusted time the instructor's side first saw the commit), or the grading time when that is
empty. Every problem in the policy or the extension file is one line naming the file and line.
"""

from __future__ import annotations

import csv
import math
import re
import sqlite3
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ...manifest import MANIFEST_NAME, Course

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[import-not-found, no-redef, unused-ignore]

DAY = timedelta(days=1)
PER_DAY, CUT_OFF = "per-day", "cut-off"
KEYS = {"late_days", "extensions", "penalty", "per_day", "max_penalty", "grace_minutes", "timezone"}


class PolicyError(ValueError):
    """The late policy or the extension file is wrong (one line naming the file and line)."""


@dataclass(frozen=True)
class Policy:
    deadlines: dict[str, datetime] = field(default_factory=dict)  # entry id -> deadline
    late_days: int = 0
    extensions: Path | None = None
    penalty: str = PER_DAY
    per_day: float = 0.0
    max_penalty: float = 1.0
    grace: timedelta = timedelta(0)
    zone: tzinfo = timezone.utc

    @property
    def active(self) -> bool:
        return bool(self.deadlines)

    def share(self, charged_days: int) -> float:
        """The share of a lesson's points that `charged_days` late days cost."""
        if charged_days <= 0:
            return 0.0
        if self.penalty == CUT_OFF:
            return 1.0
        return min(self.max_penalty, self.per_day * charged_days)

    def describe(self) -> str:
        if not self.active:
            return "no deadlines in course.toml: no late policy"
        rule = (
            "no points once a late day is charged"
            if self.penalty == CUT_OFF
            else f"{self.per_day:.0%} of a lesson's points per late day, at most {self.max_penalty:.0%}"
        )
        days = "1 free late day" if self.late_days == 1 else f"{self.late_days} free late days"
        return f"{days} per student; then {rule}"


@dataclass(frozen=True)
class Extension:
    student: str
    days: int
    lessons: tuple[str, ...]  # empty: days for the student's bank of free late days
    line: int


# -- reading the policy -------------------------------------------------------------------------
def _line(text: str, key: str, raw: object) -> int:
    """The line of course.toml where `key = ...raw...` is written (0 if not found)."""
    needle = str(raw)
    pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
    for number, line in enumerate(text.splitlines(), 1):
        if pattern.match(line) and needle in line:
            return number
    return 0


def _where(text: str, key: str, raw: object) -> str:
    line = _line(text, key, raw)
    return f"{MANIFEST_NAME} line {line}" if line else MANIFEST_NAME


def parse_time(value: object, zone: tzinfo = timezone.utc) -> datetime:
    """A point in time from a TOML date-time or date, or an ISO 8601 string; raises ValueError.
    A date alone is the end of that day; a time without an offset is in `zone`."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime.combine(value, time(23, 59, 59))
    elif isinstance(value, str) and value.strip():
        text = value.strip()
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            moment = datetime.combine(date.fromisoformat(text), time(23, 59, 59))
        else:
            if text.endswith(("Z", "z")):
                text = text[:-1] + "+00:00"
            text = re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", text)  # +0100 -> +01:00
            if not re.fullmatch(
                r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:\d{2})?", text
            ):
                raise ValueError(f"{value!r} is not an ISO 8601 date or date-time")
            moment = datetime.fromisoformat(text)
    else:
        raise ValueError(f"{value!r} is not a date or date-time")
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=zone)


def load(course: Course) -> Policy:
    """The late policy of the course, checked; raises PolicyError."""
    path = course.root / MANIFEST_NAME
    text = path.read_text(encoding="utf-8")
    data = tomllib.loads(text)
    late = data.get("late", {})
    if not isinstance(late, dict):
        raise PolicyError(f"{_where(text, 'late', '')}: late must be a table ([late])")
    for key in late:
        if key not in KEYS:
            raise PolicyError(
                f"{_where(text, key, '')}: [late] has no key {key!r} (known: {', '.join(sorted(KEYS))})"
            )
    zone: tzinfo = timezone.utc
    if "timezone" in late:
        try:
            zone = ZoneInfo(str(late["timezone"]))
        except (ZoneInfoNotFoundError, ValueError):
            raise PolicyError(
                f"{_where(text, 'timezone', late['timezone'])}: unknown time zone {late['timezone']!r}"
            ) from None

    def number(key: str, default: float, low: float, high: float, whole: bool = False) -> float:
        value = late.get(key, default)
        ok = isinstance(value, int) if whole else isinstance(value, (int, float))
        if isinstance(value, bool) or not ok or not low <= value <= high:
            kind = "a whole number" if whole else "a number"
            raise PolicyError(
                f"{_where(text, key, value)}: [late] {key} must be {kind} from {low:g} to {high:g}, "
                f"not {value!r}"
            )
        return float(value)

    penalty = late.get("penalty", PER_DAY)
    if penalty not in (PER_DAY, CUT_OFF):
        raise PolicyError(
            f"{_where(text, 'penalty', penalty)}: [late] penalty must be {PER_DAY!r} or "
            f"{CUT_OFF!r}, not {penalty!r}"
        )
    extensions = late.get("extensions")
    if extensions is not None and (not isinstance(extensions, str) or not extensions.strip()):
        raise PolicyError(
            f"{_where(text, 'extensions', extensions)}: [late] extensions must be a path"
        )

    deadlines: dict[str, datetime] = {}
    by_number = {ch.number: ch for ch in course.chapters}
    for ch_data in data.get("chapters", []):
        chapter = by_number.get(ch_data.get("number"))
        if chapter is None:
            continue
        chapter_deadline = None
        if "deadline" in ch_data:
            chapter_deadline = _deadline(
                text, ch_data["deadline"], zone, f"chapter {chapter.number}"
            )
        by_id = {str(raw.get("id")): raw for raw in ch_data.get("lessons", [])}
        for entry in chapter.lessons:
            raw = by_id.get(entry.id, {})
            if "deadline" in raw:
                deadlines[entry.id] = _deadline(text, raw["deadline"], zone, f"lesson {entry.id}")
            elif chapter_deadline is not None:
                deadlines[entry.id] = chapter_deadline
    return Policy(
        deadlines=deadlines,
        late_days=int(number("late_days", 0, 0, 365, whole=True)),
        extensions=course.root / extensions if extensions else None,
        penalty=penalty,
        per_day=number("per_day", 0.0, 0.0, 1.0),
        max_penalty=number("max_penalty", 1.0, 0.0, 1.0),
        grace=timedelta(minutes=number("grace_minutes", 0, 0, 7 * 24 * 60, whole=True)),
        zone=zone,
    )


def _deadline(text: str, raw: object, zone: tzinfo, what: str) -> datetime:
    shown = raw.isoformat() if isinstance(raw, (date, datetime, time)) else raw
    try:
        return parse_time(raw, zone)
    except ValueError as exc:
        raise PolicyError(
            f"{_where(text, 'deadline', shown)}: the deadline of {what} is not valid: {exc}; "
            "write it like 2030-01-15T23:59:00+01:00"
        ) from None


# -- the extension file -------------------------------------------------------------------------
def same_student(graded: str, listed: str) -> bool:
    """Whether a gradebook name is the student a roster or extension file lists: exactly the
    same string. No case folding and no suffix rule: `bob` is never `Bob` or `hw1-bob`, so no
    student can choose a name that captures a classmate's extension or grade."""
    return bool(listed) and graded == listed


def near_misses(listed: str, known: Iterable[str]) -> list[str]:
    """Gradebook names that a looser rule would have taken for `listed` (other case, spaces
    around it, or a repository name ending in `-listed`), for the error message."""
    low = listed.strip().lower()
    return sorted(
        k
        for k in set(known)
        if k != listed and (k.strip().lower() == low or k.lower().endswith("-" + low))
    )[:3]


def load_extensions(
    policy: Policy, course: Course, known: Iterable[str] | None = None
) -> list[Extension]:
    """The extension file's rows, checked; `known` are the students it may name (None: any)."""
    if policy.extensions is None:
        return []
    path = policy.extensions
    name = path.name
    if not path.is_file():
        raise PolicyError(f"{name}: the extension file named in course.toml [late] does not exist")
    students = list(known) if known is not None else None
    chapters = {f"ch{ch.number}": ch for ch in course.chapters}
    chapters.update({ch.package: ch for ch in course.chapters})
    ids = {e.id for e in course.entries}
    out: list[Extension] = []
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        header = [h.strip().lower() for h in reader.fieldnames or []]
        if "student" not in header or "days" not in header:
            raise PolicyError(f"{name} line 1: the header must name the columns student and days")
        for row in reader:
            line = reader.line_num
            clean = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items() if k}
            student, days, lesson = (
                clean.get("student", ""),
                clean.get("days", ""),
                clean.get("lesson", ""),
            )
            if not any(clean.values()):
                continue
            if not student:
                raise PolicyError(f"{name} line {line}: no student")
            if students is not None and not any(same_student(s, student) for s in students):
                near = near_misses(student, students)
                hint = f" (names match exactly; did you mean {', '.join(map(repr, near))}?)"
                raise PolicyError(
                    f"{name} line {line}: unknown student {student!r}" + (hint if near else "")
                )
            if not re.fullmatch(r"\d+", days):
                raise PolicyError(f"{name} line {line}: days must be a whole number, not {days!r}")
            lessons: tuple[str, ...] = ()
            if lesson:
                if lesson in ids:
                    lessons = (lesson,)
                elif lesson in chapters:
                    lessons = tuple(e.id for e in chapters[lesson].lessons)
                else:
                    raise PolicyError(
                        f"{name} line {line}: unknown lesson {lesson!r} (an entry id such as 1.3, "
                        "or a chapter such as ch1)"
                    )
            out.append(Extension(student, int(days), lessons, line))
    return out


# -- lateness -----------------------------------------------------------------------------------
def submitted_at(submission: sqlite3.Row | Mapping[str, Any]) -> datetime:
    """THE time a gradebook submission counts as handed in: its `submitted_at` (the trusted
    time), else its grading time."""
    keys = submission.keys()
    for key in ("submitted_at", "graded_at"):
        value = submission[key] if key in keys else ""
        if value:
            try:
                return parse_time(str(value))
            except ValueError:
                continue
    raise PolicyError(f"submission of {submission['student']!r} has no readable time")


def days_late(submitted: datetime, deadline: datetime, grace: timedelta, extra_days: int) -> int:
    """Whole days late (started days count), after the grace period and an extension."""
    over = submitted - (deadline + extra_days * DAY) - grace
    return math.ceil(over / DAY) if over > timedelta(0) else 0


def extra_days(extensions: Iterable[Extension], student: str, lesson: str) -> int:
    return sum(
        x.days for x in extensions if lesson in x.lessons and same_student(student, x.student)
    )


def bank(policy: Policy, extensions: Iterable[Extension], student: str) -> int:
    """The student's free late days: the policy's, plus extension days without a lesson."""
    return policy.late_days + sum(
        x.days for x in extensions if not x.lessons and same_student(student, x.student)
    )
