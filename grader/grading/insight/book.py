"""A gradebook opened only once it proved to be one, and the instructor's overrides in it.

Opening a `Gradebook` creates its tables, so a wrong file (a spreadsheet, another program's
database, a truncated copy) would be changed by it. `open_book` first reads the file read-only
and refuses it, untouched, unless it is a SQLite gradebook with the tables and columns grading
writes. Overrides live in their own table, `overrides`: one row per student and lesson, points
that replace the final points in every export.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ..gradebook import Gradebook

REQUIRED = {
    "submissions": {"id", "student", "commit_sha", "graded_at", "points", "max_points"},
    "lessons": {"submission_id", "lesson", "title", "position", "status", "points", "max_points"},
    "tests": {"submission_id", "name", "lesson", "hidden", "status", "message"},
}
OVERRIDES = """
CREATE TABLE IF NOT EXISTS overrides (
    student TEXT NOT NULL,
    lesson TEXT NOT NULL,
    points REAL NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    set_at TEXT NOT NULL,
    PRIMARY KEY (student, lesson)
)
"""


class BookError(ValueError):
    """Not a gradebook (one line; the file was not changed)."""


@dataclass(frozen=True)
class Override:
    student: str
    lesson: str
    points: float
    note: str = ""


def check(path: Path) -> None:
    """Raise BookError unless `path` is a readable gradebook; never writes to it."""
    if not path.is_file():
        raise BookError(f"{path} does not exist; run hexahype grade first")
    with path.open("rb") as fh:
        if fh.read(16) != b"SQLite format 3\x00":
            raise BookError(
                f"{path} is not a gradebook (not a SQLite database); it was not changed"
            )
    try:
        con = sqlite3.connect(f"file:{path.resolve()}?mode=ro", uri=True, timeout=30)
    except sqlite3.Error as exc:
        raise BookError(f"{path} cannot be read: {exc}; it was not changed") from None
    try:
        if con.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise BookError(f"{path} is damaged (SQLite quick_check fails); it was not changed")
        for table, columns in REQUIRED.items():
            have = {row[1] for row in con.execute(f"PRAGMA table_info({table})")}
            if not have:
                raise BookError(
                    f"{path} is not a gradebook: it has no {table} table; it was not changed"
                )
            missing = sorted(columns - have)
            if missing:
                raise BookError(
                    f"{path} is not a gradebook: table {table} lacks {', '.join(missing)}; "
                    "it was not changed"
                )
    except sqlite3.DatabaseError as exc:
        raise BookError(f"{path} is not a gradebook ({exc}); it was not changed") from None
    finally:
        con.close()


@contextmanager
def open_book(path: Path) -> Iterator[Gradebook]:
    """A checked gradebook, closed afterwards."""
    check(path)
    book = Gradebook(path)
    try:
        book.db.execute(OVERRIDES)
        yield book
    finally:
        book.close()


def overrides(book: Gradebook) -> dict[tuple[str, str], Override]:
    book.db.execute(OVERRIDES)
    return {
        (r["student"], r["lesson"]): Override(
            r["student"], r["lesson"], float(r["points"]), r["note"]
        )
        for r in book.db.execute("SELECT * FROM overrides")
    }


def set_overrides(
    book: Gradebook, changes: Mapping[tuple[str, str], Override | None]
) -> tuple[int, int]:
    """Apply all changes in one transaction (None removes an override); returns
    (set, removed)."""
    now = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    added = removed = 0
    with book.transaction() as db:
        db.execute(OVERRIDES)
        for (student, lesson), value in changes.items():
            if value is None:
                cur = db.execute(
                    "DELETE FROM overrides WHERE student = ? AND lesson = ?", (student, lesson)
                )
                removed += cur.rowcount
            else:
                db.execute(
                    "INSERT OR REPLACE INTO overrides VALUES (?, ?, ?, ?, ?)",
                    (student, lesson, value.points, value.note, now),
                )
                added += 1
    return added, removed
