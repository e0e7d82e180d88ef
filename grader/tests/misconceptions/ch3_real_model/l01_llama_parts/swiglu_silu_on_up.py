"""swiglu puts silu on the up branch and leaves the gate linear: the two weight matrices swap
roles, which the trained weights do not survive."""

EXPECT = "gate branch"


def swiglu(x, w_gate, w_up, w_down):
    up = x @ w_up
    return ((up / (1.0 + np.exp(-up))) * (x @ w_gate)) @ w_down
