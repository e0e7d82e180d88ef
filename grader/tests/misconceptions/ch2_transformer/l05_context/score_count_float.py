"""attention_score_count divides with / instead of //, so it returns a float such as 330.0
instead of an int."""

EXPECT = "Python int"


def attention_score_count(T, n_layers, n_heads):
    if T < 0 or n_layers < 0 or n_heads < 0:
        raise ValueError("T, n_layers and n_heads must not be negative")
    return n_layers * n_heads * (T * (T + 1) / 2)
