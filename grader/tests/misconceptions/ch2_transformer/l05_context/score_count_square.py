"""attention_score_count counts T*T scores per head, as if the mask did not exist; a causal
prefill only scores the T*(T+1)/2 allowed query-key pairs."""

EXPECT = "only i + 1 keys"


def attention_score_count(T, n_layers, n_heads):
    return n_layers * n_heads * T * T
