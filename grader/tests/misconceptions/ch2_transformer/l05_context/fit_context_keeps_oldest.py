"""fit_context keeps the first context_length ids (the oldest) instead of the most recent, so a
long generation stops seeing what it just wrote."""

EXPECT = "most recent"


def fit_context(ids, context_length):
    if context_length < 1:
        raise ValueError("context_length must be at least 1")
    return list(ids)[:context_length]
