"""generate runs the model on the whole running sequence (prompt plus every id generated so far)
at every step instead of on fit_context(ids, context_length), so once the sequence is longer
than the context window the forward pass fails instead of sliding the window.

Basis: nanoGPT's generate crops with idx[:, -block_size:] before each forward; leaving it out
gives the well-known "index out of range in self" on the position embedding once generation
passes block_size, a frequent nanoGPT issue.
"""

EXPECT = ["fit_context", "crop", "context window", "context_length"]


def generate(params, prompt, n_new, config, us, temperature=0.0, top_k=None, top_p=None):
    if not prompt:
        raise ValueError("the prompt must hold at least one id")
    if len(us) < n_new:
        raise ValueError(f"{n_new} new tokens need {n_new} uniform draws, got {len(us)}")
    ids = list(prompt)
    new = []
    for step in range(n_new):
        logits = forward(params, np.array(ids), config)[-1]
        token = sample(logits, us[step], temperature, top_k, top_p)
        ids.append(token)
        new.append(token)
    return new
