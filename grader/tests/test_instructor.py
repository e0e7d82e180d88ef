"""The instructor pipeline end to end: release a student template, prove it in a fresh virtualenv,
create six student repositories from it, grade them as a batch (killed half-way, then resumed),
and check the gradebook, the CSV, the feedback, the tamper flag and the Classroom workflow.

Everything runs on a snapshot of the kit in tmp_path, taken from the lessons that are complete
right now (stub, solution, visible and hidden tests, solution passing, stub not started), so
lessons being authored meanwhile do not disturb it.
"""

from __future__ import annotations

import ast
import base64
import csv
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

import grader
from grader import manifest, runs
from grader import workflow as classroom
from grader.authoring import release
from grader.manifest import Course, Lesson
from grader.results import ResultsDoc

from .conftest import gradebook_points as _points
from .conftest import kit_snapshot
from .conftest import venv_with_kit_packages as _venv_with_kit_packages

KIT = Path(__file__).resolve().parents[2]
MAX_LESSONS = 3
TEST_TIMEOUT = "4"
CANARY_SOURCE = "HEXAHYPE-CANARY-SOURCE-5f0c2e"
CANARY_EXPECTED = "HEXAHYPE-CANARY-EXPECTED-91b7d4"
CANARY_MESSAGE = "HEXAHYPE-CANARY-MESSAGE-3a8e61"
CANARY_DOC = "Checks a case that only the hidden suite knows."
STUDENTS = ("untouched", "partial", "complete", "syntax", "hang", "edited")

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


# -- the kit snapshot -------------------------------------------------------------------------
@dataclass
class Kit:
    root: Path
    course: Course
    lessons: list[Lesson]  # graded lessons (not quizzes), in teaching order
    entries: list[Lesson]  # lessons and quizzes in the snapshot
    counts: dict[str, int]  # entry id -> number of tests (visible + hidden, before the canary)


def _copy(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dst)


def _entry_files(entry: Lesson) -> list[Path]:
    files = [p for p in entry.files().values() if p.exists()]
    if entry.is_quiz and entry.quiz_path.exists():
        files.append(entry.quiz_path)
    return files


def _complete(entry: Lesson) -> bool:
    need = [entry.exercise_path, entry.solution_path, entry.test_path]
    need += [entry.quiz_path] if entry.is_quiz else [entry.hidden_test_path]
    return all(p.exists() for p in need)


def _by_lesson(doc: ResultsDoc | None) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for t in doc.to_json()["tests"] if doc is not None else []:
        out.setdefault(t["lesson"], []).append(t)
    return out


@pytest.fixture(scope="module")
def kit(tmp_path_factory: pytest.TempPathFactory) -> Kit:
    live = manifest.load(KIT)
    root = tmp_path_factory.mktemp("kit")
    if (KIT / "lessons" / "figures").is_dir():
        shutil.copytree(KIT / "lessons" / "figures", root / "lessons" / "figures")
    lessons = [e for e in live.entries if e.is_lesson and e.chapter.number == 1 and _complete(e)]
    quizzes = [e for e in live.entries if e.is_quiz and e.chapter.number == 1 and _complete(e)]
    chosen = lessons[:MAX_LESSONS] + quizzes[:1]
    kit_snapshot(root, chosen)
    course = manifest.load(root)
    snap = [course.get(e.id) for e in chosen]
    files = runs.test_files(snap, hidden=True)
    _, good, out = runs.run_suite(root, files, root / "solutions", timeout=600)
    _, stub, out2 = runs.run_suite(root, files, root / "exercises", timeout=600)
    assert good is not None and stub is not None, out + out2
    solved, started = _by_lesson(good), _by_lesson(stub)
    keep: list[Lesson] = []
    for entry in snap:
        ok = solved.get(entry.id) and all(t["status"] == "passed" for t in solved[entry.id])
        fresh = started.get(entry.id) and all(
            t["status"] == "not started" for t in started[entry.id]
        )
        if ok and fresh and all(t["duration"] < 1.0 for t in solved[entry.id]):
            keep.append(entry)
        else:  # half-authored right now: leave it out of the snapshot
            for path in _entry_files(entry):
                path.unlink()
    graded = [e for e in keep if e.is_lesson]
    if len(graded) < 2:
        pytest.skip("fewer than two complete lessons in chapter 1 to build a course from")
    course = manifest.load(root)
    return Kit(
        root=root,
        course=course,
        lessons=[course.get(e.id) for e in graded],
        entries=[course.get(e.id) for e in keep],
        counts={e.id: len(solved[e.id]) for e in keep},
    )


