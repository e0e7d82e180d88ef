"""sinusoidal_positions numbers the positions 1..n (np.arange(1, n + 1)) instead of 0..n-1, so
the first row is the encoding of position 1 and not [0, 1, 0, 1, ...].

Basis: an off-by-one from counting tokens "first, second, ..." from 1; in "Attention Is All
You Need" pos starts at 0.
"""

EXPECT = ["off by one", "off-by-one", "position 0", "from 0"]


def sinusoidal_positions(n_positions, d_model):
    if d_model <= 0 or d_model % 2:
        raise ValueError(f"d_model must be a positive even number, got {d_model}")
    if n_positions < 0:
        raise ValueError(f"n_positions must be at least 0, got {n_positions}")
    angles = np.arange(1, n_positions + 1)[:, None] * _frequencies(d_model, 10000.0)
    table = np.empty((n_positions, d_model))
    table[:, 0::2] = np.sin(angles)
    table[:, 1::2] = np.cos(angles)
    return table
