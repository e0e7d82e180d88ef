"""sinusoidal_positions divides by 10000^(i/d) with i the pair index, forgetting the factor 2
of the exponent 2i/d."""

EXPECT = "2i/d"


def sinusoidal_positions(n_positions, d_model):
    if d_model % 2:
        raise ValueError("d_model must be even")
    i = np.arange(d_model // 2)
    angles = np.arange(n_positions)[:, None] / 10000 ** (i / d_model)
    table = np.empty((n_positions, d_model))
    table[:, 0::2] = np.sin(angles)
    table[:, 1::2] = np.cos(angles)
    return table
