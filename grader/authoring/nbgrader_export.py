"""`hexahype nbgrader OUT/`: write a complete nbgrader course built from the kit's sources.

    OUT/nbgrader_config.py                       course settings, hidden-test-safe feedback
    OUT/source/ch1_tokens/1.3-byte-pair-encoding.ipynb   one assignment per chapter,
    OUT/source/ch1_tokens/1.10-chapter-quiz.ipynb        one notebook per lesson and quiz

A lesson notebook holds, in order:
- a read-only setup cell (`grader.learner.notebook.nbgrader_setup`): the notebook's code becomes
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
import ast
import base64
import json
import pprint
import sys
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..learner.notebook import HIDDEN_BEGIN, HIDDEN_END, MAGIC
from ..manifest import Course, Lesson
from . import notebooks as nbs
from .notebooks import META_KEY, Cell, Notebook, code_cell, markdown_cell

SOLUTION_BEGIN = "### BEGIN SOLUTION"
SOLUTION_END = "### END SOLUTION"
CODE_STUB = "# YOUR CODE HERE"
NBGRADER_SCHEMA = 3


# -- stub + solution -> answer cells -----------------------------------------------------------
_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
_FUNCS = (ast.FunctionDef, ast.AsyncFunctionDef)


def _is_def(node: ast.stmt) -> bool:
    return isinstance(node, _DEFS)


def _docstring(body: list[ast.stmt]) -> ast.stmt | None:
    first = body[0] if body else None
    if (
        isinstance(first, ast.Expr)
        and isinstance(first.value, ast.Constant)
        and isinstance(first.value.value, str)
    ):
        return first
    return None


def _start(node: ast.stmt) -> int:
    decorators = getattr(node, "decorator_list", [])
    return min([node.lineno, *(d.lineno for d in decorators)])


def _text(node: ast.stmt, lines: list[str]) -> str:
    return "".join(lines[_start(node) - 1 : node.end_lineno])


def _ends(stmts: list[ast.stmt]) -> bool:
    """True when running `stmts` can never fall off their end."""
    if not stmts:
        return False
    last = stmts[-1]
    if isinstance(last, (ast.Return, ast.Raise)):
        return True
    if isinstance(last, ast.If):
        return _ends(last.body) and _ends(last.orelse)
    if isinstance(last, (ast.With, ast.AsyncWith)):
        return _ends(last.body)
    return False


def _group(names: list[str], stmts: list[ast.stmt]) -> dict[str, list[ast.stmt]]:
    """Statements by answer cell, keeping the module's order: the statements before the first
    of the stub's definitions (up to the first helper function) are the header; a definition
    of a stub name opens that name's cell, and the statements after it (helpers, constants) go
    with the next such definition, trailing ones with the last. A name defined again later
    (say `_old = f` then a new `def f`) stays where it is in that flow, as Python runs it."""
    first = {}
    for i, s in enumerate(stmts):
        if _is_def(s) and s.name in names:  # type: ignore[attr-defined]
            first.setdefault(s.name, i)  # type: ignore[attr-defined]
    groups: dict[str, list[ast.stmt]] = {"header": [], **{n: [] for n in names}}
    pending: list[ast.stmt] = []
    key = "header"
    for i, s in enumerate(stmts):
        name = getattr(s, "name", None) if _is_def(s) else None
        if name is not None and first.get(name) == i:
            if key == "header":  # imports and constants are the header; helpers go with name
                cut = next((k for k, n in enumerate(pending) if _is_def(n)), len(pending))
                groups["header"] += pending[:cut]
                pending = pending[cut:]
            groups[name] += pending
            groups[name].append(s)
            pending = []
            key = name
        else:
            pending.append(s)
    groups[key] += pending
    return groups


def _region(body: list[str], indent: str) -> list[str]:
    return [f"{indent}{SOLUTION_BEGIN}\n", *body, f"{indent}{SOLUTION_END}\n"]


def _reindent(lines: list[str], old: int, new: int) -> list[str]:
    if old == new:
        return lines
    out = []
    for line in lines:
        if line.strip() and line[:old].strip() == "":
            out.append(" " * new + line[old:])
        else:
            out.append(line)
    return out


def _merge_function(s: ast.stmt, i: ast.stmt, slines: list[str], ilines: list[str]) -> list[str]:
    assert isinstance(s, _FUNCS) and isinstance(i, _FUNCS)
    if s.body[0].lineno == s.lineno or i.body[0].lineno == i.lineno:
        return _region(_text(i, ilines).splitlines(keepends=True), "")  # one-liners: whole def
    sdoc, idoc = _docstring(s.body), _docstring(i.body)
    head = slines[_start(s) - 1 : s.body[0].lineno - 1]
    doc = slines[sdoc.lineno - 1 : sdoc.end_lineno] if sdoc is not None else []
    tail_from = sdoc.end_lineno if sdoc is not None else s.body[0].lineno - 1
    tail = slines[tail_from : s.end_lineno]
    ibody_stmts = i.body[1:] if idoc is not None else i.body
    if not ibody_stmts:
        ibody: list[str] = []
    else:
        first = idoc.end_lineno if idoc is not None else ibody_stmts[0].lineno - 1
        ibody = ilines[first : i.end_lineno]
    indent = " " * s.body[0].col_offset
    ibody = _reindent(ibody, ibody_stmts[0].col_offset if ibody_stmts else 0, len(indent))
    if tail and not _ends(ibody_stmts):
        ibody.append(f"{indent}return None  # the stub's lines below are never reached\n")
    return head + doc + _region(ibody, indent) + tail


def _merge_class(
    s: ast.ClassDef, i: ast.ClassDef, slines: list[str], ilines: list[str]
) -> list[str]:
    sdoc = _docstring(s.body)
    sbody = s.body[1:] if sdoc is not None else s.body
    ibody = i.body[1:] if _docstring(i.body) is not None else i.body
    if not sbody or s.body[0].lineno == s.lineno:
        return _region(_text(i, ilines).splitlines(keepends=True), "")
    head = slines[_start(s) - 1 : s.body[0].lineno - 1]
    doc = slines[sdoc.lineno - 1 : sdoc.end_lineno] if sdoc is not None else []
    indent = " " * sbody[0].col_offset
    names = [n.name for n in sbody if isinstance(n, _DEFS)]
    parts = _merge_groups(names, sbody, ibody, slines, ilines, indent)
    out = head + doc
    for key in ["header", *names]:
        if parts[key]:
            if out and out[-1].strip() and key != "header":
                out.append("\n")
            out += parts[key]
    return out


def _merge_groups(
    names: list[str],
    sstmts: list[ast.stmt],
    istmts: list[ast.stmt],
    slines: list[str],
    ilines: list[str],
    indent: str,
) -> dict[str, list[str]]:
    """Per answer key, the merged lines: the stub's other statements, the solution's own
    statements in a solution region, then the stub's definition with the reference body."""
    sgroups, igroups = _group(names, sstmts), _group(names, istmts)
    shared = {ast.dump(n) for n in sstmts if not _is_def(n)}
    out: dict[str, list[str]] = {}
    for key in ["header", *names]:
        lines: list[str] = []
        plain = [n for n in sgroups[key] if not _is_def(n)]
        if plain:
            lines += slines[_start(plain[0]) - 1 : plain[-1].end_lineno]
        own = [n for n in igroups[key] if getattr(n, "name", None) != key or not _is_def(n)]
        own = [n for n in own if ast.dump(n) not in shared]
        if own:
            body: list[str] = []
            for n in own:
                if body:
                    body.append("\n")
                body += _text(n, ilines).splitlines(keepends=True)
            if lines:
                lines.append("\n")
            lines += _region(body, indent)
        sdef = next((n for n in sgroups[key] if _is_def(n)), None)
        idef = next(
            (n for n in igroups[key] if _is_def(n) and getattr(n, "name", None) == key), None
        )
        if sdef is not None:
            if lines:
                lines.append("\n")
            if idef is None:
                lines += _text(sdef, slines).splitlines(keepends=True)
            elif isinstance(sdef, ast.ClassDef) and isinstance(idef, ast.ClassDef):
                lines += _merge_class(sdef, idef, slines, ilines)
            elif isinstance(sdef, _FUNCS) and isinstance(idef, _FUNCS):
                lines += _merge_function(sdef, idef, slines, ilines)
            else:
                lines += _region(_text(idef, ilines).splitlines(keepends=True), indent)
        out[key] = lines
    return out


