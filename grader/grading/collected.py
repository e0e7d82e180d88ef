"""The collection of a course's suites, made once when a bundle is built and read where it runs.

Grading needs each lesson's expected test ids (a test that never reports scores 0) and the
tests' docstrings. `hexahype grade` collects them once per batch; a platform's runner (Classroom
50, Gradescope, a declarative test) grades one submission per process, so it would pay a
collection-only pytest run and a parse of every suite for each submission, about a fifth of its
time. The bundle builders store the collection in `tests/hidden/collected.json` (beside the
hidden suites, which it names, so it never reaches the template). A runner uses it only when
every suite file it names has the text it was made from, and the kit, pytest and Python are the
versions it was made with; otherwise it collects as `hexahype grade` does. A suite that the
runner then cannot import still reports as a grading error (the harness run's `SUITE_ERROR`,
read in `batch._rows`), never as points lost.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from .. import __version__
from ..manifest import Course, Lesson

PATH = "tests/hidden/collected.json"
FORMAT = 1
# (lesson id -> test ids, lesson id -> (file, error), (file, function) -> docstring line)
Collection = tuple[dict[str, list[str]], dict[str, tuple[str, str]], dict[tuple[str, str], str]]


def _stamp() -> dict[str, object]:
    """What a collection depends on besides the suites' text."""
    return {
        "format": FORMAT,
        "kit": __version__,
        "pytest": pytest.__version__,
        "python": list(sys.version_info[:2]),
    }


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _support(course: Course, lessons: list[Lesson]) -> dict[str, str]:
    """The conftest files that can change what these lessons' suites collect (in their
    folders and the folders above, up to the course's root): their digests."""
    found: set[Path] = set()
    for lesson in lessons:
        for path in _files(course, lesson):
            for folder in path.parents:
                if (folder / "conftest.py").is_file():
                    found.add(folder / "conftest.py")
                if folder == course.root:
                    break
    return {p.relative_to(course.root).as_posix(): _digest(p) for p in sorted(found)}


def _files(course: Course, lesson: Lesson) -> list[Path]:
    return [p for p in (lesson.test_path, lesson.hidden_test_path) if p.exists()]


def build(course: Course, lessons: list[Lesson], collect: Callable[[], Collection]) -> bytes:
    """The stored collection of `lessons` (`collect()` runs it); empty when a suite cannot be
    collected (a runner then collects, and reports that grading error itself)."""
    expected, errors, docs = collect()
    if errors:
        return b""
    suites = {}
    for lesson in lessons:
        for path in _files(course, lesson):
            rel = path.relative_to(course.root).as_posix()
            suites[rel] = {
                "sha256": _digest(path),
                "ids": [i for i in expected.get(lesson.id, []) if i.split("::", 1)[0] == rel],
                "docs": {f: d for (file, f), d in sorted(docs.items()) if file == rel},
            }
    doc = {**_stamp(), "support": _support(course, lessons), "suites": suites}
    return (json.dumps(doc, indent=1, sort_keys=True) + "\n").encode("utf-8")


def read(course: Course, lessons: list[Lesson]) -> Collection | None:
    """The stored collection of `lessons`, or None when there is none or it does not fit the
    suites and versions here."""
    try:
        doc = json.loads((course.root / PATH).read_text(encoding="utf-8"))
        if {k: doc.get(k) for k in _stamp()} != _stamp():
            return None
        wanted = _support(course, lessons)
        if any(doc["support"].get(rel) != digest for rel, digest in wanted.items()):
            return None
        expected: dict[str, list[str]] = {}
        docs: dict[tuple[str, str], str] = {}
        for lesson in lessons:
            expected[lesson.id] = []
            for path in _files(course, lesson):
                rel = path.relative_to(course.root).as_posix()
                item = doc["suites"][rel]
                if item["sha256"] != _digest(path):
                    return None
                expected[lesson.id] += [str(i) for i in item["ids"]]
                docs.update({(rel, str(f)): str(d) for f, d in item["docs"].items()})
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    return expected, {}, docs
