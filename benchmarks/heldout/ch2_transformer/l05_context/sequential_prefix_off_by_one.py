"""sequential_logits runs row t on the prefix ids[:t] instead of ids[:t + 1], so each row
predicts from one token too few (and the first prefix is empty).

Basis: Python's exclusive slice end.
"""

EXPECT = ["ids[:t + 1]", "t + 1", "one token too few"]


def sequential_logits(params, ids, config):
    ids = np.asarray(ids)
    rows = [forward(params, ids[: max(t, 1)], config)[-1] for t in range(len(ids))]
    return np.stack(rows)