def _module_body(tree: ast.Module) -> list[ast.stmt]:
    return tree.body[1:] if _docstring(tree.body) is not None else tree.body


def _stub_names(stub_src: str) -> list[str]:
    return [n.name for n in _module_body(ast.parse(stub_src)) if isinstance(n, _DEFS)]


def answer_cells(stub_src: str, impl_src: str, markers: bool = True) -> dict[str, str]:
    """The answer cells of a lesson, keyed `header` and then by the stub's top-level names.

    markers=True (the source notebook): the stub merged with `impl_src` (the reference
    solution) as described in the module docstring. markers=False: `impl_src`'s own code, cut
    into the same cells (how a student's module reads as notebook cells)."""
    names = _stub_names(stub_src)
    ilines = impl_src.splitlines(keepends=True)
    istmts = _module_body(ast.parse(impl_src))
    if markers:
        slines = stub_src.splitlines(keepends=True)
        sstmts = _module_body(ast.parse(stub_src))
        merged = _merge_groups(names, sstmts, istmts, slines, ilines, "")
        return {k: "".join(v).strip("\n") for k, v in merged.items()}
    groups = _group(names, istmts)
    out: dict[str, str] = {}
    for key in ["header", *names]:
        out[key] = "\n\n".join(_text(n, ilines).rstrip("\n") for n in groups[key])
    return out


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
    course_head = {"name": "", "version": "", "words_per_minute": 200}
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
        from ..quizbank import seal

        spec["quiz"] = _strip_explanations(seal(entry.quiz_path))
    return spec


