"""sinusoidal_positions puts all the sines in the first half of the columns and all the cosines
in the second half, instead of interleaving them (sin in column 2i, cos in column 2i+1)."""

EXPECT = "interleave"


def sinusoidal_positions(n_positions, d_model):
    if d_model % 2:
        raise ValueError("d_model must be even")
    angles = np.arange(n_positions)[:, None] / 10000 ** (np.arange(0, d_model, 2) / d_model)
    return np.concatenate([np.sin(angles), np.cos(angles)], axis=1)
