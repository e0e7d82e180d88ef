"""The worker: the only process that imports student code, inside the sandbox.

Started by `grader.grading.sandbox` as `python -I -B -c BOOTSTRAP IMPL_DIR`. It keeps the
protocol on two private file descriptors and points 0, 1 and 2 at /dev/null, so what student
code prints goes nowhere. Each request (one JSON line, `grader.grading.wire`) loads a lesson
module, calls a function, or drives an object the worker holds for the harness (a handle).
Answers are plain data; an exception becomes its built-in type's name and arguments.

This module imports only the standard library, numpy and `wire` at load time; tokenizers come
from `grader.assets` when a request names one.
"""

from __future__ import annotations

import os
import sys
import time
import traceback
import types
from pathlib import Path
from typing import Any

from . import wire

PACKAGE = "exercises"
MAX_REQUEST = 512 * 1024 * 1024
MESSAGE_CAP = 2000
CACHE_LIMIT = 256 * 1024 * 1024
EXCEPTIONS = wire.EXCEPTIONS
# seconds spent (and how many calls) in each part of the work, for `{"op": "stats"}`
STATS = ("boot_s", "tokenizer_s", "load_s", "calls", "call_s", "decode_s", "copy_s", "encode_s")


class Worker:
    def __init__(self, impl: Path) -> None:
        self.impl = impl
        self.modules: dict[str, types.ModuleType] = {}
        self.handles: dict[int, Any] = {}
        self.encodings: dict[str, Any] = {}
        self.arrays: dict[str, Any] = {}
        self.stats: dict[str, float] = dict.fromkeys(STATS, 0.0)
        pkg = types.ModuleType(PACKAGE)
        pkg.__path__ = [str(impl)]
        sys.modules[PACKAGE] = pkg

    # -- values -------------------------------------------------------------------------------
    def _student_class(self, value: Any) -> bool:
        cls = type(value)
        module = sys.modules.get(getattr(cls, "__module__", "") or "")
        return (
            module is not None
            and module.__name__.startswith(PACKAGE + ".")
            and getattr(module, cls.__name__, None) is cls
        )

    def _other(self, value: Any) -> dict[str, Any] | None:
        if self._student_class(value):
            hid = len(self.handles) + 1
            self.handles[hid] = value
            return {"h": {"id": hid, "c": type(value).__name__, "m": _methods(type(value))}}
        return None

    def _resolve(self, tag: str, payload: Any) -> Any:
        if tag == "h":
            if type(payload) is not int or payload not in self.handles:
                raise wire.WireError("an unknown handle")
            return self.handles[payload]
        if tag == "n":
            if payload != "cl100k_ranks":
                raise wire.WireError("an unknown named value")
            began = time.perf_counter()
            ranks = dict(self._encoding("cl100k_base")._mergeable_ranks)  # a copy of its own
            self.stats["copy_s"] += time.perf_counter() - began
            return ranks
        return self._encoding(payload)

    def _encoding(self, spec: Any) -> Any:
        key = repr(spec)[:200] if not isinstance(spec, dict) else str(spec.get("key", ""))
        if key in self.encodings:
            return self.encodings[key]
        from grader import assets

        began = time.perf_counter()
        if spec == "cl100k_base":
            enc = assets.cl100k()
        elif spec == "kit_bpe":
            enc = assets.kit_bpe_encoding()
        elif isinstance(spec, dict):
            import tiktoken

            ranks = {wire.decode(r[0]): r[1] for r in spec["ranks"]}
            special = {s[0]: s[1] for s in spec["special"]}
            enc = tiktoken.Encoding(
                name=str(spec["name"]),
                pat_str=str(spec["pat_str"]),
                mergeable_ranks=ranks,
                special_tokens=special,
            )
        else:
            raise wire.WireError("an unknown tokenizer")
        self.encodings[key] = enc
        self.stats["tokenizer_s"] += time.perf_counter() - began
        return enc

    def _args(self, request: dict[str, Any]) -> tuple[list[Any], dict[str, Any]]:
        if sum(getattr(a, "nbytes", 64 * len(a)) for a in self.arrays.values()) > CACHE_LIMIT:
            self.arrays.clear()
        args = wire.decode(request.get("args", []), self._resolve, self.arrays)
        kwargs = wire.decode(request.get("kwargs", {"d": []}), self._resolve, self.arrays)
        if type(args) is not list or type(kwargs) is not dict:
            raise wire.WireError("bad arguments")
        return args, kwargs

    # -- requests -----------------------------------------------------------------------------
    def load(self, request: dict[str, Any]) -> dict[str, Any]:
        module = str(request["module"])
        shown = str(request.get("file", module))
        lesson = str(request.get("lesson", "?"))
        if module not in self.modules:
            began = time.perf_counter()
            try:
                self.modules[module] = _import(f"{PACKAGE}.{module}")
            except SyntaxError as exc:
                where = f"{shown}, line {exc.lineno}" if exc.lineno else shown
                return {"load_error": f"lesson {lesson}: {where} has a syntax error: {exc.msg}"}
            except BaseException as exc:  # noqa: BLE001 - any import failure is the learner's
                line = ""
                for frame in traceback.extract_tb(exc.__traceback__):
                    if Path(frame.filename).name == Path(shown).name:
                        line = f", line {frame.lineno}"
                text = _text(exc)
                return {
                    "load_error": f"lesson {lesson}: importing {shown}{line} raised "
                    f"{type(exc).__name__}: {text}"
                }
            finally:
                self.stats["load_s"] += time.perf_counter() - began
        mod = self.modules[module]
        functions: list[str] = []
        classes: dict[str, list[str]] = {}
        values: dict[str, Any] = {}
        for name, value in list(vars(mod).items()):
            if name.startswith("_") or isinstance(value, types.ModuleType):
                continue
            if isinstance(value, type):
                classes[name] = _methods(value)
            elif callable(value):
                functions.append(name)
            else:
                try:
                    values[name] = wire.encode(value)
                except (wire.WireError, RecursionError):
                    continue
        return {"ok": {"functions": functions, "classes": classes, "values": values}}

    def call(self, request: dict[str, Any]) -> dict[str, Any]:
        op = request["op"]
        name = str(request["name"])
        if op == "method" or op == "getattr":
            target = self._resolve("h", request["handle"])
        else:
            target = self.modules[str(request["module"])]
        stats = self.stats
        began = time.perf_counter()
        args, kwargs = self._args(request) if op != "getattr" else ([], {})
        called = time.perf_counter()
        stats["decode_s"] += called - began
        stats["calls"] += 1
        try:
            value = getattr(target, name)
            result = value(*args, **kwargs) if op != "getattr" else value
            returned = time.perf_counter()
            stats["call_s"] += returned - called
            encoded = wire.encode(result, self._other)
            stats["encode_s"] += time.perf_counter() - returned
            return {"ok": encoded}
        except wire.WireError as exc:
            return {"bad": f"{name} returned {exc}"}
        except BaseException as exc:  # noqa: BLE001 - SystemExit and friends are answers too
            return {"err": _exception(exc, self.impl)}

    def handle(self, request: dict[str, Any]) -> dict[str, Any]:
        op = request.get("op")
        if op == "ping":
            return {"ok": None}
        if op == "stats":
            return {"ok": wire.encode(dict(self.stats))}
        if op == "load":
            return self.load(request)
        if op in ("call", "method", "getattr"):
            return self.call(request)
        raise wire.WireError(f"unknown op {op!r}")


