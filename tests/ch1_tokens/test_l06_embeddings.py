"""Visible tests for lesson 1.6, From token IDs to vectors: tiny cases first, then the pinned
conventions, then properties. The `embeddings` fixture is your
exercises/ch1_tokens/l06_embeddings.py."""

import numpy as np

from grader.testing import call, close, explain, short, shown

TABLE = np.array([[0.0, 1.0], [2.0, 3.0], [4.0, 5.0]])  # 3 tokens, d = 2: rows easy to spot


def _raises_index_error(fn, *args):
    """The IndexError's text, or a failure message when fn(*args) does not raise one."""
    try:
        got = fn(*args)
    except IndexError as exc:
        return str(exc)
    hint = ""
    if (np.asarray(args[0]) < 0).any():  # the ids: the case numpy lets through
        hint = (
            " Hint: numpy silently reads a negative id as a row counted from the end; check that "
            "every id is in 0..V-1 yourself."
        )
    raise AssertionError(
        f"{call(fn.__name__, *args)} returned {short(got)} instead of raising IndexError.{hint}"
    )


# -- init_embeddings --------------------------------------------------------------------------
def test_init_embeddings_has_one_row_per_token(embeddings):
    got = embeddings.init_embeddings(4, 3, 0)
    shape = getattr(got, "shape", None)
    assert shape == (4, 3), explain(call("init_embeddings", 4, 3, 0) + ".shape", shape, (4, 3))


def test_init_embeddings_uses_the_pinned_generator(embeddings):
    got = embeddings.init_embeddings(5, 4, 7)
    want = np.random.default_rng(7).normal(0.0, 0.02, size=(5, 4))
    hint = ""
    if isinstance(got, np.ndarray) and got.shape == want.shape:
        if np.allclose(got, 10 * want):
            hint = "the standard deviation is 0.02, not 0.2."
        elif np.allclose(got, want / 0.02):
            hint = "scale the draws: the standard deviation is 0.02."
        elif np.allclose(got, np.random.RandomState(7).normal(0.0, 0.02, size=(5, 4))):
            hint = "use the new generator, np.random.default_rng(seed), not np.random.seed/RandomState."
    problem = close(got, want, atol=1e-12)
    assert not problem, explain(
        call("init_embeddings", 5, 4, 7),
        got,
        want,
        expected_text="np.random.default_rng(7).normal(0.0, 0.02, size=(5, 4)) (" + problem + ")",
        hint=hint,
    )


def test_init_embeddings_depends_only_on_the_seed(embeddings):
    a = embeddings.init_embeddings(3, 2, 1)
    b = embeddings.init_embeddings(3, 2, 1)
    c = embeddings.init_embeddings(3, 2, 2)
    assert np.array_equal(a, b), "init_embeddings(3, 2, 1) gave different tables on two calls."
    assert not np.array_equal(a, c), "init_embeddings gave the same table for seeds 1 and 2."


# -- embed ------------------------------------------------------------------------------------
def test_embed_reads_the_rows(embeddings):
    ids = np.array([2, 0])
    got = embeddings.embed(ids, TABLE)
    want = np.array([[4.0, 5.0], [0.0, 1.0]])
    problem = close(got, want)
    assert not problem, explain(call("embed", ids, TABLE), got, want, detail=problem)


def test_embed_repeats_a_repeated_id(embeddings):
    ids = np.array([1, 1, 0])
    got = embeddings.embed(ids, TABLE)
    want = np.array([[2.0, 3.0], [2.0, 3.0], [0.0, 1.0]])
    problem = close(got, want)
    assert not problem, explain(call("embed", ids, TABLE), got, want, detail=problem)


def test_embed_keeps_the_shape_of_ids(embeddings):
    ids = np.array([[0, 1, 2], [2, 2, 1]])  # a batch of 2 sequences of 3 tokens
    got = embeddings.embed(ids, TABLE)
    shape = getattr(got, "shape", None)
    assert shape == (2, 3, 2), explain(
        call("embed", ids, TABLE) + ".shape",
        shape,
        (2, 3, 2),
        "the ids were flattened: the result is ids.shape + (d,)." if shape == (6, 2) else "",
    )
    problem = close(got, TABLE[ids])
    assert not problem, explain(call("embed", ids, TABLE), got, TABLE[ids], detail=problem)


def test_embed_rejects_a_negative_id(embeddings):
    message = _raises_index_error(embeddings.embed, np.array([0, -1]), TABLE)
    assert "-1" in message, (
        f"embed([0, -1], table) raised IndexError({message!r}); name the negative id -1 in it."
    )


def test_embed_rejects_an_id_past_the_table(embeddings):
    message = _raises_index_error(embeddings.embed, np.array([1, 3]), TABLE)
    assert "3" in message, (
        f"embed([1, 3], table) raised IndexError({message!r}); name the id 3 in it."
    )


def test_embed_of_the_docstring_example_in_python_lists(embeddings):
    ids, table = [2, 0], [[0, 1], [2, 3], [4, 5]]  # lists, as the exercise's docstring shows
    got = embeddings.embed(ids, table)
    want = np.array([[4, 5], [0, 1]])
    problem = close(got, want)
    assert not problem, explain(call("embed", ids, table), got, want, detail=problem)


# -- one_hot ----------------------------------------------------------------------------------
def test_one_hot_puts_a_single_one_per_id(embeddings):
    ids = np.array([2, 0])
    got = embeddings.one_hot(ids, 3)
    want = np.array([[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]])
    hint = ""
    if isinstance(got, np.ndarray) and got.shape == (3, 2) and np.array_equal(got, want.T):
        hint = "that is the transpose: one row per id, one column per vocabulary entry."
    assert isinstance(got, np.ndarray) and got.shape == want.shape and np.array_equal(got, want), (
        explain(call("one_hot", ids, 3), got, want, hint)
    )


