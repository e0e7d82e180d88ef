"""Visible tests for lesson 3.1, What changed since GPT-2: tiny cases by hand first, then the
pinned conventions (interleaved RoPE pairs, float32 kept), then properties. The `llama_parts`
fixture is your exercises/ch3_real_model/l01_llama_parts.py.

Expected values are worked out by hand here, or were recorded from an independent reference
(never the lesson's own code): grader/data/recorded/, read through grader.assets.recorded."""

import numpy as np

from grader.assets import recorded
from grader.testing import call, close, explain, raises

CASES = recorded("ch3_real_model/l01_llama_parts")


def f32(a):
    return np.asarray(a, dtype=np.float32)


def dtype_hint(got):
    if isinstance(got, np.ndarray) and got.dtype == np.float64:
        return (
            "the result is float64: a float64 array crept in. The real model's weights are "
            "float32, and one float64 array turns the whole forward pass float64 (and many "
            "times slower)."
        )
    return ""


# -- rms_norm -----------------------------------------------------------------------------------
def test_rms_norm_by_hand(llama_parts):
    x, g = f32([[3.0, 4.0]]), f32([1.0, 1.0])
    got = llama_parts.rms_norm(x, g)
    want = np.array([[3.0, 4.0]]) / np.sqrt(12.5 + 1e-5)  # the rms of 3 and 4 is sqrt(12.5)
    hint = ""
    if isinstance(got, np.ndarray) and got.shape == (1, 2):
        if np.allclose(got, [[-1.0, 1.0]], atol=1e-3):
            hint = (
                "that subtracts the mean, as layer_norm does; RMSNorm only divides by the "
                "root mean square."
            )
        elif np.allclose(got, [[0.6, 0.8]], atol=1e-4):
            hint = "that divides by the length sqrt(sum(x**2)); RMSNorm uses sqrt(mean(x**2))."
    problem = close(got, want, atol=1e-5)
    assert not problem, explain(call("rms_norm", x, g), got, want, hint) + f" ({problem})"


def test_rms_norm_multiplies_by_the_gain(llama_parts):
    x, g = f32([[1.0, -1.0, 1.0, -1.0]]), f32([2.0, 1.0, 0.5, 0.0])
    got = llama_parts.rms_norm(x, g)
    want = np.array([[2.0, -1.0, 0.5, 0.0]]) / np.sqrt(1.0 + 1e-5)
    problem = close(got, want, atol=1e-5)
    assert not problem, explain(call("rms_norm", x, g), got, want) + f" ({problem})"


def test_rms_norm_puts_eps_inside_the_root(llama_parts):
    x, g = f32([[1e-3, 0.0]]), f32([1.0, 1.0])
    got = llama_parts.rms_norm(x, g, eps=1e-5)
    want = np.array([[1e-3, 0.0]]) / np.sqrt(0.5e-6 + 1e-5)
    hint = ""
    if isinstance(got, np.ndarray) and np.allclose(got, [[1e-3 / (np.sqrt(0.5e-6) + 1e-5), 0]]):
        hint = "eps goes inside the square root: sqrt(mean(x**2) + eps)."
    problem = close(got, want, atol=1e-5)
    assert not problem, explain(call("rms_norm", x, g, eps=1e-5), got, want, hint) + (
        f" ({problem})"
    )


def test_rms_norm_keeps_float32(llama_parts):
    x = f32(np.random.default_rng(0).normal(size=(3, 8)))
    got = llama_parts.rms_norm(x, f32(np.ones(8)))
    assert isinstance(got, np.ndarray) and got.dtype == np.float32, explain(
        call("rms_norm", x, np.ones(8, np.float32)),
        f"dtype {getattr(got, 'dtype', type(got).__name__)}",
        expected_text="a float32 array",
        hint=dtype_hint(got),
    )


def test_rms_norm_works_over_the_last_axis_of_a_batch(llama_parts):
    case = CASES["rms_norm_batch"]
    x, g, want = case["x"], case["g"], case["want"]
    got = llama_parts.rms_norm(x, g)
    problem = close(got, want, atol=1e-5)
    assert not problem, explain(call("rms_norm", x, g), got, want) + f" ({problem})"


