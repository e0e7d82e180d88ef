"""The kernel side of the nbgrader notebooks (`hexahype nbgrader OUT/`).

The notebooks hold the learner's code in their own cells. Their
first, read-only cell calls `nbgrader_setup(spec)`, which
- makes the notebook's code importable as its lesson module (`exercises.ch1_tokens.l03_bpe`), so
  the lesson's examples and relative imports work; an earlier lesson's module
  (`from .l04_tokenizers import ...`) is read from that lesson's notebook next to this one;
- defines the `%%hexahype_tests` cell magic of the autograder test cell. The magic runs the
  cell's pytest tests in-process, each file in its own namespace, with the notebook's code as
  the lesson fixture (`bpe` for 1.3) and a `course` fixture, and returns the partial score
  `points * passed / total` (nbgrader reads a number returned by a test cell as partial credit).
  Tests between `### BEGIN HIDDEN TESTS` and `### END HIDDEN TESTS` are reported as counts
  plus an instructor-only detail output, marked in its metadata so feedback can drop it.
"""

from __future__ import annotations

import contextlib
import importlib.abc
import importlib.machinery
import io
import json
import linecache
import os
import re
import shlex
import sys
import tempfile
import textwrap
import types
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ... import manifest
from ...learner.progress import fit
from ...results import (
    MARKS,
    LessonOutcome,
    Status,
    TestOutcome,
    TestStatus,
    is_hidden,
    lesson_status,
)
from .markers import HIDDEN_BEGIN, HIDDEN_END, MAGIC, META_KEY


# -- nbgrader notebooks: the notebook as a lesson module --------------------------------------
@dataclass
class NotebookState:
    spec: dict[str, Any]
    namespace: dict[str, Any]
    folder: Path
    course: manifest.Course | None = None
    tmp: Path | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def entry(self) -> dict[str, Any]:
        return dict(self.spec["entry"])

    @property
    def package(self) -> str:
        return str(self.spec["chapter"]["package"])


_STATE: NotebookState | None = None
_HIDDEN_NAMES = {"In", "Out", "exit", "quit", "get_ipython"}


class _LiveModule(types.ModuleType):
    """The current notebook seen as a module: attributes are read from its namespace."""

    def __init__(self, name: str, namespace: dict[str, Any]) -> None:
        super().__init__(name, "this notebook's code")
        self.__dict__["_hexahype_ns"] = namespace

    def __getattr__(self, attr: str) -> Any:
        ns = self.__dict__["_hexahype_ns"]
        if attr in ns and not attr.startswith("__"):
            return ns[attr]
        raise AttributeError(f"this notebook defines no {attr!r} yet (run its cells first?)")

    def __dir__(self) -> list[str]:
        return sorted(set(super().__dir__()) | set(user_names(self.__dict__["_hexahype_ns"])))


def user_names(namespace: dict[str, Any]) -> list[str]:
    """The names a learner defined in a notebook (IPython's own names left out)."""
    return [
        k
        for k in namespace
        if not k.startswith("_") and k not in _HIDDEN_NAMES and not re.match(r"^_i+\d*$", k)
    ]


def _module_cells(path: Path) -> list[str]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    out = []
    for cell in nb.get("cells", []):
        meta = cell.get("metadata", {}).get(META_KEY, {})
        if cell.get("cell_type") == "code" and meta.get("role") == "module":
            src = cell.get("source", "")
            out.append("".join(src) if isinstance(src, list) else str(src))
    return out


def _exec_notebook_module(module: types.ModuleType, path: Path) -> None:
    """Run a sibling notebook's module cells (its header and answer cells) in `module`."""
    import __future__

    try:
        from IPython.core.inputtransformer2 import TransformerManager

        transform = TransformerManager().transform_cell  # type: ignore[no-untyped-call]
    except ImportError:  # pragma: no cover - notebooks always have IPython

        def transform(cell: str) -> str:
            return cell

    flags = __future__.annotations.compiler_flag
    for i, src in enumerate(_module_cells(path)):
        fname = f"<{path.name} module cell {i + 1}>"
        code = transform(src)
        linecache.cache[fname] = (len(code), None, code.splitlines(keepends=True), fname)
        exec(compile(code, fname, "exec", flags=flags, dont_inherit=True), module.__dict__)