# -- helpers ----------------------------------------------------------------------------------
def hexahype(root: Path, *args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "HEXAHYPE_"))}
    return subprocess.run(
        [sys.executable, "-m", "grader.cli", *args],
        cwd=root,
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
        "GIT_AUTHOR_DATE": "2030-01-01T12:00:00Z",
        "GIT_COMMITTER_DATE": "2030-01-01T12:00:00Z",
    }
    proc = subprocess.run(
        ["git", "-c", "init.defaultBranch=main", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    return proc.stdout


def tree_bytes(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def solution_of(kit: Kit, entry: Lesson) -> str:
    return entry.solution_path.read_text(encoding="utf-8")


def full(kit: Kit, entry: Lesson) -> float:
    """The graded points of a correct entry: the first lesson's planted hidden canary test
    fails for everyone."""
    if entry.id != kit.lessons[0].id:
        return float(entry.points)
    total = kit.counts[entry.id] + 1
    return round(entry.points * (total - 1) / total, 2)


@pytest.fixture(scope="module")
def template(kit: Kit, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("release") / "template"
    proc = hexahype(kit.root, "release", str(out))
    assert proc.returncode == 0, proc.stderr
    return out


# -- 1. the release ---------------------------------------------------------------------------
def test_release_is_complete_and_reproducible(kit: Kit, template: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    assert hexahype(kit.root, "release", str(again)).returncode == 0
    assert tree_bytes(template) == tree_bytes(again)  # byte-identical
    files = set(tree_bytes(template))
    for entry in kit.entries:
        assert entry.exercise_path.relative_to(kit.root).as_posix() in files
        assert entry.test_path.relative_to(kit.root).as_posix() in files
        if entry.is_quiz:
            sealed = entry.quiz_path.with_suffix(".json").relative_to(kit.root).as_posix()
            assert sealed in files and json.loads((template / sealed).read_text())["format"]
        else:
            assert entry.text_path.relative_to(kit.root).as_posix() in files
    for name in (
        "pyproject.toml",
        "course.toml",
        "README.md",
        ".gitignore",
        ".github/workflows/classroom.yml",
        "grader/manifest.py",
        "grader/learner/plugin.py",
        release.RELEASE_FILE,
    ):
        assert name in files
    assert not [f for f in files if f.startswith(("solutions/", "tests/hidden/", "grader/tests/"))]
    assert not [f for f in files if f.startswith("lessons/") and f.endswith(".toml")]
    listed = json.loads((template / release.RELEASE_FILE).read_text())["files"]
    assert set(listed) == files - {release.RELEASE_FILE}
    # Refuses to overwrite a folder that is not an earlier release.
    other = tmp_path / "other"
    other.mkdir()
    (other / "keep.txt").write_text("mine")
    proc = hexahype(kit.root, "release", str(other), "--force")
    assert proc.returncode == 1 and "not replacing" in proc.stderr
    assert (other / "keep.txt").exists()


def _canaries(kit: Kit) -> list[str]:
    """Distinctive text from the hidden tests and the solutions that is public nowhere."""
    public = "\n".join(
        p.read_text(encoding="utf-8", errors="replace")
        for top in ("exercises", "lessons", "grader")
        for p in (kit.root / top).rglob("*")
        if p.is_file() and p.suffix in (".py", ".md", ".json", ".toml")
    )
    public += "\n".join(e.test_path.read_text(encoding="utf-8") for e in kit.entries)
    found: list[str] = []
    for entry in kit.lessons:
        tree = ast.parse(entry.hidden_test_path.read_text(encoding="utf-8"))
        found += [
            n.name
            for n in ast.walk(tree)
            if isinstance(n, ast.FunctionDef) and n.name.startswith("test")
        ]
        source = solution_of(kit, entry)
        lines = source.splitlines()
        docs: set[int] = set()
        for node in ast.walk(ast.parse(source)):
            body = getattr(node, "body", None)
            if (
                isinstance(node, (ast.FunctionDef, ast.ClassDef, ast.Module))
                and body
                and isinstance(body[0], ast.Expr)
                and isinstance(body[0].value, ast.Constant)
            ):
                docs.update(range(body[0].lineno, (body[0].end_lineno or body[0].lineno) + 1))
            if isinstance(node, ast.FunctionDef):
                for i in range(node.body[0].lineno, (node.end_lineno or node.lineno) + 1):
                    line = lines[i - 1].strip()
                    if i not in docs and len(line) > 40 and not line.startswith("#"):
                        found.append(line)
    return sorted({c for c in found if c not in public})


def test_template_hides_solutions_and_hidden_tests(kit: Kit, template: Path) -> None:
    canaries = _canaries(kit)
    assert len(canaries) >= 5, canaries
    text = "\n".join(b.decode("utf-8", "replace") for b in tree_bytes(template).values())
    leaked = [c for c in canaries if c in text]
    assert not leaked, f"solution or hidden test text in the template: {leaked[:5]}"


def test_template_installs_and_starts_not_started(kit: Kit, template: Path, tmp_path: Path) -> None:
    work = tmp_path / "student"
    shutil.copytree(template, work)
    python = _venv_with_kit_packages(work / ".venv")
    pip = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "-e",
            ".",
            "--no-deps",
            "--no-build-isolation",
        ],
        cwd=work,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert pip.returncode == 0, pip.stdout + pip.stderr
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "HEXAHYPE_"))}
    env.pop("VIRTUAL_ENV", None)

    def pytest_in_template() -> tuple[int, str, dict]:
        results = tmp_path / "results.json"
        proc = subprocess.run(
            [str(python), "-m", "pytest", f"--hexahype-results={results}"],
            cwd=work,
            capture_output=True,
            text=True,
            timeout=600,
            env=env,
        )
        return proc.returncode, proc.stdout, json.loads(results.read_text())

    code, out, doc = pytest_in_template()
    assert code != 0
    statuses = {info["id"]: info["status"] for info in doc["lessons"]}
    assert statuses == {e.id: "not started" for e in kit.entries}, out[-2000:]
    assert "not started" in out
    for entry in kit.entries:  # solutions copied in: everything passes
        _copy(entry.solution_path, work / entry.exercise_path.relative_to(kit.root))
    code, out, doc = pytest_in_template()
    assert code == 0, out[-3000:]
    assert {info["id"]: info["status"] for info in doc["lessons"]} == {
        e.id: "done" for e in kit.entries
    }


# -- 3, 4, 5. grading a batch ------------------------------------------------------------------
def _plant_canary(kit: Kit) -> None:
    """A failing hidden test whose message, expected value and source are canaries."""
    first = kit.lessons[0]
    path = first.hidden_test_path
    text = path.read_text(encoding="utf-8")
    if CANARY_SOURCE in text:
        return
    path.write_text(
        text + f"\n\ndef test_canary_hidden_case({first.fixture}):\n"
        f'    """{CANARY_DOC}\n\n    More words that stay private.\n    """\n'
        f"    # {CANARY_SOURCE}\n"
        f'    want = "{CANARY_EXPECTED}"\n'
        f'    assert "something else" == want, "{CANARY_MESSAGE}: expected " + want\n',
        encoding="utf-8",
    )


def _make_students(kit: Kit, template: Path, batch: Path) -> None:
    first, second = kit.lessons[0], kit.lessons[1]
    for name in STUDENTS:
        repo = batch / name
        shutil.copytree(template, repo)
        ex = repo / "exercises"

        def put(entry: Lesson, text: str | None = None, repo: Path = repo) -> None:
            target = repo / entry.exercise_path.relative_to(kit.root)
            target.write_text(text if text is not None else solution_of(kit, entry))

        if name == "partial":
            put(first)
        elif name in ("complete", "syntax", "hang"):
            for entry in kit.entries:
                put(entry)
            if name == "syntax":
                put(first, solution_of(kit, first) + "\n\ndef broken(:\n    pass\n")
            if name == "hang":
                task = second.tasks[0]
                put(
                    second,
                    solution_of(kit, second)
                    + f"\n\ndef {task}(*args, **kwargs):\n    while True:\n        pass\n",
                )
        elif name == "edited":
            test = repo / first.test_path.relative_to(kit.root)
            test.write_text("def test_everything_passes():\n    assert True\n")
        assert ex.is_dir()
        git(repo, "init", "-q")
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", f"{name}'s work")


def _expected(kit: Kit) -> dict[str, dict[str, float]]:
    zero = {e.id: 0.0 for e in kit.entries}
    first = kit.lessons[0]
    complete = {e.id: full(kit, e) for e in kit.entries}
    return {
        "untouched": zero,
        "partial": {**zero, first.id: full(kit, first)},
        "complete": complete,
        "syntax": {**complete, first.id: 0.0},
        "edited": zero,
    }


def _rows(db: Path) -> list[tuple]:
    with sqlite3.connect(db) as con:
        subs = con.execute(
            "SELECT student, commit_sha, points, max_points, tampered, problem FROM submissions "
            "ORDER BY student"
        ).fetchall()
        lessons = con.execute(
            "SELECT s.student, l.lesson, l.status, l.points FROM lessons l JOIN submissions s "
            "ON s.id = l.submission_id ORDER BY s.student, l.position"
        ).fetchall()
        tests = con.execute(
            "SELECT s.student, t.name, t.status, t.hidden FROM tests t JOIN submissions s "
            "ON s.id = t.submission_id ORDER BY s.student, t.name"
        ).fetchall()
    return [*subs, *lessons, *tests]


def _count(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as con:
            return int(con.execute("SELECT COUNT(*) FROM submissions").fetchone()[0])
    except sqlite3.OperationalError:
        return 0


@pytest.fixture(scope="module")
def graded(kit: Kit, template: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    work = tmp_path_factory.mktemp("grading")
    batch = work / "student-repos"
    _make_students(kit, template, batch)
    _plant_canary(kit)
    db = work / "gradebook.sqlite"
    args = [
        "grade",
        str(batch),
        "--gradebook",
        str(db),
        "--timeout",
        TEST_TIMEOUT,
        "--submission-timeout",
        "120",
    ]
    # A batch killed half-way: stop it as soon as the first submission is committed.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "HEXAHYPE_"))}
    (work / "tmp").mkdir()
    env["TMPDIR"] = str(work / "tmp")  # what a killed batch leaves behind stays in tmp_path
    proc = subprocess.Popen(
        [sys.executable, "-m", "grader.cli", *args, "--jobs", "1"],
        cwd=kit.root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
        start_new_session=True,
    )
    deadline = time.monotonic() + 300
    while _count(db) < 1 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.1)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    killed_at = _count(db)
    started = time.monotonic()
    resumed = hexahype(kit.root, *args, "--jobs", "2")
    elapsed = time.monotonic() - started
    again = hexahype(kit.root, *args)
    return {
        "db": db,
        "batch": batch,
        "work": work,
        "killed_at": killed_at,
        "resumed": resumed,
        "again": again,
        "elapsed": elapsed,
        "args": args,
    }


def test_batch_resumes_after_a_kill_without_loss_or_duplicates(graded: dict, kit: Kit) -> None:
    db = graded["db"]
    assert 1 <= graded["killed_at"] < len(STUDENTS)
    resumed = graded["resumed"]
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    assert resumed.stdout.count("skipped, already graded") == graded["killed_at"]
    with sqlite3.connect(db) as con:
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        subs = con.execute("SELECT student, COUNT(*) FROM submissions GROUP BY student").fetchall()
        meta = con.execute(
            "SELECT DISTINCT grader_version, course_version FROM submissions"
        ).fetchall()
    assert sorted(subs) == sorted((s, 1) for s in STUDENTS)
    assert meta == [(grader.__version__, kit.course.version)]
    # Re-running the whole batch grades nothing again and changes nothing.
    again = graded["again"]
    assert again.returncode == 0 and again.stdout.count("skipped, already graded") == 6
    before = _rows(db)
    proc = hexahype(
        kit.root,
        *graded["args"][:1],
        str(graded["batch"] / "complete"),
        *graded["args"][2:],
        "--force",
    )
    assert proc.returncode == 0, proc.stderr
    assert _rows(db) == before  # re-grading replaces, never duplicates


def test_gradebook_holds_the_expected_points(graded: dict, kit: Kit) -> None:
    points = _points(graded["db"])
    for student, want in _expected(kit).items():
        assert points[student] == want, student
    # The infinite loop cost only its own lesson.
    first, second = kit.lessons[0], kit.lessons[1]
    hang = points["hang"]
    assert hang[second.id] < second.points
    assert {k: v for k, v in hang.items() if k != second.id} == {
        e.id: full(kit, e) for e in kit.entries if e.id != second.id
    }
    out = graded["resumed"].stdout + graded["again"].stdout
    lines = {line.split(" ", 1)[0]: line for line in graded["resumed"].stdout.splitlines()}
    if "hang" in lines:
        assert f"lesson {second.id}: a test timed out" in lines["hang"]
    if "syntax" in lines:
        assert "syntax error" in lines["syntax"]
    assert "graded" in out
    with sqlite3.connect(graded["db"]) as con:
        flagged = dict(con.execute("SELECT student, tampered FROM submissions").fetchall())
        detail = con.execute(
            "SELECT tamper_detail FROM submissions WHERE student = 'edited'"
        ).fetchone()[0]
        commits = dict(con.execute("SELECT student, commit_sha FROM submissions").fetchall())
        hidden_msg = con.execute(
            "SELECT message FROM tests t JOIN submissions s ON s.id = t.submission_id "
            "WHERE s.student = 'complete' AND t.name LIKE '%test_canary_hidden_case'"
        ).fetchone()[0]
    assert flagged == {s: int(s == "edited") for s in STUDENTS}
    assert first.test_path.relative_to(kit.root).as_posix() + " changed" in detail
    for student in STUDENTS:
        head = git(graded["batch"] / student, "rev-parse", "HEAD").strip()
        assert commits[student] == head
    assert CANARY_MESSAGE in hidden_msg  # the instructor sees it; students never do


def test_csv_export(graded: dict, kit: Kit, tmp_path: Path) -> None:
    out = tmp_path / "grades.csv"
    proc = hexahype(kit.root, "gradebook", "--gradebook", str(graded["db"]), "export-csv", str(out))
    assert proc.returncode == 0, proc.stderr
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [r["student"] for r in rows] == sorted(STUDENTS)
    ids = [e.id for e in kit.entries]
    assert list(rows[0])[2 : 2 + len(ids)] == ids
    expected = _expected(kit)
    for row in rows:
        if row["student"] in expected:
            want = expected[row["student"]]
            assert {i: float(row[i]) for i in ids} == want
            assert float(row["final"]) == pytest.approx(sum(want.values()))
    assert {r["student"]: r["tampered"] for r in rows}["edited"] == "yes"


def test_feedback_never_reveals_hidden_tests(graded: dict, kit: Kit, tmp_path: Path) -> None:
    out = tmp_path / "feedback"
    proc = hexahype(kit.root, "gradebook", "--gradebook", str(graded["db"]), "feedback", str(out))
    assert proc.returncode == 0, proc.stderr
    files = {p.stem: p.read_text(encoding="utf-8") for p in out.glob("*.md")}
    assert set(files) == set(STUDENTS)
    hidden_source = kit.lessons[0].hidden_test_path.read_text(encoding="utf-8")
    secret_lines = [
        line.strip()
        for line in hidden_source.splitlines()
        if len(line.strip()) > 30
        and line.strip() not in (CANARY_DOC,)
        and not line.strip().startswith(("def ", '"""', "#"))
    ]
    for student, text in files.items():
        for canary in (CANARY_SOURCE, CANARY_EXPECTED, CANARY_MESSAGE, "More words that stay"):
            assert canary not in text, (student, canary)
        leaked = [line for line in secret_lines if line in text]
        assert not leaked, (student, leaked[:3])
    with sqlite3.connect(graded["db"]) as con:
        params = [
            name.split("[", 1)[1].rstrip("]")
            for (name,) in con.execute("SELECT DISTINCT name FROM tests WHERE hidden = 1")
            if "[" in name
        ]
    for student, text in files.items():  # parameter ids may hold hidden inputs
        assert not [p for p in params if f"[{p}]" in text], student
    complete = files["complete"]
    assert "test_canary_hidden_case" in complete and CANARY_DOC in complete
    assert "Not started yet" in files["untouched"]
    assert "changes files the course ships" in files["edited"]
    assert re.search(r"Total: \*\*[\d.]+ / [\d.]+\*\*", complete)


# -- 2. the Classroom workflow ----------------------------------------------------------------
def _actionlint() -> str | None:
    here = Path(sys.executable).parent / "actionlint"
    return str(here) if here.exists() else shutil.which("actionlint")


def test_committed_workflow_is_fresh_and_verify_catches_staleness(kit: Kit) -> None:
    committed = KIT / classroom.SOURCE_COPY
    assert committed.read_text(encoding="utf-8") == classroom.workflow_text(manifest.load(KIT))
    _copy(committed, kit.root / classroom.SOURCE_COPY)
    from grader.authoring import verify

    report = verify.Report()
    classroom.check_workflow(kit.course, [], report)
    assert report.ok, report.problems
    assert classroom.check_workflow in verify.EXTRA_CHECKS
    stale = kit.root / "stale"
    stale.mkdir()
    for name in ("course.toml",):
        text = (kit.root / name).read_text(encoding="utf-8")
        (stale / name).write_text(text.replace("points = 10", "points = 12", 1))
    (stale / "solutions").mkdir()
    (stale / classroom.SOURCE_COPY).parent.mkdir(parents=True)
    (stale / classroom.SOURCE_COPY).write_text(committed.read_text(encoding="utf-8"))
    report = verify.Report()
    classroom.check_workflow(manifest.load(stale), [], report)
    assert any("stale" in p for p in report.problems), report.problems


def test_workflow_follows_classroom_and_passes_actionlint(template: Path) -> None:
    text = (template / ".github" / "workflows" / "classroom.yml").read_text(encoding="utf-8")
    assert "\nname: Autograding Tests\n" in text
    assert "  run-autograding-tests:\n" in text
    assert "  push:\n  repository_dispatch:\n" in text
    assert "if: github.actor != 'github-classroom[bot]'" in text
    assert "contents: read" in text and "write-all" not in text
    for action in ("actions/checkout@", "actions/setup-python@"):
        ref = text.split(action, 1)[1].split()[0]
        assert re.fullmatch(r"[0-9a-f]{40}", ref), f"{action} is not pinned by SHA: {ref}"
    assert "HEXAHYPE_RESULTS: ${{ steps.hexahype.outputs.result }}" in text
    assert "runners: hexahype" in text
    tool = _actionlint()
    if tool is None:
        pytest.skip("actionlint is not installed (pip install -e '.[dev]')")
    proc = subprocess.run(
        [tool, "-no-color", str(template / ".github/workflows/classroom.yml")],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def _classroom_step(repo: Path, tmp: Path) -> tuple[dict, str]:
    output, summary = tmp / "output", tmp / "summary.md"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "HEXAHYPE_"))}
    env.update(GITHUB_OUTPUT=str(output), GITHUB_STEP_SUMMARY=str(summary))
    proc = subprocess.run(
        [sys.executable, "-m", "grader.integrations.github_classroom"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = [ln for ln in output.read_text().splitlines() if ln.startswith("result=")]
    assert len(lines) == 1
    return json.loads(base64.b64decode(lines[0][len("result=") :])), summary.read_text()


def test_classroom_step_reports_partial_credit(kit: Kit, template: Path, tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(template, repo)
    first, second = kit.lessons[0], kit.lessons[1]
    _copy(first.solution_path, repo / first.exercise_path.relative_to(kit.root))
    # Lesson 2: a solution that fails the checks of its last task only.
    task = second.tasks[-1]
    (repo / second.exercise_path.relative_to(kit.root)).write_text(
        solution_of(kit, second) + f"\n\ndef {task}(*args, **kwargs):\n    return None\n"
    )
    result, summary = _classroom_step(repo, tmp_path)
    assert result["version"] == 1 and result["status"] == "fail"
    assert result["max_score"] == sum(e.points for e in kit.entries)
    tests = {t["name"].split(" ", 1)[0]: t for t in result["tests"]}
    assert list(tests) == [e.id for e in kit.entries]
    for t in result["tests"]:
        assert set(t) == {
            "name",
            "status",
            "score",
            "message",
            "test_code",
            "filename",
            "line_no",
            "duration",
        }
    assert tests[first.id]["status"] == "pass" and tests[first.id]["score"] == first.points
    assert tests[second.id]["status"] == "fail"
    assert 0 < tests[second.id]["score"] < second.points
    assert tests[second.id]["score"] == round(tests[second.id]["score"], 2)
    for e in kit.entries[2:]:
        assert tests[e.id]["score"] == 0 and tests[e.id]["status"] == "fail"
    assert "| Lesson | Status | Points | Details |" in summary
    for e in kit.entries:
        assert f"| {e.id} {e.title} |" in summary
    # Everything solved: a passing result with every point.
    for e in kit.entries:
        _copy(e.solution_path, repo / e.exercise_path.relative_to(kit.root))
    (tmp_path / "again").mkdir()
    result, _ = _classroom_step(repo, tmp_path / "again")
    assert result["status"] == "pass"
    assert sum(t["score"] for t in result["tests"]) == result["max_score"]
