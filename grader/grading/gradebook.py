"""The gradebook: one SQLite file (WAL) with submissions, per-lesson points and per-test results.

A submission is one student's repository at one commit. Grading the same student and commit
again replaces that row and its results in one transaction, never duplicates them; a batch that
was killed half-way keeps every submission it finished, and a re-run skips those.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .sources import Evidence, Snapshot

SCHEMA_VERSION = "3"
MIGRATIONS = (  # columns of submissions added since version 1
    ("isolation", "TEXT NOT NULL DEFAULT ''"),
    ("caps", "TEXT NOT NULL DEFAULT ''"),
    ("basis", "TEXT NOT NULL DEFAULT ''"),
    ("date_flags", "TEXT NOT NULL DEFAULT ''"),
    # the time the submission counts as handed in, which the late policy reads
    # (grader/grading/insight/late.py)
    ("submitted_at", "TEXT NOT NULL DEFAULT ''"),
)
DEFAULT_PATH = Path("gradebook.sqlite")

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS submissions (
    id INTEGER PRIMARY KEY,
    student TEXT NOT NULL,
    repository TEXT NOT NULL,
    commit_sha TEXT NOT NULL,
    graded_at TEXT NOT NULL,
    grader_version TEXT NOT NULL,
    course TEXT NOT NULL,
    course_version TEXT NOT NULL,
    points REAL NOT NULL,
    max_points REAL NOT NULL,
    duration REAL NOT NULL,
    problem TEXT NOT NULL DEFAULT '',
    tampered INTEGER NOT NULL DEFAULT 0,
    tamper_detail TEXT NOT NULL DEFAULT '',
    isolation TEXT NOT NULL DEFAULT '',
    caps TEXT NOT NULL DEFAULT '',
    basis TEXT NOT NULL DEFAULT '',
    date_flags TEXT NOT NULL DEFAULT '',
    submitted_at TEXT NOT NULL DEFAULT '',
    UNIQUE (student, commit_sha)
);
CREATE TABLE IF NOT EXISTS sightings (
    student TEXT NOT NULL,
    commit_sha TEXT NOT NULL,
    first_seen REAL NOT NULL,
    author_time INTEGER NOT NULL,
    committer_time INTEGER NOT NULL,
    PRIMARY KEY (student, commit_sha)
);
CREATE TABLE IF NOT EXISTS snapshots (
    student TEXT NOT NULL,
    repository TEXT NOT NULL,
    taken_at REAL NOT NULL,
    head TEXT NOT NULL,
    source TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS lessons (
    submission_id INTEGER NOT NULL REFERENCES submissions(id) ON DELETE CASCADE,
    lesson TEXT NOT NULL,
    title TEXT NOT NULL,
    position INTEGER NOT NULL,
    status TEXT NOT NULL,
    passed INTEGER NOT NULL,
    total INTEGER NOT NULL,
    points REAL NOT NULL,
    max_points REAL NOT NULL,
    duration REAL NOT NULL,
    message TEXT NOT NULL,
    PRIMARY KEY (submission_id, lesson)
);
CREATE TABLE IF NOT EXISTS tests (
    submission_id INTEGER NOT NULL REFERENCES submissions(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    lesson TEXT NOT NULL,
    hidden INTEGER NOT NULL,
    status TEXT NOT NULL,
    message TEXT NOT NULL,
    doc TEXT NOT NULL,
    duration REAL NOT NULL,
    PRIMARY KEY (submission_id, name)
);
"""


@dataclass
class LessonRow:
    lesson: str
    title: str
    position: int
    status: str
    passed: int
    total: int
    points: float
    max_points: float
    duration: float
    message: str


@dataclass
class TestRow:
    name: str
    lesson: str
    hidden: bool
    status: str
    message: str
    doc: str  # the first line of the test's docstring
    duration: float


