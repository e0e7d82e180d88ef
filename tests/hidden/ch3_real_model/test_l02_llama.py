"""Hidden tests for lesson 3.2, The Llama block and the full model: multi-query and multi-head
attention as the two ends of grouped-query attention, a model whose heads are wider than
d_model / n_heads, longer sequences, and the oracle of grader/instructor/capstone.py."""

import numpy as np
import pytest

from grader.instructor.capstone import llama_config, llama_params, ref_forward
from grader.testing import call, close, explain, raises


def f32(a):
    return np.asarray(a, dtype=np.float32)


def ref_attention_per_head(q, k, v, allowed, group):
    out = np.zeros(q.shape)
    for h in range(q.shape[0]):
        j = h // group
        s = q[h] @ k[j].T / np.sqrt(q.shape[-1])
        s = np.where(allowed, s, -np.inf)
        w = np.exp(s - s.max(axis=-1, keepdims=True))
        out[h] = (w / w.sum(axis=-1, keepdims=True)) @ v[j]
    return out


@pytest.mark.parametrize("H, KV", [(4, 1), (3, 3), (9, 3)])
def test_gqa_from_multi_query_to_multi_head(llama, H, KV):
    rng = np.random.default_rng(20 + H)
    T = 7
    q, k, v = (
        f32(rng.normal(size=(H, T, 8))),
        f32(rng.normal(size=(KV, T, 8))),
        f32(rng.normal(size=(KV, T, 8))),
    )
    mask = np.tril(np.ones((T, T), dtype=bool))
    got = llama.grouped_query_attention(q, k, v, mask)
    want = ref_attention_per_head(q, k, v, mask, H // KV)
    problem = close(got, want, atol=1e-5)
    assert not problem, explain(call("grouped_query_attention", q, k, v, mask), got, want) + (
        f" ({problem})"
    )


def test_gqa_with_a_rectangular_mask(llama):
    rng = np.random.default_rng(30)
    q, k, v = (
        f32(rng.normal(size=(6, 2, 4))),
        f32(rng.normal(size=(2, 5, 4))),
        f32(rng.normal(size=(2, 5, 4))),
    )
    mask = np.tril(np.ones((2, 5), dtype=bool), k=3)  # 3 cached positions, 2 new ones
    got = llama.grouped_query_attention(q, k, v, mask)
    want = ref_attention_per_head(q, k, v, mask, 3)
    problem = close(got, want, atol=1e-5)
    assert not problem, explain(call("grouped_query_attention", q, k, v, mask), got, want) + (
        f" ({problem})"
    )


def test_gqa_rejects_a_mask_row_that_allows_nothing(llama):
    q, k = f32(np.ones((2, 2, 2))), f32(np.ones((1, 2, 2)))
    mask = np.array([[True, False], [False, False]])
    with raises(ValueError, call_text="grouped_query_attention(q, k, k, mask)"):
        llama.grouped_query_attention(q, k, k, mask)


def test_forward_takes_head_dim_from_the_config(llama):
    # 4 heads of 8: H * head_dim = 32 is wider than d_model = 16
    cfg = llama_config(d_model=16, n_heads=4, n_kv_heads=2, head_dim=8, d_ff=24, n_layers=1)
    p = llama_params(cfg, seed=31)
    ids = np.array([5, 6, 7, 8])
    got = llama.forward(p, ids, cfg)
    want = ref_forward(p, ids, cfg).astype(np.float32)
    problem = close(got, want, atol=1e-3, rtol=1e-4)
    assert not problem, (
        f"forward on a model with d_model 16, 4 heads of head_dim 8: {problem}. The head size "
        "is config['head_dim'], not d_model // n_heads."
    )


def test_forward_of_a_deeper_model_over_a_longer_sequence(llama):
    cfg = llama_config(
        n_layers=3, n_heads=9, n_kv_heads=3, head_dim=4, d_model=36, rope_base=1000.0
    )
    p = llama_params(cfg, seed=32)
    ids = np.random.default_rng(33).integers(0, cfg["vocab_size"], size=20)
    got = llama.forward(p, ids, cfg)
    want = ref_forward(p, ids, cfg).astype(np.float32)
    problem = close(got, want, atol=2e-3, rtol=1e-4)
    assert not problem, (
        explain(call("forward", "params", ids, "config"), got, want) + f" ({problem})"
    )
    assert got.dtype == np.float32, f"forward returned {got.dtype} logits from float32 weights"


def test_forward_uses_the_rope_base_of_the_config(llama):
    cfg = llama_config(rope_base=10.0)
    p = llama_params(cfg, seed=34)
    ids = np.array([1, 2, 3, 4, 5])
    got = llama.forward(p, ids, cfg)
    want = ref_forward(p, ids, cfg).astype(np.float32)
    problem = close(got, want, atol=1e-3, rtol=1e-4)
    assert not problem, f"forward with config['rope_base'] = 10: {problem}"


def test_forward_of_one_token(llama):
    cfg = llama_config()
    p = llama_params(cfg, seed=35)
    got = llama.forward(p, np.array([7]), cfg)
    want = ref_forward(p, [7], cfg).astype(np.float32)
    problem = close(got, want, atol=1e-3, rtol=1e-4)
    assert not problem, explain(call("forward", "params", np.array([7]), "config"), got, want) + (
        f" ({problem})"
    )
