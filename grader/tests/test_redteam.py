"""The red-team corpus: hostile submissions graded by the real `hexahype grade`.

Each folder in `grader/tests/redteam/` is one attack: `attack.py` is added to the attacked
lesson's module of an otherwise complete submission made of the reference solutions, and
`expect.toml` says which lesson is attacked, which lessons must score 0, whether the attack
needs a real sandbox (bubblewrap) to be contained, how the attack replaces the lesson's
functions (`override`: every task becomes `attack`, every task is wrapped by `wrap`, the stub
stays, or nothing), and files overlaid on the submission (a conftest, a stray numpy.py).

All entries are graded in one batch, on a temporary copy of the instructor's course (a few
lessons) with canaries planted in the hidden tests, the solutions, the gradebook and the
environment. The tests then check the points, that no canary reaches any output or feedback,
that the run stayed bounded, that no process of the run is left, and that the instructor's
files are unchanged. A last test grades the whole course (every complete lesson, visible and
hidden suites) with the reference solutions (100%) and the stubs (0%).
"""

from __future__ import annotations

import hashlib
import os
import py_compile
import secrets
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import tomllib

from grader import manifest, runs
from grader.grading import sandbox
from grader.manifest import Lesson

from .conftest import gradebook_points as points

KIT = Path(__file__).resolve().parents[2]
CORPUS = Path(__file__).resolve().parent / "redteam"
PREFERRED = ("1.1", "1.3")  # the small course the corpus is graded on
CALL_TIMEOUT = "3"
RUN_BOUND = 420.0  # seconds for the whole corpus batch
TAG = "rt" + secrets.token_hex(6)
CANARY_HIDDEN = "HEXAHYPE-CANARY-HIDDEN-" + secrets.token_hex(6)
CANARY_SOLUTION = "HEXAHYPE-CANARY-SOLUTION-" + secrets.token_hex(6)
CANARY_GRADEBOOK = "HEXAHYPE-CANARY-GRADEBOOK-" + secrets.token_hex(6)
CANARY_ENV = "HEXAHYPE-CANARY-ENV-" + secrets.token_hex(6)
CONTROLS = ("control-solutions", "control-stubs")


@dataclass
class Entry:
    name: str
    doc: str
    lesson: str
    zero: list[str]
    sandbox: bool
    override: str
    files: dict[str, str] = field(default_factory=dict)
    setup: str = ""
    pass_anyway: list[str] = field(default_factory=list)


def load_entries() -> list[Entry]:
    out = []
    for folder in sorted(p for p in CORPUS.iterdir() if p.is_dir()):
        spec = tomllib.loads((folder / "expect.toml").read_text(encoding="utf-8"))
        out.append(
            Entry(
                name=folder.name,
                doc=(folder / "expect.toml").read_text(encoding="utf-8").splitlines()[0][2:],
                lesson=spec["lesson"],
                zero=list(spec["zero"]),
                sandbox=bool(spec["sandbox"]),
                override=spec["override"],
                files=dict(spec.get("files", {})),
                setup=spec.get("setup", ""),
                pass_anyway=list(spec.get("pass_anyway", [])),
            )
        )
    return out


ENTRIES = load_entries()


def _complete(entry: Lesson) -> bool:
    need = [entry.exercise_path, entry.solution_path, entry.test_path, entry.hidden_test_path]
    return entry.is_lesson and all(p.exists() for p in need)


def _copy(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dst)


