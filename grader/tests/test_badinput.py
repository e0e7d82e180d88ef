"""Bad input to `hexahype grade`: each broken submission gets a one-line reason in the report,
and the batch goes on (a correct submission graded in the same batch gets every point).

The course is a temporary copy of the instructor's with lesson 1.1 only.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from grader import manifest

KIT = Path(__file__).resolve().parents[2]
LESSON = "1.1"

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def _copy(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dst)


def git(repo: Path, *args: str) -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "S",
        "GIT_AUTHOR_EMAIL": "s@example.org",
        "GIT_COMMITTER_NAME": "S",
        "GIT_COMMITTER_EMAIL": "s@example.org",
        "GIT_AUTHOR_DATE": "2030-01-01T12:00:00Z",
        "GIT_COMMITTER_DATE": "2030-01-01T12:00:00Z",
    }
    subprocess.run(
        ["git", "-c", "init.defaultBranch=main", *args],
        cwd=repo,
        env=env,
        check=True,
        capture_output=True,
    )


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> dict:
    work = tmp_path_factory.mktemp("badinput")
    root = work / "course"
    live = manifest.load(KIT)
    lesson = live.get(LESSON)
    for name in ("course.toml", "pyproject.toml"):
        _copy(KIT / name, root / name)
    shutil.copytree(
        KIT / "grader", root / "grader", ignore=shutil.ignore_patterns("__pycache__", "tests")
    )
    for path in (lesson.exercise_path, lesson.solution_path, lesson.test_path):
        _copy(path, root / path.relative_to(KIT))
    if lesson.hidden_test_path.exists():
        _copy(lesson.hidden_test_path, root / lesson.hidden_test_path.relative_to(KIT))
    init = KIT / "exercises" / lesson.package / "__init__.py"
    _copy(init, root / "exercises" / lesson.package / "__init__.py")
    return {"work": work, "root": root, "lesson": lesson}


def module_path(base: Path, lesson: manifest.Lesson) -> Path:
    return base / lesson.exercise_path.relative_to(KIT)


def solution(lesson: manifest.Lesson) -> str:
    return lesson.solution_path.read_text(encoding="utf-8")


# name -> (how to build the submission in a folder, a phrase its report line must hold)
def build(name: str, dest: Path, lesson: manifest.Lesson) -> None:
    target = module_path(dest, lesson)
    target.parent.mkdir(parents=True, exist_ok=True)
    if name == "good":
        target.write_text(solution(lesson))
    elif name == "missing-module":
        (target.parent / "notes.txt").write_text("nothing here yet")
    elif name == "syntax-error":
        target.write_text(solution(lesson) + "\ndef broken(:\n    pass\n")
    elif name == "wrong-signature":
        text = solution(lesson)
        for task in lesson.tasks:
            text += f"\n\ndef {task}():\n    return None\n"
        target.write_text(text)
    elif name == "non-utf8":
        target.write_bytes(solution(lesson).encode() + b"\n# \xff\xfe latin-1 \xe9\n")
    elif name == "huge-file":
        target.write_text(solution(lesson) + "\n" + ("# padding\n" * 40000))
    elif name == "binary-file":
        target.write_bytes(b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 8)
    elif name == "symlink-out":
        target.symlink_to("/etc/passwd")
    elif name == "symlink-in-git":
        target.symlink_to("/etc/hostname")
        git(dest, "init", "-q")
        git(dest, "add", "-A")
        git(dest, "commit", "-q", "-m", "link")
    elif name == "empty-repository":
        git(dest, "init", "-q")
    elif name == "import-error":
        target.write_text(solution(lesson) + "\nimport this_module_does_not_exist\n")
    else:  # pragma: no cover
        raise AssertionError(name)


CASES = {
    "missing-module": "is missing",
    "syntax-error": "syntax error",
    "wrong-signature": "TypeError",
    "non-utf8": "not UTF-8 text",
    "huge-file": "byte cap",
    "binary-file": "binary file",
    "symlink-out": "not a regular file",
    "symlink-in-git": "not a regular file",
    "empty-repository": "has no commit",
    "import-error": "ModuleNotFoundError",
}


def grade(root: Path, batch: Path, db: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "HEXAHYPE_"))}
    return subprocess.run(
        [sys.executable, "-m", "grader.cli", "grade", str(batch), "--gradebook", str(db)]
        + ["--timeout", "10", "--jobs", "2", "--max-file-kb", "64", *extra],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
    )


@pytest.fixture(scope="module")
def report(setup: dict) -> dict:
    batch = setup["work"] / "batch"
    for name in ["good", *CASES]:
        (batch / name).mkdir(parents=True)
        (batch / name / "exercises").mkdir()
        build(name, batch / name, setup["lesson"])
    db = setup["work"] / "gradebook.sqlite"
    proc = grade(setup["root"], batch, db)
    lines = {}
    for line in proc.stdout.splitlines():
        head = line.split(" ", 1)[0].rstrip(":")
        lines[head] = line
    return {"proc": proc, "lines": lines, "db": db}


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_submission_gets_one_line_reason(name: str, report: dict) -> None:
    line = report["lines"].get(name)
    assert line is not None, report["proc"].stdout + report["proc"].stderr
    assert CASES[name] in line, line
    assert "\n" not in line and len(line) < 1500
    with sqlite3.connect(report["db"]) as con:
        row = con.execute(
            "SELECT l.points FROM lessons l JOIN submissions s ON s.id = l.submission_id "
            "WHERE s.student = ?",
            (name,),
        ).fetchone()
    assert row is None or row[0] == 0.0  # unreadable ones are not recorded at all


def test_the_batch_goes_on(report: dict, setup: dict) -> None:
    proc = report["proc"]
    assert proc.returncode == 1  # some submissions were unreadable
    assert "Traceback" not in proc.stdout + proc.stderr
    with sqlite3.connect(report["db"]) as con:
        got = con.execute(
            "SELECT l.points FROM lessons l JOIN submissions s ON s.id = l.submission_id "
            "WHERE s.student = 'good'"
        ).fetchone()
    assert got == (float(setup["lesson"].points),)


def test_bad_deadline_and_commit(setup: dict) -> None:
    batch = setup["work"] / "dated"
    repo = batch / "repo"
    (repo / "exercises").mkdir(parents=True)
    build("good", repo, setup["lesson"])
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "work")
    plain = batch / "no-git"
    (plain / "exercises").mkdir(parents=True)
    build("good", plain, setup["lesson"])
    db = setup["work"] / "dated.sqlite"
    early = grade(setup["root"], batch, db, "--deadline", "2000-01-01T00:00:00")
    assert "no record of this repository" in early.stdout, early.stdout
    assert "--commit and --deadline need a git repository" in early.stdout
    for bad in ("0123456789abcdef0123", "HEAD", "main", "not a date ~^:"):
        proc = grade(setup["root"], repo, db, "--at", bad)
        assert proc.returncode == 2, (bad, proc.stdout + proc.stderr)
        assert "not a full commit id" in proc.stderr or "is not a date" in proc.stderr, bad
        assert "Traceback" not in proc.stderr and proc.stderr.count("\n") == 1, proc.stderr
    missing = grade(setup["root"], repo, db, "--commit", "0" * 40)
    assert "is not in this repository" in missing.stdout, missing.stdout
    assert "Traceback" not in early.stderr + missing.stderr
