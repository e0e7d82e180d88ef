"""The harness's side of the worker: module proxies whose calls run in the sandboxed worker.

In grading mode the plugin's fixtures hand tests a `ModuleProxy` instead of the student's
module. Calling `bpe.merge(ids, pair, 256)` sends the arguments as data to the worker
(`grader.grading.wire`), waits at most the call timeout, and returns only values the proxy
decoded itself. Objects that the lesson's API creates (`KVCache`) stay in the worker as handles
(`RemoteObject`), driven by method calls and `len()`. Tokenizers cross as references
(`{"e": "cl100k_base"}`) or, for a test's own small tokenizer, as their ranks.

A worker that dies, hangs or answers garbage fails only the call it was given; the next call
starts a fresh worker (its handles are gone, its modules load again).
"""

from __future__ import annotations

import atexit
import builtins
import json
import os
import re
import select
import signal
import subprocess
import time
from pathlib import Path
from typing import Any, cast

from .. import boundary, untrusted
from ..loader import LessonLoadError
from ..manifest import Lesson
from . import sandbox, wire

MAX_ANSWER = 256 * 1024 * 1024
MAX_DEATHS = 3  # a lesson whose code ended the worker this often gets no fresh worker again
STARTUP_TIMEOUT = 60.0
TIMEOUT_TEXT = "timed out"
RAISED = {name: getattr(builtins, name) for name in wire.EXCEPTIONS}
_BIG_INT = re.compile(rb"\d{19}")  # an int that may reach the hash modulus (2**61 - 1)


class WorkerError(Exception):
    """The worker failed this call: it died, answered garbage, or raised something that is not
    a plain built-in exception."""


class CallTimeout(WorkerError):
    """The worker did not answer within the call timeout; it was killed."""


class AnswerError(TypeError):
    """The answer is not plain data (the test's type checks then fail it clearly)."""


class Worker:
    """One worker process and the protocol on its pipes."""

    def __init__(self, spec: sandbox.Spec) -> None:
        self.spec = spec
        self.proc: subprocess.Popen[bytes] | None = None
        self.started: sandbox.Started | None = None
        self.started_at = 0.0  # perf_counter() at the last start
        self.buffer = b""
        self.next_id = 0
        self.generation = 0
        self.stats = Stats()
        self.answer_cpu = 0.0  # the harness's CPU seconds reading this submission's answers
        self.big_ints = True  # whether the last answer may hold ints beyond the hash modulus

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def start(self) -> None:
        self.stop()
        self.stats.starts += 1
        self.started_at = time.perf_counter()
        self.started = sandbox.start(self.spec)
        self.proc = self.started.proc
        self.buffer = b""
        self.generation += 1
        assert self.proc.stdout is not None and self.proc.stdin is not None
        os.set_blocking(self.proc.stdout.fileno(), False)
        os.set_blocking(self.proc.stdin.fileno(), False)

    def over_cpu(self) -> bool:
        """Whether the worker's control group used more CPU time than its cap, all of its
        processes together, with the harness's own time reading the answers counted in."""
        group = self.started.group if self.started is not None else None
        used = group.cpu_seconds() if group is not None else 0.0
        return used + self.answer_cpu > self.spec.limits.cpu_seconds

    def guard(self) -> wire.Guard:
        """The hash guard of the answer just read."""
        return wire.Guard(self.big_ints)

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        started, self.started = self.started, None
        if proc is None:
            if started is not None:
                started.stop()
            return
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            proc.kill()
        except ProcessLookupError:
            pass
        for stream in (proc.stdin, proc.stdout):
            try:
                if stream is not None:
                    stream.close()
            except OSError:
                pass
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        if started is not None:
            started.stop()  # the whole control group, and every process of the worker's user
        if self.spec.level != "bwrap":
            sandbox.kill_strays(self.spec.token)

    def pending(self) -> bool:
        """Whether the worker wrote something nobody asked for."""
        if self.buffer:
            return True
        assert self.proc is not None and self.proc.stdout is not None
        ready, _, _ = select.select([self.proc.stdout], [], [], 0)
        return bool(ready)

    def _send(self, data: bytes, deadline: float) -> None:
        assert self.proc is not None and self.proc.stdin is not None
        fd = self.proc.stdin.fileno()
        view = memoryview(data)
        while view:
            try:  # most requests fit the pipe: write at once, wait only when it is full
                view = view[os.write(fd, view) :]
                continue
            except BlockingIOError:
                pass
            except BrokenPipeError:
                raise EOFError from None
            left = deadline - time.monotonic()
            if left <= 0:
                raise CallTimeout(TIMEOUT_TEXT)
            select.select([], [fd], [], left)

    def _receive(self, deadline: float) -> bytes:
        assert self.proc is not None and self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        while b"\n" not in self.buffer:
            if len(self.buffer) > MAX_ANSWER:
                raise wire.WireError("an answer over the size cap")
            left = deadline - time.monotonic()
            if left <= 0:
                raise CallTimeout(TIMEOUT_TEXT)
            ready, _, _ = select.select([fd], [], [], left)
            if not ready:
                continue
            try:
                chunk = os.read(fd, 1 << 20)
            except BlockingIOError:
                continue
            if not chunk:
                raise EOFError
            self.buffer += chunk
        line, _, self.buffer = self.buffer.partition(b"\n")
        return line

    def request(self, message: dict[str, Any], timeout: float) -> dict[str, Any]:
        """Send one request and return its answer. Any failure stops the worker."""
        self.next_id += 1
        rid = self.next_id
        deadline = time.monotonic() + timeout
        done = False
        began = time.perf_counter()
        try:
            data = wire.dumps({"id": rid, **message})
            self._send(data, deadline)
            line = self._receive(deadline)
            cpu = time.thread_time()
            try:  # the answer's values are counted on the raw line before it is parsed
                self.big_ints = _BIG_INT.search(line) is not None
                answer = wire.loads(line, wire.MAX_ITEMS)
            finally:
                self.answer_cpu += time.thread_time() - cpu
            if answer.get("id") != rid:
                raise wire.WireError("an answer to another request")
            done = True
            self.stats.count(message, time.perf_counter() - began, data, line)
            return answer
        except EOFError:
            code = self.proc.wait(timeout=5) if self.proc is not None else None
            how = f"killed by signal {-code}" if code is not None and code < 0 else f"exit {code}"
            raise WorkerError(f"the lesson code ended the worker process ({how})") from None
        except wire.WireError as exc:
            raise WorkerError(f"the worker answered garbage ({exc})") from None
        finally:
            if not done:
                self.stop()


