"""new_cache makes each layer d_model wide, as in lesson 2.6: with grouped-query attention the
cache holds only the n_kv_heads key-value heads, n_kv_heads * head_dim columns."""


def new_cache(config, capacity):
    return KVCache(config["n_layers"], capacity, config["d_model"])


EXPECT = "k and v must both be (t, 24)"
