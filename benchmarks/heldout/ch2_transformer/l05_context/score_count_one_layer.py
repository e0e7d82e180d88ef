"""attention_score_count forgets the layers: n_heads * T(T+1)/2.

Basis: counting one attention layer and stopping there.
"""

EXPECT = ["n_layers", "layers"]


def attention_score_count(T, n_layers, n_heads):
    if T < 0 or n_layers < 0 or n_heads < 0:
        raise ValueError("must not be negative")
    return int(n_heads * (T * (T + 1) // 2))
