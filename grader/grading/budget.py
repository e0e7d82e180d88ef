"""A pytest plugin for grading runs (`-p grader.grading.budget`).

- Once a test of a lesson has timed out (pytest-timeout, or a worker call that did not answer
  in time), the lesson's remaining tests are skipped, so a hanging lesson costs one timeout, not
  one per test. Other lessons run as usual.
- In grading mode the worker is started as the session starts, so that it boots while the
  tests are collected.
- `--hexahype-worker CONFIG` is grading mode: through the kit plugin's loader hook, tests get
  proxies whose calls run in the sandboxed worker.
- `--hexahype-collected PATH` writes the collected test ids as a JSON list: the grader's list of
  expected tests, from which scores are computed.
- `--hexahype-bytecode FOLDER` keeps the test modules as pytest's assertion rewriting compiles
  them in FOLDER, and reads them from there (the grader's private folder, one per batch): a
  batch rewrites each test module once, not once per submission.
- `--hexahype-profile PATH` writes where this run's time went (JSON): when the process started,
  pytest was configured, collection ended, the tests ran; the time of each test phase; the
  worker traffic and the worker's own counters (`benchmarks/grade_profile.py` reads it).
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import marshal
import os
import time
from pathlib import Path
from typing import Any

import pytest

from .. import manifest

TIMED_OUT = pytest.StashKey[dict[str, str]]()
COURSE = pytest.StashKey["manifest.Course | None"]()
TIMEOUT_MARKS = ("from pytest-timeout", "timed out: no answer within")
PROFILE = pytest.StashKey[dict[str, Any]]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("hexahype")
    group.addoption(
        "--hexahype-collected",
        default=None,
        metavar="PATH",
        help="write the ids of the collected tests to PATH (JSON)",
    )
    group.addoption(
        "--hexahype-worker",
        default=None,
        metavar="CONFIG",
        help="grading mode: run lesson code in a sandboxed worker process described by CONFIG "
        "(written by `hexahype grade`); tests get proxies, never the modules themselves",
    )
    group.addoption(
        "--hexahype-bytecode",
        default=None,
        metavar="FOLDER",
        help="keep and read the rewritten test modules' bytecode in FOLDER",
    )
    group.addoption(
        "--hexahype-profile",
        default=None,
        metavar="PATH",
        help="write where the time of this run went to PATH (JSON)",
    )


def _process_started() -> float | None:
    """When this process started (wall clock), from /proc and the boot-time clock (10 ms
    steps); None elsewhere."""
    try:
        stat = Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()
        age = time.clock_gettime(time.CLOCK_BOOTTIME) - int(stat[19]) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, AttributeError):
        return None
    return time.time() - age


def keep_rewritten_tests(folder: Path) -> bool:
    """Make pytest's assertion rewriting read the test modules' bytecode from `folder`, and
    write it there when it compiles one. pytest reads its own cache even where it may not write
    (PYTHONDONTWRITEBYTECODE, as in the harness), and checks the source's hash as it reads; this
    moves that cache to `folder` and writes it. It relies on two functions of pytest's
    `_pytest.assertion.rewrite`; without them nothing changes (tests are rewritten each run)."""
    try:
        from _pytest.assertion import rewrite

        real = rewrite._rewrite_test
        tail = rewrite.PYC_TAIL
        rewrite.get_cache_dir  # noqa: B018 - present, or nothing is patched
    except (ImportError, AttributeError):
        return False

    def cache_dir(path: Path) -> Path:
        return folder / hashlib.sha256(str(path.parent).encode()).hexdigest()[:20]

    def rewrite_and_keep(fn: Path, config: pytest.Config) -> tuple[bytes, Any]:
        source_hash, code = real(fn, config)
        target = cache_dir(fn) / (fn.name[:-3] + tail)
        try:
            target.parent.mkdir(mode=0o700, exist_ok=True)
            partial = target.with_name(f"{target.name}.{os.getpid()}")
            # pytest's own layout: magic, flags 3 (a checked source hash), the hash, the code
            head = importlib.util.MAGIC_NUMBER + b"\x03\x00\x00\x00" + source_hash[:8]
            partial.write_bytes(head + marshal.dumps(code))
            os.replace(partial, target)
        except OSError:
            pass  # read-only or full: rewritten again next time
        return source_hash, code

    setattr(rewrite, "get_cache_dir", cache_dir)  # noqa: B010 - a patch, on purpose
    setattr(rewrite, "_rewrite_test", rewrite_and_keep)  # noqa: B010
    return True


def pytest_configure(config: pytest.Config) -> None:
    folder = config.getoption("hexahype_bytecode", None)
    if folder and Path(folder).is_dir():
        keep_rewritten_tests(Path(folder))
    if config.getoption("hexahype_profile", None):
        config.stash[PROFILE] = {
            "process_started": _process_started(),
            "configured": time.time(),
            "phases": {"setup": 0.0, "call": 0.0, "teardown": 0.0},
        }


def _mark(config: pytest.Config, key: str, overwrite: bool = True) -> None:
    if PROFILE in config.stash and (overwrite or key not in config.stash[PROFILE]):
        config.stash[PROFILE][key] = time.time()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_protocol(item: pytest.Item) -> None:
    _mark(item.config, "first_test", overwrite=False)


def pytest_sessionfinish(session: pytest.Session) -> None:
    config = session.config
    out = config.getoption("hexahype_profile", None)
    if not out or PROFILE not in config.stash:
        return
    profile = config.stash[PROFILE]
    profile["finished"] = time.time()
    worker = config.getoption("hexahype_worker", None)
    if worker:
        from . import proxy

        profile.update(proxy.client_from(Path(worker)).profile())
    Path(out).write_text(json.dumps(profile), "utf-8")


@pytest.hookimpl(optionalhook=True)
def pytest_hexahype_load_module(config: pytest.Config, lesson: manifest.Lesson) -> Any:
    """The kit plugin's loader seam: in grading mode, lessons (not quizzes) are proxies."""
    worker = config.getoption("hexahype_worker", None)
    if not worker or lesson.is_quiz:
        return None
    from . import proxy

    return proxy.module(Path(worker), lesson)


