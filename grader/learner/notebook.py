"""Kit helpers used inside learner notebooks (`hexahype notebook`):

    setup()          # course root as working dir, `exercises` importable
    check("1.3")     # runs lesson 1.3's visible tests; prints pytest's progress block

`HEXAHYPE_IMPL` (`solutions`, or a folder laid out like `exercises/`) makes both use another
implementation: the kit's tests run every lesson notebook against the reference solutions.
The nbgrader notebooks' kernel side is `grader.integrations.nbgrader.runtime`.
"""

from __future__ import annotations

import os
import re
import sys
import types
from pathlib import Path

from .. import manifest

PROGRESS_RULE = "── HexaHype progress"


# -- learner notebooks ------------------------------------------------------------------------
def _impl_setting() -> str:
    return os.environ.get("HEXAHYPE_IMPL") or "exercises"


def setup(start: str | os.PathLike[str] | None = None) -> Path:
    """Prepare a learner notebook: find the course root (from `start`, the working directory or
    HEXAHYPE_ROOT), make it the working directory and importable, and mount `exercises` on
    HEXAHYPE_IMPL when that names another implementation. Returns the course root."""
    root = manifest.find_root(start)
    os.chdir(root)
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    impl = _impl_setting()
    if impl != "exercises":
        from .plugin import resolve_impl

        impl_dir = resolve_impl(impl, root)
        for name in [m for m in sys.modules if m == "exercises" or m.startswith("exercises.")]:
            del sys.modules[name]
        pkg = types.ModuleType("exercises", f"Lesson modules from {impl_dir.name}/")
        pkg.__path__ = [str(impl_dir)]
        sys.modules["exercises"] = pkg
    return root


def check(lesson_id: str, verbose: bool = False) -> int:
    """Run one lesson's visible tests in a child pytest (like `hexahype check`) and print the
    progress block. Returns pytest's exit status (0: every check passes)."""
    from .. import runs

    course = manifest.load(manifest.find_root())
    entry = course.get(lesson_id)
    if not entry.test_path.exists():
        print(f"lesson {entry.id} has no tests yet")
        return 4
    impl = _impl_setting()
    extra = ["-v"] if verbose else ["-q", "--no-header", "-p", "no:warnings", "--tb=no"]
    code, _, out = runs.run_suite(course.root, [entry.test_path], impl, quiet=False, extra=extra)
    if verbose:
        print(out)
        return code
    print(progress_block(out))
    return code


def progress_block(output: str) -> str:
    """The plugin's progress block out of pytest's output (all of it when there is none)."""
    at = output.find(PROGRESS_RULE)
    if at < 0:
        return output.rstrip()
    lines = output[at:].splitlines()
    for i, line in enumerate(lines[1:], start=1):
        if re.sub(r"\x1b\[[0-9;]*m", "", line).startswith("── "):  # the closing line
            return "\n".join(lines[: i + 1]) + "\x1b[0m"
    return "\n".join(lines)
