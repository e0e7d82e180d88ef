"""generate_cached feeds forward_step the whole sequence so far (prompt plus every new id) at
each decode step instead of only the one new id, so the cache appends the already cached
positions again: the positions run on past the real ones and the keys of every earlier token
are stored twice.

Basis: lesson 2.5's loop, which re-runs the model on the whole context, ported onto the cached
step without dropping the re-run; "with past_key_values you only pass the last token" (HF's
input_ids[:, -1:] after the first step) is a recurring question about KV-cache generation.
"""

EXPECT = ["only the new", "whole sequence", "already cached", "last id only"]


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
    ids = list(prompt)
    logits = forward_step(params, np.array(ids), cache, config)[-1]
    new = []
    for step in range(n_new):
        token = sample(logits, us[step], temperature, top_k, top_p)
        new.append(token)
        ids.append(token)
        if step + 1 < n_new:
            logits = forward_step(params, np.array(ids), cache, config)[-1]
    return new