def _import(name: str) -> types.ModuleType:
    import importlib

    return importlib.import_module(name)


def _methods(cls: type) -> list[str]:
    out = []
    for name in dir(cls):
        if name.startswith("_") and name not in ("__len__", "__getitem__", "__iter__"):
            continue
        try:
            if callable(getattr(cls, name)):
                out.append(name)
        except Exception:  # noqa: BLE001 - a hostile descriptor is simply left out
            continue
    return out


def _text(exc: BaseException) -> str:
    try:
        text = str(exc)
    except BaseException:  # noqa: BLE001
        text = "(an exception whose message cannot be shown)"
    return text if len(text) <= MESSAGE_CAP else text[: MESSAGE_CAP - 3] + "..."


def _where(exc: BaseException, impl: Path) -> dict[str, Any] | None:
    """The innermost line of the learner's code in the traceback: its file (as the learner
    knows it, `exercises/...`), line number and text."""
    import linecache

    found = None
    roots = {str(impl) + os.sep, str(impl.resolve()) + os.sep}
    tb = exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        root = next((r for r in roots if filename.startswith(r)), None)
        if root is not None:
            found = (filename, tb.tb_lineno, root, tb.tb_frame)
        tb = tb.tb_next
    if found is None:
        return None
    filename, line, root, frame = found
    rel = Path(filename[len(root) :]).as_posix()
    code = linecache.getline(filename, line).strip()
    where: dict[str, Any] = {"file": f"{PACKAGE}/{rel}", "line": line, "code": code[:200]}
    try:
        from .. import boundary

        # the learner's own check decided at its edge, or an index one past the end
        kind = "IndexError" if isinstance(exc, IndexError) else type(exc).__name__
        key = exc.args[0] if isinstance(exc, KeyError) and len(exc.args) == 1 else None
        edge = boundary.explain(frame, line, kind, key, str(exc)[:300])
    except Exception:  # noqa: BLE001 - only left out
        edge = None
    if edge is not None:
        where["edge"] = list(edge)
    return where