def make_course(root: Path, ids: list[str] | None) -> list[Lesson]:
    """A copy of the instructor's course with the chosen complete lessons (all when `ids` is
    None), canaries planted in its hidden tests and solutions."""
    live = manifest.load(KIT)
    chosen = [e for e in live.entries if _complete(e) and (ids is None or e.id in ids)]
    for name in ("course.toml", "pyproject.toml"):
        _copy(KIT / name, root / name)
    shutil.copytree(
        KIT / "grader",
        root / "grader",
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "tests"),
    )
    for chapter in live.chapters:
        for top in ("exercises", "solutions"):
            init = KIT / top / chapter.package / "__init__.py"
            if init.exists():
                _copy(init, root / top / chapter.package / "__init__.py")
    for e in chosen:
        for path in (e.exercise_path, e.solution_path, e.test_path, e.hidden_test_path):
            _copy(path, root / path.relative_to(KIT))
        hidden = root / e.hidden_test_path.relative_to(KIT)
        hidden.write_text(hidden.read_text("utf-8") + f"\n# {CANARY_HIDDEN}\n", "utf-8")
        sol = root / e.solution_path.relative_to(KIT)
        sol.write_text(sol.read_text("utf-8") + f"\n# {CANARY_SOLUTION}\n", "utf-8")
    course = manifest.load(root)
    return [course.get(e.id) for e in chosen]


def write_submission(dest: Path, lessons: list[Lesson], entry: Entry | None, port: int) -> None:
    """A complete submission: every reference solution of the kit (without canaries; a lesson
    may import an earlier one), with `entry`'s attack in its lesson."""
    live = manifest.load(KIT)
    graded = {e.id for e in lessons}
    lessons = [e for e in live.entries if e.is_lesson and e.solution_path.exists()]
    for chapter in {e.package for e in lessons}:
        _copy(
            KIT / "exercises" / chapter / "__init__.py",
            dest / "exercises" / chapter / "__init__.py",
        )
    for lesson in lessons:
        source = (KIT / lesson.solution_path.relative_to(lesson.root)).read_text("utf-8")
        target = dest / lesson.exercise_path.relative_to(lesson.root)
        if entry is not None and lesson.id == entry.lesson:
            attack = (
                (CORPUS / entry.name / "attack.py").read_text("utf-8").replace("{PORT}", str(port))
            )
            if entry.override == "stub":
                source = (KIT / lesson.exercise_path.relative_to(lesson.root)).read_text("utf-8")
            source += "\n\n# -- the attack --\n" + attack + "\n"
            if entry.override == "attack":
                source += "".join(f"{task} = attack\n" for task in lesson.tasks)
            elif entry.override == "wrap":
                source += "".join(f"{task} = wrap({task})\n" for task in lesson.tasks)
            if entry.setup == "pyc":
                pyc = (
                    target.parent
                    / "__pycache__"
                    / f"{target.stem}.cpython-{sys.version_info[0]}{sys.version_info[1]}.pyc"
                )
                honest = dest / "honest.py"
                honest.write_text(
                    (KIT / lesson.solution_path.relative_to(lesson.root)).read_text("utf-8")
                )
                pyc.parent.mkdir(parents=True, exist_ok=True)
                py_compile.compile(
                    str(honest),
                    cfile=str(pyc),
                    invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH,
                )
                honest.unlink()
        elif dest.name == "control-stubs" and lesson.id in graded:
            source = (KIT / lesson.exercise_path.relative_to(lesson.root)).read_text("utf-8")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(source, encoding="utf-8")
    for rel, text in (entry.files if entry else {}).items():
        path = dest / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def tree_hash(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def strays(marker: str) -> list[str]:
    """Processes whose environment or command line holds `marker`."""
    found = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        for part in ("environ", "cmdline"):
            try:
                data = Path(f"/proc/{entry.name}/{part}").read_bytes()
            except OSError:
                continue
            if marker.encode() in data:
                found.append(f"{entry.name}: {data[:120]!r}")
                break
    return found


def grade_env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "HEXAHYPE_"))}
    env.update(TMPDIR=str(tmp), HEXAHYPE_GRADE_TAG=TAG, HEXAHYPE_CANARY=CANARY_ENV)
    env["SECRET_API_TOKEN"] = CANARY_ENV
    return env


@pytest.fixture(scope="module")
def level() -> str:
    return sandbox.choose("auto")


