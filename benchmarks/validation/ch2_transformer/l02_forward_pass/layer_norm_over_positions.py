"""layer_norm takes the mean and variance along axis 0 (over the positions, as batch norm does)
instead of along the last axis (over the features of each position).

Basis: LayerNorm vs BatchNorm is one of the most asked questions about transformers; axis=0 is
what a learner used to normalising a data matrix's columns writes first.
"""

EXPECT = ["last axis", "axis=-1", "each row", "batch norm"]


def layer_norm(x, g, b, eps=1e-5):
    mean = x.mean(axis=0, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=0, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * g + b
