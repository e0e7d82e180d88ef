"""cosine_matrix divides by np.linalg.norm(A) and np.linalg.norm(B), the norms of the whole
matrices, instead of the length of each row."""

EXPECT = "row and its column"


def cosine_matrix(A, B):
    A, B = np.asarray(A, dtype=float), np.asarray(B, dtype=float)
    if (np.linalg.norm(A, axis=1) == 0).any() or (np.linalg.norm(B, axis=1) == 0).any():
        raise ValueError("a zero row has no direction")
    return (A @ B.T) / (np.linalg.norm(A) * np.linalg.norm(B))
