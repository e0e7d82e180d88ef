"""`hexahype nbgrader OUT/`: write a complete nbgrader course built from the kit's sources.

    OUT/nbgrader_config.py                       course settings, hidden-test-safe feedback
    OUT/source/ch1_tokens/1.3-byte-pair-encoding.ipynb   one assignment per chapter,
    OUT/source/ch1_tokens/1.10-chapter-quiz.ipynb        one notebook per lesson and quiz

A lesson notebook holds, in order:
- a read-only setup cell (`grader.integrations.nbgrader.runtime.nbgrader_setup`): the notebook's code becomes
  the lesson module for the lesson's examples and tests;
- the lesson text as markdown cells, its python blocks as code cells;
- before the first example that calls the learner's code: the answer cells, one for the module's
  imports and one per top-level function or class of the stub. Each holds the stub's signature
  and docstring, the reference body between `### BEGIN SOLUTION` and `### END SOLUTION`, then
  the stub's own body (`# TODO` and `raise NotImplementedError("lesson 1.3: ...")`), which the
  reference body never reaches. `generate_assignment` removes the reference body, so students
  get exactly the stub;
- one autograder test cell worth the lesson's points: `%%hexahype_tests`, the visible test file,
  and the hidden test file between `### BEGIN HIDDEN TESTS` and `### END HIDDEN TESTS`. The cell
  returns `points * passed / total` over every visible and hidden test, which nbgrader takes as
  partial credit: the same per-lesson points as the kit's pytest plugin, which `hexahype grade`
  uses.
A quiz notebook holds the questions, an `answers` cell and the quiz's visible tests.

Everything comes from course.toml, lessons/, exercises/, solutions/, tests/ and tests/hidden/;
entries that are not authored yet are left out.
"""

from __future__ import annotations

import argparse
import base64
import json
import pprint
import re
import sys
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ... import notebooks as nbs
from ...manifest import Course, Lesson
from ...notebooks import META_KEY, Cell, Notebook, code_cell, markdown_cell
from .markers import (
    CODE_STUB,
    HIDDEN_BEGIN,
    HIDDEN_END,
    MAGIC,
    NBGRADER_SCHEMA,
    SOLUTION_BEGIN,
    SOLUTION_END,
)
from .merge import answer_cells


# -- notebooks --------------------------------------------------------------------------------
def _nbgrader(
    grade_id: str,
    *,
    grade: bool = False,
    solution: bool = False,
    locked: bool = False,
    points: float | None = None,
) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "grade": grade,
        "grade_id": grade_id,
        "locked": locked,
        "schema_version": NBGRADER_SCHEMA,
        "solution": solution,
    }
    if grade:
        meta["points"] = points or 0
    return meta


def notebook_name(entry: Lesson) -> str:
    return f"{entry.id}-{entry.slug}.ipynb"


def _strip_explanations(sealed: dict[str, Any]) -> dict[str, Any]:
    """The sealed quiz without its explanations (they say which choice is right)."""
    blank = base64.b64encode(zlib.compress(b"run hexahype quiz for explanations", 9)).decode()
    out = dict(sealed)
    out["questions"] = [
        {
            **q,
            "choices": {k: {**c, "explanation": blank} for k, c in q["choices"].items()},
        }
        for q in sealed["questions"]
    ]
    return out


def setup_spec(entry: Lesson, siblings: dict[str, str]) -> dict[str, Any]:
    course_head = {"name": "", "version": ""}
    spec: dict[str, Any] = {
        "course": course_head,
        "chapter": {
            "number": entry.chapter.number,
            "package": entry.chapter.package,
            "title": entry.chapter.title,
        },
        "entry": {
            "id": entry.id,
            "kind": entry.kind,
            "slug": entry.slug,
            "title": entry.title,
            "summary": entry.summary,
            "minutes": entry.minutes,
            "module": entry.module,
            "tasks": list(entry.tasks),
            "points": entry.points,
            "hints": [],
            "requires": [],
            "name": entry.name,
            "fixture": entry.fixture,
        },
        "notebooks": {k: v for k, v in siblings.items() if k != entry.name},
        "quiz": None,
    }
    if entry.is_quiz and entry.quiz_path.exists():
        from ...quizbank import seal

        spec["quiz"] = _strip_explanations(seal(entry.quiz_path))
    return spec