@dataclass
class Graded:
    student: str
    repository: str
    commit: str
    grader_version: str
    course: str
    course_version: str
    duration: float
    problem: str = ""
    isolation: str = ""  # how the student code was isolated: "bwrap", "process-uid", ...
    caps: str = ""  # how its memory, processes and CPU were capped: "cgroup2", "cgroup1", ...
    basis: str = ""  # why this commit: "HEAD", "--commit", "collected <time>", ...
    dates: list[str] = field(default_factory=list)  # commits whose dates disagree with records
    # When the submission counts as handed in (ISO 8601 with offset): the trusted time the
    # instructor's side first saw the commit. Empty: the grading time, the latest moment the
    # instructor can vouch for.
    submitted_at: str = ""
    tamper: list[str] = field(default_factory=list)
    lessons: list[LessonRow] = field(default_factory=list)
    tests: list[TestRow] = field(default_factory=list)

    @property
    def points(self) -> float:
        return round(sum(r.points for r in self.lessons), 2)

    @property
    def max_points(self) -> float:
        return round(sum(r.max_points for r in self.lessons), 2)


def _merge(earlier: list[str], new: list[str]) -> list[str]:
    """Date flags of earlier gradings first, then the new ones, each once."""
    return list(dict.fromkeys([*earlier, *new]))


