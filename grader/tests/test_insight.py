"""After grading, from a real `hexahype grade` batch: the late policy, the CSV, Canvas and Moodle
exports with overrides, the class report (for the batch, for 500 synthetic submissions and for
one, in headless Chromium too), the similarity check and the solutions release.

The kit snapshot holds two lessons (1.1 and 1.3) with their misconception banks. Lesson 1.1's
deadline passed 36 hours before the batch is graded, lesson 1.3's is a month away; every student
has one free late day, and carol has one extra day for lesson 1.1.
"""

from __future__ import annotations

import ast
import csv
import json
import os
import random
import re
import shutil
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from grader import manifest
from grader.authoring import release
from grader.grading.gradebook import Gradebook, Graded, LessonRow
from grader.grading.gradebook import TestRow as GradedTest
from grader.grading.insight import misconceptions, report
from grader.grading.insight.similarity import THRESHOLD, compare
from grader.manifest import Course, Lesson
from grader.results import LessonOutcome, TestOutcome, outcome_of

KIT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).resolve().parent / "data" / "lms"
LESSONS = ("1.1", "1.3")
EVE = "=cmd<b>eve"  # a formula and markup in a student name (a folder name: no slash)
STUDENTS = ("alice", "bob", "carol", "dave", EVE)
MISTAKE_11 = "skips_unknown_characters"
MISTAKE_13 = "merge_first_only"

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


@dataclass
class Kit:
    root: Path
    course: Course
    first: Lesson  # 1.1, late
    second: Lesson  # 1.3, not yet due


def _copy(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dst)


def _with_policy(text: str, first_due: datetime, second_due: datetime) -> str:
    for lesson_id, due in (("1.1", first_due), ("1.3", second_due)):
        text = text.replace(
            f'id = "{lesson_id}"\n', f'id = "{lesson_id}"\ndeadline = "{due.isoformat()}"\n', 1
        )
    return text + (
        '\n[late]\nlate_days = 1\nextensions = "extensions.csv"\npenalty = "per-day"\n'
        "per_day = 0.25\nmax_penalty = 0.5\n"
    )


@pytest.fixture(scope="module")
def kit(tmp_path_factory: pytest.TempPathFactory) -> Kit:
    live = manifest.load(KIT)
    root = tmp_path_factory.mktemp("kit")
    now = datetime.now(timezone.utc).replace(microsecond=0)
    text = (KIT / "course.toml").read_text(encoding="utf-8")
    (root / "course.toml").write_text(
        _with_policy(text, now - timedelta(hours=36), now + timedelta(days=30)), encoding="utf-8"
    )
    _copy(KIT / "pyproject.toml", root / "pyproject.toml")
    shutil.copytree(
        KIT / "grader",
        root / "grader",
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "tests"),
    )
    for top in ("exercises", "solutions"):
        _copy(KIT / top / "ch1_tokens" / "__init__.py", root / top / "ch1_tokens" / "__init__.py")
    for lesson_id in LESSONS:
        entry = live.get(lesson_id)
        for path in entry.files().values():
            _copy(path, root / path.relative_to(KIT))
        bank = misconceptions.bank_dir(live, entry)
        shutil.copytree(bank, root / bank.relative_to(KIT))
    (root / "extensions.csv").write_text("student,days,lesson\ncarol,1,1.1\n", encoding="utf-8")
    course = manifest.load(root)
    return Kit(root, course, course.get("1.1"), course.get("1.3"))


