"""generate picks every new id with np.argmax of the last row, ignoring temperature, top_k,
top_p and the draws us, instead of calling sample(logits, us[step], temperature, top_k, top_p).

Basis: the first generation loop of most tutorials is greedy (argmax); a learner who starts
from it passes the sampling arguments along but never uses them, which shows only at a
temperature above 0.
"""

EXPECT = ["sample(", "ignores the temperature", "argmax", "always greedy"]


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
        token = int(np.argmax(logits))
        ids.append(token)
        new.append(token)
    return new