class Stats:
    """Counters of one harness's traffic with its workers: what `--hexahype-profile` reports."""

    def __init__(self) -> None:
        self.starts = 0
        self.ready_s = 0.0  # from starting a worker to its first answer, summed
        self.requests: dict[str, int] = {}
        self.request_s: dict[str, float] = {}
        self.bytes_out = 0
        self.bytes_in = 0
        self.encode_s = 0.0
        self.decode_s = 0.0
        self.by_name: dict[str, list[float]] = {}  # name -> [requests, seconds, bytes sent]

    def count(self, message: dict[str, Any], seconds: float, sent: bytes, got: bytes) -> None:
        op = str(message.get("op"))
        self.requests[op] = self.requests.get(op, 0) + 1
        self.request_s[op] = self.request_s.get(op, 0.0) + seconds
        self.bytes_out += len(sent)
        self.bytes_in += len(got)
        mine = self.by_name.setdefault(str(message.get("name", op))[:80], [0, 0.0, 0])
        mine[0] += 1
        mine[1] += seconds
        mine[2] += len(sent)

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in vars(self).items()}


class Client:
    """The harness's connection to the worker of one submission, restarted when needed."""

    def __init__(self, spec: sandbox.Spec, call_timeout: float) -> None:
        self.spec = spec
        self.call_timeout = call_timeout
        self.worker = Worker(spec)
        self.loaded: dict[str, dict[str, Any]] = {}  # module -> its listing, this generation
        self.load_errors: dict[str, str] = {}
        self.sent = wire.Sent()
        self.encodings: dict[int, Any] = {}
        self.current: Lesson | None = None  # the lesson of the call being decoded
        self.ready = False  # the current worker answered its first ping
        self.deaths: dict[str, int] = {}  # lesson module -> workers its calls ended
        if spec.level != "bwrap":
            sandbox.prepare_process_scratch(spec)
        atexit.register(self.close)

    def close(self) -> None:
        self.worker.stop()

    def warm_up(self) -> None:
        """Start the worker now, so that it boots while pytest collects the tests."""
        if not self.worker.alive():
            self._restart()

    def _restart(self) -> None:
        self.worker.start()
        self.loaded.clear()
        self.sent.clear()
        self.ready = False

    def _ensure(self) -> None:
        if not self.worker.alive() or (self.ready and self.worker.pending()):
            self._restart()
        if not self.ready:
            self.worker.request({"op": "ping"}, STARTUP_TIMEOUT)
            self.worker.stats.ready_s += time.perf_counter() - self.worker.started_at
            self.ready = True

    def profile(self) -> dict[str, Any]:
        """This harness's traffic and, from a live worker, its own counters."""
        out: dict[str, Any] = {"harness": self.worker.stats.as_dict()}
        if self.worker.alive() and self.ready:
            try:
                answer = self.worker.request({"op": "stats"}, 5.0).get("ok")
                got = wire.decode(answer, guard=self.worker.guard())
            except (WorkerError, wire.WireError, RecursionError):
                return out
            if type(got) is dict:
                out["worker"] = {str(k): v for k, v in got.items() if type(v) in (int, float)}
        return out

    def load(self, lesson: Lesson) -> dict[str, Any]:
        """Import the lesson's module in the worker; LessonLoadError when it cannot."""
        if lesson.module in self.load_errors:
            raise LessonLoadError(self.load_errors[lesson.module])
        self._ensure()
        if lesson.module in self.loaded:
            return self.loaded[lesson.module]
        shown = f"exercises/{lesson.package}/{lesson.name}.py"
        if not (self.spec.impl / lesson.package / f"{lesson.name}.py").is_file():
            self.load_errors[lesson.module] = f"lesson {lesson.id}: {shown} is missing"
            raise LessonLoadError(self.load_errors[lesson.module])
        message = {"op": "load", "module": lesson.module, "file": shown, "lesson": lesson.id}
        try:
            answer = self.worker.request(message, self.call_timeout)
        except CallTimeout:
            problem = f"importing {shown} did not finish within {self.call_timeout:g}s"
            self.load_errors[lesson.module] = f"lesson {lesson.id}: {problem}"
        except WorkerError as exc:
            self.load_errors[lesson.module] = f"lesson {lesson.id}: importing {shown}: {exc}"
        else:
            if "load_error" in answer:
                self.load_errors[lesson.module] = untrusted.text(answer["load_error"])
            elif _listing_ok(answer.get("ok")):
                listing: dict[str, Any] = answer["ok"]
                self.loaded[lesson.module] = listing
                return listing
            else:
                self.load_errors[lesson.module] = f"lesson {lesson.id}: a bad module listing"
        raise LessonLoadError(self.load_errors[lesson.module])

    # -- values -------------------------------------------------------------------------------
    def _special(self, value: Any) -> dict[str, Any] | None:
        if isinstance(value, RemoteObject):
            value._check()
            return {"h": value._hid}
        if type(value).__name__ == "Encoding" and type(value).__module__.startswith("tiktoken"):
            return {"e": self._encoding_ref(value)}
        return None

    def _encoding_ref(self, enc: Any) -> Any:
        if id(enc) in self.encodings:
            return self.encodings[id(enc)][1]
        from grader import assets

        ref: Any = None
        kinds = {"cl100k_base": assets.cl100k, "hexahype_kit_bpe": assets.kit_bpe_encoding}
        known = kinds.get(enc.name)  # by name first: never build a tokenizer to compare
        if known is not None and _same_encoding(enc, known()):
            ref = "kit_bpe" if enc.name == "hexahype_kit_bpe" else enc.name
        if ref is None:
            ranks = [[wire.encode(k), v] for k, v in enc._mergeable_ranks.items()]
            spec = {
                "name": enc.name,
                "pat_str": enc._pat_str,
                "ranks": ranks,
                "special": sorted(enc._special_tokens.items()),
            }
            spec["key"] = str(hash(json.dumps(spec, sort_keys=True)))
            ref = spec
        self.encodings[id(enc)] = (enc, ref)  # keep enc alive so its id stays unique
        return ref

    def _name_known_values(self) -> None:
        """The ranks of cl100k (`assets.cl100k_ranks()`, once a test has built them) cross by
        name: every worker has cl100k and copies its own ranks, instead of receiving 100,000
        entries and decoding them."""
        from grader import assets

        if assets.cl100k_ranks.cache_info().currsize and not self.sent.names:
            self.sent.name(assets.cl100k_ranks(), "cl100k_ranks")

    def _decode_special(self, tag: str, payload: Any) -> Any:
        if tag != "h" or type(payload) is not dict:
            raise wire.WireError("an unexpected tag from the worker")
        hid, cls, methods = payload.get("id"), payload.get("c"), payload.get("m")
        if type(hid) is not int or type(cls) is not str or type(methods) is not list:
            raise wire.WireError("a bad handle")
        if not all(type(m) is str and m.replace("_", "a").isalnum() for m in methods):
            raise wire.WireError("a bad handle")
        lesson = self.current
        name = untrusted.name(cls, 80)
        return RemoteObject(self, lesson, hid, name, frozenset(methods), self.worker.generation)

    # -- calls ----------------------------------------------------------------------------------
    def call(self, lesson: Lesson, message: dict[str, Any], what: str) -> Any:
        if self.deaths.get(lesson.module, 0) >= MAX_DEATHS:
            raise WorkerError(
                f"{what} not run: this lesson's code ended the worker {MAX_DEATHS} times"
            )
        self.load(lesson)
        encoded = dict(message)
        stats = self.worker.stats
        self._name_known_values()
        if message["op"] != "getattr":
            args, kwargs = message["args"], message["kwargs"]
            began = time.perf_counter()
            try:
                encoded["args"] = wire.encode(list(args), self._special, self.sent)
                encoded["kwargs"] = wire.encode(dict(kwargs), self._special, self.sent)
            except wire.WireError as exc:
                raise TypeError(
                    f"{what}: an argument cannot be sent to the worker: {exc}"
                ) from None
            stats.encode_s += time.perf_counter() - began
        ends = time.monotonic() + self.call_timeout
        try:
            answer = self.worker.request(encoded, self.call_timeout)
        except CallTimeout:
            raise CallTimeout(
                f"{what} {TIMEOUT_TEXT}: no answer within {self.call_timeout:g}s "
                "(the worker was stopped)"
            ) from None
        except WorkerError as exc:
            self.deaths[lesson.module] = self.deaths.get(lesson.module, 0) + 1
            raise WorkerError(f"{what} failed: {exc}") from None
        self._within_budget(lesson, what, None)
        if "ok" in answer:
            self.current = lesson
            began, cpu = time.perf_counter(), time.thread_time()
            try:
                got = wire.decode(answer["ok"], self._decode_special, guard=self.worker.guard())
            except (wire.WireError, RecursionError) as exc:
                self.worker.stop()  # and counts as a worker this lesson's code ended
                self.deaths[lesson.module] = self.deaths.get(lesson.module, 0) + 1
                raise WorkerError(
                    f"lesson {lesson.id}: {what} failed: the worker answered garbage ({exc})"
                ) from None
            finally:
                stats.decode_s += time.perf_counter() - began
                self.worker.answer_cpu += time.thread_time() - cpu
            self._within_budget(lesson, what, ends)
            return got
        if "bad" in answer:
            raise AnswerError(f"{untrusted.text(answer['bad'], 500)}; answers must be plain data")
        if "err" in answer and type(answer["err"]) is dict:
            if answer["err"].get("type") == "MemoryError":
                # the worker reached its memory cap: a fresh one next, and it counts as one of
                # the few workers a lesson may end (a memory bomb costs seconds a call)
                self.worker.stop()
                self.deaths[lesson.module] = self.deaths.get(lesson.module, 0) + 1
            call = None
            if message["op"] == "call":
                call = (str(message["name"]), tuple(message["args"]), dict(message["kwargs"]))
            raise _rebuild(answer["err"], what, call)
        self.worker.stop()
        raise WorkerError(f"{what} failed: the worker answered garbage")

    def _within_budget(self, lesson: Lesson, what: str, ends: float | None) -> None:
        """The call's CPU (the worker's, with the harness's reading its answers) and wall time
        (`ends`: the call timeout, reading the answer included) are within their caps."""
        if self.worker.over_cpu():
            self.worker.stop()
            raise WorkerError(
                f"{what} failed: the lesson code used more than its "
                f"{self.spec.limits.cpu_seconds}s of CPU time (all its processes together, "
                "and the grader's time reading its answers)"
            )
        if ends is not None and time.monotonic() > ends:
            self.worker.stop()
            raise CallTimeout(
                f"lesson {lesson.id}: {what} {TIMEOUT_TEXT}: no answer within "
                f"{self.call_timeout:g}s (reading its answer included)"
            )


