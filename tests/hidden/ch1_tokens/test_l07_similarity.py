"""Hidden tests for lesson 1.7, Measuring similarity: random cases, the kit's real word vectors,
and oracles computed here (plain Python sums, a sort by (-score, index)), never the solution."""

import math

import numpy as np
import pytest

from grader.assets import word_vectors
from grader.testing import call, close, explain, first_difference, raises


def py_cosine(a, b):
    dot = sum(float(x) * float(y) for x, y in zip(a, b))
    na = math.sqrt(sum(float(x) ** 2 for x in a))
    nb = math.sqrt(sum(float(y) ** 2 for y in b))
    return max(-1.0, min(1.0, dot / (na * nb)))


def ranking(query, table, words, k, exclude=()):
    """The expected answer: cosines by einsum sums, sorted by (-score, table index)."""
    query, table = np.asarray(query, dtype=float), np.asarray(table, dtype=float)
    dots = np.einsum("ij,j->i", table, query)
    lengths = np.sqrt(np.einsum("ij,ij->i", table, table)) * math.sqrt(query @ query)
    scores = [max(-1.0, min(1.0, float(x))) for x in dots / lengths]
    order = sorted(range(len(words)), key=lambda i: (-round(scores[i], 9), i))
    return [(words[i], scores[i]) for i in order if words[i] not in set(exclude)][:k]


def check_pairs(got, want, what):
    names = [w for w, _ in got] if isinstance(got, list) else got
    assert names == [w for w, _ in want], (
        f"{what} gave the words {names}, expected {[w for w, _ in want]}: "
        f"{first_difference(list(names), [w for w, _ in want])}"
    )
    for (w, g), (_, e) in zip(got, want):
        assert g == pytest.approx(e, abs=1e-9), (
            f"{what}: the score of {w!r} is {g!r}, expected {e!r}"
        )


# -- cosine_similarity ----------------------------------------------------------------------
@pytest.mark.parametrize("seed", range(5))
def test_cosine_matches_plain_python_on_random_vectors(similarity, seed):
    rng = np.random.default_rng(100 + seed)
    d = int(rng.integers(1, 40))
    a, b = rng.normal(size=d) * rng.uniform(0.01, 50), rng.normal(size=d) * rng.uniform(0.01, 50)
    got = similarity.cosine_similarity(a, b)
    want = py_cosine(a, b)
    hint = "that is the bare dot product; divide by both lengths." if np.isclose(got, a @ b) else ""
    assert got == pytest.approx(want, abs=1e-12), explain(
        call("cosine_similarity", a, b), got, want, hint
    )


def test_cosine_never_leaves_minus_one_to_one(similarity):
    rng = np.random.default_rng(7)
    for _ in range(300):
        a = rng.uniform(-1, 1, size=int(rng.integers(2, 9)))
        scale = rng.uniform(0.01, 100)
        for b, want in ((a * scale, 1.0), (-a * scale, -1.0)):
            got = similarity.cosine_similarity(a, b)
            assert -1.0 <= got <= 1.0 and got == pytest.approx(want), explain(
                call("cosine_similarity", a, b),
                got,
                want,
                "rounding can push the ratio past +-1; clip it into [-1.0, 1.0].",
            )


def test_cosine_rejects_shapes_that_differ_only_by_nesting(similarity):
    raises(
        ValueError,
        similarity.cosine_similarity,
        np.array([1.0, 2.0, 3.0]),
        np.array([[1.0, 2.0, 3.0]]),
    )


def test_cosine_rejects_a_zero_vector_of_any_size(similarity):
    raises(ValueError, similarity.cosine_similarity, np.zeros(5), np.zeros(5))


# -- cosine_matrix --------------------------------------------------------------------------
@pytest.mark.parametrize("shape", [(1, 1, 3), (5, 3, 4), (7, 11, 2), (3, 8, 16)])
def test_cosine_matrix_matches_pairwise_cosines(similarity, shape):
    n, m, d = shape
    rng = np.random.default_rng(n * 100 + m * 10 + d)
    A = rng.normal(size=(n, d)) * rng.uniform(0.1, 10, size=(n, 1))
    B = rng.normal(size=(m, d)) * rng.uniform(0.1, 10, size=(m, 1))
    got = similarity.cosine_matrix(A, B)
    want = np.array([[py_cosine(a, b) for b in B] for a in A])
    problem = close(got, want, atol=1e-9)
    assert not problem, f"cosine_matrix(A {A.shape}, B {B.shape}): {problem}."


