"""Lessons as Jupyter notebooks, generated from the lesson texts (never edited by hand).

A lesson's markdown becomes markdown cells (split at `##` headings), each ```` ```python ````
block becomes a code cell, and a ```` ```text ```` block right after it becomes that cell's
output, exactly as the lesson shows it. Figures are embedded as cell attachments, so a notebook
reads the same wherever it is opened.

The learner's notebook starts with a setup cell (it finds the course and makes `exercises`
importable, with the course root as the working directory, like the lesson runner does) and
ends with a check cell that runs the lesson's visible tests. `hexahype notebook` writes them.

The notebooks are plain nbformat 4.5 JSON; building them needs nothing beyond the kit.
"""

from __future__ import annotations

import base64
import hashlib
import json
import mimetypes
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from . import lessontext as markdown
from .manifest import Course, Lesson

NBFORMAT = 4
NBFORMAT_MINOR = 5
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
META_KEY = "hexahype"  # our own cell metadata, next to nbgrader's

_IMAGE = re.compile(r"!\[([^\]]*)\]\(([^)\s]+)\)")
_H2 = re.compile(r"^##\s")


Cell = dict[str, Any]
Notebook = dict[str, Any]


def _lines(text: str) -> list[str]:
    """nbformat keeps multi-line strings as lists of lines, each with its newline."""
    return text.splitlines(keepends=True)


def cell_id(*parts: str) -> str:
    """A stable nbformat cell id (letters, digits, '-' and '_', at most 64 characters)."""
    raw = "-".join(parts)
    clean = re.sub(r"[^A-Za-z0-9_-]+", "-", raw).strip("-") or "cell"
    if len(clean) > 40:
        clean = clean[:31] + "-" + hashlib.sha1(raw.encode()).hexdigest()[:8]
    return clean


def markdown_cell(source: str, cid: str, attachments: dict[str, Any] | None = None) -> Cell:
    cell: Cell = {"cell_type": "markdown", "id": cid, "metadata": {}, "source": _lines(source)}
    if attachments:
        cell["attachments"] = attachments
    return cell


def code_cell(
    source: str,
    cid: str,
    metadata: dict[str, Any] | None = None,
    outputs: list[dict[str, Any]] | None = None,
) -> Cell:
    return {
        "cell_type": "code",
        "execution_count": None,
        "id": cid,
        "metadata": dict(metadata or {}),
        "outputs": list(outputs or []),
        "source": _lines(source),
    }


def source_of(cell: Cell) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else str(src)


def new_notebook(cells: list[Cell], title: str) -> Notebook:
    return {
        "cells": cells,
        "metadata": {
            "kernelspec": dict(KERNELSPEC),
            "language_info": {"name": "python"},
            META_KEY: {"title": title},
        },
        "nbformat": NBFORMAT,
        "nbformat_minor": NBFORMAT_MINOR,
    }


