"""pad_batch builds the ids array with np.ones(...) * pad_id, whose dtype is float64, so the
padded ids come back as floats (1.0, 2.0, ...) that cannot index an embedding table.

Basis: numpy's default dtype: np.zeros/np.ones make float64 unless told otherwise, a frequent
source of "arrays used as indices must be of integer type" errors downstream.
"""

EXPECT = ["float", "dtype", "integer"]


def pad_batch(seqs, pad_id, side="right"):
    if side not in ("right", "left"):
        raise ValueError(f'side must be "right" or "left", not {side!r}')
    t_max = max((len(s) for s in seqs), default=0)
    ids = np.ones((len(seqs), t_max)) * pad_id
    mask = np.zeros((len(seqs), t_max), dtype=np.int64)
    for row, seq in enumerate(seqs):
        n = len(seq)
        if n == 0:
            continue
        cols = slice(0, n) if side == "right" else slice(t_max - n, t_max)
        ids[row, cols] = seq
        mask[row, cols] = 1
    return ids, mask
