"""transformer_block runs attention with mask=None, so every position also sees the positions
after it.

Basis: https://github.com/Mikyx-1/TinyLLM/pull/18 and
https://github.com/osaurus-ai/vmlx-swift/pull/185 (a missing causal mask in prefill); the
output of position 0 then depends on later tokens.
"""

EXPECT = ["causal", "mask", "future"]


def transformer_block(x, block, n_heads):
    x = x + multi_head_attention(
        layer_norm(x, block["ln1_g"], block["ln1_b"]), block, n_heads, None
    )
    x = x + feed_forward(layer_norm(x, block["ln2_g"], block["ln2_b"]), block)
    return x
