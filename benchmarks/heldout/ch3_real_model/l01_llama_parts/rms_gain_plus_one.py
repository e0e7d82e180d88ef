"""rms_norm multiplies by (1 + g), as Gemma's RMSNorm does, where Llama (and SmolLM2)
multiply by g.

Basis: Raschka's Gemma 3 from-scratch notebook and Gemma's reference use (1 + weight); learners
who read it carry it over to Llama.
"""

EXPECT = ["1 + g", "(1 + g)", "Gemma"]


def rms_norm(x, g, eps=1e-5):
    return x / np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + eps) * (1.0 + g)