def hexahype(cwd: Path, *args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "HEXAHYPE_"))}
    env["PYTHONPATH"] = str(cwd)
    return subprocess.run(
        [sys.executable, "-m", "grader.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )


def git(repo: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Student",
        "GIT_AUTHOR_EMAIL": "student@example.org",
        "GIT_COMMITTER_NAME": "Student",
        "GIT_COMMITTER_EMAIL": "student@example.org",
    }
    return subprocess.run(
        ["git", "-c", "init.defaultBranch=main", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        env=env,
        check=True,
    ).stdout


class _Rename(ast.NodeTransformer):
    """Rename every local variable (not the parameters, which callers may pass by keyword),
    as a student hiding a copy would."""

    def __init__(self, function: ast.FunctionDef) -> None:
        keep = {a.arg for a in ast.walk(function) if isinstance(a, ast.arg)}
        stored = [
            n.id
            for n in ast.walk(function)
            if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store) and n.id not in keep
        ]
        self.names = {name: f"my_{name}_{i}" for i, name in enumerate(dict.fromkeys(stored))}

    def visit_Name(self, node: ast.Name) -> ast.Name:
        node.id = self.names.get(node.id, node.id)
        return node


def renamed_copy(source: str) -> str:
    tree = ast.parse(source)
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            _Rename(node).visit(node)
    return "# my own work\n" + ast.unparse(tree) + "\n"


def _put(kit: Kit, repo: Path, entry: Lesson, text: str) -> None:
    (repo / entry.exercise_path.relative_to(kit.root)).write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def batch(kit: Kit, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """alice: the reference; carol: first the stubs, then alice's work with every variable
    renamed; bob: his own attempts, each with a known mistake, in the stubs; dave: the stubs;
    eve: the reference of 1.3 with a known mistake (1.1 untouched). Graded twice: the second
    run grades only carol's new commit."""
    work = tmp_path_factory.mktemp("insight")
    template = work / "template"
    release.build(kit.course, template)
    repos = work / "student-repos"
    solution = {e.id: e.solution_path.read_text(encoding="utf-8") for e in (kit.first, kit.second)}
    stub = {e.id: e.exercise_path.read_text(encoding="utf-8") for e in (kit.first, kit.second)}
    bank = {e.id: misconceptions.bank_dir(kit.course, e) for e in (kit.first, kit.second)}
    for name in STUDENTS:
        repo = repos / name
        shutil.copytree(template, repo)
        if name == "alice":
            _put(kit, repo, kit.first, solution["1.1"])
            _put(kit, repo, kit.second, solution["1.3"])
        if name == "bob":
            for entry, mistake in ((kit.first, MISTAKE_11), (kit.second, MISTAKE_13)):
                text = (bank[entry.id] / f"{mistake}.py").read_text(encoding="utf-8")
                _put(kit, repo, entry, _splice(stub[entry.id], text))
        if name == EVE:
            _put(
                kit,
                repo,
                kit.second,
                misconceptions.variant_text(kit.second, bank["1.3"] / f"{MISTAKE_13}.py"),
            )
        git(repo, "init", "-q")
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", "my work")
    db = work / "gradebook.sqlite"
    args = [
        "grade",
        str(repos),
        "--gradebook",
        str(db),
        "--timeout",
        "4",
        "--submission-timeout",
        "120",
    ]
    first = hexahype(kit.root, *args, "--jobs", "2")
    _put(kit, repos / "carol", kit.first, renamed_copy(solution["1.1"]))
    _put(kit, repos / "carol", kit.second, renamed_copy(solution["1.3"]))
    git(repos / "carol", "commit", "-q", "-am", "done")
    second = hexahype(kit.root, *args, "--jobs", "2")
    return {"db": db, "repos": repos, "work": work, "first": first, "second": second, "args": args}


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


# -- the late policy ----------------------------------------------------------------------------
def test_grade_records_lateness(batch: dict, kit: Kit) -> None:
    first, second = batch["first"], batch["second"]
    assert first.returncode == 0, first.stdout + first.stderr
    assert second.returncode == 0, second.stdout + second.stderr
    assert "late: alice 1.1 by 2 day(s), 1 free, -2.5 points" in first.stdout
    assert "late: alice 1.3" not in first.stdout  # not due yet
    assert "late: carol" not in first.stdout and "late: dave" not in first.stdout  # no points
    # her extension: a day late instead of two, and her free day covers it
    assert "late: carol 1.1 by 1 day(s), 1 free, -0 points" in second.stdout
    assert second.stdout.count("skipped, already graded") == len(STUDENTS) - 1
    with sqlite3.connect(batch["db"]) as con:
        rows = con.execute("SELECT student, submitted_at, graded_at FROM submissions").fetchall()
    assert len(rows) == len(STUDENTS) + 1  # carol twice
    for _student, submitted, graded in rows:
        assert submitted == graded and re.fullmatch(
            r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4}", submitted
        )


def test_export_csv_shows_raw_penalty_final(batch: dict, kit: Kit, tmp_path: Path) -> None:
    out = tmp_path / "grades.csv"
    proc = hexahype(kit.root, "gradebook", "--gradebook", str(batch["db"]), "export-csv", str(out))
    assert proc.returncode == 0, proc.stderr
    rows = {r["student"]: r for r in _csv(out)}
    assert set(rows) == {*STUDENTS[:-1], "'" + EVE}  # the formula is inert
    alice = rows["alice"]
    assert (alice["1.1"], alice["1.3"], alice["raw"], alice["penalty"], alice["final"]) == (
        "7.5",
        "10",
        "20",
        "2.5",
        "17.5",
    )
    assert alice["late_days"] == "2" and rows["carol"]["penalty"] == "0"
    assert (rows["carol"]["1.1"], rows["carol"]["final"]) == ("10", "20")  # her second commit
    assert 0 < float(rows["bob"]["raw"]) < 20
    assert rows["dave"]["final"] == "0"
    for row in rows.values():
        assert float(row["final"]) == pytest.approx(float(row["raw"]) - float(row["penalty"]))


def test_overrides_round_trip(batch: dict, kit: Kit, tmp_path: Path) -> None:
    db = tmp_path / "gradebook.sqlite"
    shutil.copyfile(batch["db"], db)
    sheet = tmp_path / "scores.csv"
    book = ("gradebook", "--gradebook", str(db))
    proc = hexahype(kit.root, *book, "export-scores", str(sheet))
    assert proc.returncode == 0, proc.stderr
    rows = _csv(sheet)
    alice = next(r for r in rows if r["student"] == "alice" and r["lesson"] == "1.1")
    assert (alice["raw"], alice["penalty"], alice["final"], alice["override"]) == (
        "10",
        "2.5",
        "7.5",
        "",
    )
    assert (alice["late_days"], alice["free_late_days"], alice["charged_days"]) == ("2", "1", "1")
    assert datetime.fromisoformat(alice["deadline"]) < datetime.fromisoformat(alice["submitted_at"])
    for r in rows:  # the instructor edits two cells
        if r["student"] == "dave" and r["lesson"] == "1.1":
            r["override"], r["note"] = "4.25", "=partial credit, by hand"
    with sheet.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    proc = hexahype(kit.root, *book, "import-overrides", str(sheet))
    assert proc.returncode == 0 and "set 1 overrides" in proc.stdout, proc.stdout + proc.stderr
    again = tmp_path / "again.csv"
    assert hexahype(kit.root, *book, "export-scores", str(again)).returncode == 0
    dave = next(r for r in _csv(again) if r["student"] == "dave" and r["lesson"] == "1.1")
    assert (dave["override"], dave["final"], dave["note"]) == (
        "4.25",
        "0",
        "'=partial credit, by hand",
    )
    grades = tmp_path / "grades.csv"
    assert hexahype(kit.root, *book, "export-csv", str(grades)).returncode == 0
    assert {r["student"]: r["1.1"] for r in _csv(grades)}["dave"] == "4.25"
    # A bad cell names its line and changes nothing.
    lines = again.read_text(encoding="utf-8").splitlines()
    index = next(i for i, line in enumerate(lines) if line.startswith("alice,1.3,"))
    cells = next(csv.reader([lines[index]]))
    cells[list(_csv(again)[0]).index("override")] = "ten"
    lines[index] = ",".join(cells)
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")

    def stored() -> list[tuple]:
        with sqlite3.connect(db) as con:
            return con.execute("SELECT student, lesson, points, note FROM overrides").fetchall()

    before = stored()
    proc = hexahype(kit.root, *book, "import-overrides", str(bad))
    assert proc.returncode == 1 and f"bad.csv line {index + 1}: override 'ten'" in proc.stderr
    assert "1 bad rows skipped" in proc.stdout  # the other rows are still read
    assert stored() == before == [("dave", "1.1", 4.25, "=partial credit, by hand")]


# -- LMS exports --------------------------------------------------------------------------------
def _roster(tmp_path: Path) -> Path:
    path = tmp_path / "roster.csv"
    path.write_text(
        "student,name,canvas_id,sis_user_id,sis_login_id,section,email\n"
        'alice,"Example, Alice",4101,S-1001,alice@example.edu,Section A,alice@example.edu\n'
        'bob,"Example, Bob",4102,S-1002,bob@example.edu,Section B,bob@example.edu\n'
        "carol,Carol Copy,4103,,,Section A,carol@example.edu\n"
        "frank,Frank Absent,4104,,,Section B,frank@example.edu\n",
        encoding="utf-8",
    )
    return path


def test_canvas_export(batch: dict, kit: Kit, tmp_path: Path) -> None:
    out = tmp_path / "canvas.csv"
    proc = hexahype(
        kit.root,
        "gradebook",
        "--gradebook",
        str(batch["db"]),
        "export-canvas",
        str(out),
        "--roster",
        str(_roster(tmp_path)),
    )
    assert proc.returncode == 0, proc.stderr
    with out.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    with (DATA / "canvas-import-example.csv").open(encoding="utf-8", newline="") as fh:
        example = list(csv.reader(fh))
    assert rows[0] == example[0]  # the documented layout, assignment names included
    assert rows[1] == example[1]
    by_name = {r[0]: r for r in rows[2:]}
    assert by_name["Example, Alice"] == [
        "Example, Alice",
        "4101",
        "S-1001",
        "alice@example.edu",
        "Section A",
        "7.5",
        "10",
    ]
    # not in the roster: left out (a row without IDs could match the wrong person), and listed
    assert "dave" not in by_name and "'" + EVE not in by_name
    assert all(r[1] or r[2] or r[3] for r in rows[2:])  # every row carries an ID
    assert "Frank Absent" not in by_name
    left = {r["student"]: r["why"] for r in _csv(tmp_path / "canvas.left-out.csv")}
    assert set(left) == {"dave", "'" + EVE, "frank"}
    assert "no graded submission" in left["frank"]
    assert "dave: not in the roster" in proc.stdout


def test_moodle_export(batch: dict, kit: Kit, tmp_path: Path) -> None:
    out = tmp_path / "moodle.csv"
    proc = hexahype(
        kit.root,
        "gradebook",
        "--gradebook",
        str(batch["db"]),
        "export-moodle",
        str(out),
        "--roster",
        str(_roster(tmp_path)),
    )
    assert proc.returncode == 0, proc.stderr
    with out.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    with (DATA / "moodle-import-example.csv").open(encoding="utf-8", newline="") as fh:
        assert rows[0] == next(csv.reader(fh))
    got = {r[0]: r[1:] for r in rows[1:]}
    assert set(got) == {"alice@example.edu", "bob@example.edu", "carol@example.edu"}
    assert got["alice@example.edu"] == ["7.5", "10"] and got["carol@example.edu"] == ["10", "10"]
    grades = tmp_path / "grades.csv"
    assert (
        hexahype(
            kit.root, "gradebook", "--gradebook", str(batch["db"]), "export-csv", str(grades)
        ).returncode
        == 0
    )
    bob = next(r for r in _csv(grades) if r["student"] == "bob")
    assert got["bob@example.edu"] == [bob["1.1"], bob["1.3"]]  # the same decimals
    left = {r["student"] for r in _csv(tmp_path / "moodle.left-out.csv")}
    assert left == {"dave", "'" + EVE, "frank"}
    # By chapter: one column with the chapter's points.
    proc = hexahype(
        kit.root,
        "gradebook",
        "--gradebook",
        str(batch["db"]),
        "export-moodle",
        str(out),
        "--roster",
        str(_roster(tmp_path)),
        "--by",
        "chapter",
    )
    assert proc.returncode == 0, proc.stderr
    rows = list(csv.reader(out.open(encoding="utf-8", newline="")))
    assert rows[0][1].startswith("HexaHype chapter 1") and rows[1][1] == "17.5"


# -- bad input ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text, message",
    [
        (
            "student,email\nalice,a@x\nbob,b@x\nalice,c@x\n",
            "roster.csv line 4: student 'alice' is already on line 2",
        ),
        ("student,email\nalice,a@x\n,b@x\n", "roster.csv line 3: no student (the repository name)"),
        (
            "student,email\nalice,a@x\nbob,A@x\n",
            "roster.csv line 3: email 'A@x' is already on line 2",
        ),
        (
            "student,email\nalice,a@x\nbob,\n",
            "roster.csv line 3: 'bob' has no Email address (email)",
        ),
    ],
)
def test_bad_roster_names_the_line(
    batch: dict, kit: Kit, tmp_path: Path, text: str, message: str
) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text(text, encoding="utf-8")
    proc = hexahype(
        kit.root,
        "gradebook",
        "--gradebook",
        str(batch["db"]),
        "export-moodle",
        str(tmp_path / "m.csv"),
        "--roster",
        str(roster),
    )
    assert proc.returncode == 2
    assert proc.stderr.strip() == f"hexahype gradebook: {message}"


def _course_copy(
    kit: Kit, tmp_path: Path, toml: str | None = None, extensions: str | None = None
) -> Path:
    root = tmp_path / "course"
    root.mkdir()
    (root / "course.toml").write_text(
        toml or (kit.root / "course.toml").read_text(), encoding="utf-8"
    )
    (root / "extensions.csv").write_text(
        extensions or (kit.root / "extensions.csv").read_text(), encoding="utf-8"
    )
    return root


def test_extension_for_an_unknown_student(batch: dict, kit: Kit, tmp_path: Path) -> None:
    """An extension matches its student exactly: `Carol` is nobody (and said so)."""
    root = _course_copy(kit, tmp_path, extensions="student,days\nCarol,1\n")
    shutil.copytree(kit.root / "grader", root / "grader")
    proc = hexahype(
        root, "gradebook", "--gradebook", str(batch["db"]), "export-csv", str(tmp_path / "g.csv")
    )
    assert proc.returncode == 2
    assert proc.stderr.strip() == (
        "hexahype gradebook: extensions.csv line 2: unknown student 'Carol' (names match "
        "exactly; did you mean 'carol'?)"
    )
    shutil.rmtree(root)
    root = _course_copy(kit, tmp_path, extensions="student,days\ncarol,1\nmallory,2\n")
    shutil.copytree(kit.root / "grader", root / "grader")
    proc = hexahype(
        root, "gradebook", "--gradebook", str(batch["db"]), "export-csv", str(tmp_path / "g.csv")
    )
    assert proc.returncode == 2
    assert (
        proc.stderr.strip()
        == "hexahype gradebook: extensions.csv line 3: unknown student 'mallory'"
    )


def test_bad_deadline_names_the_line(kit: Kit, tmp_path: Path) -> None:
    text = (kit.root / "course.toml").read_text(encoding="utf-8")
    bad = re.sub(r'deadline = "[^"]+"', 'deadline = "next friday"', text, count=1)
    root = _course_copy(kit, tmp_path, toml=bad)
    shutil.copytree(kit.root / "grader", root / "grader")
    (root / "solutions").mkdir(exist_ok=True)  # the instructor's checkout, not a template
    line = next(i for i, ln in enumerate(bad.splitlines(), 1) if "next friday" in ln)
    proc = hexahype(root, "grade", str(tmp_path), "--gradebook", str(tmp_path / "g.sqlite"))
    assert proc.returncode == 2 and not (tmp_path / "g.sqlite").exists()
    assert proc.stderr.startswith(
        f"hexahype grade: course.toml line {line}: the deadline of lesson 1.1 is not valid"
    )
    assert len(proc.stderr.strip().splitlines()) == 1


def test_malformed_gradebook_is_refused_untouched(kit: Kit, tmp_path: Path) -> None:
    text = tmp_path / "grades.sqlite"
    text.write_text("student,points\nalice,10\n", encoding="utf-8")
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as con:
        con.execute("CREATE TABLE submissions (id INTEGER, student TEXT)")
    for path in (text, other):
        before = path.read_bytes()
        for args in (
            ("gradebook", "--gradebook", str(path), "export-csv", str(tmp_path / "x.csv")),
            ("report", str(tmp_path / "r"), "--gradebook", str(path)),
        ):
            proc = hexahype(kit.root, *args)
            assert proc.returncode == 2, proc.stdout
            assert "is not a gradebook" in proc.stderr and "it was not changed" in proc.stderr
            assert len(proc.stderr.strip().splitlines()) == 1
        assert path.read_bytes() == before
        assert not Path(str(path) + "-wal").exists()


# -- the class report ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def reported(batch: dict, kit: Kit) -> dict:
    out = batch["work"] / "report"
    proc = hexahype(kit.root, "report", str(out), "--gradebook", str(batch["db"]))
    class_out = batch["work"] / "class-report"
    class_proc = hexahype(
        kit.root, "report", str(class_out), "--gradebook", str(batch["db"]), "--class-view"
    )
    cache = batch["db"].with_name("gradebook.misconceptions.json")
    return {"out": out, "proc": proc, "class": class_out, "class_proc": class_proc, "cache": cache}


def test_report_from_the_batch(reported: dict, batch: dict, kit: Kit) -> None:
    proc = reported["proc"]
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert re.search(r"grading \d+ misconception variants", proc.stdout), proc.stdout
    out = reported["out"]
    html = (out / "index.html").read_text(encoding="utf-8")
    md = (out / "summary.md").read_text(encoding="utf-8")
    doc = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert html.count("<svg") == 3 and "<script" not in html and "src=" not in html
    assert 'href="http' not in html and "@import" not in html
    assert "&lt;b&gt;eve" in html and "<b>eve" not in html
    assert "&lt;b&gt;eve" in md and "<b>eve" not in md
    lessons = {ls["id"]: ls for ls in doc["lessons"]}
    # 1.1: alice and carol done, bob failing, dave and eve not started
    assert lessons["1.1"]["counts"] == {"done": 2, "failing": 1, "not started": 2, "error": 0}
    assert doc["history"] and lessons["1.1"]["median_attempts"] == 1.5  # alice 1, carol 2
    assert "| 1.1 Why models need numbers | 40% | 20% | 40% | 0% | 1.5 |" in md
    hits = {m["name"]: m["hits"] for m in doc["mistakes"]}
    assert len(hits) >= 15 and hits[MISTAKE_13] >= 1  # eve
    assert sorted(doc["final_points"]) == doc["final_points"] and len(doc["final_points"]) == 5
    shapes = [f["shape"] for f in doc["first_failures"]]
    assert shapes and all(not re.search(r"\d{2,}", s) for s in shapes)  # numbers normalised
    tests = [t for t in doc["tests"] if t["lesson"] == "1.3"]
    assert tests and all(0 <= t["passed"] <= t["cases"] == 5 * (t["cases"] // 5) for t in tests)
    # the second run reuses the cached signatures
    again = hexahype(kit.root, "report", str(out), "--gradebook", str(batch["db"]))
    assert again.returncode == 0 and "grading" not in again.stdout


def test_class_view_names_no_student(reported: dict, batch: dict) -> None:
    assert reported["class_proc"].returncode == 0, reported["class_proc"].stderr
    with sqlite3.connect(batch["db"]) as con:
        commits = [c for (c,) in con.execute("SELECT commit_sha FROM submissions")]
    for name in ("index.html", "summary.md", "report.json"):
        text = (reported["class"] / name).read_text(encoding="utf-8")
        for student in (*STUDENTS, "cmd&lt;b&gt;eve", "cmd<b>eve"):
            assert student not in text, (name, student)
        for commit in commits:
            assert commit[:12] not in text
        assert "## Students" not in text and "<h2>Students</h2>" not in text


def test_report_of_one_and_500_synthetic_submissions(
    reported: dict, batch: dict, kit: Kit, tmp_path: Path
) -> None:
    cache = json.loads(reported["cache"].read_text(encoding="utf-8"))["signatures"]
    sigs = [misconceptions.Signature.from_json(v) for v in cache.values()]
    with sqlite3.connect(batch["db"]) as con:
        con.row_factory = sqlite3.Row
        ids = {
            r["student"]: r["id"]
            for r in con.execute("SELECT student, MAX(id) AS id FROM submissions GROUP BY student")
        }
        rows = {
            who: [
                dict(r)
                for r in con.execute(
                    "SELECT * FROM tests WHERE submission_id = ? ORDER BY rowid", (ids[who],)
                )
            ]
            for who in ("alice", "dave")
        }
    variants: dict[str, list[tuple[str, list[dict]]]] = {}
    for lesson in (kit.first, kit.second):
        variants[lesson.id] = [
            ("solution", [t for t in rows["alice"] if t["lesson"] == lesson.id]),
            ("stub", [t for t in rows["dave"] if t["lesson"] == lesson.id]),
        ] + [(s.name, s.tests) for s in sigs if s.lesson == lesson.id]
    plain = tmp_path / "course"  # the synthetic class has no late policy and no extensions
    plain.mkdir()
    toml = (kit.root / "course.toml").read_text(encoding="utf-8").split("\n[late]", 1)[0]
    (plain / "course.toml").write_text(re.sub(r'deadline = "[^"]+"\n', "", toml), encoding="utf-8")
    course = manifest.load(plain)
    rng = random.Random(13)
    assigned: dict[str, int] = {}

    def synthetic(book: Gradebook, n: int) -> None:
        for i in range(n):
            graded = Graded(
                f"synthetic-{i:04d}", "synthetic", f"{i:040x}", "0", "HexaHype", "0.1.0", 0.0
            )
            for position, lesson in enumerate((kit.first, kit.second)):
                name, tests = rng.choice(variants[lesson.id])
                assigned[name] = assigned.get(name, 0) + 1
                outcome = LessonOutcome(
                    lesson.id,
                    lesson.title,
                    float(lesson.points),
                    [
                        TestOutcome(t["name"], lesson.id, outcome_of(t["status"]), t["message"])
                        for t in tests
                    ],
                )
                graded.lessons.append(
                    LessonRow(
                        lesson.id,
                        lesson.title,
                        position,
                        outcome.status.value,
                        outcome.passed,
                        outcome.total,
                        outcome.points,
                        outcome.max_points,
                        0.0,
                        outcome.first_message(),
                    )
                )
                graded.tests += [
                    GradedTest(
                        t["name"],
                        lesson.id,
                        bool(t["hidden"]),
                        t["status"],
                        t["message"],
                        t["doc"],
                        0.0,
                    )
                    for t in tests
                ]
            book.record(graded)

    for n in (1, 500):
        assigned.clear()
        db = tmp_path / f"synthetic-{n}.sqlite"
        with Gradebook(db) as book:
            synthetic(book, n)
            data = report.collect(book, course, class_view=True, signatures=sigs)
        out = tmp_path / f"report-{n}"
        report.write(data, out)
        text = (out / "index.html").read_text(encoding="utf-8") + (out / "summary.md").read_text(
            encoding="utf-8"
        )
        assert "synthetic-" not in text
        assert len(data.students) == n
        for stats in data.lessons:
            assert stats.students == n
        hits = {m.name: m.hits for m in data.mistakes}
        for name, count in assigned.items():
            if name not in ("solution", "stub"):
                assert hits[name] >= count, name  # every student given a mistake is found
        if n == 500:
            assert sum(hits.values()) >= sum(
                c for k, c in assigned.items() if k not in ("solution", "stub")
            )
            done = sum(s.counts[report.Status.DONE] for s in data.lessons)
            assert done == assigned["solution"]
            assert data.failures and data.failures[0].students > 1
            assert text.count("<svg") == 3  # three plots, all in the page


def _chromium_page(path: Path, shot: Path) -> list[str]:
    """Open a page in Debian's Chromium through Playwright; return its console errors."""
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path("/usr/bin/chromium").exists():
        pytest.skip("Debian chromium is not installed (apt-get install chromium)")
    errors: list[str] = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 1400})
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("requestfailed", lambda r: errors.append(f"request failed: {r.url}"))
            page.goto(path.resolve().as_uri(), wait_until="load")
            assert page.locator("svg").count() == 3
            page.screenshot(path=str(shot), full_page=False)
        finally:
            browser.close()
    return errors


def test_report_opens_in_chromium(reported: dict, tmp_path: Path) -> None:
    shot = Path(os.environ.get("HEXAHYPE_REPORT_SCREENSHOT", tmp_path / "report.png"))
    errors = _chromium_page(reported["out"] / "index.html", shot)
    assert errors == []
    assert shot.stat().st_size > 10_000


# -- similarity ---------------------------------------------------------------------------------
def test_similarity_finds_the_renamed_copy(batch: dict, kit: Kit, tmp_path: Path) -> None:
    out = tmp_path / "similarity"
    proc = hexahype(
        kit.root,
        "similarity",
        str(batch["repos"]),
        "--out",
        str(out),
        "--gradebook",
        str(batch["db"]),
    )
    assert proc.returncode == 0, proc.stderr
    doc = json.loads((out / "pairs.json").read_text(encoding="utf-8"))
    threshold = doc["threshold"]
    for lesson_id in LESSONS:
        lesson = doc["lessons"][lesson_id]
        pairs = lesson["pairs"]
        copy = next(p for p in pairs if {p["a"], p["b"]} == {"alice", "carol"})
        # a renamed copy: far above the threshold (the few fingerprints that span a renamed
        # name, or that the lesson text or hints also hold, are not counted)
        assert copy["score"] >= 0.9 and copy["whole"] >= 0.9 and copy["score"] > threshold, copy
        assert "dave" in lesson["skipped"]  # the stub alone is starter code
        for p in pairs:  # bob's own attempts share nothing beyond the starter code
            if "bob" in (p["a"], p["b"]):
                assert p["score"] < threshold, p
    # eve's 1.3 is the reference with one function replaced by her own: the rest is a copy,
    # which the smaller side's share shows, with alice and with carol
    for other in ("alice", "carol"):
        eve = next(p for p in doc["lessons"]["1.3"]["pairs"] if {p["a"], p["b"]} == {other, EVE})
        assert eve["score"] >= threshold, eve
    flagged = [p for p in doc["lessons"]["1.3"]["pairs"] if p["score"] >= threshold]
    assert {name for p in flagged for name in (p["a"], p["b"])} == {"alice", "carol", EVE}
    assert [p for p in doc["lessons"]["1.1"]["pairs"] if p["score"] >= threshold] == [
        doc["lessons"]["1.1"]["pairs"][0]
    ]
    html = (out / "index.html").read_text(encoding="utf-8")
    assert html.count("<mark>") > 5 and "class=pair" in html
    assert "&lt;b&gt;eve" in html and "<b>eve" not in html
    # each file keeps its lines: a <pre> block holds the code as written, one line per line
    pres = re.findall(r"<pre>(.*?)</pre>", html, re.S)
    assert pres and all(p.count("\n") > 5 for p in pres), [p[:200] for p in pres[:2]]
    assert "\ndef " in pres[0] or "\n<mark>def " in pres[0]
    assert "\x1b" not in html and "\u202e" not in html
    assert "1.1: 5 submissions, 1 pairs at or above 60%; top alice and carol 100%" in proc.stdout


def _splice(stub: str, mistake: str) -> str:
    """The stub with the mistake's functions in place of the stub's: a submission that holds
    only that student's own attempt at those functions."""
    defs = {
        n.name: n for n in ast.parse(mistake).body if isinstance(n, (ast.FunctionDef, ast.ClassDef))
    }
    lines = stub.splitlines(keepends=True)
    src = mistake.splitlines(keepends=True)
    for node in sorted(
        (
            n
            for n in ast.parse(stub).body
            if isinstance(n, (ast.FunctionDef, ast.ClassDef)) and n.name in defs
        ),
        key=lambda n: -n.lineno,
    ):
        new = defs[node.name]
        lines[node.lineno - 1 : node.end_lineno] = src[new.lineno - 1 : new.end_lineno]
    return "".join(lines)


def _honest(course: Course, lesson: Lesson) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """The reference and one bank variant per function (variants of the same function are
    edits of one another); returns the submissions and the sibling variants left out."""
    stub = lesson.exercise_path.read_text(encoding="utf-8")
    subs = {"reference": lesson.solution_path.read_text(encoding="utf-8")}
    taken: dict[str, str] = {}
    siblings = []
    for path in misconceptions.bank(course, [lesson])[lesson.id]:
        text = path.read_text(encoding="utf-8")
        names = {
            n.name for n in ast.parse(text).body if isinstance(n, (ast.FunctionDef, ast.ClassDef))
        }
        clash = [taken[n] for n in names if n in taken]
        if clash:
            siblings.append((clash[0], path.stem))
            continue
        taken.update(dict.fromkeys(names, path.stem))
        subs[path.stem] = _splice(stub, text)
    return subs, siblings


def test_twenty_independent_solutions_stay_below_the_threshold() -> None:
    course = manifest.load(KIT)
    total = 0
    for lesson_id in ("1.1", "1.2", "1.3", "1.4"):
        lesson = course.get(lesson_id)
        subs, _siblings = _honest(course, lesson)
        subs = dict(list(subs.items())[:5])
        total += len(subs)
        result = compare(lesson, subs)
        assert len(result.pairs) == 10 and not result.skipped
        worst = result.pairs[0]
        assert worst.score < THRESHOLD, (lesson_id, worst.a, worst.b, worst.score)
    assert total == 20
    # The bank's own siblings, edited copies of one train_bpe, are caught.
    lesson = course.get("1.3")
    stub = lesson.exercise_path.read_text(encoding="utf-8")
    bank = misconceptions.bank_dir(course, lesson)
    sibs = {
        n: _splice(stub, (bank / f"{n}.py").read_text())
        for n in ("ids_off_by_one", "no_stopping_rule")
    }
    assert compare(lesson, sibs).pairs[0].score >= THRESHOLD


# -- solutions ----------------------------------------------------------------------------------
def test_solutions_only_after_the_deadline_or_a_pass(batch: dict, kit: Kit, tmp_path: Path) -> None:
    out = tmp_path / "released"
    proc = hexahype(kit.root, "solutions", str(out), "--gradebook", str(batch["db"]))
    assert proc.returncode == 0, proc.stderr
    first = Path("solutions") / "ch1_tokens" / kit.first.solution_path.name
    second = Path("solutions") / "ch1_tokens" / kit.second.solution_path.name
    have = {p.parent.relative_to(out).parts[0] for p in out.rglob("*.py")}
    assert (out / "alice" / second).read_bytes() == kit.second.solution_path.read_bytes()  # passed
    assert not (out / "bob" / second).exists()
    assert not (out / "dave" / second).exists()  # 1.3 is not due and dave has not passed it
    assert not any((out / folder / second).exists() for folder in have if folder.startswith("cmd"))
    assert (out / "dave" / first).exists()  # 1.1: the deadline and the free day have passed
    assert (out / "carol" / first).exists()  # carol's extension still runs, but she passed
    decisions = json.loads((out / "released.json").read_text())["decisions"]
    carol = next(d for d in decisions if d["student"] == "carol" and d["lesson"] == "1.1")
    assert carol["released"] and carol["why"].startswith("passed")
    dave = next(d for d in decisions if d["student"] == "dave" and d["lesson"] == "1.3")
    assert not dave["released"] and "opens" in dave["why"]


def test_lms_assignments_leave_out_lessons_worth_no_points() -> None:
    """An ungraded optional chapter (the capstone, worth 0 points) is no LMS assignment: no
    column of 0 points in Canvas or Moodle."""
    from grader.grading.insight import lms
    from grader.grading.insight.scores import LessonScore, StudentScore

    course = manifest.load(KIT)
    graded, ungraded = course.get("1.3"), course.get("3.1")
    assert ungraded.points == 0 and graded.points > 0
    student = StudentScore("alice", "abc", False, "")
    for e in (graded, ungraded):
        student.lessons.append(LessonScore("alice", e.id, e.title, e.points, 0.0, "done", "abc"))
    for by in ("lesson", "chapter", "course"):
        columns = lms.assignments(course, [student], by)
        assert columns and all(c.points > 0 for c in columns), (by, columns)
        assert all(ungraded.id not in c.lessons for c in columns), (by, columns)


def test_deadline_evidence_survives_a_skipped_commit_and_gates_solutions(
    batch: dict, kit: Kit, tmp_path: Path
) -> None:
    """A date flag found by a `--deadline` run whose commit was graded before is recorded and
    shown; a lesson passed only in a commit a date flag names opens no solution."""
    repo = tmp_path / "repos" / "carol"  # carol: the extension file knows her
    shutil.copytree(batch["work"] / "template", repo)
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "stubs")
    db = tmp_path / "gradebook.sqlite"
    args = ["--gradebook", str(db), "--timeout", "4", "--submission-timeout", "120"]
    assert hexahype(kit.root, "collect", str(repo), "--gradebook", str(db)).returncode == 0
    first = hexahype(kit.root, "grade", str(repo), *args)
    assert first.returncode == 0, first.stdout + first.stderr
    graded = git(repo, "rev-parse", "HEAD").strip()
    time.sleep(1.2)
    deadline = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S+00:00")
    time.sleep(1.2)
    _put(kit, repo, kit.second, kit.second.solution_path.read_text(encoding="utf-8"))
    git(repo, "-c", "user.name=S", "commit", "-q", "-am", "late", "--date", "2001-01-01T00:00Z")
    late = git(repo, "rev-parse", "HEAD").strip()
    again = hexahype(kit.root, "grade", str(repo), *args, "--deadline", deadline)
    assert again.returncode == 0, again.stdout + again.stderr
    assert (
        "skipped, already graded" in again.stdout and f"DATES: commit {late[:12]}" in again.stdout
    )
    assert "skipped 1, flagged 1" in again.stdout, again.stdout
    with sqlite3.connect(db) as con:
        flags = con.execute(
            "SELECT date_flags FROM submissions WHERE commit_sha = ?", (graded,)
        ).fetchone()[0]
    assert f"commit {late[:12]}" in flags and "before the deadline, but was first seen" in flags
    head = hexahype(kit.root, "grade", str(repo), *args)  # HEAD: the late commit passes 1.3
    assert head.returncode == 0 and f"carol @ {late[:12]}: " in head.stdout, head.stdout
    with sqlite3.connect(db) as con:
        status = con.execute(
            "SELECT l.status FROM lessons l JOIN submissions s ON s.id = l.submission_id "
            "WHERE s.commit_sha = ? AND l.lesson = '1.3'",
            (late,),
        ).fetchone()[0]
    assert status == "done"
    grades = tmp_path / "grades.csv"  # shown, though the latest grading is another commit
    assert (
        hexahype(
            kit.root, "gradebook", "--gradebook", str(db), "export-csv", str(grades)
        ).returncode
        == 0
    )
    assert [r["dates"] for r in _csv(grades)] == ["flagged"]
    # grading the first commit again keeps its date flags
    forced = hexahype(kit.root, "grade", str(repo), *args, "--commit", graded, "--force")
    assert forced.returncode == 0, forced.stdout
    with sqlite3.connect(db) as con:
        kept = con.execute(
            "SELECT date_flags FROM submissions WHERE commit_sha = ?", (graded,)
        ).fetchone()[0]
    assert f"commit {late[:12]}" in kept
    out = tmp_path / "released"
    proc = hexahype(kit.root, "solutions", str(out), "--gradebook", str(db))
    assert proc.returncode == 0, proc.stderr
    assert not (out / "carol" / "solutions" / "ch1_tokens" / kit.second.solution_path.name).exists()
    decisions = json.loads((out / "released.json").read_text())["decisions"]
    why = next(d for d in decisions if d["student"] == "carol" and d["lesson"] == "1.3")
    assert not why["released"] and "a date flag names" in why["why"], why


