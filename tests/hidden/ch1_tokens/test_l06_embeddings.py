"""Hidden tests for lesson 1.6, From token IDs to vectors: random shapes, boundary ids and
oracles written out as loops here, independent of the reference solution."""

import itertools

import numpy as np
import pytest

from grader.testing import call, close, explain, raises

SHAPES = [(1, 1), (7, 3), (50, 16), (2, 9)]


def _loop_embed(ids, table):
    out = np.zeros(ids.shape + (table.shape[1],))
    for index in itertools.product(*(range(n) for n in ids.shape)):
        for c in range(table.shape[1]):
            out[index + (c,)] = table[ids[index], c]
    return out


def _loop_gradient(ids, grad_out, vocab_size):
    flat_ids = [int(i) for i in ids.reshape(-1)]
    flat_grad = grad_out.reshape(len(flat_ids), -1)
    grad = [[0.0] * flat_grad.shape[1] for _ in range(vocab_size)]
    for pos, token in enumerate(flat_ids):
        for c in range(flat_grad.shape[1]):
            grad[token][c] += float(flat_grad[pos, c])
    return np.array(grad)


# -- init_embeddings --------------------------------------------------------------------------
@pytest.mark.parametrize("seed", [0, 3, 12345])
@pytest.mark.parametrize("shape", SHAPES)
def test_init_matches_default_rng_for_many_shapes(embeddings, shape, seed):
    got = embeddings.init_embeddings(shape[0], shape[1], seed)
    want = np.random.default_rng(seed).normal(0.0, 0.02, size=shape)
    problem = close(got, want, atol=1e-12)
    assert not problem, explain(
        call("init_embeddings", *shape, seed),
        got,
        expected_text=f"default_rng({seed}).normal(0.0, 0.02, ...) ({problem})",
    )


def test_init_has_the_pinned_spread(embeddings):
    table = embeddings.init_embeddings(400, 50, 9)
    spread = float(np.std(table))
    assert 0.019 < spread < 0.021, explain(
        "np.std(init_embeddings(400, 50, 9))", spread, 0.02, "the standard deviation is 0.02."
    )
    assert abs(float(np.mean(table))) < 0.001, "the draws should be centred on 0.0."


# -- embed ------------------------------------------------------------------------------------
@pytest.mark.parametrize("ids_shape", [(), (5,), (3, 4), (2, 3, 2)])
def test_embed_matches_a_loop_for_any_id_shape(embeddings, ids_shape):
    rng = np.random.default_rng(len(ids_shape))
    table = rng.normal(size=(9, 5))
    ids = rng.integers(0, 9, size=ids_shape)
    got = embeddings.embed(ids, table)
    want = _loop_embed(ids, table)
    problem = close(got, want, atol=0)
    assert not problem, explain(
        call("embed", ids, "<9x5 table>"),
        got,
        expected_text=f"table rows of shape {want.shape} ({problem})",
    )


def test_embed_accepts_a_python_list(embeddings):
    table = np.arange(12.0).reshape(4, 3)
    got = embeddings.embed([3, 3, 0], table)
    want = np.array([[9.0, 10.0, 11.0], [9.0, 10.0, 11.0], [0.0, 1.0, 2.0]])
    problem = close(got, want)
    assert not problem, explain(call("embed", [3, 3, 0], table), got, want, problem)


@pytest.mark.parametrize("bad", [-4, -5, 4, 100])
def test_embed_rejects_ids_that_numpy_would_accept_or_wrap(embeddings, bad):
    # -4 on a 4-row table is the easiest to miss: numpy reads it as row 0.
    table = np.arange(12.0).reshape(4, 3)
    ids = np.array([[0, 1], [bad, 2]])
    error = raises(IndexError, embeddings.embed, ids, table)
    assert str(bad) in str(error), (
        f"embed(ids containing {bad}, 4-row table) raised IndexError({str(error)!r}); "
        f"name the id {bad} in it."
    )


def test_embed_leaves_the_table_alone(embeddings):
    table = np.arange(6.0).reshape(3, 2)
    got = embeddings.embed(np.array([0, 2]), table)
    got[...] = -1.0  # writing to the result must not write into the table
    assert np.array_equal(table, np.arange(6.0).reshape(3, 2)), (
        "embed returned a view of the table: changing the result changed the table."
    )


