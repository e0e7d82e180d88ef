"""The HexaHype pytest plugin (registered as the `hexahype` pytest11 entry point).

- Hands each test the module under test through a fixture named after the lesson module
  (`bpe` for `l03_bpe`, `similarity` for `l07_similarity`, `quiz1` for quiz 1.10), loaded from
  `exercises/` by default, or from `--impl solutions` / `--impl PATH`.
- Groups results by lesson using the manifest. A stub that still raises the lesson's
  `NotImplementedError` is reported as one line, `not started`, never as a traceback.
- Ends with a compact progress block, one line per lesson, with the first failing message and
  the hint command; stores the outcome in `.hexahype/state.json` and writes a versioned
  `results.json`.

The plugin stays inert outside a course (no course.toml at pytest's rootdir).
"""

from __future__ import annotations

import os
import re
import time
import types
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, cast

import pytest

from .. import loader, manifest
from ..manifest import Course, Lesson
from ..results import LessonOutcome, ResultsDoc, TestOutcome, TestStatus, suite_error
from . import guard, state

NOT_STARTED_CAT = TestStatus.NOT_STARTED.value
BROKEN_CAT = TestStatus.CANNOT_LOAD.value
NEEDS_CAT = TestStatus.NEEDS_LESSON.value


def pytest_addhooks(pluginmanager: pytest.PytestPluginManager) -> None:
    from . import hookspecs

    pluginmanager.add_hookspecs(hookspecs)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("hexahype", "HexaHype course kit")
    group.addoption(
        "--impl",
        default=None,
        help="where lesson modules come from: 'exercises' (default), 'solutions', or a folder "
        "laid out like exercises/ (env HEXAHYPE_IMPL)",
    )
    group.addoption(
        "--hexahype-results",
        default=None,
        metavar="PATH",
        help="write the versioned results.json here (default for learner runs: "
        ".hexahype/results.json)",
    )
    group.addoption(
        "--hexahype-no-state",
        action="store_true",
        help="do not update the learner's progress file",
    )
    group.addoption(
        "--hexahype-no-progress",
        action="store_true",
        help="do not print the closing progress block",
    )
    guard.add_options(group)


@dataclass
class LessonRun:
    """One lesson's tests in this session: how many were collected and deselected, and the
    outcome of each that ran."""

    lesson: Lesson
    expected: int = 0
    deselected: int = 0
    results: list[TestOutcome] = field(default_factory=list)

    def outcome(self) -> LessonOutcome:
        return LessonOutcome(
            id=self.lesson.id,
            title=self.lesson.title,
            max_points=float(self.lesson.points),
            tests=list(self.results),
            total=self.expected + self.deselected,
            complete=self.deselected == 0 and len(self.results) >= self.expected > 0,
        )


def _first_line(text: str, limit: int = 400) -> str:
    text = text.strip().splitlines()[0] if text.strip() else ""
    return text if len(text) <= limit else text[: limit - 3] + "..."


def failure_message(
    excinfo: pytest.ExceptionInfo[BaseException],
    impl_dir: Path,
    shown: guard.Shown | None = None,
) -> str:
    """The one message a learner needs from a failure: the assertion's own text, or, when their
    code raised, the call, the exception in one line and the line of their code that raised it:

        add(2, 3) raised IndexError: list index out of range (in exercises/ch1_tokens/l01_add.py,
        line 2: `return a + b + [][0]`)

    `shown(filename)` says how the learner knows a file of theirs ('' for other files); by
    default, the files under `impl_dir`, as `exercises/<chapter>/<module>.py`."""
    exc = excinfo.value
    if isinstance(exc, AssertionError):
        text = str(exc)
        head = re.split(r"\n(?:assert |where |\+)", text, maxsplit=1)[0].strip()
        return head or "a check failed: " + _first_line(text)
    detail = _first_line(str(exc), 300)
    raised = f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__
    root = impl_dir.resolve()
    stop = guard.Stop.find(excinfo.tb, shown or (lambda name: guard.shown_file(name, root)))
    if not stop.shown:  # no code of the learner's ran here: in a grading worker, or the test
        return _remote_crash(excinfo, raised)
    full = _full_line(stop.filename, stop.lineno)
    line = _cut(full)
    where = f" (in {stop.shown}, line {stop.lineno}" + (f": `{line}`)" if line else ")")
    why = _crash_cause(exc, full, _edge(stop, exc), stop.inner, stop.function)
    if stop.call_text:
        return f"{stop.call_text} raised {raised}{where}{why}"
    name = stop.function if stop.function.startswith("importing ") else f"`{stop.function}`"
    return f"{name} raised {raised}{where}{why}"