# -- swiglu -------------------------------------------------------------------------------------
def test_swiglu_by_hand(llama_parts):
    x, wg, wu, wd = f32([[1.0]]), f32([[2.0]]), f32([[3.0]]), f32([[0.5]])
    got = llama_parts.swiglu(x, wg, wu, wd)
    silu = lambda z: z / (1.0 + np.exp(-z))  # noqa: E731
    want = np.array([[silu(2.0) * 3.0 * 0.5]])  # 2.6424
    hint = ""
    if isinstance(got, np.ndarray) and got.size == 1:
        v = float(got.ravel()[0])
        if np.isclose(v, silu(3.0) * 2.0 * 0.5, atol=1e-4):
            hint = "silu goes on the gate branch x @ w_gate; x @ w_up stays linear."
        elif np.isclose(v, 1.0 / (1.0 + np.exp(-2.0)) * 3.0 * 0.5, atol=1e-4):
            hint = "that is sigmoid(z); silu(z) is z * sigmoid(z)."
    problem = close(got, want, atol=1e-5)
    assert not problem, explain(call("swiglu", x, wg, wu, wd), got, want, hint) + f" ({problem})"


def test_swiglu_matches_the_formula_and_keeps_float32(llama_parts):
    case = CASES["swiglu"]
    x, wg, wu, wd = case["x"], case["w_gate"], case["w_up"], case["w_down"]
    got = llama_parts.swiglu(x, wg, wu, wd)
    want = case["want"]
    problem = close(got, want, atol=1e-4, rtol=1e-4)
    assert not problem, explain(call("swiglu", x, wg, wu, wd), got, want) + f" ({problem})"
    assert got.dtype == np.float32, explain(
        call("swiglu", x, wg, wu, wd),
        f"dtype {got.dtype}",
        expected_text="float32",
        hint=dtype_hint(got),
    )


# -- rope_tables --------------------------------------------------------------------------------
def test_rope_tables_by_hand(llama_parts):
    got = llama_parts.rope_tables(np.array([0, 1]), 4, base=100.0)
    # pair 0 turns by p * 100**0 = p radians, pair 1 by p * 100**(-2/4) = p / 10
    want_cos = np.array([[1.0, 1.0], [np.cos(1.0), np.cos(0.1)]])
    want_sin = np.array([[0.0, 0.0], [np.sin(1.0), np.sin(0.1)]])
    text = call("rope_tables", np.array([0, 1]), 4, base=100.0)
    assert isinstance(got, tuple) and len(got) == 2, explain(
        text, got, expected_text="a tuple (cos, sin)"
    )
    hint = ""
    if isinstance(got[0], np.ndarray) and got[0].shape == (2, 2):
        if np.allclose(got[0][1], [np.cos(1.0), np.cos(100**-0.25)], atol=1e-4):
            hint = "the exponent is -2i / head_dim (i = 0, 1, ...): np.arange(0, head_dim, 2) / head_dim."
    problem = close(got[0], want_cos, atol=1e-5) or close(got[1], want_sin, atol=1e-5)
    assert not problem, explain(text, got, (want_cos, want_sin), hint) + f" ({problem})"


def test_rope_tables_are_float32_of_shape_t_by_half_the_head(llama_parts):
    cos, sin = llama_parts.rope_tables(np.arange(5), 8, base=10000.0)
    for name, table in (("cos", cos), ("sin", sin)):
        assert isinstance(table, np.ndarray) and table.shape == (5, 4), explain(
            call("rope_tables", np.arange(5), 8, base=10000.0),
            f"a {name} table of shape {getattr(table, 'shape', None)}",
            expected_text="(5, 4): one row per position, one column per pair",
        )
        hint = (
            "np.cos of float64 angles is float64: cast the tables with .astype(np.float32), "
            "or they turn every activation they multiply into float64."
        )
        assert table.dtype == np.float32, explain(
            call("rope_tables", np.arange(5), 8),
            f"a {name} table of dtype {table.dtype}",
            expected_text="float32",
            hint=hint if table.dtype == np.float64 else "",
        )