class Gradebook:
    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(str(path), timeout=30, isolation_level=None)
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA foreign_keys=ON")
        self.db.execute("PRAGMA synchronous=NORMAL")
        with self.transaction():
            for statement in SCHEMA.split(";"):
                if statement.strip():
                    self.db.execute(statement)
            self._migrate()
            self.db.execute(
                "INSERT OR REPLACE INTO meta(key, value) VALUES ('schema_version', ?)",
                (SCHEMA_VERSION,),
            )

    def _migrate(self) -> None:
        """Bring a gradebook of an earlier schema up to date (idempotent)."""
        columns = {row[1] for row in self.db.execute("PRAGMA table_info(submissions)")}
        for name, decl in MIGRATIONS:
            if name not in columns:
                self.db.execute(f"ALTER TABLE submissions ADD COLUMN {name} {decl}")

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Gradebook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def has(self, student: str, commit: str) -> bool:
        row = self.db.execute(
            "SELECT 1 FROM submissions WHERE student = ? AND commit_sha = ?", (student, commit)
        ).fetchone()
        return row is not None

    def record(self, graded: Graded) -> int:
        """Store one graded submission, replacing an earlier grading of the same commit; the
        date flags of that earlier grading are kept (evidence is never dropped)."""
        now = time.strftime("%Y-%m-%dT%H:%M:%S%z")
        with self.transaction() as db:
            dates = _merge(self._date_flags(graded.student, graded.commit), graded.dates)
            db.execute(
                "DELETE FROM submissions WHERE student = ? AND commit_sha = ?",
                (graded.student, graded.commit),
            )
            cur = db.execute(
                "INSERT INTO submissions (student, repository, commit_sha, graded_at, "
                "grader_version, course, course_version, points, max_points, duration, problem, "
                "tampered, tamper_detail, isolation, caps, basis, date_flags, submitted_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    graded.student,
                    graded.repository,
                    graded.commit,
                    now,
                    graded.grader_version,
                    graded.course,
                    graded.course_version,
                    graded.points,
                    graded.max_points,
                    round(graded.duration, 3),
                    graded.problem,
                    int(bool(graded.tamper)),
                    "\n".join(graded.tamper),
                    graded.isolation,
                    graded.caps,
                    graded.basis,
                    "\n".join(dates),
                    graded.submitted_at or now,
                ),
            )
            sid = int(cur.lastrowid or 0)
            db.executemany(
                "INSERT INTO lessons VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        sid,
                        r.lesson,
                        r.title,
                        r.position,
                        r.status,
                        r.passed,
                        r.total,
                        r.points,
                        r.max_points,
                        round(r.duration, 4),
                        r.message,
                    )
                    for r in graded.lessons
                ],
            )
            db.executemany(
                "INSERT OR REPLACE INTO tests VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        sid,
                        t.name,
                        t.lesson,
                        int(t.hidden),
                        t.status,
                        t.message,
                        t.doc,
                        round(t.duration, 4),
                    )
                    for t in graded.tests
                ],
            )
        return sid

    def _date_flags(self, student: str, commit: str) -> list[str]:
        row = self.db.execute(
            "SELECT date_flags FROM submissions WHERE student = ? AND commit_sha = ?",
            (student, commit),
        ).fetchone()
        return [line for line in (row[0] if row else "").splitlines() if line]

    def add_date_flags(self, student: str, commit: str, flags: list[str]) -> int:
        """Add date flags to the grading of (student, commit) that is already recorded (a
        later --deadline run that skipped it found them); returns how many were new."""
        with self.transaction() as db:
            earlier = self._date_flags(student, commit)
            merged = _merge(earlier, flags)
            db.execute(
                "UPDATE submissions SET date_flags = ? WHERE student = ? AND commit_sha = ?",
                ("\n".join(merged), student, commit),
            )
        return len(merged) - len(earlier)

    # -- the records of what was seen when ---------------------------------------------------
    def record_sighting(
        self,
        student: str,
        repository: str,
        head: str,
        commits: list[tuple[str, int, int]],
        source: str,
        now: float | None = None,
    ) -> int:
        """Record that `student`'s repository had `head` (and `commits`, its history) now, by
        the grader's clock: the evidence deadlines are decided by. Returns how many commits
        were seen for the first time."""
        when = time.time() if now is None else now
        with self.transaction() as db:
            before = db.total_changes
            db.executemany(
                "INSERT OR IGNORE INTO sightings VALUES (?, ?, ?, ?, ?)",
                [(student, sha, when, a, c) for sha, a, c in commits],
            )
            new = db.total_changes - before
            db.execute(
                "INSERT INTO snapshots VALUES (?, ?, ?, ?, ?)",
                (student, repository, when, head, source),
            )
        return new

    def evidence(self) -> dict[str, Evidence]:
        """student -> the records: collections (oldest first) and first sightings."""
        out: dict[str, Evidence] = {}
        for r in self.db.execute("SELECT * FROM snapshots ORDER BY taken_at, rowid"):
            ev = out.setdefault(r["student"], Evidence())
            ev.snapshots.append(Snapshot(float(r["taken_at"]), r["head"]))
        for r in self.db.execute("SELECT student, commit_sha, first_seen FROM sightings"):
            out.setdefault(r["student"], Evidence()).first_seen[r["commit_sha"]] = float(
                r["first_seen"]
            )
        return out

    # -- reading ------------------------------------------------------------------------------
    def latest(self) -> list[sqlite3.Row]:
        """Each student's most recently graded submission, by student name."""
        return list(
            self.db.execute(
                "SELECT * FROM submissions WHERE id IN "
                "(SELECT MAX(id) FROM submissions GROUP BY student) ORDER BY student"
            )
        )

    def lessons(self, submission_id: int) -> list[sqlite3.Row]:
        return list(
            self.db.execute(
                "SELECT * FROM lessons WHERE submission_id = ? ORDER BY position", (submission_id,)
            )
        )

    def tests(self, submission_id: int) -> list[sqlite3.Row]:
        return list(
            self.db.execute(
                "SELECT * FROM tests WHERE submission_id = ? ORDER BY lesson, hidden, rowid",
                (submission_id,),
            )
        )

    def history(self) -> list[sqlite3.Row]:
        """Every graded submission, each student's in the order they were graded."""
        return list(self.db.execute("SELECT * FROM submissions ORDER BY student, id"))

    def lesson_columns(self) -> list[tuple[str, str]]:
        """(lesson id, title) of every lesson in the gradebook, in teaching order."""
        rows = self.db.execute(
            "SELECT lesson, title, MIN(position) AS pos FROM lessons GROUP BY lesson ORDER BY pos"
        )
        return [(r["lesson"], r["title"]) for r in rows]

    def summary(self) -> dict[str, Any]:
        """student -> {lesson id: points} for each student's latest submission."""
        out: dict[str, Any] = {}
        for sub in self.latest():
            out[sub["student"]] = {r["lesson"]: r["points"] for r in self.lessons(sub["id"])}
        return out
