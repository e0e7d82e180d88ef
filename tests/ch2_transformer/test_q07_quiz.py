"""Visible tests for this chapter's quiz: one check per question, one point each. The
`quiz2` fixture is your answers file, exercises/ch2_transformer/q07_quiz.json, which `hexahype quiz 2`
fills in. A wrong answer names the question, never the right letter."""

from grader.quizcheck import test_question  # noqa: F401  (one case per question)