# -- identity matching is exact -----------------------------------------------------------------
HAND_NAMES = (
    "=cmd",
    "+1",
    "-2",
    "@sum(A1)",
    "'=quoted",
    "''",
    "'",
    "\tx",
    "\rx",
    " alice",
    "alice ",
    "a  b",
    "a b",
    'say "hi"',
    "a,b",
    "über-straße",
    "學生",
    "emoji-😀",
    "new\nline",
    "ctl\x1b[31m",
    "bidi\u202eevil",
    "nul\x00byte",
    "line\u2028sep",
)


def _book_of(path: Path, names: list[str]) -> Gradebook:
    book = Gradebook(path)
    for i, name in enumerate(names):
        graded = Graded(name, "r", f"{i + 1:040x}", "0", "HexaHype", "0.1.0", 0.0)
        graded.lessons.append(LessonRow("1.1", "One", 0, "done", 1, 1, 10.0, 10.0, 0.0, ""))
        book.record(graded)
    return book


def _round_trip(names: list[str], work: Path) -> tuple[dict, list[str], list[str]]:
    """Export the scores of a gradebook of `names`, give every row an override (its row
    number) in the file, import it; (changes, errors, the students)."""
    from grader.grading import export
    from grader.grading.insight import late as late_policy
    from grader.grading.insight import scores as score_mod

    book = _book_of(work / "g.sqlite", names)
    try:
        everyone = score_mod.compute(book, late_policy.Policy(), [])
        sheet = work / "scores.csv"
        sheet.write_text(export.csv_text(export.score_rows(everyone)), encoding="utf-8")
        with sheet.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
        for i, row in enumerate(rows):
            row["override"] = str(i)
        with sheet.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\r\n")
            writer.writeheader()
            writer.writerows(rows)
        changes, errors = export.read_overrides(sheet, book)
        return changes, errors, [s.student for s in everyone]
    finally:
        book.close()


