"""sample_from_probs returns int(np.argmax(cum > u)), and when rounding leaves every cumsum at
or below u (probabilities adding up to a hair under 1, u close to 1) nothing is True and argmax
returns id 0 instead of the last id with a probability above 0.

Basis: argmax of an all-False array is 0, a well-known numpy trap; inverse-CDF sampling code
from tutorials rarely handles cum[-1] < 1 after floating-point rounding.
"""

EXPECT = ["rounding", "all false", "last id", "fallback"]


def sample_from_probs(probs, u):
    if not 0 <= u < 1:
        raise ValueError(f"u must be in [0, 1), got {u}")
    cum = np.cumsum(probs)
    return int(np.argmax(cum > u))