def _listing_ok(listing: Any) -> bool:
    return (
        type(listing) is dict
        and type(listing.get("functions")) is list
        and type(listing.get("classes")) is dict
        and type(listing.get("values")) is dict
        and all(type(n) is str and n.isidentifier() for n in listing["functions"])
        and all(type(n) is str and n.isidentifier() for n in listing["classes"])
    )


def _same_encoding(a: Any, b: Any) -> bool:
    if a is b:
        return True
    return bool(
        a._pat_str == b._pat_str
        and a._special_tokens == b._special_tokens
        and a._mergeable_ranks == b._mergeable_ranks
    )


_WHERE_FILE = re.compile(r"exercises/[A-Za-z0-9_]+(?:/[A-Za-z0-9_]+)*\.py")


def where_text(where: Any) -> str:
    """`exercises/ch1_tokens/l03_bpe.py, line 12: <code>`, from the worker's report of the
    learner's line that raised; '' when the report is not plain and well formed (the worker
    runs the learner's code: every part is checked and sanitised here)."""
    if type(where) is not dict:
        return ""
    file, line, code = where.get("file"), where.get("line"), where.get("code")
    if type(file) is not str or not _WHERE_FILE.fullmatch(file) or len(file) > 200:
        return ""
    if type(line) is not int or not 0 < line < 10_000_000:
        return ""
    text = untrusted.text(code, 120).replace("`", "'") if type(code) is str else ""
    return f"{file}, line {line}" + (f": `{text}`" if text else "")