@pytest.fixture(scope="module")
def corpus_run(tmp_path_factory: pytest.TempPathFactory, level: str) -> dict:
    work = tmp_path_factory.mktemp("redteam")
    root = work / "course"
    lessons = make_course(root, list(PREFERRED))
    if "1.3" not in [e.id for e in lessons] or len(lessons) < 2:
        pytest.fail("the red-team course needs lesson 1.3 and one more complete lesson")
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.setblocking(False)
    port = listener.getsockname()[1]
    batch = work / "batch"
    runnable = [e for e in ENTRIES if not e.sandbox or level == "bwrap"]
    for e in runnable:
        write_submission(batch / e.name, lessons, e, port)
    for name in CONTROLS:
        write_submission(batch / name, lessons, None, port)
    db = work / "gradebook.sqlite"
    with sqlite3.connect(db) as con:  # an earlier grade holding a canary
        con.execute("CREATE TABLE canary (secret TEXT)")
        con.execute("INSERT INTO canary VALUES (?)", (CANARY_GRADEBOOK,))
    (work / "tmp").mkdir()
    before = tree_hash(root)
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "grader.cli", "grade", str(batch), "--gradebook", str(db)]
        + ["--timeout", CALL_TIMEOUT, "--submission-timeout", "120", "--jobs", "2"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=900,
        env=grade_env(work / "tmp"),
    )
    elapsed = time.monotonic() - started
    feedback = work / "feedback"
    fb = subprocess.run(
        [sys.executable, "-m", "grader.cli", "gradebook", "--gradebook", str(db), "feedback"]
        + [str(feedback)],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
        env=grade_env(work / "tmp"),
    )
    time.sleep(0.5)
    after = tree_hash(root)
    left = strays(TAG)
    try:
        conn, _ = listener.accept()
        conn.close()
        connected = True
    except BlockingIOError:
        connected = False
    listener.close()
    return {
        "proc": proc,
        "feedback": fb,
        "feedback_dir": feedback,
        "db": db,
        "elapsed": elapsed,
        "strays": left,
        "connected": connected,
        "lessons": lessons,
        "changed": sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k)),
        "runnable": {e.name for e in runnable},
    }


def test_corpus_covers_the_attack_families() -> None:
    names = {e.name for e in ENTRIES}
    assert len(ENTRIES) >= 25
    for needed in (
        "exit-spoofing",
        "system-exit",
        "skip-smuggling",
        "conftest-in-submission",
        "numpy-shadow",
        "unchecked-pyc",
        "lying-eq",
        "frame-getframe",
        "read-hidden-tests",
        "fork-bomb",
        "network-localhost",
        "environment-snooping",
        "argument-mutation",
    ):
        assert needed in names
    for e in ENTRIES:
        assert e.override in ("attack", "wrap", "stub", "none"), e.name
        assert set(e.zero) <= {e.lesson}, e.name
        assert (CORPUS / e.name / "attack.py").is_file()


@pytest.mark.parametrize("entry", ENTRIES, ids=[e.name for e in ENTRIES])
def test_attack_is_contained(entry: Entry, corpus_run: dict, level: str) -> None:
    if entry.name not in corpus_run["runnable"]:
        pytest.skip(f"needs a real sandbox; this machine grades with {level} (install bwrap)")
    proc = corpus_run["proc"]
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    got = points(corpus_run["db"]).get(entry.name)
    assert got is not None, f"{entry.name} was not graded: {proc.stdout[-2000:]}"
    for lesson in corpus_run["lessons"]:
        if lesson.id not in entry.zero:
            assert got[lesson.id] == float(lesson.points), (entry.name, lesson.id, got)
        elif not entry.pass_anyway:
            assert got[lesson.id] == 0.0, (entry.name, lesson.id, got)
    with sqlite3.connect(corpus_run["db"]) as con:
        passed = [
            name.split("::")[-1].split("[")[0]
            for (name,) in con.execute(
                "SELECT t.name FROM tests t JOIN submissions s ON s.id = t.submission_id "
                "WHERE s.student = ? AND t.status = 'passed' AND t.lesson IN "
                f"({', '.join('?' * len(entry.zero))})",
                (entry.name, *entry.zero),
            )
        ]
    assert set(passed) <= set(entry.pass_anyway), (entry.name, passed)