def _full_line(filename: str, lineno: int) -> str:
    """The line of source, stripped ('' when it cannot be read)."""
    import linecache

    return linecache.getline(filename, lineno).strip()


def _cut(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _edge(stop: guard.Stop, exc: BaseException) -> tuple[str, int] | None:
    """The learner's own check, fired at its edge, or an index one past the end
    (grader.boundary.explain)."""
    kind = "IndexError" if isinstance(exc, IndexError) else type(exc).__name__
    if stop.frame is None:
        return None
    try:
        from ..diagnosis import crashes

        key = exc.args[0] if isinstance(exc, KeyError) and len(exc.args) == 1 else None
        return crashes.explain(stop.frame, stop.lineno, kind, key, str(exc)[:300])
    except Exception:  # noqa: BLE001 - the crash message stands without it
        return None


def _crash_cause(
    exc: BaseException,
    line: str,
    edge: tuple[str, int] | None = None,
    inner: str = "",
    outer: str = "",
) -> str:
    """' Likely mistake: ...' when the exception itself names its mechanism, or when the
    learner's own `raise` ran because its check decided at the edge (`edge`); a note when it is
    the learner's own `raise` otherwise (grader.diagnosis.crashes), else ''. Only for an
    exception raised in the learner's code."""
    try:
        from ..diagnosis import crashes

        kind = type(exc).__name__
        why = crashes.cause(kind, _first_line(str(exc), 300), line)
        note = crashes.own_raise(kind, line, inner, outer.rsplit(".", 1)[-1])
        if edge is not None and (note or edge[0].startswith(("[", "{"))):
            why = crashes.edge_text(*edge)
    except Exception:  # noqa: BLE001 - the crash message stands without it
        return ""
    return f" Likely mistake: {why}." if why else (f" {note}" if note else "")


_PROXY_DIR = str(Path(__file__).resolve().parents[1] / "grading") + os.sep


def _remote_crash(excinfo: pytest.ExceptionInfo[BaseException], raised: str) -> str:
    """A learner's exception from a grading worker, as a local one reads: the call (as the
    test made it, `callsite`), the exception, and the learner's line that the worker reported
    (`proxy._rebuild`). Only the exception when the test itself raised."""
    from ..testing import _text
    from . import callsite

    exc = excinfo.value
    where = getattr(exc, "hexahype_where", "")
    made = getattr(exc, "hexahype_call", None)
    if not where and made is None:
        return raised
    text = ""
    if made is not None:
        name, args, kwargs = made
        caller: types.TracebackType | None = None
        tb: types.TracebackType | None = excinfo.tb
        while tb is not None and not tb.tb_frame.f_code.co_filename.startswith(_PROXY_DIR):
            caller, tb = tb, tb.tb_next
        sources = callsite.argument_sources(caller) if caller is not None else None
        text = callsite.call_text(name, list(args), kwargs, sources, _text)
    message = f"{text} raised {raised}" if text else raised
    if not where:
        return message
    from ..diagnosis import crashes

    edge = getattr(exc, "hexahype_edge", None)
    return message + f" (in {where})" + _crash_cause(exc, crashes.line_of(where), edge)


def report_status(report: pytest.TestReport) -> TestStatus | None:
    """What one phase's report says of its test: the call's outcome, or a failed or skipped
    setup, or a failed teardown; None for the phases that say nothing."""
    if report.when == "call":
        if report.passed:
            return TestStatus.PASSED
        return TestStatus.SKIPPED if report.skipped else TestStatus.FAILED
    if report.when == "setup" and not report.passed:
        return TestStatus.SKIPPED if report.skipped else TestStatus.FAILED
    if report.when == "teardown" and report.failed:
        return TestStatus.FAILED
    return None


def _other_lesson(exc: BaseException, lesson: Lesson) -> str:
    """The id of another lesson whose unwritten stub this test ran into, or ''."""
    if not isinstance(exc, NotImplementedError):
        return ""
    m = re.match(r"^(?:lesson|quiz) (\d+\.\d+)\b", str(exc).lower())
    return m.group(1) if m and m.group(1) != lesson.id else ""


def _is_not_started(exc: BaseException, lesson: Lesson, excinfo: Any) -> bool:
    if not isinstance(exc, NotImplementedError):
        return False
    text = str(exc).lower()
    if re.match(rf"^(lesson|quiz) {re.escape(lesson.id)}\b", text):
        return True
    if _other_lesson(exc, lesson):
        return False
    for entry in excinfo.traceback:
        if Path(str(entry.path)).name == f"{lesson.name}.py":
            return True
    return False


def _collect_error(report: pytest.CollectReport) -> str:
    """The exception of a failed collection, as one line (`ModuleNotFoundError: No module
    named 'x'`), from pytest's report text."""
    text = str(report.longrepr or "")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for line in reversed(lines):
        if line.startswith("E "):
            return _first_line(line[1:].strip(), 300)
    return _first_line(lines[-1], 300) if lines else "collection failed"


class HexaHype:
    """One pytest session's view of the course."""

    def __init__(self, config: pytest.Config, course: Course, impl_dir: Path) -> None:
        self.config = config
        self.course = course
        self.impl_dir = impl_dir
        self.runs: dict[str, LessonRun] = {}
        self.load_errors: dict[str, str] = {}
        self.modules: dict[str, Any] = {}
        self.started = time.time()
        self.learner_run = impl_dir.resolve() == (course.root / "exercises").resolve()

    # -- fixtures -------------------------------------------------------------------------
    def module_for(self, lesson: Lesson) -> Any:
        if lesson.id in self.load_errors:
            raise loader.LessonLoadError(self.load_errors[lesson.id])
        if lesson.id not in self.modules:
            try:
                self.modules[lesson.id] = self._load(lesson)
            except loader.LessonLoadError as exc:
                self.load_errors[lesson.id] = str(exc)
                raise
        return self.modules[lesson.id]

    def _load(self, lesson: Lesson) -> Any:
        other = self.config.hook.pytest_hexahype_load_module(config=self.config, lesson=lesson)
        if other is not None:  # grading: the module stays in the worker process
            return other
        return loader.load(lesson, self.impl_dir)

    def fixture_module(self) -> types.ModuleType:
        """A module holding one fixture per course entry (pytest reads fixtures off modules and
        classes, not instances), to be registered as a plugin of its own."""
        holder = types.ModuleType("hexahype_fixtures")
        for lesson in self.course.entries:

            def fixture(lesson: Lesson = lesson) -> Any:
                return self.module_for(lesson)

            fixture.__name__ = lesson.fixture
            fixture.__doc__ = f"The module under test for {lesson.id} {lesson.title}."
            setattr(holder, lesson.fixture, pytest.fixture(name=lesson.fixture)(fixture))
        return holder

    @pytest.fixture(name="lesson_module")
    def _lesson_module(self, request: pytest.FixtureRequest) -> Any:
        """The module under test for whichever lesson this test file belongs to."""
        lesson = self.course.for_test_file(request.path)
        if lesson is None:
            raise LookupError(f"{request.path.name} does not belong to any lesson in course.toml")
        return self.module_for(lesson)

    @pytest.fixture(name="course")
    def _course(self) -> Course:
        """The course model (course.toml)."""
        return self.course

    # -- collection and reports ------------------------------------------------------------
    def lesson_of(self, item: pytest.Item | pytest.TestReport) -> Lesson | None:
        path = getattr(item, "path", None) or Path(str(item.fspath))
        return self.course.for_test_file(path)

    def _run(self, lesson: Lesson) -> LessonRun:
        return self.runs.setdefault(lesson.id, LessonRun(lesson))

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        for item in items:
            lesson = self.lesson_of(item)
            if lesson is not None:
                self._run(lesson).expected += 1

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        """A lesson's test module that cannot be imported or collected is a grading error of
        that lesson (one line naming the module and the exception), never the learner's
        failure; the other lessons still run (--continue-on-collection-errors)."""
        if not report.failed:
            return
        path = Path(str(report.fspath)) if report.fspath else None
        lesson = self.course.for_test_file(path) if path is not None else None
        if lesson is None or path is None:
            return
        try:
            rel = path.resolve().relative_to(self.course.root.resolve()).as_posix()
        except ValueError:
            rel = path.name
        message = suite_error(rel, _collect_error(report))
        run = self._run(lesson)
        run.results = [r for r in run.results if r.nodeid != rel]
        run.results.append(TestOutcome(rel, lesson.id, TestStatus.SUITE_ERROR, message))

    def pytest_deselected(self, items: list[pytest.Item]) -> None:
        for item in items:
            lesson = self.lesson_of(item)
            if lesson is not None:
                self._run(lesson).deselected += 1

    def _short_report(
        self, item: pytest.Item, call: pytest.CallInfo[None], text: str, props: list[Any]
    ) -> pytest.TestReport:
        """A failed report whose longrepr is one line. Building it here spares pytest from
        formatting a traceback that nobody will read (that costs ~50 ms a test)."""
        return pytest.TestReport(
            item.nodeid,
            item.location,
            {name: 1 for name in item.keywords},
            "failed",
            text,
            cast(Literal["setup", "call", "teardown"], call.when),
            [],
            call.duration,
            start=call.start,
            stop=call.stop,
            user_properties=[*item.user_properties, *props],
        )

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_makereport(
        self, item: pytest.Item, call: pytest.CallInfo[None]
    ) -> pytest.TestReport | None:
        lesson = self.lesson_of(item)
        if lesson is None or call.excinfo is None:
            return None
        exc = call.excinfo.value
        if isinstance(exc, loader.LessonLoadError):
            msg = str(exc)
            return self._short_report(
                item, call, msg, [("hexahype", BROKEN_CAT), ("hexahype_message", msg)]
            )
        other = _other_lesson(exc, lesson)
        if other:
            msg = f"this check needs lesson {other} first, which is not written yet ({exc})"
            return self._short_report(
                item, call, msg, [("hexahype", NEEDS_CAT), ("hexahype_message", msg)]
            )
        if _is_not_started(exc, lesson, call.excinfo):
            msg = f"not started: {exc}"
            return self._short_report(
                item, call, msg, [("hexahype", NOT_STARTED_CAT), ("hexahype_message", msg)]
            )
        return None  # pytest builds the report, with the real traceback

    @pytest.hookimpl(hookwrapper=True, specname="pytest_runtest_makereport")
    def pytest_runtest_makereport_messages(
        self, item: pytest.Item, call: pytest.CallInfo[None]
    ) -> Any:
        """Attach the one-line message of an ordinary failure (the traceback stays)."""
        outcome = yield
        report: pytest.TestReport = outcome.get_result()
        props = dict(report.user_properties)
        if call.excinfo is None or not report.failed or "hexahype_message" in props:
            return
        if self.lesson_of(item) is not None:
            msg = failure_message(call.excinfo, self.impl_dir)
            report.user_properties.append(("hexahype_message", msg))

    def pytest_report_teststatus(self, report: pytest.TestReport) -> Any:
        tag = dict(getattr(report, "user_properties", ())).get("hexahype")
        if tag == NOT_STARTED_CAT and report.when == "call":
            return NOT_STARTED_CAT, "·", ("NOT STARTED", {"yellow": True})
        if tag == BROKEN_CAT and report.when == "setup":
            return BROKEN_CAT, "E", ("CANNOT LOAD", {"red": True})
        return None

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        lesson = self.lesson_of(report)
        if lesson is None:
            return
        props = dict(report.user_properties)
        status = report_status(report)
        if status is None:
            return
        if props.get("hexahype") in (NOT_STARTED_CAT, BROKEN_CAT, NEEDS_CAT):
            status = TestStatus(props["hexahype"])
        message = props.get("hexahype_message", "")
        if status is TestStatus.SKIPPED:
            reason = report.longrepr
            if isinstance(reason, tuple) and len(reason) == 3:
                reason = reason[2]  # (path, line, reason): never show the machine's path
            reason = re.sub(r"^Skipped: ", "", str(reason))  # pytest's own prefix, said once
            message = f"skipped: {_first_line(reason)}"
        elif status is TestStatus.FAILED and not message:
            message = _first_line(getattr(report, "longreprtext", "") or "failed")
        run = self._run(lesson)
        # A teardown failure replaces the call's result for the same test.
        run.results = [r for r in run.results if r.nodeid != report.nodeid]
        run.results.append(
            TestOutcome(
                nodeid=report.nodeid.replace(os.sep, "/"),
                lesson=lesson.id,
                status=status,
                message=str(message),
                duration=round(report.duration, 4),
            )
        )

    # -- the end of the session -----------------------------------------------------------
    def outcomes(self) -> list[LessonOutcome]:
        """The outcome of every lesson that ran, in course order."""
        order = {e.id: i for i, e in enumerate(self.course.entries)}
        runs = sorted(self.runs.values(), key=lambda run: order[run.lesson.id])
        return [run.outcome() for run in runs if run.results]

    def results_document(self, exitstatus: int) -> ResultsDoc:
        return ResultsDoc(
            course=self.course.name,
            course_version=self.course.version,
            impl=self.impl_dir.name,
            exit_status=int(exitstatus),
            duration=time.time() - self.started,
            lessons=self.outcomes(),
        )

    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        if not self.runs:
            return
        results_opt = self.config.getoption("hexahype_results")
        doc = self.results_document(exitstatus).to_json()
        if results_opt:
            state.write_json(Path(results_opt), doc)
        elif self.learner_run:
            state.write_json(state.state_dir(self.course.root) / "results.json", doc)
        if self.learner_run and not self.config.getoption("hexahype_no_state"):
            fresh = {}
            for outcome in self.outcomes():
                if not outcome.complete or any(t.hidden for t in outcome.tests):
                    continue
                lesson = self.course.get(outcome.id)
                fresh[outcome.id] = {
                    "status": outcome.status.value,
                    "passed": outcome.passed,
                    "total": outcome.total,
                    "message": outcome.first_message(),
                    "checked_at": time.strftime("%Y-%m-%dT%H:%M:%S"),
                    "fingerprint": state.fingerprint(lesson.exercise_path),
                }
            if fresh:
                try:
                    state.update_lessons(self.course.root, fresh)
                except OSError:
                    pass  # a read-only checkout still gets its report

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if not self.runs or self.config.getoption("hexahype_no_progress"):
            return
        from .progress import render_block

        saved = None
        if self.learner_run:
            lessons = state.load(self.course.root)["lessons"]
            saved = {lid: str(info.get("status", "")) for lid, info in lessons.items()}
        for line, markup in render_block(self.course, self.outcomes(), saved):
            terminalreporter.write_line(line, **markup)


def resolve_impl(value: str | None, root: Path) -> Path:
    raw = value or os.environ.get("HEXAHYPE_IMPL") or "exercises"
    path = Path(raw)
    if not path.is_absolute():
        path = root / raw if (root / raw).is_dir() or raw in ("exercises", "solutions") else path
    return path.resolve()


def pytest_configure(config: pytest.Config) -> None:
    root = config.rootpath.resolve()
    if not (root / manifest.MANIFEST_NAME).is_file():
        return  # not a course: stay inert
    try:
        course = manifest.load(root)
    except manifest.ManifestError as exc:
        raise pytest.UsageError(str(exc)) from None
    impl_dir = resolve_impl(config.getoption("impl"), root)
    if not impl_dir.is_dir():
        raise pytest.UsageError(f"--impl {impl_dir}: no such folder")
    # A lesson's test module that cannot be collected stops that lesson alone (a grading
    # error); the other lessons still run and report.
    config.option.continue_on_collection_errors = True
    session = HexaHype(config, course, impl_dir)
    config.pluginmanager.register(session, "hexahype-session")
    config.pluginmanager.register(session.fixture_module(), "hexahype-fixtures")
    guard.install(config, session)  # time and memory bounds, one-line reports of hangs


def active(config: pytest.Config) -> HexaHype | None:
    plugin = config.pluginmanager.get_plugin("hexahype-session")
    return plugin if isinstance(plugin, HexaHype) else None
