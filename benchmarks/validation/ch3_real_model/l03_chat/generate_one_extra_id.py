"""generate loops while len(new) <= n_new instead of < n_new, so it samples one id more than
asked: with more draws than n_new it returns n_new + 1 ids, and with exactly n_new draws it
fails on us[n_new] (IndexError).

Basis: the off-by-one of a hand-written while loop (<= where < is meant), common when the
for-loop over range(n_new) is rewritten as a while loop to break on an end-of-turn token.
"""

EXPECT = ["n_new + 1", "one too many", "off-by-one", "< n_new"]


def generate(
    params, prompt, n_new, config, us, temperature=0.0, top_k=None, top_p=None, stop_ids=()
):
    if not prompt:
        raise ValueError("the prompt must hold at least one id")
    if len(us) < n_new:
        raise ValueError(f"{n_new} new tokens need {n_new} uniform draws, got {len(us)}")
    cache = new_cache(config, len(prompt) + n_new)
    logits = forward_step(params, np.array(prompt), cache, config)[-1]
    new = []
    while len(new) <= n_new:
        token = sample(logits, us[len(new)], temperature, top_k, top_p)
        new.append(int(token))
        if token in stop_ids or len(new) == n_new + 1:
            break
        logits = forward_step(params, np.array([token]), cache, config)[0]
    return new
