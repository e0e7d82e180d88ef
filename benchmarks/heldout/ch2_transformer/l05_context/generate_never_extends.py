"""generate never appends the new id to the running sequence, so every step predicts from the
prompt alone.

Basis: collecting the output list and forgetting to feed it back.
"""

EXPECT = ["append", "feed", "previous"]


def generate(params, prompt, n_new, config, us, temperature=0.0, top_k=None, top_p=None):
    if not prompt:
        raise ValueError("the prompt must hold at least one id")
    if len(us) < n_new:
        raise ValueError("not enough draws")
    new = []
    for step in range(n_new):
        context = fit_context(list(prompt), config["context_length"])
        logits = forward(params, np.array(context), config)[-1]
        new.append(sample(logits, us[step], temperature, top_k, top_p))
    return new
