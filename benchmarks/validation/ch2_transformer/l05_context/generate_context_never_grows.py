"""generate records each sampled id in the list it returns but never appends it to the running
sequence ids, so every step runs the model on the prompt alone and the model never sees what it
has just written (greedy decoding repeats one id).

Basis: "my model generates the same token over and over" is a common forum question about
hand-written generation loops; the sampled id must be fed back (nanoGPT's
idx = torch.cat((idx, idx_next), dim=1)), and keeping a separate list of new ids makes the feed
back easy to forget.
"""

EXPECT = ["fed back", "feed back", "never grows", "ids.append"]


def generate(params, prompt, n_new, config, us, temperature=0.0, top_k=None, top_p=None):
    if not prompt:
        raise ValueError("the prompt must hold at least one id")
    if len(us) < n_new:
        raise ValueError(f"{n_new} new tokens need {n_new} uniform draws, got {len(us)}")
    ids = list(prompt)
    new = []
    for step in range(n_new):
        context = fit_context(ids, config["context_length"])
        logits = forward(params, np.array(context), config)[-1]
        token = sample(logits, us[step], temperature, top_k, top_p)
        new.append(token)
    return new
