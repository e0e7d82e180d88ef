"""rope_tables returns np.cos and np.sin of float64 angles as they are: float64 tables. Every q
and k they rotate becomes float64, and so does everything downstream: the silent float64 that
makes SmolLM2's decoding many times slower."""

EXPECT = "float64"


def rope_tables(positions, head_dim, base=10000.0):
    if head_dim % 2:
        raise ValueError("odd head_dim")
    angles = np.asarray(positions, dtype=float)[:, None] * base ** (
        -np.arange(0, head_dim, 2) / head_dim
    )
    return np.cos(angles), np.sin(angles)
