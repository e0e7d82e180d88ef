"""kv_cache_bytes leaves the batch size out of the product: every sequence of the batch needs its
own keys and values."""

EXPECT = "factor of 3"


def kv_cache_bytes(n_layers, d_model, seq_len, batch=1, bytes_per_value=4):
    return int(2 * n_layers * d_model * seq_len * bytes_per_value)