def test_every_exported_name_round_trips_through_import_overrides(tmp_path: Path) -> None:
    """Every name the grader records (folder names pass `untrusted.name`) comes back as
    itself, and only itself; the raw hand list (control characters too) either comes back
    exactly or is refused row by row, never given to another student."""
    from grader import untrusted

    recorded = sorted({untrusted.name(n) for n in HAND_NAMES} | {"alice", "bob"})
    changes, errors, students = _round_trip(recorded, tmp_path)
    assert errors == [] and sorted(s for s, _ in changes) == sorted(students) == recorded
    assert [changes[(s, "1.1")].points for s in students] == [
        float(i) for i in range(len(students))
    ]
    raw = tmp_path / "raw"
    raw.mkdir()
    changes, errors, students = _round_trip(sorted(set(HAND_NAMES) | {"alice"}), raw)
    assert all(s in students for s, _ in changes)
    for student in students:  # each row is its student's, or one line says why not
        if (student, "1.1") in changes:
            assert changes[(student, "1.1")].points == float(students.index(student))
    assert len(changes) + len(errors) == len(students)
    assert all(e.startswith("scores.csv line ") and "\n" not in e for e in errors)


def test_generated_names_round_trip_through_import_overrides(tmp_path_factory) -> None:
    hypothesis = pytest.importorskip("hypothesis")
    from hypothesis import strategies as st

    from grader import untrusted

    alphabet = st.characters(codec="utf-8", exclude_categories=("Cs",))
    starts = st.sampled_from(["", "=", "+", "-", "@", "'", "\t", " ", '"', ",", "\n"])

    @hypothesis.settings(max_examples=40, deadline=None, database=None)
    @hypothesis.given(
        st.lists(
            st.tuples(starts, st.text(alphabet, min_size=0, max_size=12)),
            min_size=1,
            max_size=6,
        )
    )
    def check(parts: list[tuple[str, str]]) -> None:
        names = sorted({untrusted.name(a + b) for a, b in parts if (a + b).strip()} | {"x"})
        work = tmp_path_factory.mktemp("names")
        changes, errors, students = _round_trip(names, work)
        assert errors == [], errors
        assert {s for s, _ in changes} == set(names) == set(students)
        for i, student in enumerate(students):
            assert changes[(student, "1.1")].points == float(i)

    check()