def _setup_cell(entry: Lesson, course: Course, siblings: dict[str, str]) -> Cell:
    spec = setup_spec(entry, siblings)
    spec["course"] = {"name": course.name, "version": course.version}
    source = (
        "# HexaHype setup: run this cell first (it is read-only). It loads the kit's notebook\n"
        f"# helpers, makes this notebook's code importable as exercises.{entry.module}\n"
        "# (the examples and the tests use it) and defines the test cell's %%hexahype_tests.\n"
        "from grader.integrations.nbgrader.runtime import nbgrader_setup\n\n"
        f"nbgrader_setup({pprint.pformat(spec, width=96, sort_dicts=False)})"
    )
    meta = {
        "nbgrader": _nbgrader(f"{entry.name}-setup", locked=True),
        META_KEY: {"role": "setup"},
        "jupyter": {"source_hidden": True},
        "editable": False,
        "deletable": False,
    }
    return code_cell(source, nbs.cell_id(entry.name, "setup"), meta)


def test_cell_source(entry: Lesson) -> str | None:
    """`%%hexahype_tests`, the visible tests, and the hidden ones in their region."""
    if not entry.test_path.exists():
        return None
    visible = entry.test_path.read_text(encoding="utf-8").rstrip("\n")
    parts = [f"%%{MAGIC} {entry.id} --points {entry.points}", visible]
    if entry.is_lesson and entry.hidden_test_path.exists():
        hidden = entry.hidden_test_path.read_text(encoding="utf-8").rstrip("\n")
        for marker in (HIDDEN_BEGIN, HIDDEN_END, SOLUTION_BEGIN, SOLUTION_END):
            if marker in visible or marker in hidden:
                raise ValueError(f"lesson {entry.id}: its tests contain the marker {marker!r}")
        parts += [HIDDEN_BEGIN, hidden, HIDDEN_END]
    return "\n".join(parts)


def _test_cells(entry: Lesson) -> list[Cell]:
    source = test_cell_source(entry)
    if source is None:
        return []
    hidden = entry.is_lesson and entry.hidden_test_path.exists()
    text = (
        "## Autograder tests\n\n"
        f"Run the cell below to check your work: it runs the lesson's tests against the code in "
        f"this notebook and shows the points it would earn (out of {entry.points})."
    )
    if hidden:
        text += " Grading adds hidden tests, so the final score can be lower."
    meta = {
        "nbgrader": _nbgrader(f"{entry.name}-tests", grade=True, locked=True, points=entry.points),
        META_KEY: {"role": "tests", "lesson": entry.id},
        "editable": False,
        "deletable": False,
    }
    return [
        markdown_cell(text, nbs.cell_id(entry.name, "tests", "md")),
        code_cell(source, nbs.cell_id(entry.name, "tests"), meta),
    ]


def _module_cell(entry: Lesson, key: str, source: str) -> Cell:
    meta: dict[str, Any] = {META_KEY: {"role": "module", "part": key}}
    if SOLUTION_BEGIN in source:
        meta["nbgrader"] = _nbgrader(f"{entry.name}-{key}", solution=True)
    return code_cell(source, nbs.cell_id(entry.name, "answer", key), meta)


def _answer_intro(entry: Lesson) -> Cell:
    tasks = ", ".join(f"`{t}`" for t in entry.tasks)
    text = (
        "## Your code\n\n"
        f"Write lesson {entry.id}'s code in the cells below ({tasks}); the examples that follow "
        "call it, as `exercises." + entry.module + "`. Replace each `raise NotImplementedError` "
        "with your own code and run the cell. The test cell at the end checks your work."
    )
    return markdown_cell(text, nbs.cell_id(entry.name, "answers", "md"))


def _insert_at(cells: list[Cell], entry: Lesson) -> int:
    """Before the section of the first example that uses the lesson's module, else before
    "Your turn", else at the end."""
    needle = f"exercises.{entry.module}"
    for i, cell in enumerate(cells):
        if cell["cell_type"] == "code" and needle in nbs.source_of(cell):
            for j in range(i, -1, -1):
                if cells[j]["cell_type"] == "markdown" and nbs.source_of(cells[j]).startswith("#"):
                    return j
            return i
    for i, cell in enumerate(cells):
        if cell["cell_type"] == "markdown" and nbs.source_of(cell).startswith("## Your turn"):
            return i
    return len(cells)