def test_rope_tables_follow_the_positions_given(llama_parts):
    case = CASES["rope_positions"]
    positions = np.array(case["positions"])
    cos, sin = llama_parts.rope_tables(positions, 6, base=10000.0)
    want_cos, want_sin = case["cos"], case["sin"]
    problem = close(cos, want_cos, atol=1e-5) or close(sin, want_sin, atol=1e-5)
    assert not problem, (
        explain(call("rope_tables", positions, 6, base=10000.0), (cos, sin), (want_cos, want_sin))
        + f" ({problem})"
    )


def test_rope_tables_reject_an_odd_head_dim(llama_parts):
    with raises(ValueError, call_text="rope_tables(np.arange(3), 5)"):
        llama_parts.rope_tables(np.arange(3), 5)


# -- apply_rope ---------------------------------------------------------------------------------
def test_apply_rope_by_hand(llama_parts):
    x = f32([[1.0, 0.0, 0.0, 1.0]])  # (T=1, hd=4): pairs (1, 0) and (0, 1)
    case = CASES["apply_rope_by_hand"]
    cos, sin = case["cos"], case["sin"]  # float32 tables of position 1: angles 1 and 0.1
    got = llama_parts.apply_rope(x, cos, sin)
    want = np.array([[np.cos(1.0), np.sin(1.0), -np.sin(0.1), np.cos(0.1)]])
    hint = ""
    if isinstance(got, np.ndarray) and got.shape == (1, 4):
        if np.allclose(got, case["half"], atol=1e-5):
            hint = (
                "that pairs x[i] with x[i + head_dim / 2] (rotate_half, the layout of Hugging "
                "Face's weights). The GGUF file's weights pair neighbours, (x[2i], x[2i+1]), "
                "as lesson 1.8's rotate_pairs does."
            )
        elif np.allclose(got, case["clockwise"], atol=1e-5):
            hint = "that turns clockwise: (a, b) -> (a cos - b sin, a sin + b cos)."
    problem = close(got, want, atol=1e-5)
    assert not problem, explain(call("apply_rope", x, cos, sin), got, want, hint) + f" ({problem})"


def test_apply_rope_at_position_zero_changes_nothing(llama_parts):
    x = f32(np.random.default_rng(3).normal(size=(1, 8)))
    cos, sin = f32(np.ones((1, 4))), f32(np.zeros((1, 4)))
    got = llama_parts.apply_rope(x, cos, sin)
    problem = close(got, x, atol=1e-6)
    assert not problem, explain(call("apply_rope", x, cos, sin), got, x) + f" ({problem})"


def test_apply_rope_rotates_every_head_and_keeps_float32(llama_parts):
    case = CASES["apply_rope_heads"]
    x, cos, sin = case["x"], case["cos"], case["sin"]  # x: (H, T, hd) = (3, 5, 8)
    got = llama_parts.apply_rope(x, cos, sin)
    want = case["want"]
    hint = ""
    if isinstance(got, np.ndarray) and got.shape == x.shape:
        if np.allclose(got, case["half"], atol=1e-5):
            hint = "pairs are neighbours (x[..., 0::2], x[..., 1::2]), not the two halves."
    problem = close(got, want, atol=1e-5)
    assert not problem, explain(call("apply_rope", x, cos, sin), got, want, hint) + f" ({problem})"
    assert got.dtype == np.float32, explain(
        call("apply_rope", x, cos, sin),
        f"dtype {got.dtype}",
        expected_text="float32",
        hint=dtype_hint(got),
    )


def test_apply_rope_keeps_lengths_and_makes_scores_relative(llama_parts):
    case = CASES["scores_relative"]
    q, k = case["q"], case["k"]

    def rotated(v, p):
        cos, sin = case["tables"][str(p)]["cos"], case["tables"][str(p)]["sin"]
        return np.asarray(llama_parts.apply_rope(v, cos, sin), dtype=float)[0]

    assert np.isclose(np.linalg.norm(rotated(q, 9)), np.linalg.norm(q), atol=1e-5), (
        "apply_rope changed the length of a vector: a rotation never does."
    )
    before, after = rotated(q, 5) @ rotated(k, 2), rotated(q, 25) @ rotated(k, 22)
    assert np.isclose(before, after, atol=1e-4), (
        f"the score of q at 5 and k at 2 is {before:.5f}, at 25 and 22 it is {after:.5f}: with "
        "RoPE a score depends only on the distance between the positions."
    )
