"""causal_mask returns True where attending is NOT allowed (np.triu(..., k=1): the future
positions j > i), PyTorch's convention for a boolean attn_mask, instead of True where position i
may attend to j <= i, so attention keeps exactly the keys it should drop (and the last row may
attend to nothing).

Basis: torch.nn.MultiheadAttention and nn.Transformer's generate_square_subsequent_mask mark the
positions to block (True / -inf = masked out), while this kit, F.scaled_dot_product_attention and
nanoGPT's tril buffer mark the allowed ones; "is True masked or kept?" is a standing forum
question.
"""

EXPECT = ["inverted", "the other way round", "j <= i", "convention"]


def causal_mask(T):
    if T < 0:
        raise ValueError(f"T must be at least 0, got {T}")
    return np.triu(np.ones((T, T), dtype=bool), k=1)
