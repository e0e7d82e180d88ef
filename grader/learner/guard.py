"""Time and memory bounds for learner-side runs, and the one-line reports that go with them.

Registered by the kit's pytest plugin for every run that is not a grading run (those have the
sandboxed worker, its own limits and `grader.grading.budget`):

- **Time.** Each course test gets a time limit (`--hexahype-timeout`, 3 s by default; the
  slowest reference test takes 0.4 s), counted in CPU time of the test's thread where the OS
  has such a clock (Linux), so that a busy machine never stops a correct solution, with a
  wall-clock backstop (ten times as long, at least 30 s) for code that waits. It goes through
  pytest-timeout: an explicit `--timeout`, a `timeout` ini value, `PYTEST_TIMEOUT` or a
  `timeout` marker wins. For course tests the kit provides the timer itself (pytest-timeout's
  `pytest_timeout_set_timer` hook), so that a check that runs too long fails with one line
  naming the learner's function, the call and the loop it was stuck in, never a stack dump.
  Once a check of a lesson hung, the rest of that lesson shares a short budget, so an infinite
  loop costs seconds, not one limit per test; the other lessons run as usual. A debugger
  (`breakpoint()`, `--pdb`) stops the clock.
- **Memory.** On Linux the data segment is capped (`--hexahype-memory-mb`, 1 GiB by default and
  more on machines with many cores; RLIMIT_DATA, which counts memory written to, not the
  address space that numpy's and the BLAS threads reserve), so a loop that grows a list
  forever fails with MemoryError and the same kind of line.
- **Assertion messages.** When a course test's assert carries the kit's message, pytest's own
  assertion rewrite explanation (`assert ... where <function array_equal at 0x...>`) is dropped,
  so the terminal shows the message once.
- **Subfolders.** `pytest` started inside `exercises/`, `solutions/` or `lessons/` runs the
  matching chapter's tests instead of collecting nothing.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
import types
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, cast

import pytest

from .. import current

if TYPE_CHECKING:
    from types import FrameType, TracebackType

    from .plugin import HexaHype

Shown = Callable[[str], str]
DEFAULT_TIMEOUT = 3.0  # seconds per test
AFTER_HANG = 0.5  # seconds per test for the rest of a lesson once one of its checks hung
HANG_BUDGET = 1.0  # seconds the rest of such a lesson may spend in further hangs, in all
REARM = 1.0  # seconds between repeated stops when learner code swallows the first one
MAX_REARM = 10
PROBE_MARGIN = 0.5  # seconds of a test's CPU limit that a diagnosis probe never uses


def default_memory_mb() -> int:
    """1 GiB, more on machines with many cores: each BLAS thread writes ~40 MiB of its own.
    The whole reference suite peaks at ~190 MiB."""
    return max(1024, 512 + 64 * (os.cpu_count() or 1))


class CheckTimeout(BaseException):
    """Raised into a check that ran past its time limit. A BaseException, like
    KeyboardInterrupt, so that `except Exception` in learner code does not swallow it."""


LIMIT = pytest.StashKey[float]()


def add_options(group: Any) -> None:
    group.addoption(
        "--hexahype-timeout",
        type=float,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help=f"time limit of one course test in learner runs (default {DEFAULT_TIMEOUT:g}; "
        "0: none). An explicit --timeout of pytest-timeout wins",
    )
    group.addoption(
        "--hexahype-memory-mb",
        type=int,
        default=None,
        metavar="MB",
        help="memory limit of a learner run, where the OS offers one (Linux; default "
        f"{default_memory_mb()}; 0: none)",
    )


def install(config: pytest.Config, session: HexaHype) -> None:
    """Register the guard for a course run (not for grading runs)."""
    if config.getoption("hexahype_worker", None):
        return
    root = session.impl_dir.resolve()

    def lesson_of(item: pytest.Item) -> str | None:
        lesson = session.lesson_of(item)
        return lesson.id if lesson is not None else None

    guard = Guard(lesson_of, lambda filename: _shown(filename, root))
    guard.redirected = redirect_subfolder(config, session.course.root)
    config.pluginmanager.register(guard, "hexahype-guard")


# -- pytest from a subfolder --------------------------------------------------------------------
def redirect_subfolder(config: pytest.Config, root: Path) -> str:
    """`cd exercises/ch1_tokens && pytest` collects nothing by itself (testpaths apply only at
    the root): run the chapter's tests instead (every visible test for `exercises/` itself).
    Returns the folder now run, relative to the root, or ''."""
    if getattr(config, "args_source", None) != pytest.Config.ArgsSource.INVOCATION_DIR:
        return ""
    root = root.resolve()
    here = Path(config.invocation_params.dir).resolve()
    try:
        parts = here.relative_to(root).parts
    except ValueError:
        return ""
    if not parts or parts[0] not in ("exercises", "solutions", "lessons"):
        return ""
    target = root / "tests"
    if len(parts) > 1 and (target / parts[1]).is_dir():
        target = target / parts[1]
    config.args = [str(target)]
    return target.relative_to(root).as_posix()


# -- the guard ----------------------------------------------------------------------------------
class Guard:
    """Per-session state: which lessons hung, how much of their budget is left, the timer of the
    running test and the memory limit to restore."""

    def __init__(self, lesson_of: Callable[[pytest.Item], str | None], shown: Shown) -> None:
        """`lesson_of(item)`: the lesson id of a course test, None for any other test (left
        alone). `shown(filename)`: how the learner knows a file of theirs, '' for other files."""
        self._lesson_of = lesson_of
        self.shown = shown
        self.memory_on_top = False  # an in-process run (a notebook): the cap is on top of use
        self.config: pytest.Config | None = None
        self.hung: dict[str, str] = {}  # lesson id -> the function that hung first
        self.spent: dict[str, float] = {}  # lesson id -> seconds of later hangs
        self._timer: _Timer | None = None
        self._timer_item: pytest.Item | None = None
        self.phase = False  # a phase of a test (setup, call, teardown) is running
        self._memory: tuple[int, int] | None = None
        self.memory_mb = 0
        self.redirected = ""
        self.collected = 0

    # time limits -------------------------------------------------------------------------------
    def pytest_configure(self, config: pytest.Config) -> None:
        self.config = config

    def _lesson_id(self, item: pytest.Item) -> str | None:
        return self._lesson_of(item)

    def _option(self, name: str, default: Any) -> Any:
        value = self.config.getoption(name, None) if self.config is not None else None
        return default if value is None else value

    def _explicit_timeout(self) -> bool:
        assert self.config is not None
        if self.config.getoption("timeout", None) is not None or os.environ.get("PYTEST_TIMEOUT"):
            return True
        try:
            return bool(self.config.getini("timeout"))
        except ValueError:
            return False

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        limit = float(self._option("hexahype_timeout", DEFAULT_TIMEOUT))
        assert self.config is not None
        if limit <= 0 or not hasattr(self.config.hook, "pytest_timeout_set_timer"):
            return
        if self._explicit_timeout():
            return
        mark = pytest.mark.timeout(limit)
        for item in items:
            if item.get_closest_marker("timeout") is None and self._lesson_id(item):
                item.add_marker(mark)

    @pytest.hookimpl(tryfirst=True, optionalhook=True)
    def pytest_timeout_set_timer(self, item: pytest.Item, settings: Any) -> bool | None:
        lesson = self._lesson_id(item)
        if lesson is None:
            return None  # pytest-timeout's own timer
        limit = float(settings.timeout)
        if lesson in self.hung:
            left = HANG_BUDGET - self.spent.get(lesson, 0.0)
            if left <= 0.05:
                reason = f"not run: {self.hung[lesson]} hung in an earlier check of lesson {lesson}"
                if self.phase:  # timeout_func_only: the test is past its setup already
                    pytest.skip(reason)
                item.add_marker(pytest.mark.skip(reason=reason))
                return True
            limit = min(limit, AFTER_HANG, left)
        item.stash[LIMIT] = limit
        self._timer = _Timer(limit, max(10 * float(settings.timeout), 30.0))
        self._timer.active = self.phase  # set inside a phase with timeout_func_only
        self._timer_item = item
        self._timer.start()
        return True

    @pytest.hookimpl(tryfirst=True, optionalhook=True)
    def pytest_timeout_cancel_timer(self, item: pytest.Item) -> bool | None:
        if self._lesson_id(item) is None:
            return None
        if self._timer is not None and self._timer_item is item:
            self._timer.cancel()
            self._timer = self._timer_item = None
        return True

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_setup(self, item: pytest.Item) -> Any:
        yield from self._in_phase()

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_call(self, item: pytest.Item) -> Any:
        if self._lesson_id(item) is None:  # not a lesson's test: nothing to probe
            yield from self._in_phase()
            return
        # the learner's modules this test received, for the diagnosis's probes (grader.current)
        found = tuple(
            v for v in getattr(item, "funcargs", {}).values() if isinstance(v, types.ModuleType)
        )
        timer = self._timer
        usable = timer is not None and timer._signal and self._timer_item is item
        declared = getattr(getattr(item, "module", None), "PROBE_INPUTS", None)
        current.running(
            found,
            self._bounded if usable else None,
            declared if isinstance(declared, dict) else None,
        )
        try:
            yield from self._in_phase()
        finally:
            current.running((), None)

    @contextmanager
    def _bounded(self, seconds: float) -> Iterator[list[bool]]:
        """Let the code inside run for at most `seconds` more of the test's CPU time (and a
        little more wall time); yields [True] when it ran out. The test's own limits, and
        whether its timer has fired, are as before afterwards."""
        ran_out = [False]
        timer = self._timer
        if timer is None:
            yield ran_out
            return
        saved = (timer.seconds, timer.wall, timer.fired, timer.kind, timer._next_fire)
        cpu, wall = timer.used()
        if timer.seconds - cpu < seconds + PROBE_MARGIN or timer.fired or timer.done:
            ran_out[0] = True  # not enough of the test's own time left: the code must not run
            yield ran_out
            return
        timer.seconds = min(timer.seconds, cpu + seconds)
        timer.wall = min(timer.wall, wall + 5 * seconds + 1.0)
        try:
            yield ran_out
        except CheckTimeout:
            ran_out[0] = True
        finally:
            timer.seconds, timer.wall, timer.fired, timer.kind, timer._next_fire = saved

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_teardown(self, item: pytest.Item) -> Any:
        yield from self._in_phase()

    def _in_phase(self) -> Any:
        """The timer stops only the test's own code (fixtures, test, learner code), never
        pytest's reporting between the phases."""
        self.phase = True
        if self._timer is not None:
            self._timer.active = True
        try:
            yield
        finally:
            self.phase = False
            if self._timer is not None:
                self._timer.active = False

    def pytest_enter_pdb(self) -> None:
        if self._timer is not None:  # --pdb, --trace: the learner is looking
            self._timer.disarm()

    # reports -------------------------------------------------------------------------------------
    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_makereport(
        self, item: pytest.Item, call: pytest.CallInfo[None]
    ) -> pytest.TestReport | None:
        if call.excinfo is None:
            return None
        lesson = self._lesson_id(item)
        if lesson is None:
            return None
        exc = call.excinfo.value
        if isinstance(exc, AssertionError):
            strip_rewrite(exc)
            return None
        if isinstance(exc, (CheckTimeout, MemoryError)) and self._timer is not None:
            self._timer.disarm()  # the check has stopped: no need to stop it again
        if isinstance(exc, CheckTimeout):
            limit = item.stash.get(LIMIT, DEFAULT_TIMEOUT)
            waited = self._timer is not None and self._timer.kind == "wall"
            if waited and self._timer is not None:
                limit = self._timer.wall
            stop = Stop.find(exc.__traceback__, self.shown)
            clock = self._timer.used()[1] if self._timer is not None and not waited else None
            msg = stop.timeout_message(limit, again=lesson in self.hung, waited=waited, clock=clock)
            if lesson in self.hung:
                self.spent[lesson] = self.spent.get(lesson, 0.0) + limit
            self.hung.setdefault(lesson, f"`{stop.function}`" if stop.function else item.name)
        elif isinstance(exc, MemoryError) and self.memory_mb:
            stop = Stop.find(exc.__traceback__, self.shown)
            if not stop.function:
                return None
            msg = stop.memory_message(self.memory_mb, exc)
        else:
            return None
        del stop
        _clear(exc.__traceback__)  # the frames may hold what filled the memory
        return one_line_report(item, call, msg)

    # memory --------------------------------------------------------------------------------------
    def pytest_sessionstart(self, session: pytest.Session) -> None:
        mb = int(self._option("hexahype_memory_mb", default_memory_mb()))
        if mb <= 0 or not sys.platform.startswith("linux"):
            return
        try:
            import resource

            soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
            want = mb * 1024 * 1024 + (_data_in_use() if self.memory_on_top else 0)
            if hard != resource.RLIM_INFINITY:
                want = min(want, hard)
            if soft != resource.RLIM_INFINITY and soft <= want:
                return  # already bounded at least as tightly
            resource.setrlimit(resource.RLIMIT_DATA, (want, hard))
        except (ImportError, ValueError, OSError):
            return
        self._memory = (soft, hard)
        self.memory_mb = want // (1024 * 1024)

    def pytest_unconfigure(self, config: pytest.Config) -> None:
        if self._memory is not None:
            import resource

            try:
                resource.setrlimit(resource.RLIMIT_DATA, self._memory)
            except (ValueError, OSError):
                pass
            self._memory = None

    # nothing collected from a subfolder -----------------------------------------------------------
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        self.collected = session.testscollected

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        assert self.config is not None
        root = self.config.rootpath.resolve()
        here = Path(self.config.invocation_params.dir).resolve()
        if not self.collected and here != root and root in here.parents:
            terminalreporter.write_line(
                "No course tests here: run `pytest` in the course root "
                f"({here.relative_to(root).as_posix()}/ is a subfolder of it), or "
                "`hexahype check ID` (such as `hexahype check 1.3`) from anywhere in the course."
            )
        if self.redirected:
            terminalreporter.write_line(
                f"(ran {self.redirected}/, the tests of this folder; "
                "`hexahype check ID` runs one lesson)"
            )


