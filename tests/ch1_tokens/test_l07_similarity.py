"""Visible tests for lesson 1.7, Measuring similarity: tiny cases first, then the pinned
conventions, then properties. The `similarity` fixture is your exercises/ch1_tokens/l07_similarity.py."""

import ast
import inspect
import textwrap

import numpy as np
import pytest

from grader.testing import call, close, explain, raises

# A tiny table you can check by hand: four directions in the plane.
WORDS = ["east", "north", "northeast", "west"]
TABLE = np.array([[2.0, 0.0], [0.0, 1.0], [3.0, 3.0], [-1.0, 0.0]])


# -- cosine_similarity ----------------------------------------------------------------------
def test_cosine_of_perpendicular_vectors_is_zero(similarity):
    a, b = np.array([1.0, 0.0]), np.array([0.0, 2.0])
    got = similarity.cosine_similarity(a, b)
    assert got == pytest.approx(0.0, abs=1e-12), explain(call("cosine_similarity", a, b), got, 0.0)


def test_cosine_of_parallel_vectors_is_one(similarity):
    a, b = np.array([1.0, 2.0]), np.array([2.0, 4.0])
    got = similarity.cosine_similarity(a, b)
    hint = ""
    if np.isclose(got, a @ b):
        hint = "that is the bare dot product; divide by both lengths."
    assert got == pytest.approx(1.0), explain(call("cosine_similarity", a, b), got, 1.0, hint)


def test_cosine_by_hand_at_45_degrees(similarity):
    # (3, 4) . (4, 3) = 24, both lengths are 5: 24 / 25 = 0.96
    a, b = np.array([3.0, 4.0]), np.array([4.0, 3.0])
    got = similarity.cosine_similarity(a, b)
    hint = "that is the bare dot product; divide by both lengths." if np.isclose(got, 24.0) else ""
    assert got == pytest.approx(0.96), explain(call("cosine_similarity", a, b), got, 0.96, hint)


def test_cosine_ignores_length(similarity):
    a, b = np.array([1.0, 3.0, -2.0]), np.array([0.5, 1.0, 4.0])
    small = similarity.cosine_similarity(a, b)
    big = similarity.cosine_similarity(10 * a, 0.1 * b)
    hint = (
        "that is the bare dot product; divide by both lengths."
        if not np.isclose(small, big)
        else ""
    )
    assert big == pytest.approx(small), explain(
        call("cosine_similarity", 10 * a, 0.1 * b),
        big,
        small,
        hint + " Scaling a vector must not change its cosine.",
    )


def test_cosine_of_opposite_vectors_is_minus_one(similarity):
    a = np.array([1.0, -2.0, 0.5])
    got = similarity.cosine_similarity(a, -3 * a)
    assert got == pytest.approx(-1.0), explain(call("cosine_similarity", a, -3 * a), got, -1.0)


# A parallel pair whose computed cosine is above 1 on every machine. b = 2a, so the exact cosine
# is 1, yet a.b / (|a| |b|) comes out as 1.0000000000000002. Why: a.b = 36, |a|^2 = 18 and
# |b|^2 = 72 are small integers, so every product and sum is exact, in any order, with or without
# FMA, in float64 and in float32. What is left is rounded the same way everywhere (IEEE 754):
# r = sqrt(18) rounds so that r * r is 17.999999999999996, below 18, and |b| = 2r exactly, so the
# ratio is 18 / (r * r), above 1 by more than half a step: it rounds up to the next float after 1.
# Dividing by each length in turn, or normalising both vectors first, also lands above 1.
CLIP_A = np.array([1.0, 1.0, 4.0])
CLIP_B = 2 * CLIP_A


def test_cosine_is_clipped_into_minus_one_to_one(similarity):
    for x, y, bound in ((CLIP_A, CLIP_B, 1.0), (CLIP_A, -CLIP_B, -1.0)):
        got = similarity.cosine_similarity(x, y)
        assert -1.0 <= got <= 1.0, explain(
            call("cosine_similarity", x, y),
            got,
            bound,
            "rounding pushes the ratio just past the bound; clip it with np.clip(value, -1.0, 1.0).",
        )


def test_cosine_returns_a_float(similarity):
    got = similarity.cosine_similarity(np.array([1.0, 2.0]), np.array([3.0, 1.0]))
    assert isinstance(got, float), (
        f"cosine_similarity(...) returned a {type(got).__name__}, expected a float; wrap it in float()."
    )


def test_cosine_rejects_a_zero_vector(similarity):
    raises(ValueError, similarity.cosine_similarity, np.array([0.0, 0.0]), np.array([1.0, 2.0]))
    raises(ValueError, similarity.cosine_similarity, np.array([1.0, 2.0]), np.zeros(2))


def test_cosine_rejects_mismatched_shapes(similarity):
    raises(
        ValueError, similarity.cosine_similarity, np.array([1.0, 2.0]), np.array([1.0, 2.0, 3.0])
    )


