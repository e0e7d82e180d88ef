"""rms_norm computes the mean square with dtype=np.float64, so a float32 input comes back
float64 and the whole model silently runs in float64.

Basis: "do the reduction in higher precision" (as HF's LlamaRMSNorm does in float32 for
float16 inputs) without casting back to the input's dtype.
"""

EXPECT = ["float32", "dtype", "float64"]


def rms_norm(x, g, eps=1e-5):
    ms = np.mean(x * x, axis=-1, keepdims=True, dtype=np.float64)
    return x / np.sqrt(ms + eps) * g
