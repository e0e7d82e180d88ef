"""The student template: which files it holds and the manifest of hashes that describes it.

This is the course's definition of a release, shared by `hexahype release` (which writes it)
and grading (whose tamper check compares submissions with it): a pure function of the kit's
files and course.toml.

The template holds the stubs, the visible tests (with their recorded expected values in
`grader/data/recorded/`), the lesson texts and figures, the grader package (without its own
tests, misconception bank and instructor-side oracles, `grader/instructor/`), pyproject.toml,
course.toml, a learner README, a .gitignore, the progress workflow and the course site's
GitHub Pages workflow (off until the repository turns it on). It never holds
solutions/, tests/hidden/, the misconception bank, a reference forward pass or a quiz key in
clear text: quizzes ship in their sealed JSON form. (Sealed is not secret: the quiz is a
self-check, and its answers can be recovered from the template; see the README.)
"""

from __future__ import annotations

import ast
import fnmatch
import hashlib
import json
import subprocess
from pathlib import Path
from typing import Any

from . import __version__, quizbank, site_workflow, workflow
from .manifest import Course, Lesson

RELEASE_FILE = "hexahype-release.json"
RELEASE_FORMAT = "hexahype-release"
# Files a student has no reason to change; a difference flags the submission.
PROTECTED = ("tests/**", ".github/**", "grader/**", "pyproject.toml", "course.toml")
SKIP_NAMES = {"__pycache__", ".DS_Store"}
INSTRUCTOR_ONLY = ("tests", "instructor")  # grader/ subpackages that never ship
SKIP_SUFFIXES = {".pyc", ".pyo"}

GITIGNORE = """\
# Python
__pycache__/
*.py[cod]
*.egg-info/
build/
dist/
.venv*/
.pytest_cache/
# Your local progress (hexahype keeps it here)
.hexahype/
"""


class TemplateError(Exception):
    """The template cannot be built (one clear line)."""


# -- the stubs are stubs --------------------------------------------------------------------------
def _is_stub_body(body: list[ast.stmt]) -> bool:
    """A body that does nothing but (after an optional docstring) raise NotImplementedError."""
    rest = body[1:] if body and isinstance(body[0], ast.Expr) else body
    if body and isinstance(body[0], ast.Expr) and not isinstance(body[0].value, ast.Constant):
        rest = body
    if not rest:
        return False
    for stmt in rest:
        if isinstance(stmt, ast.Pass):
            continue
        exc = stmt.exc if isinstance(stmt, ast.Raise) else None
        call = exc.func if isinstance(exc, ast.Call) else exc
        if not (isinstance(call, ast.Name) and call.id == "NotImplementedError"):
            return False
    return True


def stub_problems(course: Course) -> list[str]:
    """What keeps `exercises/` from being the untouched stubs: a task (a function, or a method
    of a task class) that does more than raise NotImplementedError, or a quiz answer file that
    holds answers. One line each, naming the file."""
    out: list[str] = []
    for entry in course.entries:
        path = entry.exercise_path
        if not path.is_file():
            continue
        rel = path.relative_to(course.root).as_posix()
        if entry.is_quiz:
            try:
                answers = json.loads(path.read_text(encoding="utf-8")).get("answers")
            except (ValueError, AttributeError):
                answers = "unreadable"
            if answers != {}:
                out.append(f'{rel} holds quiz answers (the stub is {{"answers": {{}}}})')
            continue
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=rel)
        except SyntaxError as exc:
            out.append(f"{rel} does not parse ({exc.msg})")
            continue
        defs = {
            n.name: n
            for n in tree.body
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
        }
        for task in entry.tasks:
            node = defs.get(task)
            if node is None:
                out.append(f"{rel} does not define {task}")
            elif isinstance(node, ast.ClassDef):
                methods = [
                    m for m in node.body if isinstance(m, (ast.FunctionDef, ast.AsyncFunctionDef))
                ]
                solved = [m.name for m in methods if not _is_stub_body(m.body)]
                if solved or not methods:
                    out.append(f"{rel}: {task} is not a stub ({', '.join(solved) or 'no methods'})")
            elif not _is_stub_body(node.body):
                out.append(f"{rel}: {task} is not a stub (its body does more than raise)")
    return out


