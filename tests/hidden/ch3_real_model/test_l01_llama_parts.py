"""Hidden tests for lesson 3.1, What changed since GPT-2: SmolLM2's real sizes (head_dim 64,
base 100000), batches of heads, extreme values, and oracles from grader/instructor/capstone.py."""

import numpy as np
import pytest

from grader.instructor.capstone import ref_rms_norm, ref_rope, ref_silu
from grader.testing import call, close, explain


def f32(a):
    return np.asarray(a, dtype=np.float32)


def test_rms_norm_on_smollm_sized_rows(llama_parts):
    rng = np.random.default_rng(10)
    x, g = f32(rng.normal(0, 3, size=(7, 576))), f32(rng.normal(1, 0.2, size=576))
    got = llama_parts.rms_norm(x, g, 1e-5)
    want = ref_rms_norm(x.astype(float), g.astype(float), 1e-5)
    problem = close(got, want, atol=1e-5, rtol=1e-4)
    assert not problem, explain(call("rms_norm", x, g, 1e-5), got, want) + f" ({problem})"
    assert got.dtype == np.float32, f"rms_norm returned {got.dtype} for float32 input"


def test_rms_norm_uses_the_eps_given(llama_parts):
    x, g = f32([[0.1, -0.2, 0.3]]), f32([1.0, 1.0, 1.0])
    got = llama_parts.rms_norm(x, g, eps=0.5)
    want = ref_rms_norm(x.astype(float), g.astype(float), 0.5)
    problem = close(got, want, atol=1e-6)
    assert not problem, explain(call("rms_norm", x, g, eps=0.5), got, want) + f" ({problem})"


def test_swiglu_stays_finite_for_extreme_values(llama_parts):
    x = f32([[1.0]])
    wg, wu, wd = f32([[1000.0, -1000.0]]), f32([[1.0, 1.0]]), f32([[1.0], [1.0]])
    with np.errstate(over="ignore"):
        got = llama_parts.swiglu(x, wg, wu, wd)
    want = np.array([[1000.0]])  # silu(1000) = 1000, silu(-1000) = 0
    hint = ""
    if isinstance(got, np.ndarray) and not np.isfinite(got).all():
        hint = "exp(z) / (1 + exp(z)) overflows to inf / inf; write z / (1 + exp(-z))."
    problem = close(got, want, atol=1e-3)
    assert not problem, explain(call("swiglu", x, wg, wu, wd), got, want, hint) + f" ({problem})"


def test_swiglu_on_smollm_sized_weights(llama_parts):
    rng = np.random.default_rng(11)
    x = f32(rng.normal(size=(3, 64)))
    wg, wu = f32(rng.normal(0, 0.1, (64, 160))), f32(rng.normal(0, 0.1, (64, 160)))
    wd = f32(rng.normal(0, 0.1, (160, 64)))
    got = llama_parts.swiglu(x, wg, wu, wd)
    xd = x.astype(float)
    want = (ref_silu(xd @ wg) * (xd @ wu)) @ wd
    problem = close(got, want, atol=1e-5, rtol=1e-4)
    assert not problem, explain(call("swiglu", x, wg, wu, wd), got, want) + f" ({problem})"


def test_rope_tables_at_smollm_sizes(llama_parts):
    positions = np.arange(0, 200, 7)
    cos, sin = llama_parts.rope_tables(positions, 64, 100000.0)
    i = np.arange(32)
    angles = positions[:, None] * 100000.0 ** (-2.0 * i[None, :] / 64)
    problem = close(cos, np.cos(angles), atol=1e-4) or close(sin, np.sin(angles), atol=1e-4)
    assert not problem, (
        explain(
            call("rope_tables", positions, 64, 100000.0),
            (cos, sin),
            expected_text="the angles' cos, sin",
        )
        + f" ({problem})"
    )
    assert cos.dtype == np.float32 and sin.dtype == np.float32, (
        f"rope_tables returned {cos.dtype} and {sin.dtype} tables, expected float32"
    )


def test_rope_tables_default_base_is_10000(llama_parts):
    cos, _ = llama_parts.rope_tables(np.array([1]), 4)
    assert np.isclose(float(cos[0, 1]), np.cos(0.01), atol=1e-6), (
        f"rope_tables([1], 4) gave cos {cos[0].tolist()}; with base 10000 pair 1 turns by 0.01"
    )


@pytest.mark.parametrize("shape", [(9, 6, 64), (2, 3, 4, 8)])
def test_apply_rope_matches_the_oracle_on_leading_axes(llama_parts, shape):
    rng = np.random.default_rng(12)
    x = f32(rng.normal(size=shape))
    T, hd = shape[-2], shape[-1]
    positions = list(range(40, 40 + T))
    i = np.arange(hd // 2)
    angles = np.array(positions, dtype=float)[:, None] * 100000.0 ** (-2.0 * i / hd)
    cos, sin = f32(np.cos(angles)), f32(np.sin(angles))
    got = llama_parts.apply_rope(x, cos, sin)
    flat = x.reshape(-1, T, hd)
    want = np.stack([ref_rope(h, positions, 100000.0) for h in flat]).reshape(shape)
    problem = close(got, want, atol=1e-4)
    assert not problem, explain(call("apply_rope", x, cos, sin), got, want) + f" ({problem})"
    assert got.dtype == np.float32, f"apply_rope returned {got.dtype} for float32 input"


def test_apply_rope_does_not_change_its_input(llama_parts):
    x = f32(np.random.default_rng(13).normal(size=(2, 3, 4)))
    before = x.copy()
    cos, sin = f32(np.cos(np.ones((3, 2)))), f32(np.sin(np.ones((3, 2))))
    llama_parts.apply_rope(x, cos, sin)
    assert np.array_equal(x, before), "apply_rope wrote into its input x; return a new array"