def _data_in_use() -> int:
    """Bytes of this process's data segment (Linux), 0 when unknown."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmData:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def notebook_shown(filename: str) -> str:
    """The learner's code in a notebook: its cells (IPython's `ipykernel_*` cell files, or
    `<ipython-input-...>`) and the module cells of sibling lesson notebooks."""
    name = filename.replace("\\", "/")
    if "/ipykernel_" in name or name.startswith("<ipython-input-"):
        return "a cell of this notebook"
    if name.startswith("<") and " module cell " in name:
        return name.strip("<>")
    return ""


def one_line_report(item: pytest.Item, call: pytest.CallInfo[None], text: str) -> pytest.TestReport:
    """A failed report whose longrepr is the one line (as the plugin's own `_short_report`)."""
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
        user_properties=[*item.user_properties, ("hexahype_message", text)],
    )


def strip_rewrite(exc: AssertionError) -> None:
    """Drop pytest's assertion-rewrite explanation from an assert that has the kit's message:
    `msg\\nassert False\\n +  where False = <function array_equal at 0x...>(...)` -> `msg`."""
    if len(exc.args) != 1 or not isinstance(exc.args[0], str):
        return
    text = exc.args[0]
    at = text.find("\nassert ")
    if at > 0 and text[:at].strip():
        exc.args = (text[:at].rstrip(),)


