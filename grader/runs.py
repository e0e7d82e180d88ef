"""Run lesson test files with pytest in a child process and read back results.json.

Used by `hexahype check`, the dashboard's refresh, `verify` and the grader. The child runs
pytest with the kit's plugin, never the learner's own pytest configuration beyond course's.
"""

from __future__ import annotations

import importlib.metadata
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from .manifest import Lesson
from .results import ResultsDoc, ResultsError


def test_files(lessons: list[Lesson], hidden: bool = False) -> list[Path]:
    files = [e.test_path for e in lessons if e.test_path.exists()]
    if hidden:
        files += [e.hidden_test_path for e in lessons if e.hidden_test_path.exists()]
    return files


PLUGIN = "grader.learner.plugin"


def plugin_args() -> list[str]:
    """`-p grader.learner.plugin` when pytest would not load the kit's plugin by itself: a
    checkout that is not installed (no pytest11 entry point), or autoloading turned off."""
    if os.environ.get("PYTEST_DISABLE_PLUGIN_AUTOLOAD"):
        return ["-p", PLUGIN]
    try:
        found = importlib.metadata.entry_points(group="pytest11")
    except Exception:  # noqa: BLE001 - broken metadata: load it explicitly
        return ["-p", PLUGIN]
    return [] if any(ep.value == PLUGIN for ep in found) else ["-p", PLUGIN]


def run_suite(
    root: Path,
    files: list[Path],
    impl: Path | str = "exercises",
    *,
    quiet: bool = True,
    extra: list[str] | None = None,
    timeout: float | None = None,
    capture: bool = True,
    env: dict[str, str] | None = None,
    fork: bool = False,
) -> tuple[int, ResultsDoc | None, str]:
    """Run pytest on `files` against `impl`; return (exit code, results document, output).

    `fork`: fork the run from the pre-forked pytest of `root` (`grader.prefork`), started on
    the first such run, for callers that run many suites in a row (verify's misconception
    bank): the same run without an interpreter's and pytest's start each time. When the server
    cannot be had, the run is started plainly."""
    with tempfile.TemporaryDirectory(prefix="hexahype-run-") as tmp:
        results = Path(tmp) / "results.json"
        cmd = [
            sys.executable,
            "-m",
            "pytest",
            f"--rootdir={root}",
            "-c",
            str(root / "pyproject.toml"),
            *plugin_args(),
            f"--impl={impl}",
            f"--hexahype-results={results}",
            *(["-q", "--hexahype-no-progress", "--tb=no", "-p", "no:warnings"] if quiet else []),
            *(extra or []),
            *[str(f) for f in files],
        ]
        child_env = dict(env if env is not None else os.environ)
        child_env.pop("PYTEST_ADDOPTS", None)
        if fork and capture:
            forked = _forked(root, cmd[3:], child_env, Path(tmp) / "output.log", timeout)
            if forked is not None:
                return forked[0], _read_results(results), forked[1]
        try:
            proc = subprocess.run(
                cmd,
                cwd=root,
                capture_output=capture,
                text=True,
                timeout=timeout,
                env=child_env,
            )
        except subprocess.TimeoutExpired:
            return 124, None, f"pytest did not finish within {timeout}s"
        out = (proc.stdout or "") + (proc.stderr or "") if capture else ""
        return proc.returncode, _read_results(results), out


def _read_results(results: Path) -> ResultsDoc | None:
    if not results.exists():
        return None
    try:
        return ResultsDoc.read(results)
    except ResultsError:
        return None


# a forked run's caps: output files, memory (MB) and CPU seconds; generous, as a plain run has
# none, but a runaway misconception still ends
FORK_CAPS = (256, 8192)


def _forked(
    root: Path, args: list[str], env: dict[str, str], log: Path, timeout: float | None
) -> tuple[int, str] | None:
    """(exit code, output) of pytest `args` forked from the pre-forked pytest of `root`, or
    None when it cannot be had (the caller then starts the run plainly)."""
    from .prefork import client

    cpu = int(timeout or 3600) + 30
    run = client.spawn(root, args, env, log, [*FORK_CAPS, cpu])
    if run is None:
        return None
    try:
        code = run.wait(timeout)
    except subprocess.TimeoutExpired:
        run.kill()
        run.wait(10)
        return 124, f"pytest did not finish within {timeout}s"
    out = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
    return code, out
