"""pad_batch with side="left" moves the ids to the right but leaves the mask's ones on the left,
so the mask no longer marks the real tokens.

Basis: HF course forum questions on left padding for generation ("attention_mask does not line
up with input_ids") come from moving one array and not the other.
"""

EXPECT = ["mask", "same columns", "line up"]


def pad_batch(seqs, pad_id, side="right"):
    if side not in ("right", "left"):
        raise ValueError(f"side must be right or left, not {side!r}")
    t_max = max((len(s) for s in seqs), default=0)
    ids = np.full((len(seqs), t_max), pad_id, dtype=np.int64)
    mask = np.zeros((len(seqs), t_max), dtype=np.int64)
    for row, seq in enumerate(seqs):
        n = len(seq)
        if n == 0:
            continue
        cols = slice(0, n) if side == "right" else slice(t_max - n, t_max)
        ids[row, cols] = seq
        mask[row, :n] = 1
    return ids, mask