NOTEBOOK_CHECK = (
    "## Check\n\nRun every cell from the top (Kernel > Restart Kernel and Run All Cells): the "
    "test cell at the end runs this lesson's checks on the code you wrote in this notebook. Your "
    "instructor grades the notebook you submit with the same checks and hidden ones."
)


def _for_notebook(cells: list[Cell], entry: Lesson) -> list[Cell]:
    """The lesson text as a notebook user reads it: "Your turn" points to this notebook's answer
    cells instead of a file of the repository, and "Check" to the test cell instead of the
    `hexahype check` command, which a notebook user does not have."""
    rel = entry.exercise_path.relative_to(entry.root).as_posix()
    out = []
    for cell in cells:
        text = nbs.source_of(cell) if cell["cell_type"] == "markdown" else ""
        if text.startswith("## Check"):
            cell = {**cell, "source": NOTEBOOK_CHECK}
        elif text.startswith("## Your turn"):
            text = re.sub(
                rf"Open `{re.escape(rel)}` and (\w+)",
                lambda m: f"In the answer cells of this notebook, {m.group(1)}",
                text,
            ).replace(f"`{rel}`", "this notebook's answer cells")
            cell = {**cell, "source": text}
        out.append(cell)
    return out


def lesson_source_notebook(entry: Lesson, course: Course, siblings: dict[str, str]) -> Notebook:
    cells = _for_notebook(nbs.lesson_cells(entry), entry)
    if not cells:
        cells = [
            markdown_cell(f"# {entry.id} {entry.title}\n\n{entry.summary}", f"{entry.name}-title")
        ]
    answers: list[Cell] = []
    if entry.exercise_path.exists() and entry.solution_path.exists():
        merged = answer_cells(
            entry.exercise_path.read_text(encoding="utf-8"),
            entry.solution_path.read_text(encoding="utf-8"),
        )
        answers = [_answer_intro(entry)]
        answers += [_module_cell(entry, k, v) for k, v in merged.items() if v.strip()]
    at = _insert_at(cells, entry)
    cells = cells[:at] + answers + cells[at:]
    cells = [_setup_cell(entry, course, siblings), *cells, *_test_cells(entry)]
    return nbs.new_notebook(cells, f"{entry.id} {entry.title}")


def quiz_answers_source(quiz_ids: list[str], answers: dict[str, Any] | None) -> str:
    if answers is None:
        values = {q: "" for q in quiz_ids}
    else:
        values = {str(k): v for k, v in answers.items()}
    body = ",\n".join(f"    {json.dumps(k)}: {json.dumps(v)}" for k, v in values.items())
    return "answers = {\n" + body + ("\n" if body else "") + "}"


def quiz_source_notebook(entry: Lesson, course: Course, siblings: dict[str, str]) -> Notebook:
    from ...quizbank import load_quiz

    cells: list[Cell] = [
        markdown_cell(
            f"# {entry.id} {entry.title}: {entry.chapter.title}\n\n{entry.summary}\n\n"
            "Answer each question with one letter, `a` to `d`, in the `answers` cell below the "
            "questions, then run the test cell at the end.",
            nbs.cell_id(entry.name, "title"),
        )
    ]
    ids: list[str] = []
    if entry.quiz_path.exists():
        quiz = load_quiz(entry)
        for q in quiz.questions:
            ids.append(q.id)
            topic = f" ({q.topic})" if q.topic else ""
            choices = "\n".join(f"- **{c.letter}**: {c.text}" for c in q.choices)
            cells.append(
                markdown_cell(
                    f"### {q.id}{topic}\n\n{q.prompt}\n\n{choices}",
                    nbs.cell_id(entry.name, "q", q.id),
                )
            )
    if entry.solution_path.exists():
        key = json.loads(entry.solution_path.read_text(encoding="utf-8")).get("answers", {})
        source = (
            "# Your answers: one letter per question.\n"
            + quiz_answers_source(ids, None)
            + f"\n{SOLUTION_BEGIN}\n"
            + quiz_answers_source(ids, key)
            + f"\n{SOLUTION_END}"
        )
        cells.append(
            code_cell(
                source,
                nbs.cell_id(entry.name, "answers"),
                {
                    "nbgrader": _nbgrader(f"{entry.name}-answers", solution=True),
                    META_KEY: {"role": "answers"},
                },
            )
        )
    cells = [_setup_cell(entry, course, siblings), *cells, *_test_cells(entry)]
    return nbs.new_notebook(cells, f"{entry.id} {entry.title}")


