"""The grader's side of the pre-forked harness (`grader.prefork.server`).

`spawn` asks this process's server for the course root (started on first use, in a clean
environment, and ended with this process) to fork one harness run, and returns a handle that
waits and kills like a `subprocess.Popen`. Whenever the server cannot be had (it failed to start,
or died), `spawn` returns None and the caller starts the harness as a plain child process: the
same run, only slower to start. HEXAHYPE_FORKSERVER=0 turns the server off.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

STARTUP_TIMEOUT = 60.0
LOST = -int(signal.SIGKILL)  # the code of a child whose server is gone


class Forked:
    """One forked harness run: `wait`, `poll`, `kill` and `pid`, as a Popen has them."""

    def __init__(self, server: Server, pid: int) -> None:
        self.server, self.pid = server, pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            self.returncode = self.server.exit_code(self.pid, 0)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is None:
            code = self.server.exit_code(self.pid, timeout)
            if code is None:
                raise subprocess.TimeoutExpired(f"harness {self.pid}", timeout or 0.0)
            self.returncode = code
        return self.returncode

    def kill(self) -> None:
        try:
            os.kill(self.pid, signal.SIGKILL)
        except OSError:
            pass


class Server:
    """A running fork server and the reader of its answers."""

    def __init__(self, root: Path, env: dict[str, str]) -> None:
        self.home = Path(tempfile.mkdtemp(prefix="hexahype-forkserver-"))
        env = {**env, "HOME": str(self.home), "TMPDIR": str(self.home)}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "grader.prefork.server"],
            cwd=root,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
            start_new_session=True,
        )
        self.lock = threading.Lock()
        self.changed = threading.Condition()
        self.pids: dict[int, int] = {}  # request id -> pid
        self.codes: dict[int, int] = {}  # pid -> exit code
        self.next_id = 0
        self.alive = True
        self.ready = threading.Event()
        threading.Thread(target=self._read, daemon=True).start()
        if not self.ready.wait(STARTUP_TIMEOUT) or not self.alive:
            self.close()
            raise OSError("the harness fork server did not start")

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            try:
                message = json.loads(line)
            except ValueError:
                break
            with self.changed:
                if "ready" in message:
                    self.ready.set()
                elif "pid" in message:
                    self.pids[int(message["id"])] = int(message["pid"])
                elif "exit" in message:
                    self.codes[int(message["exit"])] = int(message["code"])
                self.changed.notify_all()
        with self.changed:
            self.alive = False
            self.ready.set()
            self.changed.notify_all()

    def spawn(self, request: dict[str, Any]) -> Forked | None:
        with self.lock:
            self.next_id += 1
            rid = self.next_id
            assert self.proc.stdin is not None
            try:
                self.proc.stdin.write(json.dumps({"id": rid, **request}).encode() + b"\n")
                self.proc.stdin.flush()
            except OSError:
                return None
        with self.changed:
            if not self.changed.wait_for(lambda: rid in self.pids or not self.alive, 30.0):
                return None
            if rid not in self.pids:
                return None
            return Forked(self, self.pids.pop(rid))

    def exit_code(self, pid: int, timeout: float | None) -> int | None:
        with self.changed:
            self.changed.wait_for(lambda: pid in self.codes or not self.alive, timeout)
            if pid in self.codes:
                return self.codes.pop(pid)
            return None if self.alive else LOST

    def close(self) -> None:
        self.alive = False
        try:
            if self.proc.stdin is not None:
                self.proc.stdin.close()  # the server ends its children, then itself
            self.proc.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except OSError:
                pass
        shutil.rmtree(self.home, ignore_errors=True)


_SERVERS: dict[Path, Server | None] = {}
_LOCK = threading.Lock()


def _server(root: Path, env: dict[str, str]) -> Server | None:
    with _LOCK:
        server = _SERVERS.get(root)
        if server is not None and server.alive:
            return server
        if root in _SERVERS and server is None:
            return None  # it failed to start once: no second try
        try:
            server = Server(root, env)
        except OSError:
            server = None
        else:
            import atexit

            atexit.register(server.close)
        _SERVERS[root] = server
        return server


def prestart(root: Path, env: dict[str, str]) -> None:
    """Start the server for `root` in the background (while the batch's tests are collected),
    so that the first run finds it ready."""
    if os.environ.get("HEXAHYPE_FORKSERVER") != "0" and hasattr(os, "fork"):
        threading.Thread(target=_server, args=(root.resolve(), env), daemon=True).start()


def spawn(
    root: Path, args: list[str], env: dict[str, str], log: Path, caps: list[int]
) -> Forked | None:
    """A forked harness running pytest with `args` in `root`, or None (start one plainly)."""
    if os.environ.get("HEXAHYPE_FORKSERVER") == "0" or not hasattr(os, "fork"):
        return None
    server = _server(root.resolve(), env)
    if server is None:
        return None
    request = {"args": args, "cwd": str(root), "env": env, "log": str(log), "limits": caps}
    return server.spawn(request)
