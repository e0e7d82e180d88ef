"""kv_cache_bytes counts one layer only: every layer keeps its own keys and values, so the
n_layers factor is missing."""

EXPECT = "factor of 12"


def kv_cache_bytes(n_layers, d_model, seq_len, batch=1, bytes_per_value=4):
    return int(2 * d_model * seq_len * batch * bytes_per_value)
