"""generate feeds the sampled id back as np.array(token), a 0-d array, instead of
np.array([token]), a sequence of one id, so forward_step cannot take its length (TypeError:
len() of unsized object) at the first decode step.

Basis: np.array(x) vs np.array([x]); the prefill passes a list, the decode step a bare int, and
"len() of unsized object" is a standard numpy question.
"""

EXPECT = ["[token]", "0-d", "shape (1,)", "one-element"]


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
        new.append(int(token))
        if token in stop_ids or step + 1 == n_new:
            break
        logits = forward_step(params, np.array(token), cache, config)[0]
    return new
