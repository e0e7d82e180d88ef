"""lm_head multiplies by the position table wpe.T instead of the token table wte.T, so the
logits have one column per position instead of one per token.

Basis: with tied embeddings "the embedding matrix is the head"; there are two embedding
matrices, and only wte is tied.
"""

EXPECT = ["wte", "token embedding"]


def lm_head(params, h):
    h = layer_norm(h, params["lnf_g"], params["lnf_b"])
    return h @ params["wpe"].T
