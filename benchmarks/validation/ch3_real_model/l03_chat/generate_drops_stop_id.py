"""generate checks for a stop id before recording it (break, then append), so the end-of-turn
id that ends the generation is left out of the result instead of being returned as its last
id.

Basis: "stop when you see EOS" written as a guard at the top of the loop; whether the EOS token
belongs to the output is a recurring question (HF's generate keeps eos_token_id in the returned
sequence, many hand-written chat loops drop it).
"""

EXPECT = ["returned as the last", "include the stop", "drops the stop", "keeps the stop"]


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
    for step in range(n_new):
        token = sample(logits, us[step], temperature, top_k, top_p)
        if token in stop_ids:
            break
        new.append(int(token))
        if step + 1 == n_new:
            break
        logits = forward_step(params, np.array([token]), cache, config)[0]
    return new