class _Finder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """`exercises`, `exercises.<chapter>` and the chapter's lesson modules, from notebooks."""

    def __init__(self, state: NotebookState) -> None:
        self.state = state

    def _target(self, fullname: str) -> tuple[str, Any] | None:
        parts = fullname.split(".")
        if parts[0] != "exercises":
            return None
        if len(parts) == 1:
            return ("package", None)
        if len(parts) == 2:
            return ("package", None) if parts[1] == self.state.package else None
        if len(parts) == 3 and parts[1] == self.state.package:
            if parts[2] == self.state.entry["name"]:
                return ("live", None)
            notebook = self.state.spec.get("notebooks", {}).get(parts[2])
            if notebook:
                return ("notebook", notebook)
        return None

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: types.ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        found = self._target(fullname)
        if found is None:
            return None
        is_pkg = found[0] == "package"
        return importlib.machinery.ModuleSpec(fullname, self, is_package=is_pkg)

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType | None:
        found = self._target(spec.name)
        if found is not None and found[0] == "live":
            return _LiveModule(spec.name, self.state.namespace)
        return None

    def exec_module(self, module: types.ModuleType) -> None:
        found = self._target(module.__name__)
        if found is None or found[0] != "notebook":
            if found is not None and found[0] == "package":
                module.__path__ = []
            return
        name = str(found[1])
        candidates = [
            self.state.folder / name,
            self.state.folder.parent / self.state.package / name,
        ]
        path = next((p for p in candidates if p.is_file()), None)
        if path is None:
            raise ModuleNotFoundError(
                f"{module.__name__} comes from the notebook {name}, which is not next to this "
                "notebook: put it in the same folder (its code cells are that lesson's module)",
                name=module.__name__,
            )
        module.__file__ = str(path)
        module.__package__ = f"exercises.{self.state.package}"
        _exec_notebook_module(module, path)


def nbgrader_setup(spec: dict[str, Any]) -> None:
    """The first cell of an nbgrader notebook: see the module docstring."""
    global _STATE
    from IPython import get_ipython

    shell = get_ipython()
    if shell is None:
        raise RuntimeError("nbgrader_setup() runs inside a Jupyter kernel")
    namespace: dict[str, Any] = shell.user_ns
    state = NotebookState(spec=spec, namespace=namespace, folder=Path.cwd())
    if _STATE is not None and _STATE.tmp is not None:
        state.tmp = _STATE.tmp
    _STATE = state
    sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, _Finder)]
    sys.meta_path.insert(0, _Finder(state))
    for name in [m for m in sys.modules if m == "exercises" or m.startswith("exercises.")]:
        del sys.modules[name]
    # Relative imports in the notebook's cells (`from .l04_tokenizers import ...`) resolve
    # against the lesson's package, as they do in exercises/.
    namespace["__package__"] = f"exercises.{state.package}"
    shell.register_magic_function(_magic, magic_kind="cell", magic_name=MAGIC)


def _state() -> NotebookState:
    if _STATE is None:
        raise RuntimeError("run the notebook's first cell (the HexaHype setup) first")
    return _STATE


def _course(state: NotebookState) -> manifest.Course:
    """The course model for the `course` fixture, built from the spec (no course.toml here)."""
    if state.course is not None:
        return state.course
    if state.tmp is None:
        state.tmp = Path(tempfile.mkdtemp(prefix="hexahype-nb-course-"))
    root = state.tmp
    entry = state.entry
    data = {
        "course": dict(state.spec["course"]),
        "chapters": [
            {
                **state.spec["chapter"],
                "lessons": [{k: v for k, v in entry.items() if k not in ("name", "fixture")}],
            }
        ],
    }
    course = manifest.parse(data, root)
    sealed = state.spec.get("quiz")
    if sealed:
        lesson = course.get(str(entry["id"]))
        target = lesson.quiz_path.with_suffix(".json")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(sealed), encoding="utf-8")
    state.course = course
    return course


def _fixture_value(state: NotebookState) -> Any:
    entry = state.entry
    ns = state.namespace
    if entry.get("kind") == "quiz":
        answers = ns.get("answers", {})
        return {"answers": dict(answers) if isinstance(answers, dict) else answers}
    module = types.ModuleType(f"exercises.{entry['module']}", "this notebook's code")
    module.__dict__.update({k: ns[k] for k in user_names(ns)})
    module.__package__ = f"exercises.{state.package}"
    return module