# -- one_hot ----------------------------------------------------------------------------------
def test_one_hot_matches_a_loop(embeddings):
    ids = np.random.default_rng(4).integers(0, 6, size=(3, 5))
    got = embeddings.one_hot(ids, 6)
    want = np.zeros((3, 5, 6))
    for r in range(3):
        for c in range(5):
            want[r, c, ids[r, c]] = 1.0
    problem = close(got, want, atol=0)
    assert not problem, explain(call("one_hot", ids, 6), got, expected_text=f"({problem})")
    assert got.dtype == np.float64, f"one_hot(...) has dtype {got.dtype}, expected float64."


def test_one_hot_rejects_an_id_equal_to_vocab_size(embeddings):
    raises(IndexError, embeddings.one_hot, np.array([0, 5]), 5)


# -- embed_by_matmul --------------------------------------------------------------------------
@pytest.mark.parametrize("ids_shape", [(1,), (6,), (2, 7)])
def test_embed_by_matmul_matches_a_loop(embeddings, ids_shape):
    rng = np.random.default_rng(sum(ids_shape))
    table = rng.normal(size=(11, 4))
    ids = rng.integers(0, 11, size=ids_shape)
    got = embeddings.embed_by_matmul(ids, table)
    problem = close(got, _loop_embed(ids, table), atol=1e-12)
    assert not problem, explain(
        call("embed_by_matmul", ids, "<11x4 table>"),
        got,
        expected_text=f"the rows of the table ({problem})",
    )


def test_embed_by_matmul_rejects_a_negative_id(embeddings):
    raises(IndexError, embeddings.embed_by_matmul, np.array([1, -1]), np.ones((3, 2)))


# -- embedding_gradient -----------------------------------------------------------------------
@pytest.mark.parametrize("ids_shape", [(20,), (4, 6), (2, 3, 3)])
def test_gradient_matches_a_loop_with_many_repeats(embeddings, ids_shape):
    rng = np.random.default_rng(7 + len(ids_shape))
    ids = rng.integers(0, 5, size=ids_shape)  # 5 ids over many positions: lots of repeats
    grad_out = rng.normal(size=ids_shape + (3,))
    got = embeddings.embedding_gradient(ids, grad_out, 8)  # ids 5, 6, 7 never occur
    want = _loop_gradient(ids, grad_out, 8)
    problem = close(got, want, atol=1e-12)
    last_write = np.zeros_like(want)
    last_write[ids.reshape(-1)] += grad_out.reshape(-1, grad_out.shape[-1])
    hint = ""
    if not close(got, last_write, atol=1e-12):
        hint = (
            "`grad[ids] += grad_out` keeps one occurrence of a repeated id; np.add.at adds "
            "every occurrence."
        )
    assert not problem, explain(
        call("embedding_gradient", ids, "<random grad_out>", 8),
        got,
        expected_text=f"the per-id sums ({problem})",
        hint=hint,
    )
    assert np.array_equal(got[5:], np.zeros((3, 3))), "rows of ids that never occur must be zero."


def test_gradient_agrees_with_finite_differences(embeddings):
    # loss(table) = sum(grad_out * embed(ids, table)) is linear in the table, so nudging one
    # entry by 1 changes the loss by exactly that entry's gradient.
    rng = np.random.default_rng(21)
    vocab, d = 4, 2
    ids = np.array([3, 0, 3, 3])
    grad_out = rng.normal(size=(4, d))
    table = rng.normal(size=(vocab, d))

    def loss(t):
        return float(sum(grad_out[p] @ t[ids[p]] for p in range(len(ids))))

    want = np.zeros((vocab, d))
    for r in range(vocab):
        for c in range(d):
            nudged = table.copy()
            nudged[r, c] += 1.0
            want[r, c] = loss(nudged) - loss(table)
    got = embeddings.embedding_gradient(ids, grad_out, vocab)
    problem = close(got, want, atol=1e-9)
    assert not problem, explain(
        call("embedding_gradient", ids, "<4x2 grad_out>", vocab),
        got,
        expected_text=f"the finite-difference gradient ({problem})",
    )


def test_gradient_does_not_change_its_inputs(embeddings):
    ids = np.array([1, 1, 0])
    grad_out = np.ones((3, 2))
    embeddings.embedding_gradient(ids, grad_out, 2)
    assert np.array_equal(ids, [1, 1, 0]) and np.array_equal(grad_out, np.ones((3, 2))), (
        "embedding_gradient changed the ids or grad_out it was given."
    )


def test_gradient_rejects_an_out_of_range_id(embeddings):
    raises(IndexError, embeddings.embedding_gradient, np.array([0, 3]), np.ones((2, 2)), 3)