def test_one_bad_override_row_never_stops_the_class(tmp_path: Path) -> None:
    from grader.grading import export

    book = _book_of(tmp_path / "g.sqlite", ["-alice", "bob", "carol"])
    sheet = tmp_path / "edited.csv"
    sheet.write_text(
        "student,lesson,override,note\n"
        "'-alice,1.1,7,\n"
        "bob,1.1,ten,\n"  # not a number
        "mallory,1.1,3,\n"  # nobody
        "Bob,1.1,3,\n"  # not bob: names match exactly
        " carol,1.1,3,\n"  # nor is this carol
        "carol,9.9,3,\n"  # no such lesson
        "carol,1.1,4,'=by hand\n",
        encoding="utf-8",
    )
    try:
        changes, errors = export.read_overrides(sheet, book)
    finally:
        book.close()
    assert {k: v.points for k, v in changes.items() if v} == {
        ("-alice", "1.1"): 7.0,
        ("carol", "1.1"): 4.0,
    }
    assert changes[("carol", "1.1")].note == "=by hand"
    assert [e.split(":", 1)[0] for e in errors] == [f"edited.csv line {n}" for n in (3, 4, 5, 6, 7)]
    assert "override 'ten' is not a number" in errors[0] and "unknown student 'Bob'" in errors[2]


