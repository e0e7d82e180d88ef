"""rms_norm subtracts the mean first, as LayerNorm does: that is LayerNorm without its bias, and
RMSNorm never centres the row."""

EXPECT = "subtracts the mean"


def rms_norm(x, g, eps=1e-5):
    c = x - np.mean(x, axis=-1, keepdims=True)
    return c / np.sqrt(np.mean(c * c, axis=-1, keepdims=True) + eps) * g
