"""sinusoidal_positions divides the exponent by d - 1 (as if spreading it over the last
column index) instead of d."""

EXPECT = "not d - 1"


def sinusoidal_positions(n_positions, d_model):
    if d_model % 2:
        raise ValueError("d_model must be even")
    two_i = np.arange(0, d_model, 2)
    angles = np.arange(n_positions)[:, None] / 10000 ** (two_i / (d_model - 1))
    table = np.empty((n_positions, d_model))
    table[:, 0::2] = np.sin(angles)
    table[:, 1::2] = np.cos(angles)
    return table
