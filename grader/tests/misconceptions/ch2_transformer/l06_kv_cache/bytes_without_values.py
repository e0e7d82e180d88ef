"""kv_cache_bytes counts only the keys: the factor 2 for keys and values is missing."""

EXPECT = "keys AND values"


def kv_cache_bytes(n_layers, d_model, seq_len, batch=1, bytes_per_value=4):
    return n_layers * d_model * seq_len * batch * bytes_per_value
