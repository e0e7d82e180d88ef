"""transformer_block replaces x by the feed-forward output (x = ff(ln2(x))) instead of adding it
to the residual stream (x = x + ff(ln2(x)))."""

EXPECT = "residual"


def transformer_block(x, block, n_heads):
    mask = causal_mask(x.shape[0])
    x = x + multi_head_attention(
        layer_norm(x, block["ln1_g"], block["ln1_b"]), block, n_heads, mask
    )
    return feed_forward(layer_norm(x, block["ln2_g"], block["ln2_b"]), block)
