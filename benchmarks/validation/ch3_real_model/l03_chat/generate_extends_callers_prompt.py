"""generate keeps the running sequence in ids = prompt, the caller's own list, and appends every
new id to it, so the prompt passed in grows by the generated ids (a second call with the same
list sends the answer back as part of the prompt), instead of working on a copy.

Basis: `ids = prompt` binds a second name to the same list, the most common Python aliasing
surprise; in a chat loop the prompt list is the conversation history, reused turn after turn.
"""

EXPECT = ["in place", "caller", "copy", "alias"]


def generate(
    params, prompt, n_new, config, us, temperature=0.0, top_k=None, top_p=None, stop_ids=()
):
    if not prompt:
        raise ValueError("the prompt must hold at least one id")
    if len(us) < n_new:
        raise ValueError(f"{n_new} new tokens need {n_new} uniform draws, got {len(us)}")
    ids = prompt
    n_prompt = len(ids)
    cache = new_cache(config, n_prompt + n_new)
    logits = forward_step(params, np.array(ids), cache, config)[-1]
    for step in range(n_new):
        token = sample(logits, us[step], temperature, top_k, top_p)
        ids.append(int(token))
        if token in stop_ids or step + 1 == n_new:
            break
        logits = forward_step(params, np.array([token]), cache, config)[0]
    return ids[n_prompt:]
