"""rope_tables uses base ** (-i / head_dim) with i = 0, 1, 2, ...: the exponent misses the 2,
so the later pairs turn far too fast."""

EXPECT = "-2i / head_dim"


def rope_tables(positions, head_dim, base=10000.0):
    if head_dim % 2:
        raise ValueError("odd head_dim")
    inv = base ** (-np.arange(head_dim // 2) / head_dim)
    angles = np.asarray(positions, dtype=float)[:, None] * inv
    return np.cos(angles).astype(np.float32), np.sin(angles).astype(np.float32)
