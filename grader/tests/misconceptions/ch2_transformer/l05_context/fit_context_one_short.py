"""fit_context keeps ids[-(context_length - 1):], one id fewer than the window holds (an
off-by-one left over from reserving room for the next token)."""

EXPECT = "missing"


def fit_context(ids, context_length):
    if context_length < 1:
        raise ValueError(f"context_length must be at least 1, got {context_length}")
    return list(ids)[-(context_length - 1) :] if context_length > 1 else []
