"""Visible tests for this chapter's quiz: one check per question, one point each. The
`quiz1` fixture is your answers file, exercises/ch1_tokens/q10_quiz.json, which `hexahype quiz 1`
fills in. A wrong answer names the question, never the right letter."""

from grader.quizcheck import test_question  # noqa: F401  (one case per question)
