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


def init_embeddings(vocab_size: int, d_model: int, seed: int) -> np.ndarray:
    """A fresh (vocab_size, d_model) table of small random numbers: exactly
    np.random.default_rng(seed).normal(0.0, 0.02, size=(vocab_size, d_model)).

    init_embeddings(4, 3, seed=0).shape  ->  (4, 3)
    """
    # TODO(1.6): make a generator with np.random.default_rng(seed) and draw from .normal(...).
    raise NotImplementedError("lesson 1.6: init_embeddings is not written yet")


def embed(ids: np.ndarray, table: np.ndarray) -> np.ndarray:
    """Look up the row of every id. ids may have any shape; the result is ids.shape + (d,).

    embed([2, 0], [[0, 1], [2, 3], [4, 5]])  ->  [[4, 5], [0, 1]]

    A negative or out-of-range id raises IndexError naming it (numpy would wrap -1 to the
    last row without a word).
    """
    # TODO(1.6): check every id is in 0..len(table)-1, then index the table with the id array.
    raise NotImplementedError("lesson 1.6: embed is not written yet")


def one_hot(ids: np.ndarray, vocab_size: int) -> np.ndarray:
    """A float64 array of shape ids.shape + (vocab_size,): 1.0 at each id, 0.0 elsewhere.

    one_hot([2, 0], 3)  ->  [[0., 0., 1.], [1., 0., 0.]]

    Ids are checked as in embed (IndexError for a negative or out-of-range id).
    """
    # TODO(1.6): one row per id, one column per vocabulary entry; a single 1.0 per row.
    raise NotImplementedError("lesson 1.6: one_hot is not written yet")


def embed_by_matmul(ids: np.ndarray, table: np.ndarray) -> np.ndarray:
    """The same lookup as a matrix product: one_hot(ids, V) @ table. Equal to embed(ids, table).

    embed_by_matmul([2, 0], [[0, 1], [2, 3], [4, 5]])  ->  [[4., 5.], [0., 1.]]
    An id outside 0..V-1, negative ones included, raises IndexError, as in embed.
    """
    # TODO(1.6): one line, built from one_hot and the @ operator.
    raise NotImplementedError("lesson 1.6: embed_by_matmul is not written yet")


def embedding_gradient(ids: np.ndarray, grad_out: np.ndarray, vocab_size: int) -> np.ndarray:
    """The gradient of the loss with respect to the table, shape (vocab_size, d).

    grad_out is the gradient with respect to embed(ids, table), shape ids.shape + (d,). Row r
    of the result is the sum of grad_out over every position whose id is r: a repeated id
    accumulates, and the row of an id that does not occur is zero. An id outside
    0..vocab_size-1 raises IndexError.

    embedding_gradient([1, 1], [[1, 2], [10, 20]], 3)  ->  [[0, 0], [11, 22], [0, 0]]
    """
    # TODO(1.6): start from zeros((vocab_size, d)) and scatter-add with np.add.at.
    raise NotImplementedError("lesson 1.6: embedding_gradient is not written yet")
