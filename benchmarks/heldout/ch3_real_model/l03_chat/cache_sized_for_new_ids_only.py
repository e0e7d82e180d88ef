"""generate makes a cache of capacity n_new, forgetting the prompt, so the prompt alone can
overflow it.

Basis: sizing a buffer by what is generated and not by everything that goes through it.
"""

EXPECT = ["len(prompt) + n_new", "capacity", "prompt"]


def generate(
    params, prompt, n_new, config, us, temperature=0.0, top_k=None, top_p=None, stop_ids=()
):
    if not prompt:
        raise ValueError("the prompt must hold at least one id")
    if len(us) < n_new:
        raise ValueError("not enough draws")
    cache = new_cache(config, max(n_new, 1))
    logits = forward_step(params, np.array(prompt), cache, config)[-1]
    new = []
    for step in range(n_new):
        token = int(sample(logits, us[step], temperature, top_k, top_p))
        new.append(token)
        if token in stop_ids or step + 1 == n_new:
            break
        logits = forward_step(params, np.array([token]), cache, config)[0]
    return new
