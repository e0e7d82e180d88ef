"""generate samples every step with the first draw us[0] instead of us[step]."""

EXPECT = "us[i]"

import numpy as np


def generate(params, prompt, n_new, config, us, temperature=0.0, top_k=None, top_p=None):
    if not prompt:
        raise ValueError("the prompt must hold at least one id")
    ids, new = list(prompt), []
    for _ in range(n_new):
        context = fit_context(ids, config["context_length"])
        logits = forward(params, np.array(context), config)[-1]
        token = sample(logits, us[0], temperature, top_k, top_p)
        ids.append(token)
        new.append(token)
    return new
