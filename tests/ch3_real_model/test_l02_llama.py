"""Visible tests for lesson 3.2, The Llama block and the full model: grouped-query attention by
hand first, then the block and the forward pass of a tiny seeded Llama (6 query heads sharing 2
key-value heads, as SmolLM2's 9 share 3), float32 throughout. The `llama` fixture is your
exercises/ch3_real_model/l02_llama.py.

Expected values come from loops written here and from the independent reference in
grader/instructor/capstone.py, never from the lesson's own code. The real SmolLM2 is checked by
`hexahype chat --check`."""

import numpy as np
import pytest

from grader.instructor.capstone import llama_config, llama_params, ref_block, ref_forward
from grader.testing import call, close, explain

CFG = llama_config()
P = llama_params(CFG, seed=2026)


def f32(a):
    return np.asarray(a, dtype=np.float32)


def tables(T, hd=CFG["head_dim"], base=CFG["rope_base"], start=0):
    i = np.arange(hd // 2)
    angles = np.arange(start, start + T, dtype=float)[:, None] * base ** (-2.0 * i / hd)
    return f32(np.cos(angles)), f32(np.sin(angles))


def ref_gqa(q, k, v, allowed):
    """Head by head: query head h reads key-value head h // (H // KV)."""
    H, KV = q.shape[0], k.shape[0]
    out = np.zeros(q.shape)
    for h in range(H):
        j = h // (H // KV)
        for i in range(q.shape[1]):
            keys = [t for t in range(k.shape[1]) if allowed[i][t]]
            s = np.array([q[h, i] @ k[j, t] for t in keys]) / np.sqrt(q.shape[2])
            w = np.exp(s - s.max())
            out[h, i] = sum(wt * v[j, t] for wt, t in zip(w / w.sum(), keys))
    return out


def float_hint(got):
    if isinstance(got, np.ndarray) and got.dtype == np.float64:
        return (
            "the result is float64, from float32 inputs. Common causes: dividing by np.sqrt(hd) "
            "(a float64 scalar, which numpy 2 lets win: use math.sqrt(hd)), or a mask added as "
            "a float64 array (use np.where(mask, scores, -np.inf))."
        )
    return ""


# -- grouped_query_attention --------------------------------------------------------------------
def test_gqa_query_heads_share_their_kv_head_in_order(llama):
    # 4 query heads, 2 KV heads: heads 0 and 1 read KV head 0 (values 1), heads 2 and 3 KV head 1
    q = f32(np.random.default_rng(0).normal(size=(4, 1, 2)))
    k = f32(np.ones((2, 1, 2)))
    v = f32([[[1.0, 1.0]], [[2.0, 2.0]]])  # (KV=2, Tk=1, hd=2)
    got = llama.grouped_query_attention(q, k, v)
    want = f32([[[1, 1]], [[1, 1]], [[2, 2]], [[2, 2]]])
    hint = ""
    if isinstance(got, np.ndarray) and got.shape == (4, 1, 2):
        if np.allclose(got[:, 0, 0], [1, 2, 1, 2]):
            hint = (
                "that maps head h to KV head h % KV (np.tile). Query head h reads KV head "
                "h // (H // KV): neighbours share, like np.repeat(k, H // KV, axis=0)."
            )
    problem = close(got, want, atol=1e-6)
    assert not problem, explain(call("grouped_query_attention", q, k, v), got, want, hint) + (
        f" ({problem})"
    )


def test_gqa_matches_head_by_head_attention_with_a_causal_mask(llama):
    rng = np.random.default_rng(1)
    q, k, v = (
        f32(rng.normal(size=(6, 5, 4))),
        f32(rng.normal(size=(2, 5, 4))),
        f32(rng.normal(size=(2, 5, 4))),
    )
    mask = np.tril(np.ones((5, 5), dtype=bool))
    got = llama.grouped_query_attention(q, k, v, mask)
    want = ref_gqa(q, k, v, mask)
    problem = close(got, want, atol=1e-5)
    assert not problem, explain(call("grouped_query_attention", q, k, v, mask), got, want) + (
        f" ({problem})"
    )


def test_gqa_without_a_mask_sees_every_key(llama):
    rng = np.random.default_rng(2)
    q, k, v = (
        f32(rng.normal(size=(3, 2, 4))),
        f32(rng.normal(size=(1, 3, 4))),
        f32(rng.normal(size=(1, 3, 4))),
    )
    got = llama.grouped_query_attention(q, k, v)
    want = ref_gqa(q, k, v, np.ones((2, 3), dtype=bool))
    problem = close(got, want, atol=1e-5)
    assert not problem, (
        explain(call("grouped_query_attention", q, k, v), got, want) + f" ({problem})"
    )


def test_gqa_keeps_float32(llama):
    rng = np.random.default_rng(3)
    q, k, v = (
        f32(rng.normal(size=(6, 3, 8))),
        f32(rng.normal(size=(2, 3, 8))),
        f32(rng.normal(size=(2, 3, 8))),
    )
    mask = np.tril(np.ones((3, 3), dtype=bool))
    got = llama.grouped_query_attention(q, k, v, mask)
    assert isinstance(got, np.ndarray) and got.dtype == np.float32, explain(
        call("grouped_query_attention", q, k, v, mask),
        f"dtype {getattr(got, 'dtype', type(got).__name__)}",
        expected_text="float32",
        hint=float_hint(got),
    )


def test_gqa_rejects_heads_that_do_not_divide(llama):
    q, k = f32(np.zeros((4, 1, 2))), f32(np.zeros((3, 1, 2)))
    with pytest.raises(ValueError):
        llama.grouped_query_attention(q, k, k)


# -- llama_block --------------------------------------------------------------------------------
def test_llama_block_matches_the_reference(llama):
    x = f32(np.random.default_rng(4).normal(size=(5, CFG["d_model"])))
    cos, sin = tables(5)
    got = llama.llama_block(x, P["blocks"][0], CFG, cos, sin)
    want = ref_block(x.astype(float), P["blocks"][0], CFG, list(range(5))).astype(np.float32)
    hint = ""
    if isinstance(got, np.ndarray) and got.shape == x.shape:
        if np.allclose(got, want - x, atol=1e-3):
            hint = "the block adds its two results to x (residuals): x = x + ..., twice."
    problem = close(got, want, atol=1e-4, rtol=1e-4)
    assert not problem, (
        explain(call("llama_block", x, "blocks[0]", "CFG", "cos", "sin"), got, want, hint)
        + f" ({problem})"
    )
    assert got.dtype == np.float32, explain(
        "llama_block on float32 weights",
        f"dtype {got.dtype}",
        expected_text="float32",
        hint=float_hint(got),
    )


def test_llama_block_is_causal(llama):
    x = f32(np.random.default_rng(5).normal(size=(4, CFG["d_model"])))
    y = x.copy()
    y[3] += 1.0  # change only the last token
    cos, sin = tables(4)
    a = llama.llama_block(x, P["blocks"][1], CFG, cos, sin)
    b = llama.llama_block(y, P["blocks"][1], CFG, cos, sin)
    assert np.allclose(a[:3], b[:3], atol=1e-5), (
        "changing the last token changed the block's output at earlier positions: the "
        "attention needs the causal mask np.tril(np.ones((T, T), dtype=bool))."
    )


# -- forward ------------------------------------------------------------------------------------
def test_forward_matches_the_reference_logits(llama):
    ids = np.array([3, 17, 5, 5, 30, 1])
    got = llama.forward(P, ids, CFG)
    want = ref_forward(P, ids, CFG).astype(np.float32)
    hint = ""
    if isinstance(got, np.ndarray) and got.shape == want.shape:
        if np.allclose(got, ref_forward(P, ids, CFG, rope="half"), atol=1e-3):
            hint = "that is RoPE with pairs (x[i], x[i + hd/2]); the layout pairs (x[2i], x[2i+1])."
        elif np.allclose(got, ref_forward(P, ids, CFG, rope="none"), atol=1e-3):
            hint = "that is the model without RoPE: rotate q and k in every block."
    problem = close(got, want, atol=1e-3, rtol=1e-4)
    assert not problem, explain(call("forward", "P", ids, "CFG"), got, want, hint) + f" ({problem})"


def test_forward_returns_float32_logits_of_shape_t_by_v(llama):
    ids = np.array([1, 2, 3])
    got = llama.forward(P, ids, CFG)
    assert isinstance(got, np.ndarray) and got.shape == (3, CFG["vocab_size"]), explain(
        call("forward", "P", ids, "CFG"),
        got,
        expected_text=f"logits of shape (3, {CFG['vocab_size']})",
    )
    assert got.dtype == np.float32, explain(
        call("forward", "P", ids, "CFG"),
        f"dtype {got.dtype}",
        expected_text="float32 logits",
        hint=float_hint(got),
    )


def test_forward_rows_do_not_depend_on_later_tokens(llama):
    ids = np.array([4, 9, 2, 33, 8])
    full = llama.forward(P, ids, CFG)
    prefix = llama.forward(P, ids[:3], CFG)
    problem = close(full[:3], prefix, atol=1e-4)
    assert not problem, (
        f"forward(ids)[:3] differs from forward(ids[:3]): {problem}. A position must not see "
        "later tokens."
    )


def test_forward_refuses_more_ids_than_the_context(llama):
    with pytest.raises(ValueError):
        llama.forward(P, np.zeros(CFG["context_length"] + 1, dtype=int), CFG)
