"""The Jupyter and nbgrader side of the kit, end to end with real nbgrader, nbclient and kernels.

- Every lesson runs as a learner notebook (headless, nbclient) against the reference solutions,
  with the lesson's printed outputs and its check cell passing.
- `hexahype nbgrader` writes a course whose notebooks validate against nbformat and nbgrader's
  cell metadata schema (version 3), with the manifest's points, for every authored entry.
- `nbgrader generate_assignment` releases notebooks with the stubs and without solution code or
  hidden tests (canary strings from solution bodies and hidden tests).
- Three submissions (all solutions, all stubs, a mixed one with misconceptions and a half-right
  quiz) earn the same per-lesson points through `nbgrader autograde` as through `hexahype grade`
  (or, where that verb is missing, the kit's visible and hidden suites with the plugin's points).
- `nbgrader generate_feedback` shows no hidden test source, name or message; the autograded
  notebooks (instructor-side) do hold them, so the check is not vacuous.
"""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbclient import NotebookClient
from nbgrader.nbgraderformat import MetadataValidator

from grader import manifest, runs
from grader import notebooks as nbs
from grader.integrations.nbgrader import export as nx
from grader.integrations.nbgrader import feedback as nf
from grader.integrations.nbgrader.timeouts import cell_timeouts

from .nbgrader_helpers import fill_notebook

ROOT = Path(__file__).resolve().parents[2]
COURSE = manifest.load(ROOT)
KERNEL = "python3"
# The lessons graded for parity (a kernel per notebook is slow): cross-notebook imports (1.5
# uses 1.4), a quiz, and both chapters. Generation and leak checks cover every authored entry.
PARITY_SUBSET = ["1.3", "1.4", "1.5", "1.10", "2.1"]


def _complete(entry: manifest.Lesson) -> bool:
    return all(p.exists() for p in entry.files().values())


AUTHORED = [e for e in COURSE.entries if e.authored]
COMPLETE = [e for e in AUTHORED if _complete(e)]
TEXTS = [e for e in AUTHORED if e.is_lesson and e.text_path.exists()]


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HEXAHYPE_", "PYTEST"))}
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["MPLBACKEND"] = "Agg"
    return env


def _nbgrader(course_dir: Path, *args: str) -> str:
    proc = subprocess.run(
        [sys.executable, "-m", "nbgrader", *args],
        cwd=course_dir,
        capture_output=True,
        text=True,
        env=_env(),
        timeout=900,
    )
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{out[-4000:]}"
    return out


def _read(path: Path) -> Any:
    return nbformat.read(str(path), as_version=4)


def _cells(nb: Any, role: str) -> list[Any]:
    return [c for c in nb.cells if c.get("metadata", {}).get("hexahype", {}).get("role") == role]


