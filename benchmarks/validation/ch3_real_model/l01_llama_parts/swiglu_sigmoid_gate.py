"""swiglu gates with sigmoid(x @ w_gate) instead of silu(x @ w_gate) = z * sigmoid(z): the
original GLU of Dauphin et al., not the SwiGLU that Llama was trained with.

Basis: GLU is defined with a sigmoid gate, and Shazeer's "GLU Variants Improve Transformer" only
swaps that sigmoid for Swish; reading "the gate goes through a sigmoid" gives sigmoid(z) where
SiLU is z * sigmoid(z) (Llama's F.silu(w1(x)) * w3(x)).
"""

EXPECT = ["silu", "swish", "z * sigmoid", "instead of silu"]


def swiglu(x, w_gate, w_up, w_down):
    gate = x @ w_gate
    silu = 0.5 * (1.0 + np.tanh(0.5 * gate))
    return (silu * (x @ w_up)) @ w_down
