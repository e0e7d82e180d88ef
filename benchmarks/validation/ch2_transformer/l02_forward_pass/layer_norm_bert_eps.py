"""layer_norm uses eps = 1e-12 (BERT's layer_norm_eps) as its default instead of 1e-5 (GPT-2's
and PyTorch's nn.LayerNorm default), so rows with a small variance are scaled up far more.

Basis: Hugging Face's BertConfig has layer_norm_eps=1e-12 and the original TensorFlow BERT
hard-codes it; learners who met LayerNorm there carry the constant over, and it is invisible on
rows whose variance is much larger than 1e-5.
"""

EXPECT = ["1e-5", "eps", "epsilon", "1e-12"]


def layer_norm(x, g, b, eps=1e-12):
    mean = x.mean(axis=-1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * g + b