def test_roster_and_extensions_match_exactly(tmp_path: Path) -> None:
    """A login that is a classmate's repository name takes nobody's row; an extension for
    `bob` is bob's alone."""
    from grader.grading.download import match_folders
    from grader.grading.insight import late as late_policy
    from grader.grading.insight import roster

    path = tmp_path / "roster.csv"
    path.write_text(
        "student,name,email\nbob,Bob,bob@x.org\nhw1-bob,Mallory,m@x.org\nalice,Alice,a@x.org\n",
        encoding="utf-8",
    )
    people = roster.load(path)
    # bob's repository folder is hw1-bob, mallory's login is hw1-bob: refused, never hers
    person, why = people.match("hw1-bob")
    assert person is None and "could be more than one student" in why and "lines 3 and 2" in why
    assert people.find("hw1-hw1-bob") is None  # mallory's own folder: ambiguous too
    assert people.find("bob").name == "Bob" and people.find("alice").name == "Alice"
    assert people.find("Alice") is None and people.find(" alice") is None
    assert "line 4 has 'alice'" in people.match("hw1-alice")[1]
    ext = [late_policy.Extension("bob", 3, ("1.1",), 2), late_policy.Extension("bob", 2, (), 3)]
    policy = late_policy.Policy(late_days=1)
    assert late_policy.extra_days(ext, "bob", "1.1") == 3
    assert late_policy.extra_days(ext, "hw1-bob", "1.1") == 0
    assert (
        late_policy.bank(policy, ext, "hw1-bob") == 1 and late_policy.bank(policy, ext, "bob") == 3
    )
    assert late_policy.extra_days(ext, "Bob", "1.1") == 0
    # a Classroom 50 download: folders are <classroom>-<assignment>-<username>
    repos, unmatched = match_folders(
        ["cls-asg-bob", "cls-asg-asg-bob", "cls-asg-alice", "notes"], ["bob", "asg-bob", "alice"]
    )
    assert repos == {"bob": "cls-asg-bob", "asg-bob": "cls-asg-asg-bob", "alice": "cls-asg-alice"}
    assert unmatched == ["notes: not <prefix><username> for any username; left out"]
    repos, unmatched = match_folders(["cls-asg-bob"], ["bob", "asg-bob"])
    assert repos == {} and "could be the repository of asg-bob or bob" in unmatched[0]


