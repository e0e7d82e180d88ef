"""Run the instructor's suites in a child process: the harness.

The harness is pytest with the kit's plugin, started through `grader.prefork.limits` (file,
memory and CPU caps) in a new session, with its own config file (`-c`, written here), no cache,
plugin autoloading off (the kit's plugin, the budget and pytest-timeout are loaded explicitly)
and a clean environment. It never imports student code: in grading mode (`--hexahype-worker`)
the tests get proxies whose calls run in the sandboxed worker (`grader.grading.proxy`). Each
call has a timeout; pytest-timeout is a backstop; `grader.grading.budget` skips the rest of a
lesson once one of its tests timed out, so a hang costs one timeout per lesson.
"""

from __future__ import annotations

import atexit
import importlib.util
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from ..prefork import client as forked
from ..results import ResultsDoc, ResultsError, TestStatus

OUTPUT_TAIL = 2000


@dataclass(frozen=True)
class Limits:
    test_timeout: float = 30.0
    timeout: float = 600.0  # the whole run
    file_mb: int = 64
    memory_mb: int = 4096


@dataclass
class Outcome:
    doc: ResultsDoc | None
    problem: str  # one line, empty when pytest ran to the end and wrote its results
    output: str  # the tail of pytest's own output
    duration: float


def timeout_available() -> bool:
    return importlib.util.find_spec("pytest_timeout") is not None


INI = """[pytest]
# Written by hexahype grade: the harness never reads the submission's or the course's config.
python_files = test_*.py
pythonpath = .
addopts =
"""


def write_ini(workdir: Path) -> Path:
    ini = workdir / "harness.ini"
    if not ini.exists():
        ini.write_text(INI, encoding="utf-8")
    return ini


def pytest_args(root: Path, workdir: Path, test_timeout: float) -> list[str]:
    """The harness's own pytest invocation: its config, no cache, no autoloaded plugins."""
    args = [
        "-m",
        "pytest",
        f"--rootdir={root}",
        "-c",
        str(write_ini(workdir)),
        "--import-mode=importlib",
        "-p",
        "no:cacheprovider",
        "-p",
        "no:warnings",
        "-p",
        "grader.learner.plugin",
        "-p",
        "grader.grading.budget",
        "-q",
        "--hexahype-no-progress",
        "--tb=no",
    ]
    if timeout_available():
        args += ["-p", "pytest_timeout", f"--timeout={test_timeout:g}", "--timeout-method=signal"]
    return args


def _run_args(
    root: Path,
    files: list[Path],
    impl: Path,
    results: Path,
    limits: Limits,
    workdir: Path,
    worker_config: Path | None,
) -> list[str]:
    """The interpreter's arguments of one run: `-m pytest` and pytest's own."""
    args = pytest_args(root, workdir, limits.test_timeout * 2 + 5)
    args += [f"--impl={impl}", f"--hexahype-results={results}"]
    if worker_config is not None:
        args.append(f"--hexahype-worker={worker_config}")
    if _cache_safe(worker_config):
        args.append(f"--hexahype-bytecode={bytecode_cache()}")
    return [*_profiled(args, results), *[str(f) for f in files]]


def _caps(limits: Limits) -> list[int]:
    """The harness's resource limits: file size and memory in MB, CPU seconds."""
    return [limits.file_mb, limits.memory_mb, int(limits.timeout * 2) + 30]


def command(
    root: Path,
    files: list[Path],
    impl: Path,
    results: Path,
    limits: Limits,
    workdir: Path,
    worker_config: Path | None,
) -> list[str]:
    file_mb, memory_mb, cpu = _caps(limits)
    return [
        sys.executable,
        "-m",
        "grader.prefork.limits",
        f"--file-mb={file_mb}",
        f"--memory-mb={memory_mb}",
        f"--cpu-seconds={cpu}",
        "--",
        sys.executable,
        *_run_args(root, files, impl, results, limits, workdir, worker_config),
    ]


def _profiled(args: list[str], results: Path) -> list[str]:
    """HEXAHYPE_PROFILE=FOLDER (in the grader's environment): each harness writes where its time
    went to FOLDER (`--hexahype-profile`); with HEXAHYPE_PROFILE_PYTHON=1, also a cProfile of
    the whole harness process. For `benchmarks/grade_profile.py`; the harness's own environment
    stays clean."""
    folder = os.environ.get("HEXAHYPE_PROFILE")
    if not folder:
        return args
    stem = Path(folder).resolve() / f"{results.stem}-{os.getpid()}-{time.monotonic_ns()}"
    args = [*args, f"--hexahype-profile={stem}.json"]
    if os.environ.get("HEXAHYPE_PROFILE_PYTHON") == "1":
        args = ["-m", "cProfile", "-o", f"{stem}.prof", *args]
    return args


_PYC: Path | None = None
_PYC_LOCK = threading.Lock()


def bytecode_cache() -> Path:
    """A private folder (0700) for the instructor's test modules as pytest's assertion rewriting
    compiles them (`--hexahype-bytecode`, grader/grading/budget.py). The collection of a batch
    fills it and every harness run of this grading process reads it, so the test modules are
    rewritten and compiled once per batch, not once per submission. It is removed when the
    process ends."""
    global _PYC
    with _PYC_LOCK:
        if _PYC is None:
            _PYC = Path(tempfile.mkdtemp(prefix="hexahype-pyc-"))
            atexit.register(shutil.rmtree, _PYC, True)
        return _PYC


