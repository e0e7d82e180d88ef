"""Builds the attention mask the wrong way round: 1 for padding and 0 for real tokens."""

EXPECT = "1 for real tokens"

_right_pad_batch = pad_batch


def pad_batch(seqs, pad_id, side="right"):
    ids, mask = _right_pad_batch(seqs, pad_id, side)
    return ids, 1 - mask
