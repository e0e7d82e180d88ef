"""Running what the kit ships the way each platform runs it, for the parity suite
(test_parity.py) and benchmarks/platform_cost.py.

Every platform path runs from the built form (the Classroom 50 bundle, the Gradescope zip, the
student template) in an environment such as the platform has: a fresh virtualenv made from the
system Python with the bundle's own requirements.txt, a clean environment, the student checkout
as working directory. Never the dev virtualenv's interpreter, an editable install or anything
of the kit's checkout on sys.path.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grader import manifest
from grader.integrations import classroom50 as c50
from grader.manifest import Course

ORG, CLASSROOM, ASSIGNMENT = "hexahype-u", "llm-101", "hexahype"
TIMEOUT = "3"  # seconds per check, the learner's limit: the infinite loop costs it once per phase


def base_python() -> str:
    """The system Python this test runs on, never the dev virtualenv's interpreter."""
    for candidate in (
        getattr(sys, "_base_executable", ""),
        str(Path(sys.base_prefix) / "bin" / "python3"),
    ):
        if (
            candidate
            and Path(candidate).is_file()
            and Path(sys.prefix) not in Path(candidate).parents
        ):
            return candidate
    found = shutil.which("python3", path="/usr/local/bin:/usr/bin:/bin")
    assert found, "no system python3"
    return found


def clean_env(**extra: str) -> dict[str, str]:
    """A platform's environment: nothing of the dev virtualenv or of the kit's checkout."""
    keep = ("HOME", "LANG", "LC_ALL", "TMPDIR", "PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL")
    env = {k: os.environ[k] for k in keep if k in os.environ}
    env["PATH"] = "/usr/local/bin:/usr/bin:/bin"
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.update(extra)
    return env


