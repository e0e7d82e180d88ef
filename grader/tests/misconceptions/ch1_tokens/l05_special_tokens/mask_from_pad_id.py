"""Derives the mask from the ids (ids != pad_id), so a real token that happens to equal pad_id
is masked out: the mask must come from the lengths."""

EXPECT = "build the mask from the lengths"

_good_pad_batch = pad_batch


def pad_batch(seqs, pad_id, side="right"):
    ids, _ = _good_pad_batch(seqs, pad_id, side)
    return ids, (ids != pad_id).astype(np.int64)
