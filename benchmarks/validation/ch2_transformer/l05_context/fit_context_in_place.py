"""fit_context trims the caller's list in place (del ids[:-context_length]) and returns it, so
the list passed in loses its oldest ids, instead of returning a new list and leaving the input
alone.

Basis: "drop the oldest tokens" written as an in-place deletion; mutating an argument is one of
the most common Python surprises, and generate's running sequence is exactly such a list.
"""

EXPECT = ["in place", "caller", "copy", "new list"]


def fit_context(ids, context_length):
    if context_length < 1:
        raise ValueError(f"context_length must be at least 1, got {context_length}")
    del ids[:-context_length]
    return ids
