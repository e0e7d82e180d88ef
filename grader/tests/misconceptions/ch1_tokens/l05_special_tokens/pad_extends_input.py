"""pad_batch pads the caller's lists in place (seq.extend([pad_id] * n)) before building the
arrays, so the sequences it was given come back longer."""

EXPECT = "in place"


def pad_batch(seqs, pad_id, side="right"):
    if side not in ("right", "left"):
        raise ValueError(f'side must be "right" or "left", not {side!r}')
    t_max = max((len(s) for s in seqs), default=0)
    mask = [[1] * len(s) + [0] * (t_max - len(s)) for s in seqs]
    for s in seqs:
        s.extend([pad_id] * (t_max - len(s)))
    ids = np.array(seqs, dtype=np.int64).reshape(len(seqs), t_max)
    mask = np.array(mask, dtype=np.int64).reshape(len(seqs), t_max)
    if side == "left":
        lengths = mask.sum(axis=1)
        for row, n in enumerate(lengths):
            ids[row] = np.roll(ids[row], t_max - n)
            mask[row] = np.roll(mask[row], t_max - n)
    return ids, mask
