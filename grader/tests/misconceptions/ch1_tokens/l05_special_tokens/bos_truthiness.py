"""Tests `if bos:` instead of `if bos is not None:`, so id 0 is silently dropped."""

EXPECT = "0 is a valid id"


def add_bos_eos(ids, bos, eos):
    return ([bos] if bos else []) + list(ids) + ([eos] if eos else [])
