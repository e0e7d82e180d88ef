"""fit_context slices ids[len(ids) - context_length:], which for input shorter than the window
is a negative start and drops ids from the front.

Basis: computing the start index by hand instead of ids[-context_length:].
"""

EXPECT = ["shorter", "negative", "ids[-context_length:]"]


def fit_context(ids, context_length):
    if context_length < 1:
        raise ValueError("context_length must be at least 1")
    return list(ids)[len(ids) - context_length :]
