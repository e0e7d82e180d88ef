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
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from .. import manifest

TIMED_OUT = pytest.StashKey[dict[str, str]]()
COURSE = pytest.StashKey["manifest.Course | None"]()
TIMEOUT_MARKS = ("from pytest-timeout", "timed out: no answer within")


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


@pytest.hookimpl(optionalhook=True)
def pytest_hexahype_load_module(config: pytest.Config, lesson: manifest.Lesson) -> Any:
    """The kit plugin's loader seam: in grading mode, lessons (not quizzes) are proxies."""
    worker = config.getoption("hexahype_worker", None)
    if not worker or lesson.is_quiz:
        return None
    from . import proxy

    return proxy.module(Path(worker), lesson)


def pytest_collection_finish(session: pytest.Session) -> None:
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
    if call.excinfo is None or not timed_out(str(call.excinfo.value)):
        return
    lesson = _lesson_id(item)
    if lesson is not None:
        item.config.stash.setdefault(TIMED_OUT, {}).setdefault(lesson, item.name)
