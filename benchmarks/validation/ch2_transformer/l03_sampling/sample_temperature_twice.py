"""sample divides by the temperature twice: once with apply_temperature and again inside the
final softmax (softmax(x / temperature)), so the effective temperature is t squared.

Basis: composing helpers written separately: the formula softmax(logits / T) remembered from
the lesson is written out in full after the logits were already tempered; it only shows at a
temperature other than 1.
"""

EXPECT = ["twice", "t squared", "t**2", "t ** 2"]


def sample(logits, u, temperature=1.0, top_k=None, top_p=None):
    if not 0 <= u < 1:
        raise ValueError(f"u must be in [0, 1), got {u}")
    if temperature == 0:
        return greedy(logits)
    x = apply_temperature(logits, temperature)
    if top_k is not None:
        x = top_k_filter(x, top_k)
    if top_p is not None:
        x = top_p_filter(x, top_p)
    return sample_from_probs(_softmax(x / temperature), u)
