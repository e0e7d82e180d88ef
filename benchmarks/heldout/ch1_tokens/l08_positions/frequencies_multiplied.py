"""sinusoidal_positions multiplies the position by 10000^(2i/d) instead of dividing by it, so
the higher pairs spin faster instead of slower.

Basis: p / 10000^(2i/d) and p * 10000^(-2i/d) are easy to half-convert into p * 10000^(2i/d).
"""

EXPECT = ["divid", "10000^(-2i/d)", "slower"]


def sinusoidal_positions(n_positions, d_model):
    if d_model <= 0 or d_model % 2:
        raise ValueError(f"d_model must be a positive even number, got {d_model}")
    angles = np.arange(n_positions)[:, None] * 10000.0 ** (np.arange(0, d_model, 2) / d_model)
    table = np.empty((n_positions, d_model))
    table[:, 0::2] = np.sin(angles)
    table[:, 1::2] = np.cos(angles)
    return table
