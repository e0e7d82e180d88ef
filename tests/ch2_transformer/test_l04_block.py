"""Visible tests for lesson 2.4, Inside the transformer block: tiny cases first, then the pinned
conventions, then properties. The `block` fixture is your exercises/ch2_transformer/l04_block.py.

Expected values come from small numpy computations written here, one head and one query at a
time, never from the lesson's own code."""

import numpy as np
import pytest

from grader.testing import call, close, explain


# -- an independent reference, written out loop by loop ---------------------------------------
def ref_gelu(x):
    return 0.5 * x * (1.0 + np.tanh(np.sqrt(2.0 / np.pi) * (x + 0.044715 * x**3)))


def ref_layer_norm(x, g, b, eps=1e-5):
    mu = x.mean(axis=-1, keepdims=True)
    var = ((x - mu) ** 2).mean(axis=-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * g + b


def ref_attention(q, k, v, allowed):
    """One query row at a time: the weights over the allowed keys, then the weighted sum."""
    out = np.zeros((q.shape[0], v.shape[1]))
    for i in range(q.shape[0]):
        keys = [j for j in range(k.shape[0]) if allowed[i][j]]
        s = np.array([q[i] @ k[j] for j in keys]) / np.sqrt(q.shape[1])
        w = np.exp(s - s.max())
        w /= w.sum()
        out[i] = sum(wj * v[j] for wj, j in zip(w, keys))
    return out


def ref_mha(x, p, n_heads, allowed, interleaved=False):
    T, d = x.shape
    dh = d // n_heads
    q, k, v = (x @ p[f"w_{n}"] + p[f"b_{n}"] for n in "qkv")
    out = np.zeros((T, d))
    for h in range(n_heads):
        # the known mistake: head h takes (and writes back) the columns h, h + n_heads, ...
        cols = list(range(h, d, n_heads)) if interleaved else list(range(h * dh, (h + 1) * dh))
        out[:, cols] = ref_attention(q[:, cols], k[:, cols], v[:, cols], allowed)
    return out @ p["w_o"] + p["b_o"]


def ref_ff(x, p):
    return ref_gelu(x @ p["w_in"] + p["b_in"]) @ p["w_out"] + p["b_out"]


def tril(T):
    return [[j <= i for j in range(T)] for i in range(T)]


def block_params(d, seed):
    """Seeded block weights with non-trivial biases and LayerNorm gains."""
    rng = np.random.default_rng(seed)
    p = {}
    for n in ("q", "k", "v", "o"):
        p[f"w_{n}"] = rng.normal(0.0, 0.5, (d, d))
        p[f"b_{n}"] = rng.normal(0.0, 0.1, d)
    p["w_in"], p["b_in"] = rng.normal(0.0, 0.5, (d, 4 * d)), rng.normal(0.0, 0.1, 4 * d)
    p["w_out"], p["b_out"] = rng.normal(0.0, 0.5, (4 * d, d)), rng.normal(0.0, 0.1, d)
    for n in ("ln1", "ln2"):
        p[f"{n}_g"] = rng.uniform(0.5, 1.5, d)
        p[f"{n}_b"] = rng.normal(0.0, 0.1, d)
    return p


def attention_hint(q, k, v, mask, got):
    """A diagnosis when `got` matches a known wrong attention."""
    s = q @ k.T
    if mask is not None:
        s = np.where(mask, s, -np.inf)
    for scale, axis, hint in (
        (1.0, -1, "the scores were not scaled: divide q @ k.T by sqrt(dh)."),
        (q.shape[1], -1, "the scores were divided by dh; divide q @ k.T by sqrt(dh)."),
        (
            np.sqrt(q.shape[1]),
            0,
            "the softmax ran over the queries (axis 0); each query's "
            "weights over the keys (the last axis) must sum to 1.",
        ),
    ):
        z = s / scale
        w = np.exp(z - z.max(axis=axis, keepdims=True))
        w = np.nan_to_num(w / w.sum(axis=axis, keepdims=True))
        if matches(got, w @ v):
            return hint
    return ""


def check(call_text, got, want, hint=""):
    problem = close(got, want, atol=1e-6)
    assert not problem, explain(call_text, got, want, hint, detail=problem)


def matches(got, alt):
    return (
        isinstance(got, np.ndarray) and got.shape == alt.shape and np.allclose(got, alt, atol=1e-6)
    )


# -- gelu ---------------------------------------------------------------------------------
def test_gelu_known_values(block):
    x = np.array([-3.0, 0.0, 1.0, 3.0])
    want = np.array([-0.0036373920, 0.0, 0.8411919906, 2.9963626080])
    got = block.gelu(x)
    hint = ""
    if isinstance(got, np.ndarray) and got.shape == (4,) and abs(got[2] - 0.8413447) < 1e-6:
        hint = "that is the exact erf GELU; GPT-2 uses the tanh approximation."
    elif matches(got, np.maximum(x, 0.0)):
        hint = "that is ReLU; GELU is 0.5 * x * (1 + tanh(sqrt(2/pi) * (x + 0.044715 * x**3)))."
    check(call("gelu", x), got, want, hint)


def test_gelu_keeps_the_shape(block):
    x = np.linspace(-2.0, 2.0, 6).reshape(2, 3)
    check(call("gelu", x), block.gelu(x), ref_gelu(x))


# -- causal_mask --------------------------------------------------------------------------
def test_causal_mask_of_three(block):
    got = block.causal_mask(3)
    want = np.array(tril(3))
    hint = ""
    if matches(np.asarray(got, dtype=float), np.tril(np.ones((3, 3)), -1)):
        hint = "the diagonal must be True: position i may attend to itself (j <= i, not j < i)."
    elif matches(np.asarray(got, dtype=float), np.triu(np.ones((3, 3)))):
        hint = "that is the upper triangle; row i is the query, so True where j <= i."
    assert isinstance(got, np.ndarray) and got.dtype == bool, (
        f"causal_mask(3) returned {got!r}, expected a boolean numpy array."
        + (f" Hint: {hint}" if hint else "")
    )
    check("causal_mask(3)", got, want, hint)


# -- attention ----------------------------------------------------------------------------
def test_attention_scales_by_sqrt_dh(block):
    # scores (2, 0) / sqrt(4) = (1, 0); softmax -> (e/(e+1), 1/(e+1)) = (0.7311, 0.2689)
    q = np.array([[2.0, 0.0, 0.0, 0.0]])
    k = np.array([[1.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0]])
    v = np.array([[1.0, 0.0], [0.0, 1.0]])
    got = block.attention(q, k, v)
    e = np.e
    want = np.array([[e / (e + 1), 1 / (e + 1)]])
    check(call("attention", q, k, v), got, want, attention_hint(q, k, v, None, got))


def test_attention_with_equal_scores_averages_the_values(block):
    q = np.zeros((2, 2))
    k = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    v = np.array([[1.0, 0.0], [0.0, 1.0], [2.0, 2.0]])
    got = block.attention(q, k, v)
    want = np.array([[1.0, 1.0], [1.0, 1.0]])  # every weight is 1/3
    check(call("attention", q, k, v), got, want, attention_hint(q, k, v, None, got))


def test_attention_softmax_runs_over_the_keys(block):
    q = np.array([[1.0, 0.0], [0.0, 2.0]])
    k = np.array([[1.0, 1.0], [2.0, 0.0], [0.0, -1.0]])
    v = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    got = block.attention(q, k, v)
    want = ref_attention(q, k, v, [[True] * 3] * 2)
    check(call("attention", q, k, v), got, want, attention_hint(q, k, v, None, got))


def test_attention_mask_gives_masked_keys_no_weight(block):
    q = np.array([[1.0, 0.0], [0.0, 1.0]])
    k = np.array([[1.0, 0.0], [0.0, 1.0]])
    v = np.array([[1.0, 1.0], [100.0, -100.0]])  # key 1 must not reach query 0
    mask = np.array([[True, False], [True, True]])
    got = block.attention(q, k, v, mask)
    want = ref_attention(q, k, v, mask)
    hint = ""
    s = q @ k.T / np.sqrt(q.shape[1])
    for filled, text in (
        (
            np.where(mask, s, 0.0),
            "masked scores must be -inf before the softmax, not 0: exp(0) = 1 still gives them weight.",
        ),
        (s, "the mask was ignored: masked scores must be -inf before the softmax."),
    ):
        w = np.exp(filled - filled.max(axis=-1, keepdims=True))
        if matches(got, w / w.sum(axis=-1, keepdims=True) @ v):
            hint = text
    check(call("attention", q, k, v, mask), got, want, hint)


def test_attention_rejects_a_query_that_may_see_nothing(block):
    q = k = v = np.ones((2, 2))
    mask = np.array([[False, False], [True, True]])
    with pytest.raises(ValueError):
        block.attention(q, k, v, mask)


def test_attention_of_huge_scores_has_no_nan(block):
    q = np.array([[1000.0, 0.0]])
    k = np.array([[1000.0, 0.0], [-1000.0, 0.0]])
    v = np.array([[1.0, 0.0], [0.0, 1.0]])
    got = block.attention(q, k, v)
    hint = "subtract each row's max score before np.exp."
    check(call("attention", q, k, v), got, np.array([[1.0, 0.0]]), hint)


# -- multi_head_attention, feed_forward -----------------------------------------------------
def test_multi_head_attention_splits_contiguous_columns(block):
    d, T, H = 4, 3, 2
    p = block_params(d, seed=1)
    x = np.random.default_rng(2).normal(size=(T, d))
    mask = np.array(tril(T))
    got = block.multi_head_attention(x, p, H, mask)
    want = ref_mha(x, p, H, mask)
    hint = ""
    if matches(got, ref_mha(x, p, H, mask, interleaved=True)):
        hint = "head h uses the contiguous columns h*dh:(h+1)*dh, not every n_heads-th column."
    check(call("multi_head_attention", x, "<seeded block>", H, mask), got, want, hint)


def test_multi_head_attention_without_mask_sees_everything(block):
    d, T, H = 6, 4, 3
    p = block_params(d, seed=3)
    x = np.random.default_rng(4).normal(size=(T, d))
    got = block.multi_head_attention(x, p, H, None)
    want = ref_mha(x, p, H, [[True] * T] * T)
    check(call("multi_head_attention", "<(4, 6) x>", "<seeded block>", H, None), got, want)


def test_feed_forward_widens_then_narrows(block):
    d = 2
    p = block_params(d, seed=5)
    x = np.array([[1.0, -1.0], [0.5, 2.0]])
    got = block.feed_forward(x, p)
    check(call("feed_forward", x, "<seeded block>"), got, ref_ff(x, p))


# -- transformer_block --------------------------------------------------------------------
def test_transformer_block_is_pre_ln_and_causal(block):
    d, T, H = 4, 3, 2
    p = block_params(d, seed=6)
    x = np.random.default_rng(7).normal(size=(T, d))
    got = block.transformer_block(x, p, H)
    h = x + ref_mha(ref_layer_norm(x, p["ln1_g"], p["ln1_b"]), p, H, tril(T))
    want = h + ref_ff(ref_layer_norm(h, p["ln2_g"], p["ln2_b"]), p)
    hint = ""
    post = ref_layer_norm(x + ref_mha(x, p, H, tril(T)), p["ln1_g"], p["ln1_b"])
    post = ref_layer_norm(post + ref_ff(post, p), p["ln2_g"], p["ln2_b"])
    if matches(got, post):
        hint = "that is post-LN; GPT-2 normalises the input of each sublayer: x + mha(ln1(x))."
    else:
        full = x + ref_mha(ref_layer_norm(x, p["ln1_g"], p["ln1_b"]), p, H, [[True] * T] * T)
        full = full + ref_ff(ref_layer_norm(full, p["ln2_g"], p["ln2_b"]), p)
        if matches(got, full):
            hint = "the block must pass causal_mask(T) to multi_head_attention."
    check(call("transformer_block", x, "<seeded block>", H), got, want, hint)


def test_transformer_block_output_ignores_future_positions(block):
    d, T, H = 4, 5, 2
    p = block_params(d, seed=8)
    x = np.random.default_rng(9).normal(size=(T, d))
    later = x.copy()
    later[-1] += 3.0  # change only the last position
    a, b = block.transformer_block(x, p, H), block.transformer_block(later, p, H)
    moved = [i for i in range(T - 1) if not np.allclose(a[i], b[i], atol=1e-9)]
    assert not moved, (
        f"changing only position {T - 1} changed the output at positions {moved}. "
        "Hint: a position may only attend to itself and earlier positions."
    )
