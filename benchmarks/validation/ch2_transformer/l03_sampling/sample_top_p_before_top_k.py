"""sample applies top-p before top-k, so the nucleus is taken from the whole distribution
instead of the one renormalised over the top k, and it can keep more tokens than the pinned
order (temperature, top-k, top-p) does.

Basis: the order of the filters differs between libraries (the lesson notes that Hugging Face
and llama.cpp disagree), and "does top_k or top_p come first?" is a common question; a learner
who thinks of top-p as the main filter and top-k as a cap writes it the other way round.
"""

EXPECT = ["top-k first", "wrong order", "before top-p", "top_k before"]


def sample(logits, u, temperature=1.0, top_k=None, top_p=None):
    if not 0 <= u < 1:
        raise ValueError(f"u must be in [0, 1), got {u}")
    if temperature == 0:
        return greedy(logits)
    x = apply_temperature(logits, temperature)
    if top_p is not None:
        x = top_p_filter(x, top_p)
    if top_k is not None:
        x = top_k_filter(x, top_k)
    return sample_from_probs(_softmax(x), u)
