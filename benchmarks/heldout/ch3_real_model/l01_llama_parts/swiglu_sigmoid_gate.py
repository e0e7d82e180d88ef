"""swiglu gates with sigmoid(x @ w_gate) instead of silu(x @ w_gate) = z * sigmoid(z).

Basis: GLU (sigmoid gate) and SwiGLU (SiLU gate) are one letter apart in the papers.
"""

EXPECT = ["silu", "z * sigmoid(z)"]


def swiglu(x, w_gate, w_up, w_down):
    gate = x @ w_gate
    sig = 0.5 * (1.0 + np.tanh(0.5 * gate))
    return (sig * (x @ w_up)) @ w_down
