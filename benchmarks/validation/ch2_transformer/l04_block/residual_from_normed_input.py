"""transformer_block adds each sublayer's output to the LayerNorm'd input (h + attn(h)) instead
of to the un-normalised residual stream (x + attn(ln(x))), so the residual path is normalised at
every sublayer.

Basis: writing h = ln(x) once and reusing h for the skip connection; the pre-LN residual of
GPT-2 and nanoGPT (x = x + self.attn(self.ln_1(x))) keeps x itself on the skip path.
"""

EXPECT = ["residual", "skip", "un-normalised", "unnormalized"]


def transformer_block(x, block, n_heads):
    mask = causal_mask(x.shape[0])
    h = layer_norm(x, block["ln1_g"], block["ln1_b"])
    x = h + multi_head_attention(h, block, n_heads, mask)
    h = layer_norm(x, block["ln2_g"], block["ln2_b"])
    x = h + feed_forward(h, block)
    return x
