"""Golden submissions: a plain learner `pytest` on each must report exactly what its
expected.json says (see goldens/README.md; `--update-goldens` rewrites them)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from grader import manifest

from .conftest import calm, copy_course

HERE = Path(__file__).resolve().parent / "goldens"
GOLDENS = sorted(p.name for p in HERE.iterdir() if p.is_dir())


def _apply(golden: Path, course: Path) -> None:
    overlay = golden / "overlay"
    if overlay.is_dir():
        for src in overlay.rglob("*"):
            if src.is_file():
                dest = course / src.relative_to(overlay)
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(src, dest)
    listing = golden / "solutions.txt"
    if listing.exists():
        wanted = listing.read_text(encoding="utf-8").split()
        model = manifest.load(course)
        for entry in model.entries:
            if "all" in wanted or entry.id in wanted:
                shutil.copy(entry.solution_path, entry.exercise_path)


def _outcome(course: Path) -> tuple[int, dict]:
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=course,
        capture_output=True,
        text=True,
        timeout=600,
    )
    doc = json.loads((course / ".hexahype" / "results.json").read_text(encoding="utf-8"))
    lessons = {
        entry["id"]: {
            "status": entry["status"],
            "passed": entry["passed"],
            "total": entry["total"],
            "message": calm(entry["message"].split("\n")[0]),
        }
        for entry in doc["lessons"]
    }
    return proc.returncode, {"exit_status": proc.returncode, "lessons": lessons}


@pytest.mark.parametrize("name", GOLDENS)
def test_golden_submission(name, tmp_path, request):
    golden = HERE / name
    course = copy_course(tmp_path / "course")
    _apply(golden, course)
    _, got = _outcome(course)
    expected_path = golden / "expected.json"
    if request.config.getoption("--update-goldens"):
        expected_path.write_text(
            json.dumps(got, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
    assert expected_path.exists(), f"{name}: no expected.json (run with --update-goldens)"
    expected = json.loads(expected_path.read_text(encoding="utf-8"))
    assert got["exit_status"] == expected["exit_status"]
    for lesson_id, want in expected["lessons"].items():
        assert got["lessons"].get(lesson_id) == want, f"{name}: lesson {lesson_id} changed"
    assert sorted(got["lessons"]) == sorted(expected["lessons"])