def test_one_hot_is_float64(embeddings):
    got = embeddings.one_hot(np.array([1]), 2)
    dtype = getattr(got, "dtype", None)
    assert dtype == np.float64, explain(
        call("one_hot", np.array([1]), 2) + ".dtype",
        dtype,
        expected_text="float64",
        hint="build it with float64 zeros and ones (np.zeros(..., dtype=np.float64)), like the "
        "table it multiplies; integer or bool one-hots change the dtype of embed_by_matmul."
        if dtype is not None and np.dtype(dtype).kind in "iub"
        else "",
    )


def test_one_hot_keeps_the_shape_of_ids(embeddings):
    ids = np.array([[0, 3], [3, 1]])
    got = embeddings.one_hot(ids, 4)
    shape = getattr(got, "shape", None)
    assert shape == (2, 2, 4), explain(call("one_hot", ids, 4) + ".shape", shape, (2, 2, 4))
    assert np.array_equal(got.argmax(-1), ids) and np.array_equal(got.sum(-1), np.ones((2, 2))), (
        explain(call("one_hot", ids, 4), got, expected_text="a single 1.0 at each id, last axis")
    )


def test_one_hot_rejects_a_negative_id(embeddings):
    message = _raises_index_error(embeddings.one_hot, np.array([-2]), 3)
    assert "-2" in message, f"one_hot([-2], 3) raised IndexError({message!r}); name the id -2."


# -- embed_by_matmul --------------------------------------------------------------------------
def test_embed_by_matmul_reads_the_rows(embeddings):
    ids = np.array([2, 0])
    got = embeddings.embed_by_matmul(ids, TABLE)
    want = np.array([[4.0, 5.0], [0.0, 1.0]])
    problem = close(got, want)
    assert not problem, explain(call("embed_by_matmul", ids, TABLE), got, want, detail=problem)


def test_embed_by_matmul_equals_embed(embeddings):
    table = np.random.default_rng(0).normal(size=(6, 4))
    ids = np.array([[5, 0, 0], [3, 1, 5]])
    got = embeddings.embed_by_matmul(ids, table)
    problem = close(got, table[ids], atol=1e-12)
    assert not problem, explain(
        call("embed_by_matmul", ids, shown(table, "<6x4 table>")),
        got,
        expected_text=f"the same as embed, one_hot(ids, V) @ table ({problem})",
    )


# -- embedding_gradient -----------------------------------------------------------------------
def test_gradient_of_a_repeated_id_accumulates(embeddings):
    ids = np.array([1, 1])
    grad_out = np.array([[1.0, 2.0], [10.0, 20.0]])
    got = embeddings.embedding_gradient(ids, grad_out, 3)
    want = np.array([[0.0, 0.0], [11.0, 22.0], [0.0, 0.0]])
    hint = ""
    if isinstance(got, np.ndarray) and got.shape == (3, 2):
        if np.allclose(got[1], grad_out[1]) or np.allclose(got[1], grad_out[0]):
            hint = (
                "a repeated id must accumulate: grad[ids] = ... and grad[ids] += ... keep "
                "only one write per id; use np.add.at(grad, ids, grad_out)."
            )
    problem = close(got, want)
    assert not problem, explain(
        call("embedding_gradient", ids, grad_out, 3), got, want, hint, detail=problem
    )


def test_gradient_rows_of_unseen_ids_are_zero(embeddings):
    ids = np.array([0, 2])
    grad_out = np.array([[1.0, -1.0, 0.5], [2.0, 0.0, -3.0]])
    got = embeddings.embedding_gradient(ids, grad_out, 4)
    want = np.array([[1.0, -1.0, 0.5], [0.0, 0.0, 0.0], [2.0, 0.0, -3.0], [0.0, 0.0, 0.0]])
    problem = close(got, want)
    assert not problem, explain(
        call("embedding_gradient", ids, grad_out, 4),
        got,
        want,
        problem + "; the result has one row per vocabulary entry",
    )


def test_gradient_accepts_a_batch_of_ids(embeddings):
    ids = np.array([[0, 1], [1, 1]])
    grad_out = np.arange(8, dtype=float).reshape(2, 2, 2)
    got = embeddings.embedding_gradient(ids, grad_out, 2)
    want = np.array([[0.0, 1.0], [2.0 + 4.0 + 6.0, 3.0 + 5.0 + 7.0]])
    problem = close(got, want)
    assert not problem, explain(
        call("embedding_gradient", ids, grad_out, 2),
        got,
        want,
        problem + "; flatten ids to (N,) and grad_out to (N, d) first",
    )


def test_gradient_rejects_an_id_outside_the_vocabulary(embeddings):
    grad_out = np.ones((2, 2))
    # -1 is the case numpy lets through: np.add.at adds it to the last row, silently
    for ids in (np.array([0, -1]), np.array([0, 3])):
        _raises_index_error(embeddings.embedding_gradient, ids, grad_out, 3)  # fails unless raised


# -- properties -------------------------------------------------------------------------------
def test_gradient_is_one_hot_transposed_times_grad_out(embeddings):
    # embed = one_hot @ table, so d(loss)/d(table) = one_hot.T @ grad_out: the matmul view.
    rng = np.random.default_rng(1)
    ids = rng.integers(0, 5, size=12)
    grad_out = rng.normal(size=(12, 3))
    want = np.eye(5)[ids].T @ grad_out
    got = embeddings.embedding_gradient(ids, grad_out, 5)
    problem = close(got, want)
    assert not problem, explain(
        call("embedding_gradient", ids, shown(grad_out, "<12x3 grad_out>"), 5),
        got,
        expected_text=f"one_hot(ids).T @ grad_out ({problem})",
    )