# -- cosine_matrix --------------------------------------------------------------------------
def matrix_hint(got, A, B):
    """A diagnosis when a wrong cosine_matrix matches a known mistake."""
    if not isinstance(got, np.ndarray) or got.shape != (len(A), len(B)):
        return ""
    if np.allclose(got, A @ B.T):
        return "that is the bare dot product; divide each row by its length."
    cols = (A / np.linalg.norm(A, axis=0)) @ (B / np.linalg.norm(B, axis=0)).T
    if np.allclose(got, cols):
        return (
            "you divided by the column lengths (axis=0); each row is a vector, so"
            " use np.linalg.norm(A, axis=1, keepdims=True)."
        )
    return ""


def test_cosine_matrix_by_hand(similarity):
    A = np.array([[1.0, 0.0], [0.0, 2.0]])
    B = np.array([[1.0, 1.0], [3.0, 0.0], [0.0, -1.0]])
    got = similarity.cosine_matrix(A, B)
    r = 1 / np.sqrt(2)
    want = np.array([[r, 1.0, 0.0], [r, 0.0, -1.0]])
    problem = close(got, want)
    assert not problem, explain(
        call("cosine_matrix", A, B), got, want, matrix_hint(got, A, B), detail=problem
    )


def test_cosine_matrix_normalises_rows_not_columns(similarity):
    # Rows of different lengths AND columns of different lengths, so the two choices differ.
    A = np.array([[3.0, 4.0], [1.0, 0.0], [2.0, 2.0]])
    B = np.array([[0.0, 5.0], [1.0, 1.0]])
    got = similarity.cosine_matrix(A, B)
    want = np.array([[0.8, 7 / (5 * np.sqrt(2))], [0.0, 1 / np.sqrt(2)], [1 / np.sqrt(2), 1.0]])
    problem = close(got, want)
    assert not problem, explain(
        call("cosine_matrix", A, B), got, want, matrix_hint(got, A, B), detail=problem
    )


def test_cosine_matrix_has_shape_n_by_m(similarity):
    A, B = np.ones((4, 3)), np.arange(1.0, 7.0).reshape(2, 3)
    got = similarity.cosine_matrix(A, B)
    assert getattr(got, "shape", None) == (4, 2), explain(
        call("cosine_matrix", A, B) + ".shape",
        getattr(got, "shape", got),
        (4, 2),
        "that is (m, n): rows of A index the rows of the result, (n, d) @ (d, m) -> (n, m)."
        if getattr(got, "shape", None) == (2, 4)
        else "",
    )


def test_cosine_matrix_rejects_a_zero_row(similarity):
    raises(ValueError, similarity.cosine_matrix, np.array([[1.0, 2.0], [0.0, 0.0]]), np.eye(2))
    raises(ValueError, similarity.cosine_matrix, np.eye(2), np.array([[0.0, 0.0]]))


def test_cosine_matrix_is_clipped_into_minus_one_to_one(similarity):
    # CLIP_A and CLIP_B (above): the product of the normalised rows is 1.0000000000000002 in
    # every summation order, with or without FMA, as is 36 / (|a| |b|); a matrix product rounds
    # like the dot product, so the matrix needs the same clip.
    A = np.stack([CLIP_A, CLIP_A])
    B = np.stack([CLIP_B, -CLIP_B])
    got = similarity.cosine_matrix(A, B)
    want = np.array([[1.0, -1.0], [1.0, -1.0]])
    outside = []
    if isinstance(got, np.ndarray) and got.shape == (2, 2):
        outside = [(i, j) for i in range(2) for j in range(2) if not -1.0 <= got[i, j] <= 1.0]
    problem = close(got, want)
    assert not problem and not outside, explain(
        call("cosine_matrix", A, B),
        got,
        expected_text="[[1.0, -1.0], [1.0, -1.0]], every entry within [-1.0, 1.0]",
        hint="rounding pushes these entries just past +-1; clip the matrix with np.clip(m, -1.0, 1.0)."
        if outside
        else "",
        detail=", ".join(f"entry [{i}, {j}] is {float(got[i, j])!r}" for i, j in outside)
        or problem,
    )


def test_cosine_matrix_is_vectorised(similarity):
    A = np.array([[1.0, 2.0], [2.0, -1.0]])
    got = similarity.cosine_matrix(A, A)
    problem = close(got, np.eye(2))
    assert not problem, explain(call("cosine_matrix", A, A), got, np.eye(2), detail=problem)
    try:
        source = textwrap.dedent(inspect.getsource(similarity.cosine_matrix))
    except (OSError, TypeError):
        return  # the source is not available here (graded in a worker): values were checked
    loops = [n for n in ast.walk(ast.parse(source)) if isinstance(n, (ast.For, ast.While))]
    assert not loops, (
        f"cosine_matrix has a Python loop (line {loops[0].lineno} of the function). The lesson asks"
        " for one matrix product: normalise the rows of A and of B, then A_unit @ B_unit.T."
    )


