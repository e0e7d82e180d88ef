"""cosine_matrix multiplies the normalised rows in the wrong order, (B / |B|) @ (A / |A|).T, so
it returns the (m, n) transpose of the (n, m) matrix asked for: entry [i, j] is the cosine of
B[i] with A[j].

Basis: the order of a matrix product is a classic slip when both factors have d columns; either
order runs, and with square inputs (n == m) or a symmetric check like cosine_matrix(A, A) the
transposed result looks right.
"""

EXPECT = ["transpose", "(m, n)", "(n, m)", "swapped"]


def cosine_matrix(A, B):
    A = np.asarray(A, dtype=float)
    B = np.asarray(B, dtype=float)
    if A.ndim != 2 or B.ndim != 2 or A.shape[1] != B.shape[1]:
        raise ValueError(f"expected shapes (n, d) and (m, d), got {A.shape} and {B.shape}")
    norm_a = np.linalg.norm(A, axis=1, keepdims=True)
    norm_b = np.linalg.norm(B, axis=1, keepdims=True)
    if (norm_a == 0).any() or (norm_b == 0).any():
        raise ValueError("a row of zeros has no direction, so it has no cosine")
    return np.clip((B / norm_b) @ (A / norm_a).T, -1.0, 1.0)
