"""embed_tokens returns only the token embeddings wte[ids] and forgets the position
embeddings, so the model cannot tell "dog bites man" from "man bites dog"."""

EXPECT = "position embeddings"

import numpy as np


def embed_tokens(params, ids):
    ids = np.asarray(ids)
    if len(ids) > params["wpe"].shape[0]:
        raise ValueError("too many ids")
    return params["wte"][ids]
