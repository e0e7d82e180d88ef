"""`hexahype release OUT/`: build the student template repository.

The template holds the stubs, the visible tests, the lesson texts and figures, the grader package
(without its own tests and misconception bank), pyproject.toml, course.toml, a learner README, a
.gitignore and the GitHub Classroom workflow. It never holds solutions/, tests/hidden/, the
misconception bank or a quiz key in clear text: quizzes ship in their sealed JSON form.

The build is reproducible: the same kit gives a byte-identical tree (sorted walks, fixed JSON
formatting, no timestamps). `hexahype-release.json` lists every file with its sha256, so
`hexahype grade` can tell which submissions changed tests, workflows or grader files.
"""

from __future__ import annotations

import argparse
import fnmatch
import hashlib
import json
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .. import __version__
from ..manifest import Course, Lesson
from . import classroom

RELEASE_FILE = "hexahype-release.json"
RELEASE_FORMAT = "hexahype-release"
# Files a student has no reason to change; a difference flags the submission.
PROTECTED = ("tests/**", ".github/**", "grader/**", "pyproject.toml", "course.toml")
SKIP_NAMES = {"__pycache__", ".DS_Store"}
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


class ReleaseError(Exception):
    """The template cannot be built (one clear line)."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("out", type=Path, help="folder to write the template into")
    parser.add_argument(
        "--force",
        action="store_true",
        help="replace OUT if it holds an earlier release",
    )


def run(args: argparse.Namespace, course: Course) -> int:
    try:
        files = build(course, args.out, force=args.force)
    except ReleaseError as exc:
        print(f"hexahype release: {exc}", file=sys.stderr)
        return 1
    lessons = [e.id for e in course.entries if e.exercise_path.exists()]
    print(f"wrote {len(files)} files to {args.out} ({len(lessons)} entries: {', '.join(lessons)})")
    return 0


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


def _json_bytes(data: Any) -> bytes:
    return (json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def _sealer() -> Callable[[Path], dict[str, Any]] | None:
    """The quiz sealer, wherever the learner package provides it (None: not there yet)."""
    import importlib

    for name in ("grader.learner.quizbank", "grader.learner.quiz"):
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        seal = getattr(module, "seal", None)
        if callable(seal):
            return seal  # type: ignore[no-any-return]
    return None


def _lesson_files(course: Course, entry: Lesson) -> dict[str, bytes | Path]:
    out: dict[str, bytes | Path] = {}
    root = course.root

    def add(path: Path) -> None:
        if path.is_file():
            out[path.relative_to(root).as_posix()] = path

    add(entry.exercise_path)
    add(entry.test_path)
    if entry.is_quiz:
        seal = _sealer()
        if entry.quiz_path.is_file() and seal is not None:
            sealed = entry.quiz_path.with_suffix(".json").relative_to(root).as_posix()
            out[sealed] = _json_bytes(seal(entry.quiz_path))
    else:
        add(entry.text_path)
    return out


def learner_readme(course: Course, entries: list[Lesson]) -> str:
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
    lines += [
        "",
        "## Grading",
        "",
        "Every push runs the visible checks on GitHub (the **Autograding Tests** workflow) and",
        "shows your progress in the run's summary. Your instructor grades the final version with",
        "further checks. Do not change `tests/`, `grader/`, `.github/`, `pyproject.toml` or",
        "`course.toml`: grading always uses the course's own copies, and changes to them are",
        "flagged.",
        "",
    ]
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
        if rel.parts[1] == "tests":
            continue
        files[rel.as_posix()] = path
    for name in ("pyproject.toml", "course.toml"):
        files[name] = root / name
    files["README.md"] = learner_readme(course, entries).encode("utf-8")
    files[".gitignore"] = GITIGNORE.encode("utf-8")
    files[classroom.TEMPLATE_COPY.as_posix()] = classroom.workflow_text(course).encode("utf-8")
    _refuse_secrets(files)
    return dict(sorted(files.items()))


def _refuse_secrets(files: dict[str, bytes | Path]) -> None:
    for rel in files:
        parts = rel.split("/")
        if (
            parts[0] == "solutions"
            or rel.startswith("tests/hidden/")
            or rel.startswith("grader/tests/")
        ):
            raise ReleaseError(f"{rel} must never ship to students")
        if rel.startswith("lessons/") and rel.endswith(".toml"):
            raise ReleaseError(f"{rel} holds a quiz in clear text")


def _content(source: bytes | Path) -> bytes:
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


def expected_release(course: Course) -> dict[str, Any]:
    """The release manifest this kit would write, computed without writing anything."""
    contents = {rel: _content(src) for rel, src in template_files(course).items()}
    return release_manifest(course, contents)


def build(course: Course, out: Path, force: bool = False) -> list[str]:
    """Write the template into `out`; return the relative paths written, sorted."""
    out = out.resolve()
    root = course.root.resolve()
    if out == root or root.is_relative_to(out):
        raise ReleaseError(f"{out} is the course itself or holds it; choose another folder")
    if out.exists() and any(out.iterdir()):
        if not force:
            raise ReleaseError(f"{out} is not empty; use --force to replace an earlier release")
        if not (out / RELEASE_FILE).is_file():
            raise ReleaseError(f"{out} is not empty and holds no earlier release; not replacing it")
        shutil.rmtree(out)
    contents = {rel: _content(src) for rel, src in template_files(course).items()}
    for rel, data in contents.items():
        target = out / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    (out / RELEASE_FILE).write_bytes(_json_bytes(release_manifest(course, contents)))
    return sorted([*contents, RELEASE_FILE])