# -- the course directory ---------------------------------------------------------------------
CONFIG = '''\
"""nbgrader settings for the {name} course, written by `hexahype nbgrader`.

Run nbgrader from this folder. It needs the hexahype package (the kit's `grader`) installed in
the same environment as nbgrader and the `python3` kernel.
"""

import os

from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
from nbgrader.preprocessors import GetGrades

from grader.integrations.nbgrader.feedback import RedactHiddenTests
from grader.integrations.nbgrader.timeouts import cell_timeouts

c = get_config()  # noqa: F821 - provided by nbgrader

c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
c.CourseDirectory.course_id = {course_id!r}

# Students get each function's stub body (its `# TODO` and `raise NotImplementedError`), which
# follows the solution region in the source notebooks; nbgrader only adds this line.
c.ClearSolutions.code_stub = {{"python": {stub!r}}}

# A test cell runs a whole lesson's visible and hidden tests, each under the kit's own limit:
# it may take up to `tests` seconds. Every other cell (the setup, the student's module, the
# lesson's examples, which call the student's functions) gets `other` seconds, so that an
# infinite loop costs that in each example cell that reaches it, not the test cells' limit.
c.Execute.timeout = 600
c.Execute.timeout_func = cell_timeouts(tests=600, other=60)

# Feedback never shows hidden tests: their source, their names, their messages or tracebacks.
c.GenerateFeedback.preprocessors = [GetGrades, RedactHiddenTests, CSSHTMLHeaderPreprocessor]
'''


@dataclass
class Export:
    root: Path
    notebooks: dict[str, Path] = field(default_factory=dict)  # entry id -> source notebook
    assignments: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def chosen_entries(course: Course, ids: list[str] | None = None) -> list[Lesson]:
    if ids:
        wanted = {course.get(i).id for i in ids}
        return [e for e in course.entries if e.id in wanted]
    return [e for e in course.entries if e.authored]


def write_course(course: Course, out: Path, ids: list[str] | None = None) -> Export:
    """Write OUT/nbgrader_config.py (kept when it exists) and OUT/source/<chapter>/*.ipynb."""
    out = out.resolve()
    export = Export(out)
    entries = chosen_entries(course, ids)
    for chapter in course.chapters:
        chosen = [e for e in entries if e.chapter.package == chapter.package]
        if not chosen:
            continue
        folder = out / "source" / chapter.package
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob("*.ipynb"):
            old.unlink()
        siblings = {e.name: notebook_name(e) for e in chosen if e.is_lesson}
        for entry in chosen:
            if not entry.authored:
                export.skipped.append(entry.id)
                continue
            missing = [role for role, p in entry.files().items() if not p.exists()]
            if missing:
                export.notes.append(f"{entry.id}: not fully authored yet (no {', '.join(missing)})")
            if entry.is_quiz:
                nb = quiz_source_notebook(entry, course, siblings)
            else:
                nb = lesson_source_notebook(entry, course, siblings)
            export.notebooks[entry.id] = nbs.write(nb, folder / notebook_name(entry))
        export.assignments.append(chapter.package)
    config = out / "nbgrader_config.py"
    if not config.exists():
        config.write_text(
            CONFIG.format(
                name=course.name,
                course_id=course.name.lower().replace(" ", "-") or "course",
                stub=CODE_STUB,
            ),
            encoding="utf-8",
        )
    return export


# -- the verb ---------------------------------------------------------------------------------
def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("out", help="the nbgrader course folder to write (created if needed)")
    parser.add_argument(
        "lessons", nargs="*", help="only these entry ids (default: every authored entry)"
    )


def run(args: argparse.Namespace, course: Course) -> int:
    export = write_course(course, Path(args.out), args.lessons or None)
    for note in export.notes:
        print(f"note: {note}", file=sys.stderr)
    print(
        f"wrote {len(export.notebooks)} notebooks in {len(export.assignments)} assignments "
        f"({', '.join(export.assignments)}) to {export.root}"
    )
    if export.skipped:
        print(f"not authored yet, left out: {', '.join(export.skipped)}")
    print("next, from that folder: nbgrader generate_assignment ASSIGNMENT, then release it")
    return 0
