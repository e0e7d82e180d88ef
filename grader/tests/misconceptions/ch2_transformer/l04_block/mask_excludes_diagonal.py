"""The causal mask uses j < i instead of j <= i: a position may not attend to itself (and the
first position may attend to nothing at all)."""

EXPECT = "diagonal must be True"


def causal_mask(T):
    return np.tril(np.ones((T, T), dtype=bool), k=-1)