# -- most_similar ---------------------------------------------------------------------------
def test_most_similar_by_hand(similarity):
    query = np.array([1.0, 0.2])
    got = similarity.most_similar(query, TABLE, WORDS, 2)
    want = [
        ("east", 1 / np.hypot(1.0, 0.2)),
        ("northeast", 1.2 / (np.sqrt(2) * np.hypot(1.0, 0.2))),
    ]
    names = [w for w, _ in got] if isinstance(got, list) else got
    hint = ""
    if names == ["northeast", "east"]:
        hint = "rank by cosine, not by the bare dot product: a long vector is not a closer one."
    assert names == [w for w, _ in want], explain(
        call("most_similar", query, "TABLE", WORDS, 2), got, want, hint
    )
    for (_, g), (_, w) in zip(got, want):
        assert g == pytest.approx(w), explain(
            call("most_similar", query, "TABLE", WORDS, 2), got, want
        )


def test_most_similar_breaks_ties_in_table_order(similarity):
    table = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 0.0], [3.0, 0.0]])
    words = ["up", "a", "b", "c"]
    query = np.array([1.0, 0.0])
    got = similarity.most_similar(query, table, words, 3)
    names = [w for w, _ in got] if isinstance(got, list) else got
    hint = ""
    if names == ["c", "b", "a"]:
        hint = (
            "reversing an ascending argsort also reverses the ties; sort -scores with"
            " np.argsort(..., kind='stable') instead."
        )
    assert names == ["a", "b", "c"], explain(
        call("most_similar", query, table, words, 3) + " words", names, ["a", "b", "c"], hint
    )


def test_most_similar_skips_excluded_words(similarity):
    query = np.array([2.0, 0.1])
    got = similarity.most_similar(query, TABLE, WORDS, 2, exclude=["east"])
    names = [w for w, _ in got] if isinstance(got, list) else got
    hint = ""
    if isinstance(names, list) and "east" in names:
        hint = "leave excluded words out."
    elif isinstance(names, list) and len(names) < 2:
        hint = "leave excluded words out and still return k pairs: skip them before taking k."
    assert names == ["northeast", "north"], explain(
        call("most_similar", query, "TABLE", WORDS, 2, exclude=["east"]) + " words",
        names,
        ["northeast", "north"],
        hint,
    )


def test_most_similar_returns_at_most_k_plain_pairs(similarity):
    got = similarity.most_similar(np.array([0.0, 1.0]), TABLE, WORDS, 10)
    assert isinstance(got, list) and len(got) == 4, explain(
        call("most_similar", "[0, 1]", "TABLE", WORDS, 10), got, expected_text="all 4 words"
    )
    word, score = got[0]
    assert isinstance(word, str) and isinstance(score, float), (
        f"most_similar returned pairs like {got[0]!r}; expected (str, float) pairs such as ('north', 1.0)."
    )


# -- analogy --------------------------------------------------------------------------------
ANALOGY_WORDS = ["man", "woman", "king", "queen", "apple"]
# woman - man = queen - king = (0, 1, 0): the "female" direction.
ANALOGY_TABLE = np.array(
    [[1.0, 0.0, 0.0], [1.0, 1.0, 0.0], [1.0, 0.0, 1.0], [1.0, 1.0, 1.0], [1.0, -1.0, 1.0]]
)


def test_analogy_by_hand(similarity):
    got = similarity.analogy("man", "woman", "king", ANALOGY_TABLE, ANALOGY_WORDS)
    hint = ""
    if got and got[0][0] in ("man", "woman", "king"):
        hint = "leave a, b and c out of the answer (exclude=[a, b, c])."
    elif got and got[0][0] == "apple":
        hint = "the target is b - a + c (woman - man + king), not a - b + c."
    assert isinstance(got, list) and len(got) == 1 and got[0][0] == "queen", explain(
        call("analogy", "man", "woman", "king", "TABLE", ANALOGY_WORDS), got, [("queen", 1.0)], hint
    )
    assert got[0][1] == pytest.approx(1.0), explain(
        call("analogy", "man", "woman", "king", "TABLE", ANALOGY_WORDS), got, [("queen", 1.0)]
    )


def test_analogy_excludes_the_question_words(similarity):
    got = similarity.analogy("man", "woman", "king", ANALOGY_TABLE, ANALOGY_WORDS, k=5)
    names = [w for w, _ in got] if isinstance(got, list) else got
    assert names == ["queen", "apple"], explain(
        call("analogy", "man", "woman", "king", "TABLE", ANALOGY_WORDS, k=5) + " words",
        names,
        ["queen", "apple"],
        "a, b and c are never answers: exclude them."
        if isinstance(names, list) and {"man", "woman", "king"} & set(names)
        else "",
    )


def test_analogy_rejects_an_unknown_word(similarity):
    raises(ValueError, similarity.analogy, "man", "woman", "prince", ANALOGY_TABLE, ANALOGY_WORDS)


def test_analogy_checks_every_question_word(similarity):
    # each of a, b and c must be in the vocabulary, not only the last one
    for a, b, c in (("prince", "woman", "king"), ("man", "prince", "king")):
        raises(ValueError, similarity.analogy, a, b, c, ANALOGY_TABLE, ANALOGY_WORDS)