def _clear(tb: TracebackType | None) -> None:
    """Free what the finished frames of a stopped check hold (a list that filled the memory),
    also the snapshot of their locals that reading `frame.f_locals` leaves on Python < 3.13."""
    while tb is not None:
        frame = tb.tb_frame
        try:
            frame.clear()
        except RuntimeError:  # still running: pytest's own frames
            pass
        else:
            try:
                frame.f_locals.clear()
            except (AttributeError, TypeError, ValueError, RuntimeError):
                pass
        tb = tb.tb_next


# -- where a check was stopped, and what to say about it -----------------------------------------
def busy(limit: float, clock: float) -> bool:
    """A check stopped after `limit` s of CPU took `clock` s on the wall clock: far more (at
    least twice the limit, and a second more) means other work had the CPU, and a learner
    who sees only the clock would not believe the limit."""
    return clock >= 2 * limit and clock - limit >= 1.0


class Stop:
    """The learner's frames in the traceback of a stopped check: the function the test called
    (outermost), and the line it was at (innermost)."""

    def __init__(self) -> None:
        self.function = ""  # the learner function the test called ("" if none)
        self.call_text = ""
        self.shown = ""  # the learner file, as the learner knows it (exercises/ch1_tokens/x.py)
        self.filename = ""
        self.lineno = 0
        self.inner = ""  # the learner function the line is in, when not `function`
        self.frame: FrameType | None = None  # the learner's frame at that line

    @classmethod
    def find(cls, tb: TracebackType | None, shown_as: Shown) -> Stop:
        stop = cls()
        first: FrameType | None = None
        caller: TracebackType | None = None  # the entry that called the first learner frame
        previous: TracebackType | None = None
        while tb is not None:
            frame = tb.tb_frame
            filename = frame.f_code.co_filename
            shown = shown_as(filename)
            if shown:
                if first is None:
                    first, caller = frame, previous
                stop.shown, stop.filename, stop.lineno = shown, filename, tb.tb_lineno
                stop.inner, stop.frame = frame.f_code.co_name, frame
            previous, tb = tb, tb.tb_next
        if first is not None:
            stop.function = _qualname(first.f_code)
            if stop.function == "<module>":
                stop.function = f"importing {stop.shown}"
                stop.call_text = ""
            else:
                stop.call_text = _call_text(first, stop.function, caller)
            if stop.inner == first.f_code.co_name:
                stop.inner = ""
        return stop

    def _where(self) -> str:
        return f"{self.shown}, line {self.lineno}"

    def _advice(self) -> str:
        """'Check that every branch advances `i` (the while loop at FILE, line N).' or ''."""
        found = loop_advice(self.filename, self.lineno)
        if found is None:
            return f"It was stopped at {self._where()}."
        advice, loop_line = found
        inner = f" in `{self.inner}`" if self.inner else ""
        return f"{advice} (the loop{inner} at {self.shown}, line {loop_line})."

    def _tail(self) -> str:
        return f" The call: {self.call_text}." if self.call_text else ""

    def timeout_message(
        self, limit: float, again: bool = False, waited: bool = False, clock: float | None = None
    ) -> str:
        """`merge` ran for more than 3 s: an infinite loop? Check that ... The call: ...

        `clock` is the wall-clock time the check took; when it ran far past the CPU limit (a busy
        machine), the head says so: "ran for more than 3 s of CPU (14 s on the clock: the
        machine is busy)"."""
        secs = f"{round(limit, 1):g} s"
        if not self.function:
            return (
                f"this check ran for more than {secs} and was stopped; no code of yours was "
                "running at that moment."
            )
        name = self.function if self.function.startswith("importing ") else f"`{self.function}`"
        if waited:  # the wall clock ran out, not the CPU time: it was waiting, not computing
            return (
                f"{name} waited for more than {secs} without computing: does it sleep, read "
                f"input or wait for something? It was stopped at {self._where()}.{self._tail()}"
            )
        head = f"{name} ran for more than {secs}"
        notes = ["a shorter limit: an earlier check of this lesson hung"] if again else []
        if clock is not None and busy(limit, clock):
            head += " of CPU"
            notes.append(f"{clock:.0f} s on the clock: the machine is busy")
        if notes:
            head += f" ({'; '.join(notes)})"
        return f"{head}: an infinite loop? {self._advice()}{self._tail()}"

    def memory_message(self, limit_mb: int, exc: BaseException) -> str:
        name = self.function if self.function.startswith("importing ") else f"`{self.function}`"
        detail = str(exc).strip()
        found = loop_advice(self.filename, self.lineno)
        if found is not None:
            why = f"an infinite loop? {self._advice()}"
        else:
            why = f"{detail + ' ' if detail else ''}(at {self._where()})."
        return (
            f"{name} ran out of memory (a learner run may use about {limit_mb / 1024:.1f} GB): "
            f"{why}{self._tail()}"
        )


