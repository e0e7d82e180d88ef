"""generate_cached feeds the whole sequence so far to forward_step at every step, so the cache
stores the earlier positions again and again.

Basis: https://github.com/lucidrains/x-transformers/issues/219 ("kv cache breaks generation"):
with a cache, only the new token goes in.
"""

EXPECT = ["only the new", "new token", "once"]


def generate_cached(params, prompt, n_new, config, us, temperature=0.0, top_k=None, top_p=None):
    if not prompt:
        raise ValueError("the prompt must hold at least one id")
    if len(us) < n_new:
        raise ValueError("not enough draws")
    if len(prompt) + n_new > config["context_length"]:
        raise ValueError("does not fit")
    cache = KVCache(config["n_layers"], config["context_length"], config["d_model"])
    ids = list(prompt)
    new = []
    for step in range(n_new):
        logits = forward_step(params, np.array(ids), cache, config)[-1]
        token = sample(logits, us[step], temperature, top_k, top_p)
        ids.append(token)
        new.append(token)
    return new
