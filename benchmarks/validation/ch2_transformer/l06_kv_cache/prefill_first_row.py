"""generate_cached samples the first new id from row 0 of the prompt's logits
(forward_step(prompt)[0]) instead of the last row [-1], so the first id predicts what follows
the prompt's first token, not the whole prompt.

Basis: the decode steps index [0] (one new token, one row), and the prefill is written the same
way; nanoGPT and HF take logits[:, -1, :] after the prefill.
"""

EXPECT = ["last row", "[-1]", "last position", "after the prompt"]


def generate_cached(params, prompt, n_new, config, us, temperature=0.0, top_k=None, top_p=None):
    if not prompt:
        raise ValueError("the prompt must hold at least one id")
    if len(us) < n_new:
        raise ValueError(f"{n_new} new tokens need {n_new} uniform draws, got {len(us)}")
    if len(prompt) + n_new > config["context_length"]:
        raise ValueError(
            f"{len(prompt)} + {n_new} ids do not fit context_length {config['context_length']}"
        )
    cache = KVCache(config["n_layers"], config["context_length"], config["d_model"])
    logits = forward_step(params, np.array(prompt), cache, config)[0]
    new = []
    for step in range(n_new):
        token = sample(logits, us[step], temperature, top_k, top_p)
        new.append(token)
        if step + 1 < n_new:
            logits = forward_step(params, np.array([token]), cache, config)[0]
    return new
