"""Hidden tests for lesson 2.4, Inside the transformer block: larger seeded cases, rectangular
masks, and causality, each checked against an independent computation written here (an explicit
loop over heads and query rows)."""

import numpy as np
import pytest

from grader.testing import call, close, explain, raises, short


def ref_gelu(x):
    return 0.5 * x * (1.0 + np.tanh(np.sqrt(2.0 / np.pi) * (x + 0.044715 * x**3)))


def ref_layer_norm(x, g, b, eps=1e-5):
    mu = x.mean(axis=-1, keepdims=True)
    var = ((x - mu) ** 2).mean(axis=-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * g + b


def ref_attention(q, k, v, allowed):
    out = np.zeros((q.shape[0], v.shape[1]))
    for i in range(q.shape[0]):
        keys = [j for j in range(k.shape[0]) if allowed[i][j]]
        s = np.array([float(q[i] @ k[j]) for j in keys]) / np.sqrt(q.shape[1])
        w = np.exp(s - s.max())
        w /= w.sum()
        for wj, j in zip(w, keys):
            out[i] += wj * v[j]
    return out


def ref_mha(x, p, n_heads, allowed):
    T, d = x.shape
    dh = d // n_heads
    q, k, v = (x @ p[f"w_{n}"] + p[f"b_{n}"] for n in "qkv")
    out = np.zeros((T, d))
    for h in range(n_heads):
        lo, hi = h * dh, (h + 1) * dh
        out[:, lo:hi] = ref_attention(q[:, lo:hi], k[:, lo:hi], v[:, lo:hi], allowed)
    return out @ p["w_o"] + p["b_o"]


def ref_block(x, p, n_heads):
    T = x.shape[0]
    allowed = [[j <= i for j in range(T)] for i in range(T)]
    h = x + ref_mha(ref_layer_norm(x, p["ln1_g"], p["ln1_b"]), p, n_heads, allowed)
    f = ref_layer_norm(h, p["ln2_g"], p["ln2_b"])
    return h + ref_gelu(f @ p["w_in"] + p["b_in"]) @ p["w_out"] + p["b_out"]


def block_params(d, seed, scale=0.4):
    rng = np.random.default_rng(seed)
    p = {}
    for n in ("q", "k", "v", "o"):
        p[f"w_{n}"] = rng.normal(0.0, scale, (d, d))
        p[f"b_{n}"] = rng.normal(0.0, 0.2, d)
    p["w_in"], p["b_in"] = rng.normal(0.0, scale, (d, 4 * d)), rng.normal(0.0, 0.2, 4 * d)
    p["w_out"], p["b_out"] = rng.normal(0.0, scale, (4 * d, d)), rng.normal(0.0, 0.2, d)
    for n in ("ln1", "ln2"):
        p[f"{n}_g"] = rng.uniform(0.3, 2.0, d)
        p[f"{n}_b"] = rng.normal(0.0, 0.3, d)
    return p


def check(call_text, got, want, atol=1e-8):
    problem = close(got, want, atol=atol, rtol=1e-6)
    assert not problem, explain(call_text, got, want, detail=problem)


def test_gelu_on_a_grid_and_far_out(block):
    x = np.concatenate([np.linspace(-6.0, 6.0, 49), [-40.0, 40.0]])
    got = block.gelu(x)
    check("gelu(<grid from -6 to 6, then -40 and 40>)", got, ref_gelu(x))


def test_causal_mask_sizes(block):
    for T in (1, 2, 7):
        got = block.causal_mask(T)
        want = np.array([[j <= i for j in range(T)] for i in range(T)])
        check(call("causal_mask", T), np.asarray(got), want)


def test_attention_with_different_value_width(block):
    rng = np.random.default_rng(11)
    q, k, v = rng.normal(size=(3, 9)), rng.normal(size=(5, 9)), rng.normal(size=(5, 2))
    allowed = np.ones((3, 5), dtype=bool)
    check(
        call("attention", "<q (3, 9)>", "<k (5, 9)>", "<v (5, 2)>"),
        block.attention(q, k, v),
        ref_attention(q, k, v, allowed),
    )


def test_attention_with_a_rectangular_mask(block):
    # Two new queries after three cached keys: query i may see keys 0..3+i.
    rng = np.random.default_rng(12)
    q, k, v = rng.normal(size=(2, 4)), rng.normal(size=(5, 4)), rng.normal(size=(5, 4))
    mask = np.array([[True, True, True, True, False], [True] * 5])
    check(
        call("attention", "<q (2, 4)>", "<k (5, 4)>", "<v (5, 4)>", mask),
        block.attention(q, k, v, mask),
        ref_attention(q, k, v, mask),
    )


def test_attention_masked_huge_values_do_not_leak(block):
    q = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    k = np.array([[1.0, 0.0], [0.0, 1.0], [50.0, 50.0]])
    v = np.array([[1.0, 2.0], [3.0, 4.0], [1e9, -1e9]])
    mask = np.array([[True, True, False], [True, False, False], [True, True, False]])
    got = block.attention(q, k, v, mask)
    assert isinstance(got, np.ndarray) and np.isfinite(got).all(), (
        f"{call('attention', q, k, v, mask)} returned {short(got)}: masked keys must get "
        "weight exactly 0, however large their values."
    )
    check(call("attention", q, k, v, mask), got, ref_attention(q, k, v, mask))


def test_attention_rejects_an_all_false_row_anywhere(block):
    q = k = v = np.ones((3, 2))
    mask = np.array([[True, False, False], [True, True, False], [False, False, False]])
    raises(ValueError, block.attention, q, k, v, mask)


@pytest.mark.parametrize("d,H,T,seed", [(12, 3, 7, 21), (16, 4, 9, 22), (8, 1, 5, 23)])
def test_multi_head_attention_matches_a_per_head_loop(block, d, H, T, seed):
    p = block_params(d, seed)
    rng = np.random.default_rng(seed + 100)
    x = rng.normal(size=(T, d))
    allowed = rng.random((T, T)) < 0.6
    allowed[np.arange(T), rng.integers(0, T, T)] = True  # every query sees at least one key
    got = block.multi_head_attention(x, p, H, allowed)
    check(
        call("multi_head_attention", f"<x {x.shape}>", "<seeded block>", H, "<random mask>"),
        got,
        ref_mha(x, p, H, allowed),
    )


@pytest.mark.parametrize("d,H,T,seed", [(12, 3, 7, 31), (16, 4, 10, 32), (6, 2, 1, 33)])
def test_transformer_block_matches_an_independent_block(block, d, H, T, seed):
    p = block_params(d, seed)
    x = np.random.default_rng(seed + 100).normal(size=(T, d))
    check(
        call("transformer_block", f"<x {x.shape}>", "<seeded block>", H),
        block.transformer_block(x, p, H),
        ref_block(x, p, H),
    )


def test_feed_forward_works_row_by_row(block):
    d = 6
    p = block_params(d, 41)
    x = np.random.default_rng(42).normal(size=(5, d))
    got = block.feed_forward(x, p)
    rows = np.stack([ref_gelu(r @ p["w_in"] + p["b_in"]) @ p["w_out"] + p["b_out"] for r in x])
    check(call("feed_forward", "<x (5, 6)>", "<seeded block>"), got, rows)


@pytest.mark.parametrize("changed", [0, 3, 6])
def test_changing_a_future_token_changes_no_earlier_output(block, changed):
    d, H, T = 12, 3, 7
    p = block_params(d, 51)
    x = np.random.default_rng(52).normal(size=(T, d))
    other = x.copy()
    other[changed] = np.random.default_rng(53).normal(size=d)
    a, b = block.transformer_block(x, p, H), block.transformer_block(other, p, H)
    moved = [i for i in range(changed) if not np.allclose(a[i], b[i], rtol=0, atol=1e-12)]
    assert not moved, (
        f"changing only position {changed} of the input changed the block's output at earlier "
        f"positions {moved}; a position may only attend to itself and earlier ones."
    )
    assert not np.allclose(a[changed], b[changed]), (
        f"changing position {changed} did not change its own output; the block must use x."
    )
