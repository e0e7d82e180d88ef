"""Visible tests for quiz 1.10, Tokenization & Embeddings: one check per question, one point
each. The `quiz1` fixture is your answers file, exercises/ch1_tokens/q10_quiz.json, which
`hexahype quiz 1` fills in. A wrong answer names the question, never the right letter."""

from grader.quizbank import check_answer

QUIZ = "1.10"


def test_q1_byte_pair_encoding(quiz1, course):
    check_answer(course, QUIZ, quiz1, "q1")


def test_q2_real_tokenizers(quiz1, course):
    check_answer(course, QUIZ, quiz1, "q2")


def test_q3_numbers(quiz1, course):
    check_answer(course, QUIZ, quiz1, "q3")


def test_q4_special_tokens(quiz1, course):
    check_answer(course, QUIZ, quiz1, "q4")


def test_q5_embeddings_and_similarity(quiz1, course):
    check_answer(course, QUIZ, quiz1, "q5")


def test_q6_positions(quiz1, course):
    check_answer(course, QUIZ, quiz1, "q6")
