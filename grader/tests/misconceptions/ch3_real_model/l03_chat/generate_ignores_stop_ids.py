"""generate runs its n_new steps whatever it samples: a chat answer would go on past the model's
end-of-turn token <|im_end|>."""

EXPECT = "past the stop id"


def generate(
    params, prompt, n_new, config, us, temperature=0.0, top_k=None, top_p=None, stop_ids=()
):
    if not prompt:
        raise ValueError("empty prompt")
    if len(us) < n_new:
        raise ValueError("not enough draws")
    cache = new_cache(config, len(prompt) + n_new)
    logits = forward_step(params, np.array(prompt), cache, config)[-1]
    new = []
    for step in range(n_new):
        token = sample(logits, us[step], temperature, top_k, top_p)
        new.append(int(token))
        if step + 1 < n_new:
            logits = forward_step(params, np.array([token]), cache, config)[0]
    return new
