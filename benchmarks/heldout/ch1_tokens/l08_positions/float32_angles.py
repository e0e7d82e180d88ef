"""sinusoidal_positions computes the angles in float32, so at long positions (thousands) the
angle loses its low digits and the sines drift by about 1e-4.

Basis: copying the dtype=torch.float32 of PyTorch reference code into numpy; the error only
shows at positions far beyond a short test.
"""

EXPECT = ["float32", "precision"]


def sinusoidal_positions(n_positions, d_model):
    if d_model <= 0 or d_model % 2:
        raise ValueError(f"d_model must be a positive even number, got {d_model}")
    freqs = (10000.0 ** (-np.arange(0, d_model, 2) / d_model)).astype(np.float32)
    angles = np.arange(n_positions, dtype=np.float32)[:, None] * freqs
    table = np.empty((n_positions, d_model))
    table[:, 0::2] = np.sin(angles)
    table[:, 1::2] = np.cos(angles)
    return table
