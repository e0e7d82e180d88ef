"""Helpers the kit's nbgrader tests and benchmark share (not part of the kit)."""

from __future__ import annotations

import json
from pathlib import Path

from grader import notebooks as nbs
from grader.integrations.nbgrader.export import quiz_answers_source
from grader.integrations.nbgrader.merge import answer_cells
from grader.manifest import Lesson
from grader.notebooks import META_KEY, Notebook


def fill_notebook(nb: Notebook, entry: Lesson, impl_dir: Path) -> Notebook:
    """A copy of a (release) notebook whose answer cells hold the code of `impl_dir`'s module
    for this entry, cut into the same cells; unchanged when `impl_dir` has no such file."""
    path = impl_dir / entry.package / entry.exercise_path.name
    if not path.is_file():
        return nb
    out = json.loads(json.dumps(nb))
    if entry.is_quiz:
        answers = json.loads(path.read_text(encoding="utf-8")).get("answers", {})
        for cell in out["cells"]:
            if cell.get("metadata", {}).get(META_KEY, {}).get("role") == "answers":
                cell["source"] = nbs._lines(quiz_answers_source([], answers))
        return out
    if not entry.exercise_path.exists():
        return nb
    cells = answer_cells(
        entry.exercise_path.read_text(encoding="utf-8"),
        path.read_text(encoding="utf-8"),
        markers=False,
    )
    for cell in out["cells"]:
        meta = cell.get("metadata", {}).get(META_KEY, {})
        if meta.get("role") == "module":
            cell["source"] = nbs._lines(cells.pop(meta.get("part"), ""))
    extra = "\n\n".join(v for v in cells.values() if v.strip())
    if extra:  # code for cells the notebook does not have: add it to the last answer cell
        last = [
            c
            for c in out["cells"]
            if c.get("metadata", {}).get(META_KEY, {}).get("role") == "module"
        ]
        if last:
            last[-1]["source"] = nbs._lines(nbs.source_of(last[-1]) + "\n\n" + extra)
    return out