def edge_of(where: Any) -> tuple[str, int] | None:
    """The worker's `edge` (grader.boundary.explain): one of four operators, or `[]`, and a
    whole number, or None; anything else from the worker is dropped."""
    edge = where.get("edge") if type(where) is dict else None
    if type(edge) is not list or len(edge) != 2:
        return None
    op, value = edge
    if type(op) is not str or type(value) is not int or abs(value) > 10**12:
        return None
    fixed = ("<", ">", "<=", ">=", "[]", "{}", "{0}")
    if op not in fixed and not _KEY_TYPES.fullmatch(op) and not _ARGUMENT.fullmatch(op):
        return None
    return op, value


_NAMES = "|".join(boundary.KEY_TYPES)
_KEY_TYPES = re.compile(rf"\{{({_NAMES}):({_NAMES})\}}")
_ARGUMENT = re.compile(r"\[>[A-Za-z_][A-Za-z0-9_]{0,30}\]")  # an identifier: inert text


def _rebuild(
    err: dict[str, Any], what: str, call: tuple[str, tuple[Any, ...], dict[str, Any]] | None = None
) -> BaseException:
    """The student's exception, rebuilt from data: its message, name and string arguments
    pass the sanitiser here, where the harness receives them. It carries, for the failure
    message, the call that raised (`call`: the function's name and the test's arguments) and
    the learner's line (`where_text`), as `hexahype_call` and `hexahype_where`."""
    exc = _rebuilt(err, what)
    exc.hexahype_where = where_text(err.get("where"))  # type: ignore[attr-defined]
    exc.hexahype_edge = edge_of(err.get("where"))  # type: ignore[attr-defined]
    exc.hexahype_call = call  # type: ignore[attr-defined]
    return exc


