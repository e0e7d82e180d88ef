"""causal_mask uses np.triu instead of np.tril, so position i may attend to the positions after
it (j >= i) instead of before it.

Basis: https://github.com/harvard-edge/cs249r_book/pull/1785 (a mask convention mix-up between
upper-triangular "blocked" and lower-triangular "allowed" masks).
"""

EXPECT = ["tril", "j <= i", "lower"]


def causal_mask(T):
    if T < 0:
        raise ValueError("T must be at least 0")
    return np.triu(np.ones((T, T), dtype=bool))
