"""Post-LN (the original 2017 transformer) instead of GPT-2's pre-LN: the LayerNorm is applied
after adding each sublayer's output, not to the sublayer's input."""

EXPECT = "post-LN"


def transformer_block(x, block, n_heads):
    mask = causal_mask(x.shape[0])
    x = layer_norm(
        x + multi_head_attention(x, block, n_heads, mask), block["ln1_g"], block["ln1_b"]
    )
    x = layer_norm(x + feed_forward(x, block), block["ln2_g"], block["ln2_b"])
    return x
