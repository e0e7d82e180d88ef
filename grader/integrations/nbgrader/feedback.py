"""Feedback that keeps hidden tests hidden.

By default `nbgrader generate_feedback` renders the autograded notebook as it is: test cells
show their hidden test region (restored from the gradebook at autograding) and any traceback
they produced. `RedactHiddenTests`, configured in the course's nbgrader_config.py, runs before
the HTML export and, in every autograder test cell that has a hidden region:
- replaces the hidden region's source with one neutral comment line;
- keeps the visible report and the score output, replaces the hidden report with a count of
  hidden checks passed, and drops every other output (errors, tracebacks, stray streams).
The score is read from the gradebook, so it is unchanged. The autograded notebook on disk keeps
everything, for the instructor.
"""

from __future__ import annotations

from typing import Any

from nbconvert.preprocessors import Preprocessor
from traitlets import Bool

from .markers import HIDDEN_BEGIN, HIDDEN_END, META_KEY

NEUTRAL_SOURCE = "# (hidden tests: run at grading; not shown)"


def hidden_summary(passed: int | None, total: int | None) -> str:
    if passed is None or total is None:
        return "hidden checks: run at grading (details are not shown)"
    return f"hidden checks: {passed} of {total} pass (details are not shown)"


def redact_source(source: str) -> tuple[str, bool]:
    """The source with each hidden region replaced by NEUTRAL_SOURCE; and whether it had one."""
    out: list[str] = []
    inside = found = False
    for line in source.split("\n"):
        if HIDDEN_BEGIN in line:
            inside = found = True
            out.append(line[: line.index(HIDDEN_BEGIN)] + NEUTRAL_SOURCE)
        elif HIDDEN_END in line:
            inside = False
        elif not inside:
            out.append(line)
    return "\n".join(out), found


def _meta(output: Any) -> dict[str, Any]:
    meta = output.get("metadata") or {}
    value = meta.get(META_KEY) if isinstance(meta, dict) else None
    return value if isinstance(value, dict) else {}


def redact_outputs(outputs: list[Any]) -> list[Any]:
    """Keep the visible report and the score; the hidden report becomes its counts."""
    kept: list[Any] = []
    summary: dict[str, Any] | None = None
    for output in outputs:
        kind = output.get("output_type")
        part = _meta(output).get("part")
        if kind == "display_data" and part == "visible":
            kept.append(output)
        elif kind == "display_data" and part == "hidden":
            summary = _meta(output)
        elif kind == "execute_result":
            kept.append(output)
    text = hidden_summary(
        summary.get("passed") if summary else None, summary.get("total") if summary else None
    )
    note = {
        "output_type": "display_data",
        "data": {"text/plain": text},
        "metadata": {META_KEY: {"part": "hidden-summary"}},
    }
    at = next(
        (i for i, o in enumerate(kept) if o.get("output_type") == "execute_result"), len(kept)
    )
    kept.insert(at, _node(note))
    return kept


def _node(data: dict[str, Any]) -> Any:
    try:
        from nbformat import from_dict

        return from_dict(data)  # type: ignore[no-untyped-call]
    except ImportError:  # pragma: no cover - nbconvert depends on nbformat
        return data


def redact_cell(cell: Any) -> bool:
    """Redact one cell in place; True when it held hidden tests."""
    if cell.get("cell_type") != "code":
        return False
    source = cell.get("source", "")
    if isinstance(source, list):
        source = "".join(source)
    role = (cell.get("metadata", {}).get(META_KEY) or {}).get("role")
    new, found = redact_source(source)
    if not found and role != "tests":
        return False
    if found:
        cell["source"] = new
    has_hidden_output = any(_meta(o).get("part") == "hidden" for o in cell.get("outputs", []))
    if found or has_hidden_output:
        cell["outputs"] = redact_outputs(list(cell.get("outputs", [])))
    return found


class RedactHiddenTests(Preprocessor):  # type: ignore[misc]  # nbconvert ships no types
    """nbconvert preprocessor for `nbgrader generate_feedback` (see the module docstring)."""

    enabled = Bool(True, help="redact hidden tests (nbconvert runs only enabled preprocessors)")

    def preprocess(self, nb: Any, resources: Any) -> tuple[Any, Any]:
        for cell in nb.cells:
            redact_cell(cell)
        return nb, resources
