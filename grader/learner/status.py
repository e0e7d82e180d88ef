"""Where every entry stands: the saved state, refreshed for exercises changed since their last
check by running just those lessons' visible tests (a child pytest with the kit's plugin)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .. import runs
from ..manifest import Course, Lesson
from . import state

NOT_AUTHORED = "coming soon"


@dataclass
class EntryStatus:
    lesson: Lesson
    status: str
    message: str = ""
    passed: int = 0
    total: int = 0


def stale(course: Course, saved: dict[str, Any]) -> list[Lesson]:
    """Authored entries never checked, or whose exercise file changed since their last check."""
    out = []
    for entry in course.entries:
        if not entry.authored or not entry.test_path.exists():
            continue
        info = saved.get(entry.id)
        if info is None or info.get("fingerprint") != state.fingerprint(entry.exercise_path):
            out.append(entry)
    return out


def refresh(course: Course) -> dict[str, Any]:
    """Re-check stale entries (one quiet pytest run) and return the saved lesson states."""
    saved = state.load(course.root)["lessons"]
    todo = stale(course, saved)
    if todo:
        runs.run_suite(course.root, runs.test_files(todo), course.root / "exercises")
        saved = state.load(course.root)["lessons"]
    return dict(saved)


def statuses(course: Course, fresh: bool = True) -> list[EntryStatus]:
    saved = refresh(course) if fresh else state.load(course.root)["lessons"]
    out = []
    for entry in course.entries:
        if not entry.authored:
            out.append(EntryStatus(entry, NOT_AUTHORED))
            continue
        info = saved.get(entry.id, {})
        out.append(
            EntryStatus(
                entry,
                info.get("status", state.NOT_STARTED),
                info.get("message", ""),
                int(info.get("passed", 0)),
                int(info.get("total", 0)),
            )
        )
    return out


def next_step(items: list[EntryStatus]) -> EntryStatus | None:
    """The first entry in teaching order that is authored and not done."""
    return next(
        (s for s in items if s.status not in (state.DONE, NOT_AUTHORED)),
        None,
    )