def _setup_cell(entry: Lesson, course: Course, siblings: dict[str, str]) -> Cell:
    spec = setup_spec(entry, siblings)
    spec["course"] = {
        "name": course.name,
        "version": course.version,
        "words_per_minute": course.words_per_minute,
    }
    source = (
        "# HexaHype setup: run this cell first (it is read-only). It loads the kit's notebook\n"
        f"# helpers, makes this notebook's code importable as exercises.{entry.module}\n"
        "# (the examples and the tests use it) and defines the test cell's %%hexahype_tests.\n"
        "from grader.learner.notebook import nbgrader_setup\n\n"
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


def lesson_source_notebook(entry: Lesson, course: Course, siblings: dict[str, str]) -> Notebook:
    cells = nbs.lesson_cells(entry)
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
    from ..quizbank import load_quiz

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

from grader.authoring.nbgrader_feedback import RedactHiddenTests

c = get_config()  # noqa: F821 - provided by nbgrader

c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
c.CourseDirectory.course_id = {course_id!r}

# Students get each function's stub body (its `# TODO` and `raise NotImplementedError`), which
# follows the solution region in the source notebooks; nbgrader only adds this line.
c.ClearSolutions.code_stub = {{"python": {stub!r}}}

# A test cell runs a whole lesson's visible and hidden tests.
c.Execute.timeout = 600

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


# -- students' modules as notebooks (for grading an exercises/-style folder with nbgrader) ----
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


def fill_assignment(course: Course, release_dir: Path, impl_dir: Path, out_dir: Path) -> list[Path]:
    """Write `release_dir`'s notebooks into `out_dir`, filled from `impl_dir` (fill_notebook)."""
    by_name = {notebook_name(e): e for e in course.entries}
    written = []
    out_dir.mkdir(parents=True, exist_ok=True)
    for path in sorted(release_dir.glob("*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        entry = by_name.get(path.name)
        if entry is not None:
            nb = fill_notebook(nb, entry, impl_dir)
        written.append(nbs.write(nb, out_dir / path.name))
    return written


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
