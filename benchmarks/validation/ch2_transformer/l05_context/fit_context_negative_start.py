"""fit_context slices from start = len(ids) - context_length without clamping it at 0, so for a
list shorter than the window the start is negative and Python counts it from the end: 4 ids in
a window of 5 come back as the last id only, instead of all 4.

Basis: "keep from index len - C" written as arithmetic instead of ids[-C:] (or max(0, ...));
negative indices silently wrapping around is a classic Python slicing surprise, and the short
input is the edge nobody tests first.
"""

EXPECT = ["negative", "max(0", "shorter than", "wraps"]


def fit_context(ids, context_length):
    if context_length < 1:
        raise ValueError(f"context_length must be at least 1, got {context_length}")
    start = len(ids) - context_length
    return list(ids)[start:]
