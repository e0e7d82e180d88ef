"""cosine_matrix computes the row lengths with np.linalg.norm(..., axis=1) but without
keepdims=True, so the (n,) vector of lengths broadcasts along the columns: column j is divided
by the length of row j (or the shapes do not match at all).

Basis: a well-known numpy broadcasting trap: dividing a matrix by one number per row needs the
norms as a column, shape (n, 1).
"""

EXPECT = ["keepdims", "broadcast", "per row", "(n, 1)"]


def cosine_matrix(A, B):
    A = np.asarray(A, dtype=float)
    B = np.asarray(B, dtype=float)
    if A.ndim != 2 or B.ndim != 2 or A.shape[1] != B.shape[1]:
        raise ValueError(f"expected shapes (n, d) and (m, d), got {A.shape} and {B.shape}")
    norm_a = np.linalg.norm(A, axis=1)
    norm_b = np.linalg.norm(B, axis=1)
    if (norm_a == 0).any() or (norm_b == 0).any():
        raise ValueError("a row of zeros has no direction, so it has no cosine")
    return np.clip((A / norm_a) @ (B / norm_b).T, -1.0, 1.0)
