"""What each known mistake produces, and which students' failures match it.

The misconception bank (`grader/tests/misconceptions/<chapter>/<module>/*.py`, in the
instructor's checkout) holds, per lesson, functions written with one typical mistake each. A
mistake's *signature* is what the real grading pipeline reports for the reference solution with
that mistake appended: the lesson's failing tests and the shape of each failure message. The
signatures are computed by grading such variants exactly like a student's submission (the same
staging, worker, sandbox and harness), several lessons' mistakes in one variant since lessons are
graded independently, and cached by content hash next to the gradebook.

A student's lesson *hits* a mistake when every test in its signature fails for the student with
a message of the same shape.
"""

from __future__ import annotations

import ast
import hashlib
import json
import shutil
import tempfile
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ... import __version__, progressbar
from ...files import write_json
from ...manifest import Course, Lesson
from ...results import TestStatus
from .. import batch
from ..gradebook import TestRow
from ..sources import Submission
from .shapes import shape

BANK = Path("grader") / "tests" / "misconceptions"
CACHE_VERSION = 1


@dataclass
class Signature:
    lesson: str
    name: str
    doc: str  # the file's docstring: the mistake in one line
    failing: dict[str, str]  # failing test id -> message shape
    tests: list[dict[str, Any]] = field(default_factory=list)  # every test row, for synthesis

    def to_json(self) -> dict[str, Any]:
        return {
            "lesson": self.lesson,
            "name": self.name,
            "doc": self.doc,
            "failing": self.failing,
            "tests": self.tests,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Signature:
        return cls(
            data["lesson"], data["name"], data["doc"], dict(data["failing"]), list(data["tests"])
        )

    def matches(self, failures: dict[str, str]) -> bool:
        """Whether a student's failing tests of this lesson (test id -> message shape) show
        this mistake."""
        return bool(self.failing) and all(failures.get(t) == s for t, s in self.failing.items())


def bank_dir(course: Course, lesson: Lesson) -> Path:
    return course.root / BANK / lesson.package / lesson.name


def bank(course: Course, lessons: Iterable[Lesson]) -> dict[str, list[Path]]:
    """lesson id -> its misconception files (empty when the checkout has no bank)."""
    out: dict[str, list[Path]] = {}
    for lesson in lessons:
        folder = bank_dir(course, lesson)
        files = sorted(
            p for p in folder.glob("*.py") if p.name not in ("__init__.py", "conftest.py")
        )
        if files:
            out[lesson.id] = files
    return out


def _doc(path: Path) -> str:
    try:
        doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    except SyntaxError:
        doc = ""
    return doc.strip().splitlines()[0] if doc.strip() else path.stem.replace("_", " ")


def _key(course: Course, lesson: Lesson, path: Path) -> str:
    h = hashlib.sha256(f"{CACHE_VERSION} {__version__} {lesson.id}".encode())
    for part in (
        lesson.solution_path,
        lesson.test_path,
        lesson.hidden_test_path,
        path,
        course.root / "tests" / "conftest.py",
    ):
        h.update(part.read_bytes() if part.is_file() else b"-")
    return h.hexdigest()


def variant_text(lesson: Lesson, path: Path) -> str:
    """The reference solution with the mistake appended (its functions redefine the
    solution's), as verify builds it."""
    return (
        lesson.solution_path.read_text(encoding="utf-8")
        + "\n\n# ---- misconception ----\n"
        + path.read_text(encoding="utf-8")
    )


def failures(tests: Iterable[TestRow | dict[str, Any]]) -> dict[str, str]:
    """test id -> message shape, for the tests that did not pass."""
    out = {}
    for t in tests:
        name, status, message = (
            (t.name, t.status, t.message)
            if isinstance(t, TestRow)
            else (str(t["name"]), str(t["status"]), str(t["message"]))
        )
        if status != TestStatus.PASSED.value:
            out[name] = shape(message)
    return out


def signatures(
    course: Course,
    cache: Path,
    jobs: int = 2,
    opts: batch.Options | None = None,
    progress: Callable[[str], None] = lambda line: None,
) -> list[Signature]:
    """The signature of every mistake in the bank for the gradable lessons, from the cache
    where it is fresh, else by grading variants."""
    lessons = [e for e in batch.gradable(course) if e.is_lesson]
    found = bank(course, lessons)
    if not found:
        return []
    by_id = {e.id: e for e in lessons}
    try:
        stored = json.loads(cache.read_text(encoding="utf-8")) if cache.is_file() else {}
    except (OSError, ValueError):
        stored = {}
    entries: dict[str, Any] = (
        stored.get("signatures", {}) if stored.get("version") == CACHE_VERSION else {}
    )
    keys = {(lid, p): _key(course, by_id[lid], p) for lid, paths in found.items() for p in paths}
    todo: dict[str, list[Path]] = {}
    for (lid, path), key in keys.items():
        if key not in entries:
            todo.setdefault(lid, []).append(path)
    if todo:
        progress(
            f"grading {sum(map(len, todo.values()))} misconception variants (cached in {cache})"
        )
        done = _grade(course, by_id, todo, keys, jobs, opts or batch.Options(), progress)
        entries.update(done)
        write_json(cache, {"version": CACHE_VERSION, "signatures": entries})
    return [
        Signature.from_json(entries[keys[(lid, p)]])
        for lid, paths in found.items()
        for p in paths
        if keys[(lid, p)] in entries
    ]


def _grade(
    course: Course,
    by_id: dict[str, Lesson],
    todo: dict[str, list[Path]],
    keys: dict[tuple[str, Path], str],
    jobs: int,
    opts: batch.Options,
    progress: Callable[[str], None] = lambda line: None,
) -> dict[str, Any]:
    """Grade round r: one variant holding the r-th pending mistake of every lesson."""
    full = batch.plan(course, opts)
    rounds = max(len(paths) for paths in todo.values())
    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="hexahype-mistakes-") as tmp:
        subs: list[Submission] = []
        chosen: dict[str, dict[str, Path]] = {}
        for r in range(rounds):
            folder = Path(tmp) / f"round{r}"
            shutil.copytree(
                course.root / "solutions",
                folder / "exercises",
                ignore=shutil.ignore_patterns("__pycache__"),
            )
            picks = {lid: paths[r] for lid, paths in todo.items() if r < len(paths)}
            for lid, path in picks.items():
                target = folder / "exercises" / by_id[lid].package / by_id[lid].solution_path.name
                target.write_text(variant_text(by_id[lid], path), encoding="utf-8")
            chosen[f"round{r}"] = picks
            subs.append(Submission(f"round{r}", str(folder), str(folder)))
        plans = {}
        for sub in subs:
            ids = set(chosen[sub.student])
            plans[sub.student] = replace(
                full,
                lessons=[e for e in full.lessons if e.id in ids],
                expected={k: v for k, v in full.expected.items() if k in ids},
            )
        with (
            ThreadPoolExecutor(max_workers=max(1, jobs)) as pool,  # each round its own lessons
            progressbar.Counter(len(subs), "grading misconception variants") as counter,
        ):
            futures = {
                pool.submit(
                    batch.grade_one, course, plans[sub.student], sub, opts, lambda s, c: False
                ): sub.student
                for sub in subs
            }
            results = {}
            for future in as_completed(futures):
                results[futures[future]] = future.result()
                counter.advance()
                if not counter.live:
                    progress(f"graded variant round {counter.note()}")
        for student, picks in chosen.items():
            graded = results[student].graded
            rows = graded.tests if graded is not None else []
            for lid, path in picks.items():
                mine = [t for t in rows if t.lesson == lid]
                sig = Signature(
                    lid,
                    path.stem,
                    _doc(path),
                    failures(mine),
                    [
                        {
                            "name": t.name,
                            "status": t.status,
                            "message": t.message,
                            "doc": t.doc,
                            "hidden": t.hidden,
                        }
                        for t in mine
                    ],
                )
                out[keys[(lid, path)]] = sig.to_json()
    return out
