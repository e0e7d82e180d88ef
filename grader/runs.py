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
) -> tuple[int, ResultsDoc | None, str]:
    """Run pytest on `files` against `impl`; return (exit code, results document, output)."""
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
        doc = None
        if results.exists():
            try:
                doc = ResultsDoc.read(results)
            except ResultsError:
                doc = None
        out = (proc.stdout or "") + (proc.stderr or "") if capture else ""
        return proc.returncode, doc, out
