"""generate feeds the whole sequence so far to forward_step at every step instead of only the
new id, so the cache fills with repeated positions.

Basis: https://github.com/lucidrains/x-transformers/issues/219 (KV cache breaks generation).
"""

EXPECT = ["only the new", "new id", "once"]


def generate(
    params, prompt, n_new, config, us, temperature=0.0, top_k=None, top_p=None, stop_ids=()
):
    if not prompt:
        raise ValueError("the prompt must hold at least one id")
    if len(us) < n_new:
        raise ValueError("not enough draws")
    cache = new_cache(config, config["context_length"])
    ids = list(prompt)
    new = []
    for step in range(n_new):
        logits = forward_step(params, np.array(ids), cache, config)[-1]
        token = int(sample(logits, us[step], temperature, top_k, top_p))
        new.append(token)
        ids.append(token)
        if token in stop_ids:
            break
    return new
