"""sample applies top-p only when top_k is None (an if/elif), so giving both ignores top_p.

Basis: HF's generate applies every warper in turn; an elif chain applies one.
"""

EXPECT = ["both", "then top-p", "elif"]


def sample(logits, u, temperature=1.0, top_k=None, top_p=None):
    if not 0 <= u < 1:
        raise ValueError(f"u must be in [0, 1), got {u}")
    if temperature == 0:
        return greedy(logits)
    x = apply_temperature(logits, temperature)
    if top_k is not None:
        x = top_k_filter(x, top_k)
    elif top_p is not None:
        x = top_p_filter(x, top_p)
    return sample_from_probs(_softmax(x), u)
