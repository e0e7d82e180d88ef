"""Visible tests for quiz 2.7, Inside the Transformer: one check per question, one point each.
The `quiz2` fixture is your answers file, exercises/ch2_transformer/q07_quiz.json, which
`hexahype quiz 2` fills in. A wrong answer names the question, never the right letter."""

from grader.quizbank import check_answer

QUIZ = "2.7"


def test_q1_next_token_distribution(quiz2, course):
    check_answer(course, QUIZ, quiz2, "q1")


def test_q2_forward_pass(quiz2, course):
    check_answer(course, QUIZ, quiz2, "q2")


def test_q3_sampling(quiz2, course):
    check_answer(course, QUIZ, quiz2, "q3")


def test_q4_attention_and_the_block(quiz2, course):
    check_answer(course, QUIZ, quiz2, "q4")


def test_q5_prefill_and_quadratic_cost(quiz2, course):
    check_answer(course, QUIZ, quiz2, "q5")


def test_q6_kv_cache(quiz2, course):
    check_answer(course, QUIZ, quiz2, "q6")
