"""The tamper flag: which of a submission's tests, workflows, grader files, pyproject.toml and
course.toml differ from the released template (`hexahype-release.json`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .. import template
from ..manifest import Course
from .sources import Source

IGNORED_PARTS = {"__pycache__"}
SHA_LIMIT = 1024 * 1024  # bytes of one protected file read ahead; a larger one is read alone


def load_release(course: Course, path: Path | None) -> dict[str, Any]:
    """The release to compare with: a hexahype-release.json (or a template folder holding one),
    or, by default, the release this kit builds now (the build is reproducible)."""
    if path is None:
        return template.expected_release(course)
    return template.read_release(path)


def changes(source: Source, released: dict[str, Any]) -> list[str]:
    """One short line per protected file that was changed, removed or added."""
    want: dict[str, str] = {
        rel: sha for rel, sha in released["files"].items() if template.is_protected(rel)
    }
    have = {
        rel
        for rel in source.files()
        if template.is_protected(rel)
        and not set(rel.split("/")) & IGNORED_PARTS
        and not rel.endswith((".pyc", ".pyo"))
    }
    source.prefetch(sorted(set(want) & have), SHA_LIMIT)
    out: list[str] = []
    for rel in sorted(want):
        if rel not in have:
            out.append(f"{rel} removed")
        elif source.sha256(rel) != want[rel]:
            out.append(f"{rel} changed")
    out += [f"{rel} added" for rel in sorted(have - set(want))]
    return out
