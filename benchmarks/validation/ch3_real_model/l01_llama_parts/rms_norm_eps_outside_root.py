"""rms_norm adds eps after the square root, x / (sqrt(mean(x**2)) + eps), instead of inside it,
x / sqrt(mean(x**2) + eps), so rows with a small root-mean-square come out scaled differently
from the trained model's.

Basis: both placements circulate (some LayerNorm write-ups and std-based code use
std + eps); Llama's RMSNorm uses torch.rsqrt(x.pow(2).mean(-1) + eps), and "where does eps
go?" is a frequent question when porting norms.
"""

EXPECT = ["inside the root", "inside the square root", "sqrt(ms + eps)", "eps outside"]


def rms_norm(x, g, eps=1e-5):
    ms = np.mean(x * x, axis=-1, keepdims=True)
    return x / (np.sqrt(ms) + eps) * g
