"""Run the instructor's suites against one staged implementation, in a child process.

The child is pytest with the kit's plugin, started through `grader.grading.limits` (file, memory
and CPU caps) in a new session, so a hang is killed with all its children. Student code is
reached only through `--impl STAGED_DIR`; the rootdir, configuration and test files are the
instructor's. pytest-timeout stops a test that runs too long, and `grader.grading.budget` skips
the rest of a lesson once one of its tests timed out, so a hang costs one timeout per lesson.
"""

from __future__ import annotations

import importlib.util
import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

OUTPUT_TAIL = 2000


@dataclass(frozen=True)
class Limits:
    test_timeout: float = 30.0
    timeout: float = 600.0  # the whole run
    file_mb: int = 64
    memory_mb: int = 4096


@dataclass
class Outcome:
    doc: dict[str, Any] | None
    problem: str  # one line, empty when pytest ran to the end and wrote its results
    output: str  # the tail of pytest's own output
    duration: float


def timeout_available() -> bool:
    return importlib.util.find_spec("pytest_timeout") is not None


def command(root: Path, files: list[Path], impl: Path, results: Path, limits: Limits) -> list[str]:
    pytest_args = [
        "-m",
        "pytest",
        f"--rootdir={root}",
        "-c",
        str(root / "pyproject.toml"),
        f"--impl={impl}",
        f"--hexahype-results={results}",
        "-q",
        "--hexahype-no-progress",
        "--tb=no",
        "-p",
        "no:warnings",
        "-p",
        "no:randomly",
        "-p",
        "no:cacheprovider",
        "-p",
        "grader.grading.budget",
    ]
    if timeout_available():
        pytest_args += [f"--timeout={limits.test_timeout:g}", "--timeout-method=signal"]
    cpu = int(limits.timeout * 2) + 30
    return [
        sys.executable,
        "-m",
        "grader.grading.limits",
        f"--file-mb={limits.file_mb}",
        f"--memory-mb={limits.memory_mb}",
        f"--cpu-seconds={cpu}",
        "--",
        sys.executable,
        *pytest_args,
        *[str(f) for f in files],
    ]


def _env(workdir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "HEXAHYPE_"))}
    env.update(
        PYTHONDONTWRITEBYTECODE="1",
        PYTHONHASHSEED="0",
        TMPDIR=str(workdir),
        HOME=str(workdir),
    )
    return env


def _tail(path: Path) -> str:
    try:
        with open(path, "rb") as fh:
            fh.seek(0, os.SEEK_END)
            size = fh.tell()
            fh.seek(max(0, size - OUTPUT_TAIL))
            return fh.read().decode("utf-8", "replace")
    except OSError:
        return ""


def _kill(proc: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError, AttributeError):
        proc.kill()
    proc.wait()


def run(
    root: Path, files: list[Path], impl: Path, workdir: Path, limits: Limits, name: str = "run"
) -> Outcome:
    """Run `files` against `impl`; `workdir` holds the results, the output and any temp files."""
    results = workdir / f"{name}-results.json"
    log = workdir / f"{name}-output.log"
    started = time.monotonic()
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            command(root, files, impl, results, limits),
            cwd=root,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=_env(workdir),
            start_new_session=True,
        )
        try:
            code = proc.wait(timeout=limits.timeout)
        except subprocess.TimeoutExpired:
            _kill(proc)
            return Outcome(
                None, f"timed out after {limits.timeout:g}s", _tail(log), time.monotonic() - started
            )
    duration = time.monotonic() - started
    tail = _tail(log)
    doc: dict[str, Any] | None = None
    try:
        if results.stat().st_size <= limits.file_mb * 1024 * 1024:
            loaded = json.loads(results.read_text(encoding="utf-8"))
            if isinstance(loaded, dict) and loaded.get("version") == 1:
                doc = loaded
    except (OSError, ValueError):
        doc = None
    if doc is None:
        if code < 0:
            problem = f"crashed (killed by signal {-code})"
        else:
            last = [line for line in tail.strip().splitlines() if line.strip()]
            problem = f"pytest stopped (exit {code})" + (f": {last[-1][:200]}" if last else "")
        return Outcome(None, problem, tail, duration)
    return Outcome(doc, "", tail, duration)