def shown_file(filename: str, root: Path) -> str:
    """How the learner knows a file under `root` (`exercises/ch1_tokens/l03_bpe.py`), '' for
    any other file."""
    return _shown(filename, root)


def _shown(filename: str, root: Path) -> str:
    if not filename or filename.startswith("<"):
        return ""
    try:
        rel = Path(filename).resolve().relative_to(root)
    except (ValueError, OSError):
        return ""
    return f"{root.name}/{rel.as_posix()}"


def _qualname(code: Any) -> str:
    return str(getattr(code, "co_qualname", code.co_name))


def _call_text(frame: FrameType, name: str, caller: TracebackType | None = None) -> str:
    """How the test called the function, from the frame's arguments. When the test's call can
    be read (`callsite`), only the arguments it passed, each by its value or, when that is long,
    by the test's name for it."""
    import inspect

    from ..testing import _text, call
    from . import callsite

    try:
        info = inspect.getargvalues(frame)
    except (TypeError, ValueError):
        return ""
    names = [a for a in info.args if a not in ("self", "cls")]
    args = [info.locals.get(a) for a in names]
    if info.varargs:
        args += list(info.locals.get(info.varargs) or ())
    kwargs = dict(info.locals.get(info.keywords) or {}) if info.keywords else {}
    short_name = name.rsplit(".", 1)[-1] if "." in name and names == info.args else name
    text = call(short_name, *args, **kwargs)
    sources = callsite.argument_sources(caller) if caller is not None else None
    if sources is None or names != info.args or len(sources[0]) > len(names):
        return text
    if any(k not in names and k not in kwargs for k in sources[1]):
        return text
    passed = {k: info.locals[k] if k in names else kwargs[k] for k in sources[1]}
    # an argument that the test passed by a name of its own shows the test's value: the
    # function's parameter may have been rebound since (`ids = np.asarray(ids)`)
    scope = caller.tb_frame.f_locals if caller is not None else {}
    shown = [
        scope[src] if src.isidentifier() and src in scope else value
        for src, value in zip(sources[0], args)
    ]
    passed = {
        k: scope[src] if src.isidentifier() and src in scope else passed[k]
        for k, src in sources[1].items()
    }
    return callsite.call_text(short_name, shown, passed, sources, _text)