def uncommitted(root: Path, top: str = "exercises") -> list[str]:
    """Files under `top` that differ from the last commit (changed, added or untracked), when
    `root` is a git checkout; [] otherwise."""
    try:
        proc = subprocess.run(
            ["git", "-c", "core.hooksPath=/dev/null", "-c", "core.fsmonitor=false"]
            + ["status", "--porcelain", "-z", "--untracked-files=all", "--", top],
            cwd=root,
            capture_output=True,
            timeout=120,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return []
    if proc.returncode != 0:
        return []  # not a git checkout
    records = proc.stdout.decode("utf-8", "replace").split("\0")
    out = []
    for record in records:
        if len(record) > 3 and "__pycache__" not in record and not record.endswith(".pyc"):
            out.append(record[3:])
    return sorted(out)


def is_student_template(course: Course) -> bool:
    """Whether `course` is a student template (a release), not the instructor's checkout: it
    holds a release manifest, or neither solutions nor hidden tests."""
    root = course.root
    if (root / RELEASE_FILE).is_file():
        return True
    return not (root / "solutions").is_dir() and not (root / "tests" / "hidden").is_dir()


# -- what goes in -----------------------------------------------------------------------------
def _keep(path: Path) -> bool:
    return not (set(path.parts) & SKIP_NAMES) and path.suffix not in SKIP_SUFFIXES


def _tree(base: Path) -> list[Path]:
    if not base.is_dir():
        return []
    return sorted(
        (p for p in base.rglob("*") if p.is_file() and _keep(p.relative_to(base))),
        key=lambda p: p.relative_to(base).as_posix(),
    )


def json_bytes(data: Any) -> bytes:
    return (json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def _lesson_files(course: Course, entry: Lesson) -> dict[str, bytes | Path]:
    out: dict[str, bytes | Path] = {}
    root = course.root

    def add(path: Path) -> None:
        if path.is_file():
            out[path.relative_to(root).as_posix()] = path

    add(entry.exercise_path)
    add(entry.test_path)
    if entry.is_quiz:
        if entry.quiz_path.is_file():
            sealed = quizbank.sealed_path(entry.quiz_path).relative_to(root).as_posix()
            out[sealed] = json_bytes(quizbank.seal(entry.quiz_path))
    else:
        add(entry.text_path)
    return out


GRADING = [
    "Every push runs the visible checks on GitHub (the **Autograding Tests** workflow) and",
    "shows your progress in the run's summary. Your instructor grades the final version with",
    "further checks. Do not change `tests/`, `grader/`, `.github/`, `pyproject.toml` or",
    "`course.toml`: grading always uses the course's own copies, and changes to them are",
    "flagged.",
]


def learner_readme(course: Course, entries: list[Lesson], grading: list[str] | None = None) -> str:
    """The template's README; `grading` replaces the lines of its Grading section."""
    lines = [
        f"# {course.name}",
        "",
        "Build the pieces of a large language model yourself, one lesson at a time.",
        "",
        "## Getting started",
        "",
        "```sh",
        "python -m venv .venv && . .venv/bin/activate",
        "pip install -e .",
        "hexahype            # your dashboard: lessons, progress and the next step",
        "pytest              # every visible check, with a progress block at the end",
        "```",
        "",
        "Write your code in `exercises/`. Each lesson text in `lessons/` ends with a **Your turn**",
        "section; `hexahype check 1.1` runs one lesson's checks and `hexahype hint 1.1` gives a",
        "hint when you are stuck. Chapter quizzes run with `hexahype quiz 1`.",
        "",
        "## Lessons",
        "",
        "| Lesson | Title | Reading | Points |",
        "|---|---|---:|---:|",
    ]
    for e in entries:
        points = f"{e.points} (optional)" if e.optional else str(e.points)
        lines.append(f"| {e.id} | {e.title} | {e.minutes} min | {points} |")
    lines += ["", "## Grading", "", *(GRADING if grading is None else grading), ""]
    return "\n".join(lines)


def template_files(course: Course) -> dict[str, bytes | Path]:
    """Every file of the template except hexahype-release.json: relative path -> source path
    or content. Driven by the manifest: only authored entries contribute."""
    root = course.root
    files: dict[str, bytes | Path] = {}
    entries = [e for e in course.entries if e.exercise_path.exists()]
    for chapter in course.chapters:
        for top in ("exercises",):
            init = root / top / chapter.package / "__init__.py"
            if init.is_file():
                files[init.relative_to(root).as_posix()] = init
    for support in sorted((root / "tests").glob("conftest.py")) + sorted(
        (root / "tests").glob("*/conftest.py")
    ):
        if "hidden" not in support.relative_to(root).parts:
            files[support.relative_to(root).as_posix()] = support
    for entry in entries:
        files.update(_lesson_files(course, entry))
    for fig in _tree(root / "lessons" / "figures"):
        files[fig.relative_to(root).as_posix()] = fig
    for path in _tree(root / "grader"):
        rel = path.relative_to(root)
        if rel.parts[1] in INSTRUCTOR_ONLY:
            continue
        files[rel.as_posix()] = path
    for name in ("pyproject.toml", "course.toml"):
        files[name] = root / name
    files["README.md"] = learner_readme(course, entries).encode("utf-8")
    files[".gitignore"] = GITIGNORE.encode("utf-8")
    files[workflow.TEMPLATE_COPY.as_posix()] = workflow.workflow_text(course).encode("utf-8")
    files[site_workflow.TEMPLATE_COPY.as_posix()] = site_workflow.workflow_text(course).encode()
    refuse_secrets(files)
    return dict(sorted(files.items()))


def refuse_secrets(files: dict[str, bytes | Path]) -> None:
    for rel in files:
        parts = rel.split("/")
        if (
            parts[0] == "solutions"
            or rel.startswith("tests/hidden/")
            or any(rel.startswith(f"grader/{part}/") for part in INSTRUCTOR_ONLY)
        ):
            raise TemplateError(f"{rel} must never ship to students")
        if rel.startswith("lessons/") and rel.endswith(".toml"):
            raise TemplateError(f"{rel} holds a quiz in clear text")


def content(source: bytes | Path) -> bytes:
    return source if isinstance(source, bytes) else source.read_bytes()


def is_protected(rel: str) -> bool:
    return any(fnmatch.fnmatchcase(rel, pattern) for pattern in PROTECTED)


def release_manifest(course: Course, contents: dict[str, bytes]) -> dict[str, Any]:
    """The file list of a release, with sha256s: what grading compares submissions with."""
    return {
        "format": RELEASE_FORMAT,
        "version": 1,
        "course": course.name,
        "course_version": course.version,
        "grader_version": __version__,
        "protected": list(PROTECTED),
        "files": {rel: hashlib.sha256(data).hexdigest() for rel, data in sorted(contents.items())},
    }


def contents(course: Course) -> dict[str, bytes]:
    """The template's files with their bytes."""
    return {rel: content(src) for rel, src in template_files(course).items()}


def expected_release(course: Course) -> dict[str, Any]:
    """The release manifest this kit would write, computed without writing anything."""
    return release_manifest(course, contents(course))


def read_release(path: Path) -> dict[str, Any]:
    """A hexahype-release.json (or a template folder holding one); ValueError if it is not."""
    if path.is_dir():
        path = path / RELEASE_FILE
    data = json.loads(path.read_text(encoding="utf-8"))
    if (
        not isinstance(data, dict)
        or data.get("format") != RELEASE_FORMAT
        or not isinstance(data.get("files"), dict)
    ):
        raise ValueError(f"{path} is not a hexahype release manifest")
    return data
