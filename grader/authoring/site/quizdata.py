"""A quiz page's content, from the same quiz that `hexahype quiz` asks (grader/quizbank.py).

The page shows the prompts and choices. What decides and explains an answer keeps the form it has
in the student template: the key stays the salted sha256 of the right letter (the page checks a
choice by hashing it, with `quizbank.key_hash`'s recipe), and each explanation is base64 in the
page, decoded only when that choice is made. The verdicts and the score line are quizbank's, so
both front ends say the same thing.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

from ... import quizbank
from ...manifest import Lesson
from ...quizbank import Quiz
from .errors import SiteError
from .render import inline_code


@dataclass(frozen=True)
class QuizPage:
    quiz: Quiz
    questions: list[dict[str, Any]]  # what the template shows
    data: dict[str, Any]  # what the page's script reads


def _b64(html: str) -> str:
    return base64.b64encode(html.encode("utf-8")).decode("ascii")


def quiz_page(entry: Lesson) -> QuizPage:
    try:
        quiz = quizbank.load_quiz(entry)
    except quizbank.QuizError as exc:
        raise SiteError(f"quiz {entry.id}: {exc}") from None
    total = len(quiz.questions)
    shown = [
        {
            "id": q.id,
            "n": n,
            "total": total,
            "topic": q.topic,
            "prompt": inline_code(q.prompt),
            "choices": [{"letter": c.letter, "html": inline_code(c.text)} for c in q.choices],
        }
        for n, q in enumerate(quiz.questions, 1)
    ]
    data = {
        "quiz": entry.id,  # where the page keeps its answers
        "chapter": quiz.chapter,  # what the keys are bound to
        "salt": quizbank.SALT,
        "right": quizbank.RIGHT,
        "wrong": quizbank.NOT_QUITE,
        "letters": list(quizbank.LETTERS),
        "questions": [
            {
                "id": q.id,
                "key": q.key,
                "explanations": {c.letter: _b64(inline_code(c.explanation)) for c in q.choices},
            }
            for q in quiz.questions
        ],
    }
    return QuizPage(quiz=quiz, questions=shown, data=data)
