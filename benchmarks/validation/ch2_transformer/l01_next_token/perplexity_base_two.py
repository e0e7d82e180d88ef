"""perplexity returns 2 ** cross_entropy, the information-theory definition for an entropy in
bits, while the cross-entropy here is in nats (natural log), so it must be exp(cross_entropy).

Basis: textbooks define perplexity as 2^H(p) with H in bits; the "is perplexity 2**loss or
exp(loss)?" question is a classic on forums and in the Hugging Face perplexity guide, which
uses exp of the natural-log loss.
"""

EXPECT = ["exp(", "natural log", "nats", "base 2"]


def perplexity(logits, targets):
    return float(2.0 ** cross_entropy(logits, targets))
