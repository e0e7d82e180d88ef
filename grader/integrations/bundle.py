"""What a hosted autograder carries to grade: the kit's grading copy of the course.

`grading_files(course)` is the part of the student template that grading reads (the `grader`
package without its own tests, `course.toml`, `pyproject.toml`, the chapter packages'
`exercises/*/__init__.py`, the visible tests and their conftest files, the sealed quizzes) plus
the hidden suites. Never the solutions, lesson texts, stubs or quiz keys in clear text: the
quizzes are graded from their sealed form, as in a student's checkout. It also holds the suites'
collection (`tests/hidden/collected.json`, grader/grading/collected.py), made when the bundle is
built, so that a runner grading one submission does not collect the suites again.

The bundle runs the grader from this copy (`python -m ...` in its folder), never from the
student's checkout, so a student who edits `grader/` or `tests/` changes nothing.
"""

from __future__ import annotations

import io
import json
import sys
import tarfile
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .. import template
from ..grading import batch, collected
from ..manifest import MANIFEST_NAME, Course
from . import imports

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[import-not-found, no-redef, unused-ignore]

SETTINGS_FILE = "hexahype-platform.json"  # beside course.toml in the bundle's kit folder
KIT_DIR = "hexahype"  # the kit's folder inside a bundle or zip


class BundleError(Exception):
    """A bundle cannot be built or read (one clear line)."""


def _graded_part(rel: str) -> bool:
    parts = rel.split("/")
    if rel in (MANIFEST_NAME, "pyproject.toml") or parts[0] == "grader":
        return True
    if parts[0] == "exercises":
        return parts[-1] == "__init__.py"
    if parts[0] == "tests":
        return True
    return parts[0] == "lessons" and rel.endswith(".json")  # sealed quizzes


def suites(files: Iterable[str]) -> list[str]:
    """The test modules (and their conftest files) among a bundle's files, relative paths."""
    return sorted(
        rel
        for rel in files
        if rel.split("/")[0] == "tests"
        and rel.endswith(".py")
        and (rel.rsplit("/", 1)[-1].startswith("test_") or rel.endswith("/conftest.py"))
    )


def grading_files(course: Course) -> dict[str, bytes | Path]:
    """relative path -> source file or content, sorted: the grading copy of the course, with
    every module of the `grader` package that its suites import (computed from their imports:
    the hidden suites reach the instructor-side oracles, which the template never holds)."""
    files = {rel: src for rel, src in template.template_files(course).items() if _graded_part(rel)}
    root = course.root
    for entry in course.entries:
        if entry.hidden_test_path.is_file():
            files[entry.hidden_test_path.relative_to(root).as_posix()] = entry.hidden_test_path
    hidden = root / "tests" / "hidden"
    for support in sorted(hidden.rglob("conftest.py")) if hidden.is_dir() else []:
        files[support.relative_to(root).as_posix()] = support

    def read(rel: str) -> str | None:
        src = files.get(rel, root / rel)
        if isinstance(src, bytes):
            return src.decode("utf-8", "replace")
        return src.read_text(encoding="utf-8") if src.is_file() else None

    for rel in imports.closure(suites(files), read, lambda rel: (root / rel).is_file()):
        files.setdefault(rel, root / rel)
    # the suites' collection, so that a runner grading one submission need not collect them
    stored = batch.stored_collection(course)
    if stored:
        files[collected.PATH] = stored
    for rel in files:
        if rel.split("/")[0] == "solutions" or rel.startswith("grader/tests/"):
            raise BundleError(f"{rel} must never be in a bundle")
    return dict(sorted(files.items()))


def check(files: dict[str, bytes], requirements: str, prefix: str = KIT_DIR + "/") -> None:
    """Refuse a bundle whose suites import what it lacks (one line naming the first)."""
    kit = [rel[len(prefix) :] for rel in files if rel.startswith(prefix)]
    found = imports.missing(files, suites(kit), requirements, prefix)
    if found:
        more = f" (+{len(found) - 1} more)" if len(found) > 1 else ""
        raise BundleError(f"the bundle cannot grade: {found[0]}{more}")


def content(source: bytes | Path) -> bytes:
    return source if isinstance(source, bytes) else source.read_bytes()


def requirements(course: Course) -> str:
    """requirements.txt: the kit's runtime dependencies, as pyproject.toml declares them."""
    try:
        data = tomllib.loads((course.root / "pyproject.toml").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BundleError(f"pyproject.toml cannot be read: {exc}") from None
    deps = data.get("project", {}).get("dependencies", [])
    lines = [
        f"# The Python packages the {course.name} grader needs (from its pyproject.toml).",
        *[str(d) for d in deps],
    ]
    return "\n".join(lines) + "\n"


def settings_bytes(settings: dict[str, Any]) -> bytes:
    return (json.dumps(settings, indent=2, sort_keys=True) + "\n").encode("utf-8")


def read_settings(kit: Path) -> dict[str, Any]:
    path = kit / SETTINGS_FILE
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BundleError(f"{path.name} cannot be read: {exc}") from None
    if not isinstance(data, dict):
        raise BundleError(f"{path.name} is not a JSON object")
    return data


def write_tree(files: dict[str, bytes], out: Path) -> None:
    for rel, data in files.items():
        target = out / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        if rel.endswith((".sh", "run_autograder")):
            target.chmod(0o755)


def tar_gz_size(files: dict[str, bytes]) -> int:
    """The size of these files as a gzipped tarball (how Classroom 50 serves a bundle)."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for rel, data in sorted(files.items()):
            info = tarfile.TarInfo(rel)
            info.size = len(data)
            info.mode = 0o644
            tar.addfile(info, io.BytesIO(data))
    return len(buf.getvalue())


def zip_bytes(files: dict[str, bytes]) -> bytes:
    """A zip of these files at its root (reproducible: fixed times, sorted)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for rel, data in sorted(files.items()):
            info = zipfile.ZipInfo(rel, date_time=(2026, 1, 1, 0, 0, 0))
            executable = rel.endswith(".sh") or rel == "run_autograder"
            info.external_attr = (0o100755 if executable else 0o100644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)
    return buf.getvalue()