# -- nbgrader notebooks: the test cell ---------------------------------------------------------
@dataclass
class TestRun:
    """One test cell's run: the tests it collected and the outcome of each that reported."""

    __test__ = False

    lesson_id: str
    title: str
    points: float
    collected: list[str] = field(default_factory=list)
    outcomes: dict[str, TestOutcome] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def part(self, hidden: bool) -> list[TestOutcome]:
        return [
            self.outcomes.get(n, TestOutcome(n, self.lesson_id, TestStatus.FAILED, "did not run"))
            for n in self.collected
            if is_hidden(n) == hidden
        ]

    def outcome(self) -> LessonOutcome:
        return LessonOutcome(
            self.lesson_id,
            self.title,
            self.points,
            list(self.outcomes.values()),
            total=len(self.collected),
        )

    def score(self) -> float:
        """The lesson's points in proportion to the checks passed (the kit's one rule)."""
        return self.outcome().points


def split_hidden(source: str) -> tuple[str, str | None]:
    """The visible part of a test cell and its hidden region (None when it has none)."""
    lines = source.split("\n")
    visible: list[str] = []
    hidden: list[str] = []
    inside = False
    found = False
    for line in lines:
        if HIDDEN_BEGIN in line:
            inside = found = True
        elif HIDDEN_END in line:
            inside = False
        elif inside:
            hidden.append(line)
        else:
            visible.append(line)
    return "\n".join(visible), ("\n".join(hidden) if found else None)


class _Collector:
    """A pytest plugin that records each test's outcome with the kit's one-line messages."""

    def __init__(self, lesson_id: str, run: TestRun) -> None:
        self.lesson_id = lesson_id
        self.run = run

    def pytest_collection_modifyitems(self, items: list[Any]) -> None:
        self.run.collected = [item.nodeid for item in items]

    def pytest_collectreport(self, report: Any) -> None:
        if report.failed:
            text = str(getattr(report, "longreprtext", "") or report.longrepr)
            self.run.errors.append(text.strip().splitlines()[-1] if text.strip() else "error")

    def _not_started(self, exc: BaseException) -> bool:
        text = str(exc).lower()
        return isinstance(exc, NotImplementedError) and bool(
            re.match(rf"^(lesson|quiz) {re.escape(self.lesson_id)}\b", text)
        )

    def pytest_runtest_logreport(self, report: Any) -> None:
        from ...learner.plugin import report_status

        status = report_status(report)
        if status is None:
            return
        props = dict(report.user_properties)
        message = str(props.get("hexahype_message", ""))
        if props.get("hexahype_status"):
            status = TestStatus(str(props["hexahype_status"]))
        self.run.outcomes[report.nodeid] = TestOutcome(
            report.nodeid, self.lesson_id, status, message
        )


def _make_report_hook(collector: _Collector) -> Any:
    import pytest

    from ...learner.guard import notebook_shown
    from ...learner.plugin import failure_message

    class Hooks:
        @pytest.hookimpl(hookwrapper=True)
        def pytest_runtest_makereport(self, item: Any, call: Any) -> Any:
            outcome = yield
            report = outcome.get_result()
            if call.excinfo is None or not report.failed:
                return
            if "hexahype_message" in dict(report.user_properties):
                return  # a one-line report of the guard (a check that hung)
            exc = call.excinfo.value
            if collector._not_started(exc):
                report.user_properties.append(("hexahype_status", TestStatus.NOT_STARTED.value))
                report.user_properties.append(("hexahype_message", f"not started: {exc}"))
            else:
                msg = failure_message(
                    call.excinfo, Path(tempfile.gettempdir()) / "_none", notebook_shown
                )
                report.user_properties.append(("hexahype_message", msg))

    return Hooks()


def _fixtures(fixture: str, value: Any, course: manifest.Course) -> types.ModuleType:
    import pytest

    holder = types.ModuleType("hexahype_notebook_fixtures")

    def lesson_fixture() -> Any:
        return value

    def course_fixture() -> manifest.Course:
        return course

    setattr(holder, fixture, pytest.fixture(name=fixture)(lesson_fixture))
    holder.course = pytest.fixture(name="course")(course_fixture)  # type: ignore[attr-defined]
    return holder


