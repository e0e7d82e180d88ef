"""sequential_logits runs the model on the single token ids[t] at each step instead of on the
prefix ids[:t + 1], so each row sees only its own token (at position 0) and none of the earlier
ones.

Basis: "one position at a time" read as "one token at a time", the way a cached decoder feeds
it; without a cache the model needs the whole prefix at every step (nanoGPT's generate re-runs
the full idx).
"""

EXPECT = ["prefix", "ids[:t + 1]", "earlier tokens", "ids[:t+1]"]


def sequential_logits(params, ids, config):
    ids = np.asarray(ids)
    rows = [forward(params, ids[t : t + 1], config)[-1] for t in range(len(ids))]
    return np.stack(rows)
