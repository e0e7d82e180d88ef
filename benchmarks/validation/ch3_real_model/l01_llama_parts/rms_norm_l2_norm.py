"""rms_norm divides by the L2 norm of each row, sqrt(sum(x**2) + eps), instead of the root of the
MEAN of the squares, so every row comes out sqrt(d) times too small.

Basis: "normalise by the norm" (np.linalg.norm) confused with the root-mean-square; the RMSNorm
paper and Llama's reference code use x * rsqrt(mean(x**2) + eps).
"""

EXPECT = ["mean of the squares", "sqrt(d)", "root-mean-square", "root mean square"]


def rms_norm(x, g, eps=1e-5):
    ss = np.sum(x * x, axis=-1, keepdims=True)
    return x / np.sqrt(ss + eps) * g