def test_cosine_matrix_of_a_table_with_itself(similarity):
    rng = np.random.default_rng(3)
    A = rng.normal(size=(6, 5)) * np.arange(1, 7)[:, None]
    got = similarity.cosine_matrix(A, A)
    assert isinstance(got, np.ndarray) and got.shape == (6, 6), explain(
        "cosine_matrix(A, A) with A of shape (6, 5)", got, expected_text="a (6, 6) array"
    )
    assert np.allclose(np.diag(got), 1.0) and np.allclose(got, got.T), (
        f"cosine_matrix(A, A) should be symmetric with ones on the diagonal; the diagonal is {np.diag(got)}."
    )


def test_cosine_matrix_rejects_a_zero_row_in_the_middle(similarity):
    B = np.array([[1.0, 2.0], [0.0, 0.0], [3.0, 1.0]])
    raises(ValueError, similarity.cosine_matrix, np.eye(2), B)


def test_cosine_matrix_rejects_different_widths(similarity):
    raises(ValueError, similarity.cosine_matrix, np.ones((2, 3)), np.ones((2, 4)))


# -- most_similar ---------------------------------------------------------------------------
def test_most_similar_on_the_kit_word_vectors(similarity):
    table, words = word_vectors()
    rng = np.random.default_rng(11)
    for i in rng.choice(len(words), size=4, replace=False):
        query = table[i]
        got = similarity.most_similar(query, table, words, 6, exclude=[words[i]])
        want = ranking(query, table, words, 6, exclude=[words[i]])
        check_pairs(
            got,
            want,
            f"most_similar(<vector of {words[i]!r}>, kit table, k=6, exclude=[{words[i]!r}])",
        )


def test_most_similar_many_ties_keep_table_order(similarity):
    rng = np.random.default_rng(5)
    base = rng.integers(-3, 4, size=(4, 3)).astype(float)
    base[np.all(base == 0, axis=1)] = 1.0
    table = base[rng.integers(0, 4, size=12)]  # 12 rows, only 4 distinct: lots of exact ties
    words = [f"w{i}" for i in range(12)]
    query = base[0]
    got = similarity.most_similar(query, table, words, 12)
    want = ranking(query, table, words, 12)
    check_pairs(got, want, "most_similar(query, a table with repeated rows, k=12)")


def test_most_similar_exclude_and_a_large_k(similarity):
    table = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [-1.0, 0.5]])
    words = ["a", "b", "c", "d"]
    got = similarity.most_similar(np.array([1.0, 0.1]), table, words, 10, exclude=["a", "d"])
    want = ranking(np.array([1.0, 0.1]), table, words, 10, exclude=["a", "d"])
    check_pairs(got, want, "most_similar([1, 0.1], table, words, 10, exclude=['a', 'd'])")


# -- analogy --------------------------------------------------------------------------------
def test_analogy_on_random_triples_of_the_kit_vectors(similarity):
    table, words = word_vectors()
    rng = np.random.default_rng(23)
    for _ in range(3):
        a, b, c = (words[i] for i in rng.choice(500, size=3, replace=False))
        ia, ib, ic = words.index(a), words.index(b), words.index(c)
        target = table[ib] - table[ia] + table[ic]
        got = similarity.analogy(a, b, c, table, words, k=3)
        want = ranking(target, table, words, 3, exclude=[a, b, c])
        check_pairs(got, want, f"analogy({a!r}, {b!r}, {c!r}, kit table, k=3)")


def test_analogy_direction_is_b_minus_a_plus_c(similarity):
    # Unit rows, so the answer does not depend on how the rows are scaled.
    words = ["cold", "colder", "warm", "warmer", "wet"]
    r = 1 / np.sqrt(2)
    table = np.array([[1.0, 0.0, 0.0], [r, r, 0.0], [0.0, 0.0, 1.0], [0.0, r, r], [r, -r, 0.0]])
    got = similarity.analogy("cold", "colder", "warm", table, words, k=2)
    target = table[1] - table[0] + table[2]
    want = ranking(target, table, words, 2, exclude=["cold", "colder", "warm"])
    check_pairs(got, want, "analogy('cold', 'colder', 'warm', table, words, k=2)")


def test_analogy_rejects_each_unknown_word(similarity):
    table = np.eye(3)
    words = ["x", "y", "z"]
    for args in (("q", "y", "z"), ("x", "q", "z"), ("x", "y", "q")):
        raises(ValueError, similarity.analogy, *args, table, words)
