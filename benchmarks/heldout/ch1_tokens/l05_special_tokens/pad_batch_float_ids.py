"""pad_batch builds the id array with np.full(..., pad_id) of a float dtype (np.zeros' default),
so token ids come back as floats (1.0, 2.0) that cannot index an embedding table.

Basis: np.zeros/np.ones default to float64; ids must stay integers.
"""

EXPECT = ["float", "integer", "dtype"]


def pad_batch(seqs, pad_id, side="right"):
    if side not in ("right", "left"):
        raise ValueError(f"side must be right or left, not {side!r}")
    t_max = max((len(s) for s in seqs), default=0)
    ids = np.full((len(seqs), t_max), float(pad_id))
    mask = np.zeros((len(seqs), t_max), dtype=np.int64)
    for row, seq in enumerate(seqs):
        n = len(seq)
        if n == 0:
            continue
        cols = slice(0, n) if side == "right" else slice(t_max - n, t_max)
        ids[row, cols] = seq
        mask[row, cols] = 1
    return ids, mask
