"""generate stops before appending the stop id, where the stop id must be returned as the last
id.

Basis: HF's generate keeps the eos token in the output; learners often break first.
"""

EXPECT = ["last id", "returned", "stop id"]


def generate(
    params, prompt, n_new, config, us, temperature=0.0, top_k=None, top_p=None, stop_ids=()
):
    if not prompt:
        raise ValueError("the prompt must hold at least one id")
    if len(us) < n_new:
        raise ValueError("not enough draws")
    cache = new_cache(config, len(prompt) + n_new)
    logits = forward_step(params, np.array(prompt), cache, config)[-1]
    new = []
    for step in range(n_new):
        token = int(sample(logits, us[step], temperature, top_k, top_p))
        if token in stop_ids:
            break
        new.append(token)
        if step + 1 == n_new:
            break
        logits = forward_step(params, np.array([token]), cache, config)[0]
    return new
