"""rope_tables uses base ** (+2i / head_dim) instead of base ** (-2i / head_dim), so the
frequencies grow with the pair index instead of shrinking: pair 0 turns by 1 radian a
position and the last pair by almost `base` radians.

Basis: theta_i = 10000^(-2i/d) in the RoFormer paper; dropping the minus sign (or multiplying
where Llama's 1.0 / (theta ** (arange(0, dim, 2) / dim)) divides) is a common slip when writing
the inverse frequencies by hand.
"""

EXPECT = ["-2i", "negative exponent", "inverse frequenc", "1 / base"]


def rope_tables(positions, head_dim, base=10000.0):
    if head_dim % 2:
        raise ValueError(f"head_dim must be even to form pairs, got {head_dim}")
    positions = np.asarray(positions, dtype=np.float64)
    inv_freq = base ** (np.arange(0, head_dim, 2, dtype=np.float64) / head_dim)
    angles = positions[:, None] * inv_freq[None, :]
    return np.cos(angles).astype(np.float32), np.sin(angles).astype(np.float32)