def _cache_safe(worker_config: Path | None) -> bool:
    """Whether a harness run may share the bytecode cache: when its student code runs in a
    worker that can never write to the grader's files (bubblewrap, whose worker sees none of
    them, or a worker that runs as another user). A worker of the grader's own user could plant
    bytecode there for the next submission's harness; a run without a worker imports the
    student code itself."""
    if worker_config is None:
        return False
    try:
        level = json.loads(worker_config.read_text(encoding="utf-8")).get("level")
    except (OSError, ValueError, AttributeError):
        return False
    return level == "bwrap" or (level == "process" and hasattr(os, "geteuid") and os.geteuid() == 0)


def environment(workdir: Path) -> dict[str, str]:
    """A clean environment: nothing of the grader's own (no PYTEST_ADDOPTS, no secrets)."""
    return {
        "PATH": os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin"),
        "HOME": str(workdir),
        "TMPDIR": str(workdir),
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONHASHSEED": "0",
        "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
    }


@dataclass
class Collected:
    """What a collection-only run found: the test ids, and per test module that could not be
    imported or collected, its one-line grading error."""

    ids: list[str]
    errors: dict[str, str]  # test file relative to the root -> "grading error: ..."


def collect(root: Path, files: list[Path], workdir: Path, timeout: float = 300) -> Collected:
    """The ids of the instructor's tests, from a collection-only run (no student code), and
    the modules that cannot be collected. The harness fork server starts meanwhile."""
    forked.prestart(root, environment(workdir))
    out = workdir / "collected.json"
    report = workdir / "collect-results.json"
    cmd = [
        sys.executable,
        *pytest_args(root, workdir, 60),
        "--collect-only",
        f"--hexahype-collected={out}",
        f"--hexahype-bytecode={bytecode_cache()}",
        f"--hexahype-results={report}",
        "--hexahype-no-state",
        *[str(f) for f in files],
    ]
    output = b""
    try:
        output = subprocess.run(
            cmd,
            cwd=root,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env=environment(workdir),
            timeout=timeout,
            check=False,
        ).stdout
        ids = json.loads(out.read_text(encoding="utf-8"))
    except subprocess.TimeoutExpired:
        return Collected(
            [],
            {
                f.relative_to(root).as_posix(): f"grading error: collecting "
                f"{f.relative_to(root).as_posix()} took over {timeout:g}s"
                for f in files
            },
        )
    except (OSError, ValueError):
        tail = output.decode("utf-8", "replace").strip().splitlines()[-1:]
        why = tail[0][:300] if tail else "pytest wrote no list of tests"
        return Collected(
            [],
            {
                f.relative_to(root).as_posix(): f"grading error: collection failed: {why}"
                for f in files
            },
        )
    errors: dict[str, str] = {}
    try:
        doc = ResultsDoc.read(report)
    except ResultsError:
        doc = None
    for t in doc.tests if doc is not None else []:
        if t.status is TestStatus.SUITE_ERROR:
            errors[t.nodeid] = t.message
    return Collected([str(i) for i in ids] if isinstance(ids, list) else [], errors)


def _tail(path: Path) -> str:
    try:
        with open(path, "rb") as fh:
            fh.seek(0, os.SEEK_END)
            size = fh.tell()
            fh.seek(max(0, size - OUTPUT_TAIL))
            return fh.read().decode("utf-8", "replace")
    except OSError:
        return ""


def _kill(proc: subprocess.Popen[bytes] | forked.Forked) -> None:
    """Kill the harness's whole process group (its workers die with it)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError, AttributeError):
        pass
    try:
        proc.kill()
    except ProcessLookupError:
        pass
    proc.wait()


def run(
    root: Path,
    files: list[Path],
    impl: Path,
    workdir: Path,
    limits: Limits,
    name: str = "run",
    worker_config: Path | None = None,
) -> Outcome:
    """Run `files` against `impl`; `workdir` holds the results, the output and any temp files.
    With `worker_config`, the tests reach the student code only through the worker."""
    results = workdir / f"{name}-results.json"
    log = workdir / f"{name}-output.log"
    started = time.monotonic()
    with open(log, "wb") as out:
        proc: subprocess.Popen[bytes] | forked.Forked | None = None
        args = _run_args(root, files, impl, results, limits, workdir, worker_config)
        if args[:2] == ["-m", "pytest"]:  # not under cProfile: a fork of the server will do
            proc = forked.spawn(root, args[2:], environment(workdir), log, _caps(limits))
        if proc is None:
            proc = subprocess.Popen(
                command(root, files, impl, results, limits, workdir, worker_config),
                cwd=root,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                env=environment(workdir),
                start_new_session=True,
            )
        try:
            code = proc.wait(timeout=limits.timeout)
        except subprocess.TimeoutExpired:
            return Outcome(
                None, f"timed out after {limits.timeout:g}s", _tail(log), time.monotonic() - started
            )
        finally:
            _kill(proc)
    duration = time.monotonic() - started
    tail = _tail(log)
    doc: ResultsDoc | None = None
    try:
        if results.stat().st_size <= limits.file_mb * 1024 * 1024:
            doc = ResultsDoc.read(results)
    except (OSError, ResultsError):
        doc = None
    if doc is None:
        if code < 0:
            problem = f"crashed (killed by signal {-code})"
        else:
            last = [line for line in tail.strip().splitlines() if line.strip()]
            problem = f"pytest stopped (exit {code})" + (f": {last[-1][:200]}" if last else "")
        return Outcome(None, problem, tail, duration)
    return Outcome(doc, "", tail, duration)
