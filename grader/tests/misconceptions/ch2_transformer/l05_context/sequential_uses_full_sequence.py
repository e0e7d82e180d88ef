"""sequential_logits runs the full sequence at every step and keeps its last row, instead of
running each prefix ids[:t+1]: every row becomes the prediction after the last token."""

EXPECT = "prefix ids[:t+1]"


def sequential_logits(params, ids, config):
    ids = np.asarray(ids)
    return np.stack([forward(params, ids, config)[-1] for _ in range(len(ids))])
