"""Lesson 1.6 - From token IDs to vectors.

An embedding layer is a table with one row per token id: embedding a token means reading its
row. In scope: initialising the table, the lookup, the same lookup written as a one-hot matrix
product, and the gradient that training sends back into the table. Left out: comparing the
vectors (lesson 1.7) and adding positions (lesson 1.8).
Read lessons/ch1_tokens/1.6-from-token-ids-to-vectors.md first.
Check your work with:  hexahype check 1.6
"""

from __future__ import annotations

import numpy as np


def _checked_ids(ids: np.ndarray, vocab_size: int) -> np.ndarray:
    """ids as an integer array; IndexError naming the first id outside 0..vocab_size-1."""
    ids = np.asarray(ids)
    if ids.size == 0:
        return ids.astype(np.int64)
    if not np.issubdtype(ids.dtype, np.integer):
        raise ValueError(f"token ids must be integers, got an array of {ids.dtype}")
    bad = ids[(ids < 0) | (ids >= vocab_size)]
    if bad.size:
        # numpy would read table[-1] as the last row: refuse instead of wrapping silently.
        raise IndexError(
            f"token id {int(bad[0])} is out of range: the table has rows 0..{vocab_size - 1}"
        )
    return ids


def init_embeddings(vocab_size: int, d_model: int, seed: int) -> np.ndarray:
    """A fresh (vocab_size, d_model) table of small random numbers: exactly
    np.random.default_rng(seed).normal(0.0, 0.02, size=(vocab_size, d_model)).

    init_embeddings(4, 3, seed=0).shape  ->  (4, 3)
    """
    rng = np.random.default_rng(seed)
    return rng.normal(0.0, 0.02, size=(vocab_size, d_model))


def embed(ids: np.ndarray, table: np.ndarray) -> np.ndarray:
    """Look up the row of every id. ids may have any shape; the result is ids.shape + (d,).

    embed([2, 0], [[0, 1], [2, 3], [4, 5]])  ->  [[4, 5], [0, 1]]

    A negative or out-of-range id raises IndexError naming it (numpy would wrap -1 to the
    last row without a word).
    """
    table = np.asarray(table)
    ids = _checked_ids(ids, table.shape[0])
    return table[ids]  # (*ids.shape, d)


def one_hot(ids: np.ndarray, vocab_size: int) -> np.ndarray:
    """A float64 array of shape ids.shape + (vocab_size,): 1.0 at each id, 0.0 elsewhere.

    one_hot([2, 0], 3)  ->  [[0., 0., 1.], [1., 0., 0.]]

    Ids are checked as in embed (IndexError for a negative or out-of-range id).
    """
    ids = _checked_ids(ids, vocab_size)
    out = np.zeros(ids.shape + (vocab_size,), dtype=np.float64)  # (*ids.shape, V)
    np.put_along_axis(out, ids[..., None], 1.0, axis=-1)
    return out


def embed_by_matmul(ids: np.ndarray, table: np.ndarray) -> np.ndarray:
    """The same lookup as a matrix product: one_hot(ids, V) @ table. Equal to embed(ids, table).

    embed_by_matmul([2, 0], [[0, 1], [2, 3], [4, 5]])  ->  [[4., 5.], [0., 1.]]
    An id outside 0..V-1, negative ones included, raises IndexError, as in embed.
    """
    table = np.asarray(table)
    return one_hot(ids, table.shape[0]) @ table  # (*ids.shape, V) @ (V, d) -> (*ids.shape, d)


def embedding_gradient(ids: np.ndarray, grad_out: np.ndarray, vocab_size: int) -> np.ndarray:
    """The gradient of the loss with respect to the table, shape (vocab_size, d).

    grad_out is the gradient with respect to embed(ids, table), shape ids.shape + (d,). Row r
    of the result is the sum of grad_out over every position whose id is r: a repeated id
    accumulates, and the row of an id that does not occur is zero. An id outside
    0..vocab_size-1 raises IndexError.

    embedding_gradient([1, 1], [[1, 2], [10, 20]], 3)  ->  [[0, 0], [11, 22], [0, 0]]
    """
    ids = _checked_ids(ids, vocab_size)
    grad_out = np.asarray(grad_out, dtype=np.float64)
    if grad_out.ndim != ids.ndim + 1 or grad_out.shape[:-1] != ids.shape:
        raise ValueError(
            f"grad_out must have shape ids.shape + (d,) = {ids.shape} + (d,), got {grad_out.shape}"
        )
    d = grad_out.shape[-1]
    grad = np.zeros((vocab_size, d))  # (V, d)
    # grad[ids] += grad_out would count a repeated id only once; np.add.at adds every one.
    np.add.at(grad, ids.reshape(-1), grad_out.reshape(-1, d))
    return grad
