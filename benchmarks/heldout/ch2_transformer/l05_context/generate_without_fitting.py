"""generate runs the model on the whole sequence without fit_context, so it fails as soon as
the sequence is longer than the context length.

Basis: nanoGPT's generate crops with idx[:, -block_size:]; forgetting that crop is a FAQ of
nanoGPT's issue tracker ("Cannot forward sequence of length ...").
"""

EXPECT = ["fit_context", "context length", "crop"]


def generate(params, prompt, n_new, config, us, temperature=0.0, top_k=None, top_p=None):
    if not prompt:
        raise ValueError("the prompt must hold at least one id")
    if len(us) < n_new:
        raise ValueError("not enough draws")
    ids = list(prompt)
    new = []
    for step in range(n_new):
        logits = forward(params, np.array(ids), config)[-1]
        token = sample(logits, us[step], temperature, top_k, top_p)
        ids.append(token)
        new.append(token)
    return new