def fresh_venv(where: Path, requirements: Path) -> Path:
    """A virtualenv from the system Python with `requirements` installed; its python."""
    subprocess.run([base_python(), "-m", "venv", str(where)], check=True, env=clean_env())
    py = where / "bin" / "python"
    proc = subprocess.run(
        [str(py), "-m", "pip", "install", "-q", "-r", str(requirements)],
        capture_output=True,
        text=True,
        env=clean_env(),
        timeout=900,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    return py


def runner_venv(requirements: Path) -> Path:
    """A runner-like virtualenv for these requirements, made once per test run and machine
    (keyed by the requirements' text, shared by the test modules and xdist workers under a
    lock): a fresh virtualenv of the system Python with requirements.txt installed, nothing
    else. Its python."""
    text = requirements.read_text(encoding="utf-8")
    key = hashlib.sha256((text + base_python()).encode()).hexdigest()[:16]
    where = Path(tempfile.gettempdir()) / f"hexahype-runner-venv-{key}"
    done = where / ".complete"
    with open(f"{where}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            shutil.rmtree(where, ignore_errors=True)
            fresh_venv(where, requirements)
            done.write_text("ok\n")
    return where / "bin" / "python"


def kit_cli(root: Path, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    """The instructor's `hexahype`, in the instructor's checkout (the kit's own environment)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "HEXAHYPE_"))}
    env.update(extra)
    return subprocess.run(
        [sys.executable, "-m", "grader.cli", *args],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=1200,
        env=env,
    )


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=Student", "-c", "user.email=s@example.com", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


@dataclass
class Built:
    root: Path  # the instructor's copy of the course, chapter 3 graded
    course: Course
    out: Path  # hexahype classroom50 OUT/
    zip: Path  # hexahype gradescope
    venv_python: Path  # a runner-like fresh virtualenv with the bundle's requirements

    @property
    def bundle_dir(self) -> Path:
        return c50.bundle_folder(self.out, CLASSROOM, ASSIGNMENT)


def course_copy(src: Path, dest: Path, graded: bool = True) -> Path:
    files = subprocess.run(
        ["git", "ls-files", "-z"], cwd=src, capture_output=True, check=True
    ).stdout.split(b"\0")
    for raw in files:
        rel = raw.decode()
        if not rel or rel.startswith(("grader/tests/", ".github/")):
            continue
        path = src / rel
        if path.is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, dest / rel)
    if not graded:
        return dest
    toml = dest / "course.toml"
    text = toml.read_text(encoding="utf-8")
    assert text.count("\ngraded = false\n") == 1, "course.toml: no ungraded optional chapter"
    text = text.replace("\ngraded = false\n", "\ngraded = true\n")
    toml.write_text(text, encoding="utf-8")
    course = manifest.load(dest)
    assert all(e.points > 0 for e in course.lessons), "chapter 3 is not graded"
    return dest


def build(src: Path, work: Path, graded: bool = True) -> Built:
    """The course of `src` (chapter 3 graded), its Classroom 50 bundle, tests.json and
    Gradescope zip, built by the instructor's `hexahype`, and a runner-like fresh virtualenv."""
    root = course_copy(src, work / "course", graded)
    out = work / "c50"
    proc = kit_cli(
        root, "classroom50", str(out), "--org", ORG, "--classroom", CLASSROOM,
        "--assignment", ASSIGNMENT, "--timeout", TIMEOUT,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    zip_path = work / "autograder.zip"
    proc = kit_cli(root, "gradescope", str(zip_path), "--timeout", TIMEOUT)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    bundle_dir = c50.bundle_folder(out, CLASSROOM, ASSIGNMENT)
    py = runner_venv(bundle_dir / "requirements.txt")
    return Built(root, manifest.load(root), out, zip_path, py)


def solved_files(course: Course, ids: list[str] | None = None) -> dict[str, str | None]:
    """The reference solutions of the lessons `ids` (default: all), as a student's files."""
    out: dict[str, str | None] = {}
    for e in course.entries:
        if ids is None or e.id in ids:
            out[e.exercise_path.relative_to(course.root).as_posix()] = e.solution_path.read_text(
                encoding="utf-8"
            )
    return out


def make_repos(
    built: Built, folder: Path, files_by_student: dict[str, dict[str, str | None]]
) -> dict[str, Path]:
    """One git repository per student, made from the template with their files, as Classroom
    50 makes it (its accept-time files included)."""
    folder.mkdir(parents=True)
    repos = {}
    for student, files in files_by_student.items():
        repo = folder / f"{CLASSROOM}-{ASSIGNMENT}-{student}"
        shutil.copytree(built.out / "template", repo)
        git(repo, "init", "-q", "-b", "main")
        git(repo, "add", "-A")
        git(repo, "commit", "-qm", "Initial commit")
        for rel, text in files.items():
            if text is not None:
                (repo / rel).write_text(text, encoding="utf-8")
        # Classroom 50 writes these at accept time: never a sign of tampering
        (repo / ".classroom50.yaml").write_text(f"classroom: {CLASSROOM}\n")
        (repo / ".github" / "workflows" / "autograde.yaml").write_text("name: Autograde\n")
        git(repo, "add", "-A")
        git(repo, "commit", "-qm", "My work", "--allow-empty")
        repos[student] = repo
    return repos


def gradebook_points(db: Path) -> dict[str, dict[str, dict[str, Any]]]:
    with sqlite3.connect(db) as con:
        rows = con.execute(
            "SELECT s.student, l.lesson, l.points, l.passed, l.total, l.max_points, l.status "
            "FROM lessons l JOIN submissions s ON s.id = l.submission_id"
        ).fetchall()
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for student, lesson, points, passed, total, max_points, status in rows:
        name = student.rsplit("-", 1)[-1]
        out.setdefault(name, {})[lesson] = {
            "points": points, "passed": passed, "total": total, "max": max_points,
            "status": status,
        }  # fmt: skip
    return out


def run_classroom50(built: Built, bundle_dir: Path, repo: Path, work: Path) -> dict[str, Any]:
    """autograder.py as Classroom 50's runner runs it; (exit code, result.json, output)."""
    checkout = work / f"c50-{repo.name}"
    subprocess.run(["git", "clone", "-q", str(repo), str(checkout)], check=True)
    env = clean_env(
        CLASSROOM=CLASSROOM,
        ASSIGNMENT=ASSIGNMENT,
        ASSIGNMENT_TYPE="individual",
        OWNER=repo.name.rsplit("-", 1)[-1],
        SUBMISSION_TAG="submit/2027-01-10T12-00-00Z-abcdef0",
        COMMIT_URL=f"https://github.com/{ORG}/{repo.name}/commit/HEAD",
        RELEASE_URL=f"https://github.com/{ORG}/{repo.name}/releases/tag/x",
        CLASSROOM50_BUNDLE_DIR=str(bundle_dir),
        PATH=f"{built.venv_python.parent}:/usr/local/bin:/usr/bin:/bin",
    )
    proc = subprocess.run(
        ["python3", str(bundle_dir / c50.ENTRY)],
        cwd=checkout,
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
    )
    result = checkout / c50.RESULT_FILE
    doc = json.loads(result.read_text(encoding="utf-8")) if result.is_file() else {}
    return {"code": proc.returncode, "doc": doc, "log": proc.stdout + proc.stderr}


def c50_points(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """lesson -> passed, total and whole points, from result.json's rows."""
    out = {}
    for row in doc.get("tests", []):
        lesson = row["test-name"].split(" ", 1)[0]
        m = re.search(r"(\d+) of (\d+) checks pass", row["output"])
        passed, total = (int(m.group(1)), int(m.group(2))) if m else (None, None)
        out[lesson] = {"passed": passed, "total": total, "whole": row["score"]}
    return out


def run_declarative(built: Built, repo: Path, lesson_id: str, work: Path) -> dict[str, Any]:
    """One `python` test of tests.json, as the runner runs it: its `run` command in the
    checkout, with a pytest-json-report file to read the checks from."""
    tests = json.loads((built.out / "tests.json").read_text(encoding="utf-8"))
    test = next(t for t in tests if t["name"].split(" ", 1)[0] == lesson_id)
    checkout = work / f"decl-{repo.name}-{lesson_id}"
    subprocess.run(["git", "clone", "-q", str(repo), str(checkout)], check=True)
    report = checkout.parent / f"report-{repo.name}-{lesson_id}.json"
    env = clean_env(
        CLASSROOM50_BUNDLE_DIR=str(built.bundle_dir),
        PATH=f"{built.venv_python.parent}:/usr/local/bin:/usr/bin:/bin",
    )
    proc = subprocess.run(
        ["bash", "-c", f"{test['run']} --json-report --json-report-file={report}"],
        cwd=checkout,
        capture_output=True,
        text=True,
        env=env,
        timeout=test["timeout"] + 60,
    )
    summary = json.loads(report.read_text())["summary"] if report.is_file() else {}
    return {"code": proc.returncode, "summary": summary, "points": test["points"]}


@dataclass
class Gradescope:
    root: Path
    python: str


def unzip_autograder(zip_path: Path, root: Path) -> Path:
    """The Gradescope zip unpacked into ROOT/source as Gradescope unpacks it (with the files'
    mode bits, which zipfile drops); returns ROOT, the relocated /autograder."""
    (root / "source").mkdir(parents=True)
    with zipfile.ZipFile(zip_path) as zf:
        zf.extractall(root / "source")
        for info in zf.infolist():
            mode = (info.external_attr >> 16) & 0o777
            if mode:
                (root / "source" / info.filename).chmod(mode)
    return root


def gradescope_setup(zip_path: Path, root: Path) -> Gradescope:
    unzip_autograder(zip_path, root)
    env = clean_env(HEXAHYPE_AUTOGRADER_ROOT=str(root), HEXAHYPE_SKIP_APT="1")
    env["PATH"] = f"{Path(base_python()).parent}:{env['PATH']}"
    setup = subprocess.run(
        ["bash", str(root / "source" / "setup.sh")],
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
    )
    assert setup.returncode == 0, setup.stdout + setup.stderr
    python = (root / "source" / ".hexahype-python").read_text().strip()
    # the hidden tests and the instructor-side oracles are readable by root alone; student code
    # reads only the kit's runtime in grader/
    source = root / "source"
    for path in [source, *source.rglob("*")]:
        rel = path.relative_to(source).as_posix()
        runtime = (rel + "/").startswith("hexahype/grader/") and "/instructor" not in rel
        if rel in (".", "", "hexahype") or runtime or path == source:
            continue
        assert path.stat().st_mode & 0o007 == 0, path
    for private in (source / "hexahype" / "tests", source / "hexahype" / "grader" / "instructor"):
        assert not private.exists() or private.stat().st_mode & 0o077 == 0, private
    return Gradescope(root, python)


def run_gradescope(gs: Gradescope, repo: Path) -> dict[str, Any]:
    """run_autograder on one submission (a fresh submission/ and results/ each time)."""
    sub, results = gs.root / "submission", gs.root / "results"
    shutil.rmtree(sub, ignore_errors=True)
    shutil.rmtree(results, ignore_errors=True)
    shutil.copytree(repo, sub, ignore=shutil.ignore_patterns(".git"))
    env = clean_env(HEXAHYPE_AUTOGRADER_ROOT=str(gs.root))
    proc = subprocess.run(
        [str(gs.root / "source" / "run_autograder")],
        cwd=gs.root,
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
    )
    doc = json.loads((results / "results.json").read_text(encoding="utf-8"))
    return {"code": proc.returncode, "doc": doc, "log": proc.stdout + proc.stderr}


def gradescope_points(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for row in doc["tests"]:
        lesson = row["tags"][0].split(" ", 1)[1]
        item = out.setdefault(lesson, {"points": 0.0, "passed": 0, "total": 0})
        item["points"] = round(item["points"] + row.get("score", 0.0), 2)
        m = re.search(r"(\d+) of (\d+) (?:visible |hidden )?checks pass", row["output"])
        if m:
            item["passed"] += int(m.group(1))
            item["total"] += int(m.group(2))
    return out


def run_learner(built: Built, repo: Path, work: Path) -> dict[str, Any]:
    """The learner's plain `pytest` in their checkout, in a fresh virtualenv (the template's own
    grader, from the checkout as a learner runs it): per lesson the visible checks passed; and
    `hexahype check` of one lesson, which must agree with it."""
    checkout = work / f"learner-{repo.name}"
    subprocess.run(["git", "clone", "-q", str(repo), str(checkout)], check=True)
    env = clean_env()
    proc = subprocess.run(
        [str(built.venv_python), "-m", "pytest", "-q", "-p", "grader.learner.plugin"],
        cwd=checkout,
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
    )
    results = checkout / ".hexahype" / "results.json"
    assert results.is_file(), proc.stdout[-3000:] + proc.stderr[-3000:]
    doc = json.loads(results.read_text(encoding="utf-8"))
    lessons = {
        item["id"]: {"passed": item["passed"], "total": item["total"], "status": item["status"]}
        for item in doc["lessons"]
    }
    check = subprocess.run(
        [str(built.venv_python), "-m", "grader.cli", "check", "2.5"],
        cwd=checkout,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    one = json.loads(results.read_text(encoding="utf-8"))["lessons"]
    return {
        "lessons": lessons,
        "check": {"code": check.returncode, "lessons": {i["id"]: i for i in one}},
        "log": proc.stdout[-2000:],
    }


def visible_counts(db: Path) -> dict[str, dict[str, tuple[int, int]]]:
    with sqlite3.connect(db) as con:
        rows = con.execute(
            "SELECT s.student, t.lesson, SUM(t.status = 'passed'), COUNT(*) FROM tests t "
            "JOIN submissions s ON s.id = t.submission_id WHERE NOT t.hidden "
            "GROUP BY s.student, t.lesson"
        ).fetchall()
    out: dict[str, dict[str, tuple[int, int]]] = {}
    for student, lesson, passed, total in rows:
        out.setdefault(student.rsplit("-", 1)[-1], {})[lesson] = (int(passed), int(total))
    return out