def _rebuilt(err: dict[str, Any], what: str) -> BaseException:
    kind = RAISED.get(str(err.get("type")))
    message = untrusted.text(err.get("message", ""))
    name = untrusted.name(err.get("name", "Exception"), 80)
    if kind is None:
        return WorkerError(f"{what} raised {name}: {message}")
    args = err.get("args")
    if type(args) is list and all(type(a) in (str, int, float) for a in args):
        args = [untrusted.text(a) if type(a) is str else a for a in args]
        try:
            return cast(BaseException, kind(*args))
        except Exception:  # noqa: BLE001 - e.g. UnicodeError wants other arguments
            pass
    return cast(BaseException, kind(message))


class RemoteFunction:
    """A function of the lesson module, run in the worker."""

    def __init__(self, client: Client, lesson: Lesson, name: str) -> None:
        self._client, self._lesson = client, lesson
        self.__name__ = self.__qualname__ = name

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        message = {"op": "call", "module": self._lesson.module, "name": self.__name__}
        return self._client.call(
            self._lesson, {**message, "args": args, "kwargs": kwargs}, f"{self.__name__}(...)"
        )

    def __repr__(self) -> str:
        return f"<function {self.__name__} (in the grading worker)>"


class RemoteObject:
    """An object that lives in the worker (a `KVCache`), driven through calls."""

    def __init__(
        self,
        client: Client,
        lesson: Lesson | None,
        hid: int,
        cls: str,
        methods: frozenset[str],
        generation: int,
    ) -> None:
        self._client, self._lesson, self._hid, self._cls = client, lesson, hid, cls
        self._methods, self._generation = methods, generation

    def _check(self) -> None:
        if self._generation != self._client.worker.generation or not self._client.worker.alive():
            raise WorkerError(f"this {self._cls} was lost when the worker stopped")

    def _invoke(self, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        self._check()
        message = {"op": "method", "handle": self._hid, "name": name, "args": args}
        lesson = self._owner()
        return self._client.call(lesson, {**message, "kwargs": kwargs}, f"{self._cls}.{name}(...)")

    def _owner(self) -> Lesson:
        if self._lesson is None:
            raise WorkerError(f"this {self._cls} belongs to no lesson")
        return self._lesson

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        if name in self._methods:

            def method(*args: Any, **kwargs: Any) -> Any:
                return self._invoke(name, args, kwargs)

            method.__name__ = name
            return method
        self._check()
        message = {"op": "getattr", "handle": self._hid, "name": name}
        return self._client.call(self._owner(), message, f"{self._cls}.{name}")

    def __len__(self) -> int:
        if "__len__" not in self._methods:
            raise TypeError(f"object of type '{self._cls}' has no len()")
        got = self._invoke("__len__", (), {})
        if type(got) is not int or got < 0:
            raise AnswerError(f"len() of a {self._cls} returned {type(got).__name__}, not an int")
        return got

    def __repr__(self) -> str:
        return f"<{self._cls} (in the grading worker)>"


class RemoteClass:
    """A class of the lesson module: calling it creates a `RemoteObject`."""

    def __init__(self, client: Client, lesson: Lesson, name: str) -> None:
        self._client, self._lesson = client, lesson
        self.__name__ = self.__qualname__ = name

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        message = {"op": "call", "module": self._lesson.module, "name": self.__name__}
        got = self._client.call(
            self._lesson, {**message, "args": args, "kwargs": kwargs}, f"{self.__name__}(...)"
        )
        if not isinstance(got, RemoteObject):
            raise AnswerError(f"{self.__name__}(...) did not create a {self.__name__}")
        return got


class ModuleProxy:
    """What a test receives as the lesson's module in grading mode."""

    def __init__(self, client: Client, lesson: Lesson) -> None:
        self._client, self._lesson = client, lesson
        self.__name__ = lesson.name

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        listing = self._client.load(self._lesson)
        if name in listing["functions"]:
            return RemoteFunction(self._client, self._lesson, name)
        if name in listing["classes"]:
            return RemoteClass(self._client, self._lesson, name)
        if name in listing["values"]:
            try:
                return wire.decode(listing["values"][name], guard=wire.Guard())
            except (wire.WireError, RecursionError):
                raise AttributeError(name) from None
        raise AttributeError(f"module '{self._lesson.name}' has no attribute '{name}'")

    def __repr__(self) -> str:
        return f"<module {self._lesson.name} (in the grading worker)>"


# -- the harness's entry point ------------------------------------------------------------------
_CLIENT: Client | None = None


def client_from(config_path: Path) -> Client:
    """The Client described by the grader's worker config (JSON), made once per harness."""
    global _CLIENT
    if _CLIENT is None:
        cfg = json.loads(config_path.read_text(encoding="utf-8"))
        spec = sandbox.Spec(
            level=str(cfg["level"]),
            impl=Path(cfg["impl"]),
            scratch=Path(cfg["scratch"]),
            limits=sandbox.Limits(**cfg["limits"]),
            token=str(cfg["token"]),
            preload=tuple(str(n) for n in cfg.get("preload", [])),
            caps=str(cfg.get("caps") or "per-process"),
        )
        _CLIENT = Client(spec, float(cfg["call_timeout"]))
    return _CLIENT


def module(config_path: Path, lesson: Lesson) -> ModuleProxy:
    client = client_from(config_path)
    client.load(lesson)
    return ModuleProxy(client, lesson)
