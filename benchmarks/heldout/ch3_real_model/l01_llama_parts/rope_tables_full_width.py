"""rope_tables concatenates the angles with themselves (cat(freqs, freqs)), giving tables of
width head_dim instead of head_dim // 2.

Basis: Hugging Face's LlamaRotaryEmbedding does emb = cat((freqs, freqs)) for its rotate_half
layout (https://github.com/huggingface/transformers/issues/40462); the course's interleaved
tables have one angle per pair.
"""

EXPECT = ["head_dim // 2", "one angle per pair", "width"]


def rope_tables(positions, head_dim, base=10000.0):
    if head_dim % 2:
        raise ValueError("head_dim must be even")
    positions = np.asarray(positions, dtype=np.float64)
    inv = base ** (-np.arange(0, head_dim, 2, dtype=np.float64) / head_dim)
    ang = positions[:, None] * inv[None, :]
    ang = np.concatenate([ang, ang], axis=-1)
    return np.cos(ang).astype(np.float32), np.sin(ang).astype(np.float32)
