"""The `hexahype` command on a throw-away copy of the course."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from grader import cli, manifest

ROOT = Path(__file__).resolve().parents[2]


def hexahype(
    course: Path, *args: str, input: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "grader.cli", *args],
        cwd=course,
        capture_output=True,
        text=True,
        input=input,
        timeout=300,
        env={**os.environ, "COLUMNS": "300"},  # one line per sentence: nothing wraps
    )


def _rel(course: manifest.Course, path: Path) -> str:
    return path.relative_to(course.root).as_posix()


def test_dashboard_on_a_fresh_copy_lists_every_entry_and_nothing_done(course_copy):
    course = manifest.load(course_copy)
    r = hexahype(course_copy)
    assert r.returncode == 0, r.stderr
    rows = [line for line in r.stdout.splitlines() if "│" in line]
    assert [row.split()[0] for row in rows] == [e.id for e in course.entries], r.stdout
    assert all(row.rstrip().endswith("not started ·") for row in rows), r.stdout
    lessons, quizzes = len(course.core_lessons), len(course.quizzes)
    assert f"0 of {lessons} lessons done · 0 of {quizzes} quizzes done" in r.stdout, r.stdout
    extra = [e for e in course.lessons if e.optional]
    assert f"capstone: 0 of {len(extra)}" in r.stdout, r.stdout
    first = course.lessons[0]
    want = (
        f"Next: Read {_rel(course, first.text_path)} (or: hexahype lesson {first.id}), "
        f"fill in {_rel(course, first.exercise_path)}, then: hexahype check {first.id}"
    )
    assert want in r.stdout, r.stdout


def test_a_solved_lesson_shows_done_on_the_dashboard(course_copy):
    shutil.copy(
        ROOT / "solutions/ch1_tokens/l03_bpe.py", course_copy / "exercises/ch1_tokens/l03_bpe.py"
    )
    r = hexahype(course_copy)
    lessons = len(manifest.load(course_copy).core_lessons)
    assert f"1 of {lessons} lessons done" in r.stdout, r.stdout
    line = next(line for line in r.stdout.splitlines() if line.startswith("1.3 "))
    assert "done ✓" in line


def test_check_reports_not_started_then_a_named_failure(course_copy):
    r = hexahype(course_copy, "check", "1.3")
    assert r.returncode == 1
    assert "not started" in r.stdout and "Traceback" not in r.stdout
    solution = (ROOT / "solutions/ch1_tokens/l03_bpe.py").read_text(encoding="utf-8")
    mistake = ROOT / "grader/tests/misconceptions/ch1_tokens/l03_bpe/merge_overlapping.py"
    wrong = solution + "\n" + mistake.read_text(encoding="utf-8")
    (course_copy / "exercises/ch1_tokens/l03_bpe.py").write_text(wrong, encoding="utf-8")
    r = hexahype(course_copy, "check", "1.3")
    assert r.returncode == 1
    assert "merge([5, 5, 5], (5, 5), 256) returned [256, 256], expected [256, 5]" in r.stdout
    assert "Hint: after a match, jump past both halves" in r.stdout
    assert "failing ✗" in r.stdout and "stuck? hexahype hint 1.3" in r.stdout


def test_hints_are_progressive_and_remembered(course_copy):
    first = hexahype(course_copy, "hint", "1.3").stdout
    second = hexahype(course_copy, "hint", "1.3").stdout
    assert "Hint 1 of" in first and "Hint 2 of" in second
    assert first.split("\n", 1)[1] != second.split("\n", 1)[1]
    hexahype(course_copy, "hint", "1.3", "--reset")
    assert "Hint 1 of" in hexahype(course_copy, "hint", "1.3").stdout


@pytest.mark.parametrize(
    "args, phrase",
    [
        (["check", "9.9"], "unknown lesson id '9.9'"),
        (["hint", "x"], "unknown lesson id 'x'"),
        (["lesson", "3"], "unknown lesson id '3'"),
        (["frobnicate"], "unknown verb 'frobnicate'"),
        (["check"], "the following arguments are required: lesson"),
        (["watch", "--interval", "soon"], "invalid float value"),
    ],
)
def test_bad_arguments_give_one_clear_line_and_exit_2(course_copy, args, phrase):
    r = hexahype(course_copy, *args)
    assert r.returncode == 2
    lines = [line for line in r.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and phrase in lines[0], r.stderr
    assert r.stderr.startswith("hexahype")


def test_lesson_renders_in_the_terminal(course_copy):
    r = hexahype(course_copy, "lesson", "1.3")
    assert r.returncode == 0
    assert "Byte pair encoding" in r.stdout and "figure:" in r.stdout
    assert "hexahype check 1.3" in r.stdout


def test_list_shows_every_entry(course_copy):
    r = hexahype(course_copy, "list")
    assert r.returncode == 0
    entries = manifest.load(course_copy).entries
    lines = r.stdout.strip().splitlines()
    assert [line.split()[0] for line in lines] == [e.id for e in entries]
    assert [line.endswith("(capstone)") for line in lines] == [e.optional for e in entries]


def test_watch_runs_the_current_lesson(course_copy):
    r = hexahype(course_copy, "watch", "1.3", "--max-runs", "1")
    assert r.returncode == 0
    assert "hexahype watch · 1.3 Byte pair encoding" in r.stdout and "not started" in r.stdout


def test_help_lists_the_verbs(capsys):
    assert cli.main(["--help"]) == 0
    out = capsys.readouterr().out
    for verb in ("check", "hint", "lesson", "watch", "quiz", "verify", "grade", "release"):
        assert f"  {verb}" in out


def test_outside_a_course_says_so(tmp_path):
    r = subprocess.run(
        [sys.executable, "-m", "grader.cli", "list"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 2 and "no course.toml" in r.stderr


def test_the_dashboard_counts_the_capstone_apart_and_offers_it_last(course_copy):
    from grader.learner import state

    course = manifest.load(course_copy)
    done = {
        e.id: {"status": "done", "fingerprint": state.fingerprint(e.exercise_path)}
        for e in course.entries
        if not e.optional
    }
    state.update_lessons(course_copy, done)
    r = hexahype(course_copy, "--no-refresh")
    assert "15 of 15 lessons done · 2 of 2 quizzes done · capstone: 0 of 3" in r.stdout
    text = " ".join(r.stdout.split())
    assert "Next: All 15 lessons are done. The optional capstone runs a real chat model" in text
    assert "lessons/ch3_real_model/3.1-what-changed-since-gpt-2.md" in text


@pytest.mark.parametrize("unbuffered", ["1", ""])
def test_a_reader_that_goes_away_gets_no_traceback(course_copy, unbuffered):
    """`hexahype list | head -1`: the pipe closes before hexahype has written everything."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    if unbuffered:
        env["PYTHONUNBUFFERED"] = unbuffered
    proc = subprocess.Popen(
        [sys.executable, "-m", "grader.cli", "list"],
        cwd=course_copy,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # the reader is gone before the first line
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=300) == 0
    assert "Traceback" not in err and "BrokenPipeError" not in err, err