# -- what a stuck loop most likely forgets --------------------------------------------------------
_MUTATORS = {"append", "extend", "insert", "pop", "popleft", "remove", "clear", "add", "update"}


def loop_advice(filename: str, lineno: int) -> tuple[str, int] | None:
    """For the innermost loop around `lineno` in `filename`: one sentence on what keeps such a
    loop going, and the loop's line. None when the line is in no loop."""
    import ast
    import linecache

    source = "".join(linecache.getlines(filename))
    if not source:
        return None
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    loop: ast.While | ast.For | None = None
    for node in ast.walk(tree):
        if isinstance(node, (ast.While, ast.For)) and node.lineno <= lineno <= (
            node.end_lineno or node.lineno
        ):
            if loop is None or node.lineno >= loop.lineno:
                loop = node
    if loop is None:
        return None
    changed = _changed_names(loop.body)
    if isinstance(loop, ast.For):
        target = loop.iter.id if isinstance(loop.iter, ast.Name) else ""
        if target and target in changed:
            return (
                f"The for loop over `{target}` adds to `{target}` as it goes: loop over a copy, "
                "or build a new list",
                loop.lineno,
            )
        return ("Check what this loop runs over: is it far longer than you meant?", loop.lineno)
    test = loop.test
    if isinstance(test, ast.Constant) and test.value:
        return (
            "Check that every path through the `while True` loop reaches a `break` or `return`",
            loop.lineno,
        )
    calls = {id(n.func) for n in ast.walk(test) if isinstance(n, ast.Call)}
    names = list(
        dict.fromkeys(
            n.id
            for n in ast.walk(test)
            if isinstance(n, ast.Name) and id(n) not in calls and n.id not in _BUILTINS
        )
    )
    if not names:
        return ("Check that something in the loop makes its condition false", loop.lineno)
    counters = list(
        dict.fromkeys(
            side.id
            for n in ast.walk(test)
            if isinstance(n, ast.Compare)
            and all(isinstance(op, (ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.NotEq)) for op in n.ops)
            for side in (n.left, *n.comparators)
            if isinstance(side, ast.Name) and side.id in names
        )
    )
    pool = counters or names
    name = next((n for n in pool if n in changed), pool[0])
    if name in counters:
        return (f"Check that every branch advances `{name}`", loop.lineno)
    return (
        f"Check that every pass through the loop changes `{name}`, or leaves with `break`",
        loop.lineno,
    )