def write(nb: Notebook, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


# -- lesson text -> cells ------------------------------------------------------------------
def _sections(text: str) -> list[str]:
    """Split markdown at `##` headings that are outside code fences; drop empty parts."""
    parts: list[list[str]] = [[]]
    fence = ""
    for line in text.splitlines(keepends=True):
        stripped = line.lstrip()
        if stripped.startswith("```"):
            ticks = stripped[: len(stripped) - len(stripped.lstrip("`"))]
            if not fence:
                fence = ticks
            elif stripped.strip() == fence:
                fence = ""
        if not fence and _H2.match(line) and any(s.strip() for s in parts[-1]):
            parts.append([])
        parts[-1].append(line)
    return ["".join(p).strip("\n") for p in parts if "".join(p).strip()]


def _attach_images(text: str, base: Path) -> tuple[str, dict[str, Any]]:
    """Turn `![alt](relative/path.svg)` into cell attachments, when the file exists."""
    attachments: dict[str, Any] = {}

    def swap(m: re.Match[str]) -> str:
        alt, target = m.group(1), m.group(2)
        if re.match(r"^[a-z]+:", target):
            return m.group(0)  # a URL or an existing attachment
        path = (base / target).resolve()
        if not path.is_file():
            return m.group(0)
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if path.suffix == ".svg":
            mime = "image/svg+xml"
        attachments[path.name] = {mime: base64.b64encode(path.read_bytes()).decode("ascii")}
        return f"![{alt}](attachment:{path.name})"

    return _IMAGE.sub(swap, text), attachments


def _stream(text: str) -> dict[str, Any]:
    return {"name": "stdout", "output_type": "stream", "text": _lines(text)}


def lesson_cells(lesson: Lesson, prefix: str = "") -> list[Cell]:
    """The lesson text as cells: markdown per `##` section, a code cell per python block
    (showing its ```text block as the cell's output). Empty when the text does not exist."""
    if not lesson.text_path.is_file():
        return []
    md = lesson.text_path.read_text(encoding="utf-8")
    base = lesson.text_path.parent
    tag = prefix or lesson.name
    found = [
        (m.group(2).lower(), m.group(3), m.start(), m.end()) for m in markdown.FENCE.finditer(md)
    ]
    cells: list[Cell] = []
    pos = 0
    n = 0

    def add_markdown(text: str) -> None:
        nonlocal n
        for section in _sections(text):
            body, attachments = _attach_images(section, base)
            cells.append(markdown_cell(body, cell_id(tag, "md", str(n)), attachments))
            n += 1

    skip_until = -1
    for i, (lang, body, start, end) in enumerate(found):
        if start < skip_until or lang not in ("python", "py"):
            continue
        add_markdown(md[pos:start])
        expected = None
        pos = end
        if i + 1 < len(found):
            nlang, nbody, nstart, nend = found[i + 1]
            if nlang == "text" and md[end:nstart].strip() == "":
                expected = nbody
                pos = nend
                skip_until = nend
        meta: dict[str, Any] = {META_KEY: {"role": "lesson-code"}}
        if expected is not None:
            meta[META_KEY]["expected"] = expected
        outputs = [_stream(expected)] if expected is not None else []
        cells.append(code_cell(body.rstrip("\n"), cell_id(tag, "code", str(n)), meta, outputs))
        n += 1
    add_markdown(md[pos:])
    return cells


# -- the learner's notebook -----------------------------------------------------------------
LEARNER_SETUP = """\
# Run this cell first. It finds the course, makes `exercises` (your code) importable and
# makes the course folder the working directory, as `hexahype` does.
from grader.learner.notebook import check, setup

setup()"""


def learner_notebook(lesson: Lesson) -> Notebook:
    """The learner's notebook for one lesson: setup, the lesson text, and a check cell."""
    setup_meta = {
        META_KEY: {"role": "setup"},
        "tags": ["hexahype-setup"],
        "jupyter": {"source_hidden": True},
    }
    cells = [code_cell(LEARNER_SETUP, cell_id(lesson.name, "setup"), setup_meta)]
    body = lesson_cells(lesson)
    if not body:
        body = [markdown_cell(f"# {lesson.id} {lesson.title}\n\n{lesson.summary}", "title")]
    cells += body
    cells.append(
        markdown_cell(
            "## Check your work here\n\n"
            f"Edit `{lesson.exercise_path.relative_to(lesson.root).as_posix()}`, save it, and "
            "run the cell below: it runs this lesson's checks (the same as "
            f"`hexahype check {lesson.id}` in a terminal). Restart the kernel to re-run the "
            "examples above with your new code.",
            cell_id(lesson.name, "check", "md"),
        )
    )
    cells.append(
        code_cell(
            f'check("{lesson.id}")',
            cell_id(lesson.name, "check"),
            {META_KEY: {"role": "check"}},
        )
    )
    return new_notebook(cells, f"{lesson.id} {lesson.title}")


def notebook_name(lesson: Lesson) -> str:
    return f"{lesson.id}-{lesson.slug}.ipynb"


def learner_lessons(course: Course, ids: Iterable[str] = ()) -> list[Lesson]:
    wanted = [course.get(i) for i in ids]
    chosen = wanted or [e for e in course.lessons if e.authored]
    return [e for e in chosen if e.is_lesson]


def write_learner_notebooks(course: Course, out: Path, ids: Iterable[str] = ()) -> list[Path]:
    """Write one learner notebook per lesson (default: every authored lesson) into `out`."""
    return [
        write(learner_notebook(lesson), out / notebook_name(lesson))
        for lesson in learner_lessons(course, ids)
    ]