# -- similarity: padding never hides a copy -----------------------------------------------------
def _dead(n: int) -> str:
    return "".join(
        f"\n\ndef unused_{i}(a, b):\n    c = a * {i} + b\n    for k in range(c):\n"
        f"        c -= k % {i % 7 + 2}\n    return [c, a, b]\n"
        for i in range(n)
    )


def _docstrings_and_comments(source: str) -> str:
    """Every function gets a huge docstring; a comment follows every line."""
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef):
            node.body.insert(0, ast.Expr(ast.Constant("Lorem ipsum dolor sit amet. " * 400)))
    lines = ast.unparse(tree).splitlines()
    return "\n".join(f"{line}\n# {'padding ' * 20}" for line in lines) + "\n"


def _reordered(source: str) -> str:
    """Functions last and in reverse order, dead functions between them."""
    tree = ast.parse(source)
    defs = [n for n in tree.body if isinstance(n, ast.FunctionDef)]
    rest = [n for n in tree.body if not isinstance(n, ast.FunctionDef)]
    parts = [ast.unparse(ast.Module(body=rest, type_ignores=[]))]
    for i, node in enumerate(reversed(defs)):
        parts += [_dead(20).replace("unused_", f"unused_{i}_"), ast.unparse(node)]
    return "\n\n".join(parts) + "\n"


