"""Splits with the standard library's `re`, which does not know \\p{L} and \\p{N}: the real
patterns do not even compile."""

EXPECT = "regex"

import re


def encode_with_ranks(text, ranks, pattern):
    ids = []
    for piece in re.findall(pattern, text):
        ids.extend(_merge_piece(piece.encode("utf-8"), ranks))
    return ids
