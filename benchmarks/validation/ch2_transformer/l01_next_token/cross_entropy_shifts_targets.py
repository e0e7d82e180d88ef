"""cross_entropy shifts the targets by one more position (row t scored against targets[t + 1]),
although the targets it receives are already aligned: row t of the logits predicts targets[t].

Basis: "predict the next token" applied twice. nanoGPT's get_batch already builds
y = data[i + 1 : i + 1 + block_size], and Hugging Face's GPT2LMHeadModel docs say the labels
"are shifted inside the model"; a learner who has seen one of the two shifts adds their own
(logits[:-1] against targets[1:]), a frequent forum question about a loss that will not go down.
"""

EXPECT = ["already aligned", "already shifted", "targets[t]", "shifted by one"]


def cross_entropy(logits, targets):
    logits = np.asarray(logits, dtype=np.float64)
    targets = np.asarray(targets)
    if logits.ndim != 2 or targets.shape != (logits.shape[0],):
        raise ValueError(
            f"expected logits (T, V) and targets (T,), got {logits.shape} and {targets.shape}"
        )
    m = logits.max(axis=-1, keepdims=True)
    log_probs = logits - m - np.log(np.exp(logits - m).sum(axis=-1, keepdims=True))
    # row t predicts the NEXT token, so pair it with targets[t + 1]
    picked = log_probs[:-1][np.arange(len(targets) - 1), targets[1:]]
    return float(-picked.mean())