def _dead_code_inside(source: str) -> str:
    """Every function's body starts with fifty lines of code that never runs."""
    tree = ast.parse(source)
    junk = ast.parse(
        "if len('') > 1:\n"
        + "".join(f"    waste_{i} = [{i}] * {i + 3}\n    waste_{i}.sort()\n" for i in range(50))
    ).body
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef):
            node.body[:0] = junk
    return ast.unparse(tree) + "\n"


def _behind_aliases(source: str, lesson: Lesson) -> str:
    """The copy under other names, the task functions aliases of it, padded."""
    for task in lesson.tasks:
        source = re.sub(rf"\b{task}\b", f"_mine_{task}", source)
    aliases = "".join(f"\n{task} = _mine_{task}\n" for task in lesson.tasks)
    return source + _dead(150) + aliases + _dead(150)


PADDINGS = {
    "dead functions": lambda text, lesson: text + _dead(300),
    "huge docstrings and comments": lambda text, lesson: _docstrings_and_comments(text),
    "reordered and interleaved": lambda text, lesson: _reordered(text),
    "dead code inside the functions": lambda text, lesson: _dead_code_inside(text),
    "renamed and padded": lambda text, lesson: renamed_copy(text) + _dead(300),
    "behind aliases": _behind_aliases,
}


@pytest.mark.parametrize("padding", sorted(PADDINGS))
def test_padding_never_hides_a_copy(padding: str) -> None:
    """A verbatim (or renamed) copy of a classmate's solution scores at or above the threshold
    however it is padded; honest independent solutions stay below it
    (test_twenty_independent_solutions_stay_below_the_threshold)."""
    course = manifest.load(KIT)
    for lesson_id in ("1.1", "1.2", "1.3", "1.4"):
        lesson = course.get(lesson_id)
        original = lesson.solution_path.read_text(encoding="utf-8")
        padded = PADDINGS[padding](original, lesson)
        compile(padded, "padded.py", "exec")  # still a module Python accepts
        assert len(padded) > 2 * len(original)
        subs, _ = _honest(course, lesson)
        subs = dict(list(subs.items())[1:4])  # three honest attempts, without the reference
        result = compare(lesson, {"original": original, "padded": padded, **subs})
        pair = next(p for p in result.pairs if {p.a, p.b} == {"original", "padded"})
        assert pair.score >= THRESHOLD, (lesson_id, padding, pair.to_json())
        assert result.pairs[0] is pair
        for p in result.pairs:  # the honest attempts are not dragged above it
            if "original" not in (p.a, p.b) or "padded" not in (p.a, p.b):
                assert p.score < THRESHOLD, (lesson_id, padding, p.to_json())
