"""The visible test of every chapter quiz: one parametrized test, one case (and one point) per
question. Each quiz's test file only imports it:

    # tests/ch1_tokens/test_q10_quiz.py
    from grader.quizcheck import test_question  # noqa: F401

pytest collects the imported test in that file, so the plugin still maps the file to its quiz by
its path (`Course.for_test_file`), and the quiz under test is found the same way: from the test
file's path, never from a quiz id written into the file. A quiz can therefore move (1.10 -> 1.11)
without touching its tests. The same source runs in an nbgrader quiz notebook, whose test cell
gets the `course` and `quizN` fixtures from the notebook runtime.
"""

from __future__ import annotations

from typing import Any

import pytest

from .quizbank import QUESTION_IDS, check_answer


@pytest.mark.parametrize("question", QUESTION_IDS)
def test_question(question: str, course: Any, request: pytest.FixtureRequest) -> None:
    """The answer recorded for this question is the right one."""
    entry = course.for_test_file(request.path)
    if entry is None or not entry.is_quiz:
        raise LookupError(f"{request.path.name} does not belong to a quiz in course.toml")
    check_answer(course, entry.id, request.getfixturevalue(entry.fixture), question)
