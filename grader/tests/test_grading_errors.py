"""A suite that cannot be collected is a grading error, never the student's failure.

A copy of the course with lessons 1.1 and 1.2, whose 1.2 test module imports a module that
does not exist (visible for the learner's pytest, hidden for `hexahype grade`): that lesson
stops with one line naming the module and the exception, is recorded with the status `error`
and never as points lost, the command exits non-zero, and lesson 1.1 is graded as usual.
Gradescope's results.json keeps hidden points out of anything shown before release.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from grader import manifest
from grader.integrations import engine, gradescope
from grader.results import LessonOutcome, Status, TestOutcome, TestStatus
from grader.tests.conftest import kit_snapshot

KIT = Path(__file__).resolve().parents[2]
LESSONS = ("1.1", "1.2")
BROKEN = "import hexahype_no_such_module  # the course's own mistake\n"


def course_copy(dest: Path, broken: str) -> Path:
    """Lessons 1.1 and 1.2 of the course, with 1.2's visible or hidden test module broken."""
    live = manifest.load(KIT)
    kit_snapshot(dest, [live.get(i) for i in LESSONS])
    lesson = manifest.load(dest).get("1.2")
    target = lesson.hidden_test_path if broken == "hidden" else lesson.test_path
    target.write_text(BROKEN + target.read_text(encoding="utf-8"), encoding="utf-8")
    return dest


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "HEXAHYPE_"))}


def test_learner_pytest_reports_a_grading_error_and_runs_the_other_lessons(
    tmp_path: Path,
) -> None:
    root = course_copy(tmp_path / "course", "visible")
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "tests", "--impl", "solutions", "-p", "no:cacheprovider"],
        cwd=root,
        capture_output=True,
        text=True,
        env=_env(),
        timeout=300,
    )
    out = proc.stdout
    assert proc.returncode != 0, out[-2000:]
    line = next(s for s in out.splitlines() if s.startswith("1.2 "))
    assert "error" in line, out[-2000:]
    assert "grading error: tests/ch1_tokens/test_l02_tokens.py cannot be collected" in " ".join(
        out.split()
    )
    assert "ModuleNotFoundError" in out and "not your code" in out
    assert "done ✓" in next(s for s in out.splitlines() if s.startswith("1.1 ")), out[-2000:]


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    work = tmp_path_factory.mktemp("grading-error")
    root = course_copy(work / "course", "hidden")
    sub = work / "subs" / "alice"
    shutil.copytree(root / "solutions", sub / "exercises")
    book = work / "book.sqlite"
    proc = subprocess.run(
        [sys.executable, "-m", "grader.cli", "grade", str(work / "subs"), "--gradebook", str(book)],
        cwd=root,
        capture_output=True,
        text=True,
        env=_env(),
        timeout=600,
    )
    with sqlite3.connect(book) as con:
        rows = {
            lesson: (status, points, message)
            for lesson, status, points, message in con.execute(
                "SELECT lesson, status, points, message FROM lessons"
            )
        }
    return {"proc": proc, "rows": rows}


def test_hexahype_grade_records_a_grading_error_and_exits_non_zero(graded: dict) -> None:
    proc = graded["proc"]
    assert proc.returncode == 1, proc.stdout + proc.stderr
    errors = [s for s in proc.stderr.splitlines() if "GRADING ERROR" in s]
    assert len(errors) == 1, proc.stderr
    assert "lesson 1.2" in errors[0] and "test_l02_tokens.py" in errors[0]
    assert "No module named 'hexahype_no_such_module'" in errors[0]
    rows = graded["rows"]
    assert rows["1.2"][0] == Status.ERROR.value and "grading error" in rows["1.2"][2]
    assert rows["1.1"][0] == Status.DONE.value and rows["1.1"][1] == 10


def test_gradescope_keeps_hidden_points_out_of_what_is_shown() -> None:
    course = manifest.load(KIT)
    lesson = course.get("1.3")
    tests = [
        TestOutcome("tests/ch1_tokens/test_l03_bpe.py::test_a", "1.3", TestStatus.PASSED),
        TestOutcome("tests/hidden/ch1_tokens/test_l03_bpe.py::test_b", "1.3", TestStatus.FAILED),
    ]
    broken = TestOutcome(
        "tests/hidden/ch1_tokens/test_l04_tokenizers.py",
        "1.4",
        TestStatus.SUITE_ERROR,
        "grading error: tests/hidden/ch1_tokens/test_l04_tokenizers.py cannot be collected: "
        "ModuleNotFoundError: No module named 'x'",
    )
    outcome = engine.Outcome(
        lessons=[
            LessonOutcome("1.3", lesson.title, 10.0, tests),
            LessonOutcome("1.4", "Tokenizers in practice", 10.0, [broken]),
        ]
    )
    for visibility in ("hidden", "after_due_date", "after_published"):
        doc = gradescope.results_document(course, outcome, visibility, 1.0)
        assert "score" not in doc, visibility
        shown = [r for r in doc["tests"] if r["visibility"] == "visible"]
        assert all("hidden" not in r["tags"] for r in shown)
        assert "5 / 5 points from the visible checks" in doc["output"], doc["output"]
    doc = gradescope.results_document(course, outcome, "visible", 1.0)
    assert doc["score"] == 5.0 and "5 / 10 points" in doc["output"]
    error_row = next(r for r in doc["tests"] if "grading error" in r["tags"])
    assert error_row["score"] == error_row["max_score"] == 0 and error_row["status"] == "failed"
    assert "not your code" in error_row["output"] and "Grading error in lesson 1.4" in doc["output"]
    json.dumps(doc)
