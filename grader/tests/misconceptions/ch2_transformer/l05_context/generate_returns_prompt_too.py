"""generate returns the prompt followed by the new ids, instead of only the new ids."""

EXPECT = "only the new ids"


def generate(params, prompt, n_new, config, us, temperature=0.0, top_k=None, top_p=None):
    ids = list(prompt)
    for step in range(n_new):
        logits = forward(params, np.array(fit_context(ids, config["context_length"])), config)[-1]
        ids.append(sample(logits, us[step], temperature, top_k, top_p))
    return ids
