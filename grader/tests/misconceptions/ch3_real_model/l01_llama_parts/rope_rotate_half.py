"""apply_rope pairs x[i] with x[i + head_dim / 2] (Hugging Face's rotate_half). That is right for
Hugging Face's checkpoint, wrong for the GGUF file, whose Q and K rows llama.cpp permuted so
that neighbours (x[2i], x[2i+1]) form the pairs. On SmolLM2 the perplexity of the fixed
paragraph goes from 6.7 to about 24."""

EXPECT = "rotate_half"


def apply_rope(x, cos, sin):
    half = x.shape[-1] // 2
    a, b = x[..., :half], x[..., half:]
    return np.concatenate([a * cos - b * sin, a * sin + b * cos], axis=-1)