def _exception(exc: BaseException, impl: Path | None = None) -> dict[str, Any]:
    kind = "Exception"
    for base in type(exc).__mro__:
        if base.__name__ in EXCEPTIONS and base.__module__ == "builtins":
            kind = base.__name__
            break
    args: Any = None
    try:
        if all(type(a) in (str, int, float) for a in exc.args) and len(exc.args) <= 4:
            args = [a if type(a) is not str else a[:MESSAGE_CAP] for a in exc.args]
    except BaseException:  # noqa: BLE001
        args = None
    where = None
    if impl is not None:
        try:
            where = _where(exc, impl)
        except Exception:  # noqa: BLE001 - a line it cannot read is only left out
            where = None
    return {
        "type": kind,
        "name": type(exc).__name__[:80],
        "args": args,
        "message": _text(exc),
        "where": where,
    }


def _read_line(stream: Any) -> bytes:
    line = stream.readline(MAX_REQUEST)
    if not line:
        raise EOFError
    return bytes(line)


def main(argv: list[str]) -> None:
    began = time.perf_counter()
    proto_in = os.fdopen(os.dup(0), "rb", buffering=1 << 16)
    out_fd = os.dup(1)
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    worker = Worker(Path(argv[0]))
    for name in argv[1:]:  # tokenizers the tests will send: built while pytest collects
        if name in ("cl100k_base", "kit_bpe"):
            try:
                worker._encoding(name)
            except Exception:  # noqa: BLE001 - built again (and failing visibly) when asked
                pass
    worker.stats["boot_s"] = time.perf_counter() - began
    while True:
        try:
            line = _read_line(proto_in)
        except EOFError:
            os._exit(0)
        try:
            request = wire.loads(line)
            rid = request.get("id")
            answer = worker.handle(request)
        except (wire.WireError, KeyError, TypeError, RecursionError) as exc:
            answer, rid = {"bad": f"a request the worker cannot read: {exc}"}, None
        try:
            data = wire.dumps({"id": rid, **answer})
        except (ValueError, RecursionError) as exc:
            data = wire.dumps({"id": rid, "bad": f"an answer that is not JSON: {exc}"})
        view = memoryview(data)
        while view:
            view = view[os.write(out_fd, view) :]
