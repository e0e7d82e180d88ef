"""A pre-forked harness: `python -m grader.prefork.server`, one per grading process.

Starting the harness (an interpreter, pytest, the kit's plugins, numpy) costs about a second of
every run, and a batch starts it for every submission. This server imports all of that once,
then forks a fresh harness for each run: the child starts a new session, sets its resource
limits, points stdin at /dev/null and stdout and stderr at the run's log, takes the run's clean
environment and working folder, and runs pytest with the run's arguments. Nothing of a
submission ever reaches the server: it never runs a test, never imports a test module or
student code, and each child begins from the same state, the server's.

The protocol is one JSON object a line on the server's stdin and stdout. A request
`{"id": n, "args": [...], "cwd": ..., "env": {...}, "log": ..., "limits": [file_mb, memory_mb,
cpu_seconds]}` is answered `{"id": n, "pid": pid}`; when a child ends the server says
`{"exit": pid, "code": code}` (a negative code: killed by that signal). When the grader ends
(even killed) the server's stdin closes: it kills its children and ends.
"""

from __future__ import annotations

import atexit
import importlib
import json
import os
import select
import signal
import sys
import tempfile
import traceback
from typing import Any

from . import limits

PRELOAD = (
    "pytest",
    "_pytest.assertion.rewrite",
    "_pytest.python",
    "_pytest.terminal",
    "pytest_timeout",
    "numpy",
    "regex",
    "tiktoken",
    "grader.learner.plugin",
    "grader.grading.budget",
    "grader.grading.proxy",
    "grader.testing",
    "grader.assets",
)
# Built once here, for every child: the kit's own data that the instructor's suites read
# (cl100k_base, 0.3-0.4 s to build, which every hidden run of a batch would otherwise pay).
WARM = (("grader.assets", "cl100k"),)


def _write(fd: int, message: dict[str, Any]) -> None:
    data = memoryview(json.dumps(message).encode() + b"\n")
    while data:
        data = data[os.write(fd, data) :]


def _child(request: dict[str, Any], closing: list[int]) -> None:
    """The forked harness: never returns."""
    code = 70
    try:
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        for fd in closing:
            os.close(fd)
        os.setsid()
        log = os.open(request["log"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.dup2(log, 1)
        os.dup2(log, 2)
        os.close(log)
        os.close(null)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update({str(k): str(v) for k, v in request["env"].items()})
        tempfile.tempdir = None  # TMPDIR is the run's
        file_mb, memory_mb, cpu_seconds = (int(n) for n in request["limits"])
        limits.apply(file_mb, memory_mb, cpu_seconds)
        limits.die_with_parent()
        import pytest

        sys.argv = [pytest.__file__, *request["args"]]
        code = int(pytest.main([str(a) for a in request["args"]]))
        atexit._run_exitfuncs()  # the proxy stops its worker, as at a normal exit
    except BaseException:  # noqa: BLE001 - whatever happens, the child ends here
        try:
            traceback.print_exc()
        except BaseException:  # noqa: BLE001
            pass
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


def serve() -> int:
    for name in PRELOAD:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - a child imports it again, and fails visibly
            pass
    for module, function in WARM:
        try:
            getattr(importlib.import_module(module), function)()
        except Exception:  # noqa: BLE001 - a child builds it again, and fails visibly
            pass
    # No parent-death signal here: it follows the thread that started the server, which may
    # end first. The grader's end closes this server's stdin instead, and the server then ends
    # its children and itself.
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    children: set[int] = set()
    buffer = b""
    _write(1, {"ready": os.getpid()})
    while True:
        try:
            ready, _, _ = select.select([0, wake_r], [], [])
        except InterruptedError:
            continue
        if wake_r in ready:
            os.read(wake_r, 4096)
        while children:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                break
            children.discard(pid)
            code = -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
            _write(1, {"exit": pid, "code": code})
        if 0 not in ready:
            continue
        chunk = os.read(0, 1 << 20)
        if not chunk:  # the grader is done: end every harness still running
            for pid in children:
                try:
                    os.killpg(pid, signal.SIGKILL)
                except OSError:
                    pass
            return 0
        buffer += chunk
        while b"\n" in buffer:
            line, _, buffer = buffer.partition(b"\n")
            request = json.loads(line)
            pid = os.fork()
            if pid == 0:
                _child(request, [wake_r, wake_w])
            children.add(pid)
            _write(1, {"id": request["id"], "pid": pid})


if __name__ == "__main__":
    sys.exit(serve())
