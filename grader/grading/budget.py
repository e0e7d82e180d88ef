"""A pytest plugin for grading runs (`-p grader.grading.budget`): once a test of a lesson has
timed out, the lesson's remaining tests are skipped, so a hanging lesson costs one timeout, not
one per test. Other lessons run as usual."""

from __future__ import annotations

from typing import Any

import pytest

from ..learner import plugin as hexahype

TIMED_OUT = pytest.StashKey[dict[str, str]]()
TIMEOUT_MARK = "from pytest-timeout"


def _lesson_id(item: pytest.Item) -> str | None:
    session = hexahype.active(item.config)
    lesson = session.lesson_of(item) if session is not None else None
    return lesson.id if lesson is not None else None


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    lesson = _lesson_id(item)
    done = item.config.stash.setdefault(TIMED_OUT, {})
    if lesson is not None and lesson in done:
        pytest.skip(f"not run: {done[lesson]} timed out earlier in lesson {lesson}")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    yield
    if call.excinfo is None or TIMEOUT_MARK not in str(call.excinfo.value):
        return
    lesson = _lesson_id(item)
    if lesson is not None:
        item.config.stash.setdefault(TIMED_OUT, {}).setdefault(lesson, item.name)