_BUILTINS = {"True", "False", "None", "len", "range", "min", "max", "abs", "any", "all", "sum"}


def _changed_names(body: list[Any]) -> set[str]:
    """Names a loop body assigns, augments or mutates through a method (`out.append`)."""
    import ast

    out: set[str] = set()
    for stmt in body:
        for n in ast.walk(stmt):
            if isinstance(n, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.For)):
                targets = n.targets if isinstance(n, ast.Assign) else [n.target]
                for t in targets:
                    out.update(x.id for x in ast.walk(t) if isinstance(x, ast.Name))
            elif isinstance(n, ast.NamedExpr):
                out.add(n.target.id)
            elif (
                isinstance(n, ast.Call)
                and isinstance(n.func, ast.Attribute)
                and n.func.attr in _MUTATORS
                and isinstance(n.func.value, ast.Name)
            ):
                out.add(n.func.value.id)
    return out


# -- the timer ------------------------------------------------------------------------------------
def _debugging() -> bool:
    """A debugger (pdb, breakpoint(), an IDE's) is tracing: time does not count then."""
    trace = sys.gettrace()
    module = getattr(trace, "__module__", "") or type(trace).__module__
    return trace is not None and module.split(".")[0] in ("bdb", "pdb", "pydevd", "debugpy")


