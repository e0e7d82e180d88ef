"""attention_score_count counts T*(T-1)/2 scores per head, forgetting that each position also
scores its own key."""

EXPECT = "i + 1 keys, not i"


def attention_score_count(T, n_layers, n_heads):
    if T < 0 or n_layers < 0 or n_heads < 0:
        raise ValueError("T, n_layers and n_heads must not be negative")
    return n_layers * n_heads * (T * (T - 1) // 2)
