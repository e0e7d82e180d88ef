"""cosine_matrix returns the raw dot products A @ B.T: it never divides by the row lengths, so
long vectors look more similar."""

EXPECT = "bare dot product"


def cosine_matrix(A, B):
    A, B = np.asarray(A, dtype=float), np.asarray(B, dtype=float)
    if (np.linalg.norm(A, axis=1) == 0).any() or (np.linalg.norm(B, axis=1) == 0).any():
        raise ValueError("a zero row has no direction")
    return A @ B.T