class _Timer:
    """Stop the test's thread once it has computed for `seconds` of its own CPU time (where the
    OS has a per-thread CPU clock, as Linux does), or once `wall` seconds have passed whatever it
    does (waiting in `sleep`, `input` or a lock). CPU time, not the wall clock, so that a busy
    machine (other jobs, parallel test workers) never stops a correct solution, and the BLAS
    threads numpy starts do not count.

    One watchdog thread per process looks every POLL seconds. It stops the test thread with
    SIGALRM where the OS has it and the test runs in the main thread (the handler raises
    CheckTimeout there, and a `sleep` is interrupted too), else by raising CheckTimeout in it
    asynchronously (Python code only). Stopped again every REARM seconds while learner code
    swallows it, up to MAX_REARM times."""

    POLL = 0.025

    def __init__(self, seconds: float, wall: float | None = None) -> None:
        self.seconds = max(seconds, 0.01)
        self.wall = wall if wall is not None else max(10 * self.seconds, 30.0)
        self.fired = 0
        self.kind = ""  # "cpu" or "wall": what ran out
        self.active = False  # True while a phase of the test (setup, call, teardown) runs
        self.done = False
        self._previous: Any = None
        self._signal = hasattr(signal, "pthread_kill") and (
            threading.current_thread() is threading.main_thread()
        )
        self._target = threading.get_ident()
        self._clock: int | None = None
        try:
            self._clock = time.pthread_getcpuclockid(self._target)
        except (AttributeError, OSError):
            pass
        self._cpu0 = self._cpu()
        self._wall0 = time.monotonic()
        self._next_fire = 0.0

    def _cpu(self) -> float:
        if self._clock is None:
            return 0.0
        try:
            return time.clock_gettime(self._clock)
        except OSError:
            return 0.0

    def used(self) -> tuple[float, float]:
        """(CPU seconds, wall seconds) since start."""
        return self._cpu() - self._cpu0, time.monotonic() - self._wall0

    def start(self) -> None:
        if self._signal:
            self._previous = signal.signal(signal.SIGALRM, self._on_alarm)
        self._cpu0, self._wall0 = self._cpu(), time.monotonic()
        _Watchdog.get().watch(self)

    def _over(self) -> bool:
        cpu, wall = self.used()
        if self._clock is not None and cpu > self.seconds:
            return True
        return wall > (self.wall if self._clock is not None else self.seconds)

    def check(self, now: float) -> None:
        """Called by the watchdog: stop the test thread if its time is up."""
        if self.done or now < self._next_fire or not self.active:
            return
        cpu, wall = self.used()
        if self._clock is not None and cpu > self.seconds:
            kind = "cpu"
        elif wall > (self.wall if self._clock is not None else self.seconds):
            kind = "wall"
        else:
            return
        self.kind = self.kind or kind
        self._next_fire = now + REARM
        if self._signal:
            signal.pthread_kill(self._target, signal.SIGALRM)
            return
        import ctypes

        self.fired += 1
        if self.fired > MAX_REARM:
            self.done = True
            return
        ctypes.pythonapi.PyThreadState_SetAsyncExc(
            ctypes.c_ulong(self._target), ctypes.py_object(CheckTimeout)
        )

    def _on_alarm(self, signum: int, frame: Any) -> None:
        if self.done or _debugging():  # a learner in pdb (breakpoint()) is never stopped
            return
        if not self.active:  # between two phases of the test: stop it in the next one
            self._next_fire = 0.0
            return
        if not self._over():  # sent for a tighter bound that has been lifted since (a probe's)
            return
        self.fired += 1
        if self.fired >= MAX_REARM:
            self.done = True
        raise CheckTimeout(self.seconds)

    def disarm(self) -> None:
        """No further stops (the timer stays installed until cancel())."""
        self.done = True

    def cancel(self) -> None:
        self.done = True
        _Watchdog.get().unwatch(self)
        if self._signal:
            signal.signal(signal.SIGALRM, self._previous or signal.SIG_DFL)


class _Watchdog:
    """The one thread that looks at the running test's timer (started on first use)."""

    _instance: _Watchdog | None = None
    _lock = threading.Lock()

    def __init__(self) -> None:
        self._timer: _Timer | None = None
        self._wake = threading.Condition()
        self._thread = threading.Thread(target=self._run, name="hexahype-watchdog", daemon=True)
        self._thread.start()

    @classmethod
    def get(cls) -> _Watchdog:
        with cls._lock:
            if cls._instance is None or not cls._instance._thread.is_alive():
                cls._instance = cls()
            return cls._instance

    def watch(self, timer: _Timer) -> None:
        with self._wake:
            self._timer = timer
            self._wake.notify()

    def unwatch(self, timer: _Timer) -> None:
        with self._wake:
            if self._timer is timer:
                self._timer = None

    def _run(self) -> None:
        while True:
            with self._wake:
                while self._timer is None:
                    self._wake.wait()
                timer = self._timer
            timer.check(time.monotonic())
            time.sleep(_Timer.POLL)