def run_tests(source: str, points: float) -> TestRun:
    """Run the tests in a test cell's source against this notebook; see the module docstring."""
    import pytest

    state = _state()
    entry = state.entry
    visible, hidden = split_hidden(source)
    run = TestRun(str(entry["id"]), str(entry["title"]), float(points))
    course = _course(state)
    package, name = state.package, str(entry["name"])
    with tempfile.TemporaryDirectory(prefix="hexahype-nb-tests-") as tmp:
        root = Path(tmp)
        (root / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
        files = []
        for text, folder in ((visible, root / "tests" / package), (hidden, None)):
            if folder is None:
                if hidden is None:
                    continue
                folder = root / "tests" / "hidden" / package
                text = hidden
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"test_{name}.py"
            path.write_text(textwrap.dedent(text or "") + "\n", encoding="utf-8")
            files.append(str(path))
        collector = _Collector(run.lesson_id, run)
        from ...learner.guard import Guard, notebook_shown

        guard = Guard(lambda item: run.lesson_id, notebook_shown)  # time and memory bounds
        guard.memory_on_top = True
        args = [
            f"--rootdir={root}",
            "-c",
            str(root / "pytest.ini"),
            "-q",
            "--no-header",
            "--tb=no",
            "--capture=sys",
            "--import-mode=importlib",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:hexahype",
            "-p",
            "no:warnings",
            "-p",
            "no:faulthandler",
            "-p",
            "no:randomly",
            *files,
        ]
        plugins = [
            collector,
            _make_report_hook(collector),
            guard,
            _fixtures(str(entry["fixture"]), _fixture_value(state), course),
        ]
        before = set(sys.modules)
        sink = io.StringIO()
        cwd = os.getcwd()
        try:
            with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
                pytest.main(args, plugins=plugins)
        finally:
            os.chdir(cwd)
            for mod in set(sys.modules) - before:
                if str(getattr(sys.modules[mod], "__file__", "") or "").startswith(str(root)):
                    del sys.modules[mod]
    return run


def _report(run: TestRun, hidden: bool) -> tuple[str, dict[str, Any]]:
    part = run.part(hidden)
    passed = sum(o.passed for o in part)
    meta: dict[str, Any] = {"part": "hidden" if hidden else "visible"}
    if hidden:
        meta.update(passed=passed, total=len(part))
        lines = [
            f"hidden checks: {passed} of {len(part)} pass (instructor detail; not in feedback)"
        ]
        lines += [f"  ✗ {o.name}: {o.message}" for o in part if not o.passed]
        return "\n".join(lines), meta
    lines = [f"── HexaHype checks: {run.lesson_id} {run.title} " + "─" * 20]
    if run.errors:
        lines.append("the tests could not be loaded: " + "; ".join(run.errors))
    status = lesson_status(part) if part else None
    if status is Status.DONE:
        lines.append(f"{status.value} {MARKS[status.value]}   {len(part)} checks")
    elif status is Status.NOT_STARTED:
        lines.append(
            f"{status.value} {MARKS[status.value]}   {len(part)} checks wait for your code"
        )
    elif status is not None:
        lines.append(
            f"{Status.FAILING.value} {MARKS[Status.FAILING.value]}   {passed}/{len(part)} checks pass"
        )
    waiting = [o.name for o in part if o.status is TestStatus.NOT_STARTED]
    for o in part:
        if o.status in (TestStatus.FAILED, TestStatus.SKIPPED):
            wrapped = fit(o.message or o.status.value) or [o.status.value]
            lines.append(f"  ✗ {o.name}: " + wrapped[0])
            lines += ["      " + w for w in wrapped[1:]]
    if waiting and status is not Status.NOT_STARTED:
        lines.append("  · not started yet: " + ", ".join(waiting))
    return "\n".join(lines), meta


def _display(text: str, meta: dict[str, Any]) -> None:
    from IPython.display import display

    display({"text/plain": text}, raw=True, metadata={META_KEY: meta})  # type: ignore[no-untyped-call]


def _magic(line: str, cell: str) -> float:
    """%%hexahype_tests ID --points P: run the cell's tests; the cell's value is the score."""
    args = shlex.split(line)
    points = float(_state().entry["points"])
    if "--points" in args:
        points = float(args[args.index("--points") + 1])
    run = run_tests(cell, points)
    text, meta = _report(run, hidden=False)
    _display(text, meta)
    if run.part(hidden=True):
        text, meta = _report(run, hidden=True)
        _display(text, meta)
    if run.errors:  # the course's tests, not the student's code: fail the cell, never a score
        raise GradingError(f"lesson {run.lesson_id}: " + "; ".join(run.errors))
    return run.score()


class GradingError(RuntimeError):
    """The lesson's tests could not be loaded: a grading error, never the student's failure.
    nbgrader records the failed test cell, and the instructor sees this line in it."""

    def __init__(self, detail: str) -> None:
        super().__init__(f"GRADING ERROR (not the student's code): {detail}")


__all__ = ["nbgrader_setup", "run_tests", "split_hidden"]
