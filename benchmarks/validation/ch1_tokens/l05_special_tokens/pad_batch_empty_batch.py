"""pad_batch takes max(len(s) for s in seqs) with no default, so an empty batch raises
"max() arg is an empty sequence" instead of giving two empty (0, 0) arrays.

Basis: the empty-input edge case, dropped when max() is used without default=0.
"""

EXPECT = ["empty batch", "empty", "default"]


def pad_batch(seqs, pad_id, side="right"):
    if side not in ("right", "left"):
        raise ValueError(f'side must be "right" or "left", not {side!r}')
    t_max = max(len(s) for s in seqs)
    ids = np.full((len(seqs), t_max), pad_id, dtype=np.int64)
    mask = np.zeros((len(seqs), t_max), dtype=np.int64)
    for row, seq in enumerate(seqs):
        n = len(seq)
        if n == 0:
            continue
        cols = slice(0, n) if side == "right" else slice(t_max - n, t_max)
        ids[row, cols] = seq
        mask[row, cols] = 1
    return ids, mask