# -- canaries ----------------------------------------------------------------------------------
def _body_lines(path: Path) -> list[str]:
    """Stripped lines of the function bodies (without docstrings) of a module."""
    src = path.read_text(encoding="utf-8")
    lines = src.splitlines()
    out: list[str] = []
    for node in ast.walk(ast.parse(src)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                body = body[1:]
            for stmt in body:
                out += [s.strip() for s in lines[stmt.lineno - 1 : stmt.end_lineno]]
    return out


def _public_text(entry: manifest.Lesson) -> str:
    """Everything a student may see for this entry."""
    parts = [entry.test_path, entry.exercise_path, entry.text_path, entry.quiz_path]
    return "\n".join(p.read_text(encoding="utf-8") for p in parts if p.exists())


def solution_canaries(entry: manifest.Lesson) -> list[str]:
    public = _public_text(entry)
    if entry.is_quiz:
        key = json.loads(entry.solution_path.read_text(encoding="utf-8"))["answers"]
        return [f'"{q}": "{a}"' for q, a in key.items()]
    lines = {s for s in _body_lines(entry.solution_path) if len(s) >= 16 and not s.startswith("#")}
    return sorted(s for s in lines if s not in public)


def hidden_canaries(entry: manifest.Lesson) -> tuple[list[str], list[str]]:
    """(hidden test names, distinctive hidden source lines) absent from everything public."""
    if not entry.is_lesson:
        return [], []
    public = _public_text(entry) + entry.solution_path.read_text(encoding="utf-8")
    src = entry.hidden_test_path.read_text(encoding="utf-8")
    names = re.findall(r"^def (test_\w+)", src, re.M)
    names = [n for n in names if n not in public]
    lines = {s.strip() for s in src.splitlines() if len(s.strip()) >= 24}
    lines = {s for s in lines if s not in public and not s.startswith(("#", "def test_"))}
    return names, sorted(lines)


# -- the exported course and its release -------------------------------------------------------
@pytest.fixture(scope="module")
def course_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("nbgrader") / "course"
    export = nx.write_course(COURSE, out)
    assert set(export.notebooks) == {e.id for e in AUTHORED}
    for assignment in export.assignments:
        _nbgrader(out, "generate_assignment", assignment)
    return out


def _source(course_dir: Path, entry: manifest.Lesson) -> Path:
    return course_dir / "source" / entry.package / nx.notebook_name(entry)


def _release(course_dir: Path, entry: manifest.Lesson) -> Path:
    return course_dir / "release" / entry.package / nx.notebook_name(entry)


def test_kernel_and_config(course_dir: Path) -> None:
    from jupyter_client.kernelspec import KernelSpecManager

    assert KernelSpecManager().get_kernel_spec(KERNEL).language == "python"
    config = (course_dir / "nbgrader_config.py").read_text(encoding="utf-8")
    assert "RedactHiddenTests" in config and "code_stub" in config
    assert "c.Execute.timeout_func = cell_timeouts(" in config


@pytest.mark.parametrize("entry", AUTHORED, ids=[e.id for e in AUTHORED])
def test_only_the_graded_cells_get_the_test_cells_time_limit(
    course_dir: Path, entry: manifest.Lesson
) -> None:
    """In the release notebook nbgrader autogrades, the test cell (the one graded cell) gets the
    test cells' limit, every other cell (setup, answers, the lesson's examples) the short one."""
    limit = cell_timeouts(tests=600, other=60)
    nb = _read(_release(course_dir, entry))
    code = [c for c in nb.cells if c.cell_type == "code"]
    got = {(c.metadata.get("hexahype", {}).get("role"), limit(c)) for c in code}
    assert ("tests", 600) in got or ("answers", 600) in got, got
    assert all(t == 60 for role, t in got if role not in ("tests", "answers")), got
    assert [limit(c) for c in code].count(600) == len(
        [c for c in code if c.metadata.get("nbgrader", {}).get("grade")]
    )
    if entry.is_lesson and _cells(nb, "lesson-code"):
        assert {limit(c) for c in _cells(nb, "lesson-code")} == {60}
    with pytest.raises(ValueError):
        cell_timeouts(tests=0)
    assignments = sorted(p.name for p in (course_dir / "source").iterdir())
    assert assignments == sorted({e.package for e in AUTHORED})


@pytest.mark.parametrize("entry", AUTHORED, ids=[e.id for e in AUTHORED])
def test_source_notebook_structure(course_dir: Path, entry: manifest.Lesson) -> None:
    assert _complete(entry), f"{entry.id} is authored but misses some of {entry.files()}"
    path = _source(course_dir, entry)
    nb = _read(path)
    nbformat.validate(nb)
    MetadataValidator().validate_nb(nb)  # nbgrader's schema, version 3
    meta = [c.metadata["nbgrader"] for c in nb.cells if "nbgrader" in c.metadata]
    assert all(m["schema_version"] == 3 for m in meta)
    ids = [m["grade_id"] for m in meta]
    assert len(ids) == len(set(ids)), f"{path.name}: duplicate grade ids {ids}"
    assert _cells(nb, "setup") and nb.cells[0].metadata["nbgrader"]["locked"]
    grade = [m for m in meta if m["grade"]]
    assert sum(m["points"] for m in grade) == entry.points
    (tests,) = _cells(nb, "tests")
    assert tests.source.startswith("%%hexahype_tests")
    assert entry.test_path.read_text(encoding="utf-8").strip() in tests.source
    if entry.is_lesson:
        hidden = entry.hidden_test_path.read_text(encoding="utf-8").strip()
        region = tests.source.split(nx.HIDDEN_BEGIN)[1].split(nx.HIDDEN_END)[0]
        assert hidden in region
        parts = {c.metadata["hexahype"]["part"] for c in _cells(nb, "module")}
        assert set(entry.tasks) <= parts, (
            f"{entry.id}: no answer cell for {set(entry.tasks) - parts}"
        )
        for cell in _cells(nb, "module"):
            has_region = nx.SOLUTION_BEGIN in cell.source
            assert has_region == cell.metadata.get("nbgrader", {}).get("solution", False)
        # the text's examples that call the lesson's code come after the answer cells
        first_answer = nb.cells.index(_cells(nb, "module")[0])
        uses = [
            i
            for i, c in enumerate(nb.cells)
            if f"exercises.{entry.module}" in c.source and c in _cells(nb, "lesson-code")
        ]
        assert all(i > first_answer for i in uses)
    else:
        assert nx.HIDDEN_BEGIN not in tests.source and _cells(nb, "answers")


@pytest.mark.parametrize("entry", COMPLETE, ids=[e.id for e in COMPLETE])
def test_release_has_stubs_but_no_solutions_or_hidden_tests(
    course_dir: Path, entry: manifest.Lesson
) -> None:
    source = _source(course_dir, entry).read_text(encoding="utf-8")
    release = _release(course_dir, entry).read_text(encoding="utf-8")
    canaries = solution_canaries(entry)
    names, lines = hidden_canaries(entry)
    assert canaries, f"{entry.id}: no solution canary to look for"
    assert entry.is_quiz or (names or lines), f"{entry.id}: no hidden-test canary"
    for canary in [*canaries, *names, *lines]:
        encoded = json.dumps(canary, ensure_ascii=False)[1:-1]  # as it reads inside the JSON
        assert encoded in source, f"{entry.id}: canary missing from source: {canary!r}"
        assert encoded not in release, f"{entry.id} release leaks {canary!r}"
    nb = _read(_release(course_dir, entry))
    assert nx.SOLUTION_BEGIN not in release and nx.HIDDEN_BEGIN not in release
    if entry.is_lesson:
        stub = entry.exercise_path.read_text(encoding="utf-8")
        raises = re.findall(r"^\s*(raise NotImplementedError\(.*\))$", stub, re.M)
        code = "\n".join(c.source for c in _cells(nb, "module"))
        assert raises and all(r in code for r in raises)
    MetadataValidator().validate_nb(nb)


# -- three submissions, graded by nbgrader and by the kit ---------------------------------------
def _deps(entry: manifest.Lesson) -> set[str]:
    """Entry ids whose modules this lesson's stub or solution imports (relative imports),
    transitively."""
    found: set[str] = set()
    todo = [entry]
    while todo:
        lesson = todo.pop()
        for path in (lesson.exercise_path, lesson.solution_path):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module:
                    dep = COURSE.by_module(node.module)
                    if dep is not None and dep.id not in found:
                        found.add(dep.id)
                        todo.append(dep)
    return found


def _mixed_impl(folder: Path, lesson_ids: list[str]) -> Path:
    """Solutions, with a known mistake in every other lesson, the last lesson not started, and
    a quiz with two wrong answers and one missing."""
    impl = folder / "mixed"
    shutil.copytree(ROOT / "solutions", impl, ignore=shutil.ignore_patterns("__pycache__"))
    lessons = [COURSE.get(i) for i in lesson_ids if COURSE.get(i).is_lesson]
    bank = ROOT / "grader" / "tests" / "misconceptions"
    for lesson in lessons[:-1:2]:  # every other lesson, from the first
        mistakes = sorted((bank / lesson.package / lesson.name).glob("*.py"))
        assert mistakes, f"no misconception for {lesson.id}"
        # prefer a mistake that wraps the original function (`_old = f`, then a new `def f`)
        wraps = [m for m in mistakes if re.search(r"^_\w+ = \w+\s*$", m.read_text(), re.M)]
        mistakes = wraps + mistakes
        target = impl / lesson.package / lesson.solution_path.name
        target.write_text(
            target.read_text(encoding="utf-8") + "\n\n" + mistakes[0].read_text(encoding="utf-8"),
            encoding="utf-8",
        )
    last = lessons[-1]
    shutil.copy(last.exercise_path, impl / last.package / last.exercise_path.name)
    for quiz in (COURSE.get(i) for i in lesson_ids):
        if quiz.is_quiz:
            doc = json.loads(quiz.solution_path.read_text(encoding="utf-8"))
            answers = doc["answers"]
            keys = list(answers)
            for q in keys[:2]:
                answers[q] = "a" if answers[q] != "a" else "b"
            answers.pop(keys[2])
            (impl / quiz.package / quiz.solution_path.name).write_text(json.dumps(doc))
    return impl


def _kit_points(tmp: Path, students: dict[str, Path]) -> dict[str, dict[str, float]]:
    """Per student and lesson, the points of the kit's grading of the same modules."""
    try:
        import grader.grading.grade  # noqa: F401
        from grader.grading.gradebook import Gradebook
    except ImportError:
        out: dict[str, dict[str, float]] = {}
        for student, impl in students.items():
            files = runs.test_files(list(COMPLETE), hidden=True)
            _, doc, text = runs.run_suite(ROOT, files, impl, env=_env())
            assert doc is not None, text[-2000:]
            out[student] = {lesson.id: lesson.points for lesson in doc.lessons}
        return out
    batch = tmp / "repos"
    for student, impl in students.items():
        shutil.copytree(
            impl, batch / student / "exercises", ignore=shutil.ignore_patterns("__pycache__")
        )
    book = tmp / "kit-gradebook.sqlite"
    proc = subprocess.run(
        [sys.executable, "-m", "grader.cli", "grade", str(batch), "--gradebook", str(book)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=_env(),
        timeout=900,
    )
    assert book.exists(), proc.stdout + proc.stderr
    with Gradebook(book) as gb:
        return {s: {k: float(v) for k, v in lessons.items()} for s, lessons in gb.summary().items()}


@pytest.fixture(scope="module")
def graded(course_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    tmp = tmp_path_factory.mktemp("submissions")
    subset = [i for i in PARITY_SUBSET if _complete(COURSE.get(i))]
    compared = {"solutions": subset, "stubs": subset, "mixed": subset}
    impls = {
        "solutions": ROOT / "solutions",
        "stubs": ROOT / "exercises",
        "mixed": _mixed_impl(tmp, subset),
    }
    written: set[str] = set()
    for student, ids in compared.items():
        submitted = set(ids) | {d for i in ids for d in _deps(COURSE.get(i))}
        for entry in (e for e in AUTHORED if e.id in submitted):
            release = json.loads(_release(course_dir, entry).read_text(encoding="utf-8"))
            nb = release if student == "stubs" else fill_notebook(release, entry, impls[student])
            dest = course_dir / "submitted" / student / entry.package / nx.notebook_name(entry)
            nbs.write(nb, dest)
            written.add(entry.package)
    assignments = sorted(written)  # nbgrader refuses to autograde an assignment nobody submitted
    for assignment in assignments:
        _nbgrader(course_dir, "autograde", assignment)
    from nbgrader.api import Gradebook, MissingEntry

    scores: dict[str, dict[str, tuple[float, float]]] = {}
    with Gradebook(f"sqlite:///{course_dir / 'gradebook.db'}") as gb:
        for student, ids in compared.items():
            scores[student] = {}
            for entry in (COURSE.get(i) for i in ids):
                try:
                    sub = gb.find_submission_notebook(
                        nx.notebook_name(entry)[: -len(".ipynb")], entry.package, student
                    )
                except MissingEntry:
                    continue
                scores[student][entry.id] = (float(sub.score), float(sub.max_score))
    for assignment in assignments:
        _nbgrader(course_dir, "generate_feedback", assignment)
    kit = _kit_points(tmp, impls)
    return {"compared": compared, "nbgrader": scores, "kit": kit}


def _check_parity(graded: dict[str, Any]) -> None:
    rows = []
    for student, ids in graded["compared"].items():
        for lid in ids:
            nb = graded["nbgrader"][student].get(lid)
            kit = graded["kit"][student].get(lid)
            rows.append((student, lid, nb, kit))
    bad = [r for r in rows if r[2] is None or r[3] is None or r[2][0] != r[3]]
    assert not bad, "nbgrader and the kit disagree (student, lesson, (nbgrader, max), kit):\n" + (
        "\n".join(map(str, bad))
    )
    for _student, lid, (_score, max_score), _ in rows:
        assert max_score == COURSE.get(lid).points
    solutions = [r[2][0] for r in rows if r[0] == "solutions"]
    assert solutions == [COURSE.get(r[1]).points for r in rows if r[0] == "solutions"]
    assert all(r[2][0] == 0 for r in rows if r[0] == "stubs")
    mixed = [(r[2][0], r[2][1]) for r in rows if r[0] == "mixed"]
    assert any(0 < s < m and s != round(s) for s, m in mixed), f"no partial credit: {mixed}"
    assert any(s == m for s, m in mixed) and any(s == 0 for s, m in mixed)


def _check_feedback(course_dir: Path, graded: dict[str, Any]) -> None:
    checked = 0
    for student, ids in graded["compared"].items():
        for entry in (COURSE.get(i) for i in ids if COURSE.get(i).is_lesson):
            stem = nx.notebook_name(entry)[: -len(".ipynb")]
            html = (course_dir / "feedback" / student / entry.package / f"{stem}.html").read_text(
                encoding="utf-8"
            )
            autograded = (
                course_dir / "autograded" / student / entry.package / f"{stem}.ipynb"
            ).read_text(encoding="utf-8")
            names, _ = hidden_canaries(entry)
            assert names and all(n in autograded for n in names)  # the instructor's copy has them
            leaked = [n for n in names if n in html]
            assert not leaked, f"{student} {entry.id} feedback shows hidden tests {leaked}"
            assert nx.HIDDEN_BEGIN not in html and "hidden checks:" in html
            assert "tests/hidden" not in html
            assert "HexaHype checks" in html
            checked += 1
    assert checked >= 3 * 3


def test_autograde_parity_and_feedback(course_dir: Path, graded: dict[str, Any]) -> None:
    """One test for the expensive grading run, so that pytest-xdist never repeats it."""
    _check_parity(graded)
    _check_feedback(course_dir, graded)


def test_feedback_redaction_for_every_lesson() -> None:
    """Every lesson's test cell, given the hidden report and a traceback an autograder test cell
    could hold, renders (with the feedback's preprocessor) without a hidden test name."""
    from nbconvert import HTMLExporter

    cells, canaries = [], []
    for entry in (e for e in COMPLETE if e.is_lesson):
        names, lines = hidden_canaries(entry)
        assert names, f"{entry.id}: no hidden test name to look for"
        canaries += names
        nb = nbformat.reads(json.dumps(nx.lesson_source_notebook(entry, COURSE, {})), 4)
        (tests,) = _cells(nb, "tests")
        tests.outputs = [
            nbformat.v4.new_output(
                "display_data",
                data={"text/plain": f"── HexaHype checks: {entry.id} visible report"},
                metadata={"hexahype": {"part": "visible"}},
            ),
            nbformat.v4.new_output(
                "display_data",
                data={"text/plain": "\n".join(f"  ✗ {n}: expected 1" for n in names)},
                metadata={"hexahype": {"part": "hidden", "passed": 0, "total": len(names)}},
            ),
            nbformat.v4.new_output(
                "error", ename="AssertionError", evalue=names[0], traceback=[*lines[:3], *names]
            ),
            nbformat.v4.new_output("execute_result", data={"text/plain": "2.5"}, execution_count=1),
        ]
        cells.append(tests)
    nb = nbformat.v4.new_notebook(cells=cells)
    assert all(n in json.dumps(nb) for n in canaries)  # the notebook does hold them
    exporter = HTMLExporter()
    exporter.register_preprocessor(nf.RedactHiddenTests(), enabled=True)
    html, _ = exporter.from_notebook_node(nb)
    leaked = [c for c in [*canaries, nx.HIDDEN_BEGIN] if c in html]
    assert not leaked, f"feedback would show {leaked}"
    for entry in (e for e in COMPLETE if e.is_lesson):
        assert f"{entry.id} visible report" in html
    assert html.count("2.5") >= len(cells) and html.count("hidden checks: 0 of") == len(cells)


# -- the learner's notebooks -------------------------------------------------------------------
def _norm(text: str) -> str:
    text = re.sub(r"\x1b\[[0-9;]*m", "", text)
    return "\n".join(line.rstrip() for line in text.strip("\n").splitlines())


def _execute_all(paths: list[Path], cwd: Path, parallel: int = 2) -> list[Any]:
    """Execute notebooks headless, `parallel` kernels at a time; return them executed."""
    import asyncio

    async def main() -> list[Any]:
        gate = asyncio.Semaphore(parallel)

        async def one(path: Path) -> Any:
            nb = _read(path)
            async with gate:
                client = NotebookClient(
                    nb,
                    kernel_name=KERNEL,
                    timeout=300,
                    allow_errors=True,
                    resources={"metadata": {"path": str(cwd)}},
                )
                await client.async_execute()
            return nb

        return list(await asyncio.gather(*(one(p) for p in paths)))

    return asyncio.run(main())


def test_learner_notebooks_run_against_solutions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert TEXTS, "no lesson texts"
    paths = nbs.write_learner_notebooks(COURSE, tmp_path, [e.id for e in TEXTS])
    # the kernels inherit these: `exercises` means the reference solutions
    for key, value in {
        "HEXAHYPE_IMPL": "solutions",
        "HEXAHYPE_ROOT": str(ROOT),
        "MPLBACKEND": "Agg",
        "PYTHONDONTWRITEBYTECODE": "1",
    }.items():
        monkeypatch.setenv(key, value)
    problems = []
    for entry, nb in zip(TEXTS, _execute_all(paths, tmp_path)):
        ran = [c for c in nb.cells if c.cell_type == "code" and c.get("execution_count")]
        if len(ran) != len([c for c in nb.cells if c.cell_type == "code"]):
            problems.append(f"{entry.id}: not every code cell ran")
        for cell in (c for c in nb.cells if c.cell_type == "code"):
            for out in cell.outputs:
                if out.output_type == "error":
                    problems.append(f"{entry.id}: {out.ename}: {out.evalue}")
            expected = cell.metadata.get("hexahype", {}).get("expected")
            if expected is not None:
                got = "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")
                if _norm(got) != _norm(expected):
                    problems.append(f"{entry.id}: a code cell printed {got!r}, not {expected!r}")
        (check,) = _cells(nb, "check")
        report = _norm("".join(o.get("text", "") for o in check.outputs))
        if not re.search(rf"^{re.escape(entry.id)}\s.*done ✓", report, re.M):
            problems.append(f"{entry.id}: the check cell did not report done: {report!r}")
    assert not problems, "\n".join(problems)


# -- answer cells from a stub and a solution ----------------------------------------------------
STUB = '''"""Lesson 9.9 - toy."""

from __future__ import annotations

import math

SCALE = 2


def area(r: float) -> float:
    """Area of a circle."""
    # TODO(9.9): pi r squared.
    raise NotImplementedError("lesson 9.9: area is not written yet")


class Counter:
    """Counts."""

    def __init__(self) -> None:
        raise NotImplementedError("lesson 9.9: Counter is not written yet")

    def add(self, n: int) -> None:
        """Add n."""
        raise NotImplementedError("lesson 9.9: Counter.add is not written yet")
'''

SOLUTION = '''"""Lesson 9.9 - toy (reference solution)."""

from __future__ import annotations

import math
from functools import reduce

SCALE = 2


def _square(x: float) -> float:
    return x * x


def area(r: float) -> float:
    """Area of a circle."""
    return math.pi * _square(r)


class Counter:
    """Counts."""

    def __init__(self) -> None:
        self.total = 0

    def add(self, n: int) -> None:
        """Add n."""
        self.total = reduce(lambda a, b: a + b, [self.total, n])
'''


def _exec_cells(cells: dict[str, str], strip: bool) -> dict[str, Any]:
    ns: dict[str, Any] = {}
    for source in cells.values():
        if strip:  # what generate_assignment leaves
            lines, inside = [], False
            for line in source.split("\n"):
                if nx.SOLUTION_BEGIN in line:
                    inside = True
                    lines.append(line.replace(nx.SOLUTION_BEGIN, nx.CODE_STUB))
                elif nx.SOLUTION_END in line:
                    inside = False
                elif not inside:
                    lines.append(line)
            source = "\n".join(lines)
        exec(compile(source, "<cell>", "exec"), ns)
    return ns


def test_answer_cells_merge_stub_and_solution() -> None:
    cells = nx.answer_cells(STUB, SOLUTION)
    assert list(cells) == ["header", "area", "Counter"]
    assert cells["header"].startswith("from __future__ import annotations")
    assert "from functools import reduce" in cells["header"].split(nx.SOLUTION_BEGIN)[1]
    assert "def _square" in cells["area"].split(nx.SOLUTION_BEGIN)[1]
    solved = _exec_cells(cells, strip=False)
    assert solved["area"](1.0) == pytest.approx(math_pi())
    counter = solved["Counter"]()  # __init__ falls through its body: the stub is never reached
    counter.add(3)
    assert counter.total == 3
    released = _exec_cells(cells, strip=True)
    for call in (lambda: released["area"](1.0), released["Counter"]):
        with pytest.raises(NotImplementedError, match="^lesson 9.9"):
            call()
    as_student = nx.answer_cells(STUB, SOLUTION, markers=False)
    assert nx.SOLUTION_BEGIN not in "".join(as_student.values())
    assert _exec_cells(as_student, strip=False)["area"](2.0) == pytest.approx(4 * math_pi())
    # a later definition replaces an earlier one, after it, as in the module; a mistake that
    # wraps the original (the misconception bank does this) still finds it
    patched = nx.answer_cells(
        STUB,
        SOLUTION + "\n\n_first = area\n\n\ndef area(r):\n    return 2 * _first(r)\n",
        markers=False,
    )
    assert _exec_cells(patched, strip=False)["area"](1.0) == pytest.approx(2 * math_pi())
    assert patched["area"].count("def area") == 1 and "_first = area" in patched["Counter"]


def math_pi() -> float:
    import math

    return math.pi
