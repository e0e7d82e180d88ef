"""gelu uses 0.044715 * x**2 instead of 0.044715 * x**3 inside the tanh.

Basis: a typo in the cubic term of the tanh approximation.
"""

EXPECT = ["x**3", "cube", "x * x * x"]


def gelu(x):
    x = np.asarray(x)
    return 0.5 * x * (1.0 + np.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x * x)))
