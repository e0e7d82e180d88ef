"""sinusoidal_positions puts the cosine in the even columns and the sine in the odd ones, the
other way round from the course's convention."""

EXPECT = "cos goes in the odd columns"


def sinusoidal_positions(n_positions, d_model):
    if d_model % 2:
        raise ValueError("d_model must be even")
    p = np.arange(n_positions)[:, None]
    i = np.arange(d_model // 2)[None, :]
    angle = p / 10000 ** (2 * i / d_model)
    out = np.zeros((n_positions, d_model))
    out[:, 0::2] = np.cos(angle)
    out[:, 1::2] = np.sin(angle)
    return out
