"""Runs the BPE merges over the whole text, without splitting it with the pattern first, so
tokens can cross word and space boundaries."""

EXPECT = "split the text with the pattern first"


def encode_with_ranks(text, ranks, pattern):
    return _merge_piece(text.encode("utf-8"), ranks)