def test_controls_and_isolation_level(corpus_run: dict, level: str) -> None:
    got = points(corpus_run["db"])
    lessons = corpus_run["lessons"]
    assert got["control-solutions"] == {e.id: float(e.points) for e in lessons}
    assert got["control-stubs"] == {e.id: 0.0 for e in lessons}
    with sqlite3.connect(corpus_run["db"]) as con:
        levels = {r[0] for r in con.execute("SELECT isolation FROM submissions")}
    assert levels == {level}
    assert f"isolated by {level}" in corpus_run["proc"].stdout


def test_no_canary_reaches_any_output(corpus_run: dict) -> None:
    texts = [corpus_run["proc"].stdout, corpus_run["proc"].stderr, corpus_run["feedback"].stdout]
    assert corpus_run["feedback"].returncode == 0, corpus_run["feedback"].stderr
    texts += [p.read_text("utf-8") for p in corpus_run["feedback_dir"].glob("*.md")]
    with sqlite3.connect(corpus_run["db"]) as con:
        for table, cols in (
            ("submissions", "problem, tamper_detail"),
            ("lessons", "message"),
            ("tests", "message, doc"),
        ):
            texts += [" ".join(map(str, row)) for row in con.execute(f"SELECT {cols} FROM {table}")]
    blob = "\n".join(texts)
    for canary in (CANARY_HIDDEN, CANARY_SOLUTION, CANARY_GRADEBOOK, CANARY_ENV):
        assert canary not in blob, canary
    graded = len(corpus_run["runnable"]) + len(CONTROLS)
    assert len(list(corpus_run["feedback_dir"].glob("*.md"))) == graded


def test_run_is_bounded_leaves_nothing_and_changes_nothing(corpus_run: dict) -> None:
    assert corpus_run["elapsed"] < RUN_BOUND, corpus_run["elapsed"]
    assert corpus_run["strays"] == []
    assert corpus_run["changed"] == [], "the instructor's course copy was modified"
    assert not corpus_run["connected"], "a worker reached a port on the grader's machine"


def test_full_course_solutions_score_everything_and_stubs_nothing(
    tmp_path: Path, level: str
) -> None:
    """Every complete lesson, visible and hidden suites, through the sandboxed worker."""
    root = tmp_path / "course"
    lessons = make_course(root, None)
    files = runs.test_files(lessons, hidden=True)
    assert len(files) >= 2 * len(lessons)
    batch = tmp_path / "batch"
    for name in CONTROLS:
        write_submission(batch / name, lessons, None, 0)
    (tmp_path / "tmp").mkdir()
    db = tmp_path / "gradebook.sqlite"
    proc = subprocess.run(
        [sys.executable, "-m", "grader.cli", "grade", str(batch), "--gradebook", str(db)]
        + ["--timeout", "20", "--jobs", "2"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=900,
        env=grade_env(tmp_path / "tmp"),
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    got = points(db)
    assert got["control-solutions"] == {e.id: float(e.points) for e in lessons}, proc.stdout
    assert got["control-stubs"] == {e.id: 0.0 for e in lessons}
    with sqlite3.connect(db) as con:
        ran = con.execute("SELECT COUNT(*), SUM(hidden) FROM tests").fetchone()
        levels = {r[0] for r in con.execute("SELECT isolation FROM submissions")}
    assert ran[0] > 4 * len(lessons) and ran[1] > 0
    assert levels == {level}
    assert strays(TAG) == []
