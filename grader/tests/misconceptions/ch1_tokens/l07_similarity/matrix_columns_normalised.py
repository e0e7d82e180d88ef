"""cosine_matrix divides by the column lengths (axis=0) instead of the length of each row."""

EXPECT = "axis=0"


def cosine_matrix(A, B):
    A, B = np.asarray(A, dtype=float), np.asarray(B, dtype=float)
    if (np.linalg.norm(A, axis=1) == 0).any() or (np.linalg.norm(B, axis=1) == 0).any():
        raise ValueError("a row of zeros")
    return (A / np.linalg.norm(A, axis=0)) @ (B / np.linalg.norm(B, axis=0)).T
