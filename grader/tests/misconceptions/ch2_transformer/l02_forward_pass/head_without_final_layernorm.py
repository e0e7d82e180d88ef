"""lm_head multiplies the last hidden states by wte.T directly and forgets the final LayerNorm
(lnf_g, lnf_b) that a pre-LN model needs before the unembedding."""

EXPECT = "final LayerNorm"


def lm_head(params, h):
    return h @ params["wte"].T