def pytest_collection_finish(session: pytest.Session) -> None:
    _mark(session.config, "collected")
    out = session.config.getoption("hexahype_collected", None)
    if out:
        Path(out).write_text(json.dumps([item.nodeid for item in session.items]), "utf-8")


def pytest_sessionstart(session: pytest.Session) -> None:
    """Grading mode: start the worker while the tests are collected."""
    config = session.config.getoption("hexahype_worker", None)
    if config:
        from . import proxy

        proxy.client_from(Path(config)).warm_up()


def _lesson_id(item: pytest.Item) -> str | None:
    config = item.config
    if COURSE not in config.stash:
        try:
            config.stash[COURSE] = manifest.load(config.rootpath)
        except manifest.ManifestError:
            config.stash[COURSE] = None
    course = config.stash[COURSE]
    lesson = course.for_test_file(item.path) if course is not None else None
    return lesson.id if lesson is not None else None


def timed_out(text: str) -> bool:
    return any(mark in text for mark in TIMEOUT_MARKS)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    lesson = _lesson_id(item)
    done = item.config.stash.setdefault(TIMED_OUT, {})
    if lesson is not None and lesson in done:
        pytest.skip(f"not run: {done[lesson]} timed out earlier in lesson {lesson}")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    yield
    if PROFILE in item.config.stash:
        phases = item.config.stash[PROFILE]["phases"]
        phases[call.when] = phases.get(call.when, 0.0) + call.duration
    if call.excinfo is None or not timed_out(str(call.excinfo.value)):
        return
    lesson = _lesson_id(item)
    if lesson is not None:
        item.config.stash.setdefault(TIMED_OUT, {}).setdefault(lesson, item.name)
