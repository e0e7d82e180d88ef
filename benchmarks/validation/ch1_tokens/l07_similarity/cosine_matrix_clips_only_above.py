"""cosine_matrix clips only from above with np.minimum(m, 1.0), so a pair of opposite rows can
still come out as -1.0000000000000002, below the lower bound -1.

Basis: the rounding problem is usually shown as "cosine of a vector with itself is
1.0000000000000002" (a frequent numpy/scikit-learn question before arccos gives nan), so the
fix is written for the top end only; opposite vectors overshoot -1 in the same way.
"""

EXPECT = ["below -1", "lower bound", "clip", "[-1, 1]"]


def cosine_matrix(A, B):
    A = np.asarray(A, dtype=float)
    B = np.asarray(B, dtype=float)
    if A.ndim != 2 or B.ndim != 2 or A.shape[1] != B.shape[1]:
        raise ValueError(f"expected shapes (n, d) and (m, d), got {A.shape} and {B.shape}")
    norm_a = np.linalg.norm(A, axis=1, keepdims=True)
    norm_b = np.linalg.norm(B, axis=1, keepdims=True)
    if (norm_a == 0).any() or (norm_b == 0).any():
        raise ValueError("a row of zeros has no direction, so it has no cosine")
    return np.minimum((A / norm_a) @ (B / norm_b).T, 1.0)
