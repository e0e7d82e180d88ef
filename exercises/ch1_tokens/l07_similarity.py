"""Lesson 1.7 - Measuring similarity.

Cosine similarity compares the direction of two vectors and ignores their length. In scope: the
cosine of two vectors, of every pair of rows of two matrices, nearest neighbours in a table of
word vectors, and analogies by vector arithmetic. Left out: how the vectors are learned
(scripts/word_vectors.py does it for the kit; lesson 1.6 covers embedding tables).
Read lessons/ch1_tokens/1.7-measuring-similarity.md first.
Check your work with:  hexahype check 1.7
"""

from __future__ import annotations

import numpy as np


def cosine_similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Return the cosine of the angle between a and b, clipped into [-1.0, 1.0].

    cosine_similarity([1, 0], [0, 2])  ->  0.0    (perpendicular)
    cosine_similarity([1, 2], [2, 4])  ->  1.0    (same direction)

    Raise ValueError if the shapes differ or either vector is all zeros:
    a zero vector has no direction.
    """
    # TODO(1.7): check the shapes and the lengths, then a @ b / (|a| |b|), clipped with np.clip.
    raise NotImplementedError("lesson 1.7: cosine_similarity is not written yet")


def cosine_matrix(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    """Cosines of every row of A (n, d) with every row of B (m, d): shape (n, m).

    Entry [i, j] is cosine_similarity(A[i], B[j]). Vectorised: no Python loop.
    cosine_matrix([[1, 0], [0, 1]], [[1, 1]])  ->  [[0.7071], [0.7071]]

    Raise ValueError for a row of zeros or when the widths d differ.
    """
    # TODO(1.7): divide every row by its length (axis=1, keepdims=True), then one matrix product.
    raise NotImplementedError("lesson 1.7: cosine_matrix is not written yet")


def most_similar(
    query: np.ndarray, table: np.ndarray, words: list[str], k: int, exclude: list[str] = ()
) -> list[tuple[str, float]]:
    """The k rows of `table` most similar (by cosine) to `query`, as (word, cosine) pairs.

    Best first; equal cosines keep table order. Words in `exclude` are skipped, and fewer than
    k pairs come back when the table runs out. `words[i]` names `table[i]`.
    most_similar([1, 0], [[0, 1], [2, 0], [1, 1]], ["up", "right", "diag"], 2)
        ->  [("right", 1.0), ("diag", 0.7071...)]
    """
    # TODO(1.7): cosines of query with every row, np.argsort(-scores, kind="stable"), skip excluded.
    raise NotImplementedError("lesson 1.7: most_similar is not written yet")


def analogy(
    a: str, b: str, c: str, table: np.ndarray, words: list[str], k: int = 1
) -> list[tuple[str, float]]:
    """ "a is to b as c is to ?": the k words nearest to table[b] - table[a] + table[c].

    The raw rows are used, and a, b and c themselves are excluded from the answer.
    With rows man, woman, king, queen laid out so that woman - man = queen - king:
    analogy("man", "woman", "king", table, words)  ->  [("queen", 1.0)]
    A word that is not in `words` raises ValueError.
    """
    # TODO(1.7): look the three rows up, build b - a + c, then most_similar excluding a, b and c.
    raise NotImplementedError("lesson 1.7: analogy is not written yet")
