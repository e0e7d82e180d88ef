"""Visible tests for lesson 2.2, Components of the forward pass: tiny cases first, then the
pinned conventions, then properties. The `forward_pass` fixture is your
exercises/ch2_transformer/l02_forward_pass.py. Every test builds its own small arrays, and
forward runs with n_layers = 0, so nothing here needs lesson 2.4."""

import math

import numpy as np

from grader.assets import recorded
from grader.testing import call, close, explain, localise, raises, shown

TINY = {"vocab_size": 11, "context_length": 6, "d_model": 8, "n_heads": 2, "n_layers": 2}
BLOCK_SHAPES = {
    "ln1_g": (8,),
    "ln1_b": (8,),
    "w_q": (8, 8),
    "w_k": (8, 8),
    "w_v": (8, 8),
    "w_o": (8, 8),
    "b_q": (8,),
    "b_k": (8,),
    "b_v": (8,),
    "b_o": (8,),
    "ln2_g": (8,),
    "ln2_b": (8,),
    "w_in": (8, 32),
    "b_in": (32,),
    "w_out": (32, 8),
    "b_out": (8,),
}


def head_params():
    """A hand-sized model with no blocks: V = 3, C = 4, d = 2."""
    return {
        "wte": np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]),  # (V, d)
        "wpe": np.array([[0.0, 0.5], [0.5, 0.0], [1.0, 1.0], [2.0, 0.0]]),  # (C, d)
        "lnf_g": np.ones(2),
        "lnf_b": np.zeros(2),
        "blocks": [],
    }


# -- layer_norm ---------------------------------------------------------------------------------
def test_layer_norm_by_hand(forward_pass):
    # [1, 3]: mean 2, biased variance 1, so about [-1, 1].
    x = np.array([[1.0, 3.0]])
    got = forward_pass.layer_norm(x, np.ones(2), np.zeros(2))
    want = np.array([[-1.0, 1.0]]) / math.sqrt(1.0 + 1e-5)
    hint = ""
    if isinstance(got, np.ndarray) and np.allclose(got, [[-(0.5**0.5), 0.5**0.5]], atol=1e-4):
        hint = "that divides by d - 1 (unbiased); LayerNorm uses the biased variance (divide by d)."
    problem = close(got, want)
    assert not problem, explain(
        call("layer_norm", x, np.ones(2), np.zeros(2)), got, want, hint, detail=problem
    )


def test_layer_norm_uses_the_biased_variance(forward_pass):
    x = np.array([[1.0, 2.0, 3.0, 4.0]])  # mean 2.5, biased variance 1.25 (unbiased 5/3)
    want = (x - 2.5) / math.sqrt(1.25 + 1e-5)
    got = forward_pass.layer_norm(x, np.ones(4), np.zeros(4))
    hint = ""
    if isinstance(got, np.ndarray) and np.allclose(got, (x - 2.5) / math.sqrt(5 / 3 + 1e-5)):
        hint = "that divides by d - 1 (unbiased, np.var(ddof=1)); LayerNorm uses the biased variance (divide by d)."
    problem = close(got, want)
    assert not problem, explain(
        call("layer_norm", x, np.ones(4), np.zeros(4)), got, want, hint, detail=problem
    )


def test_layer_norm_normalises_each_row_on_its_own(forward_pass):
    x = np.array([[1.0, 3.0], [10.0, 30.0]])  # each row: mean 0, variance 1 after LayerNorm
    want = np.array([[-1.0, 1.0], [-1.0, 1.0]]) / np.sqrt(1.0 + np.array([[1e-5], [1e-7]]))
    got = forward_pass.layer_norm(x, np.ones(2), np.zeros(2))
    hint = ""
    whole = (x - x.mean()) / np.sqrt(x.var() + 1e-5)
    if isinstance(got, np.ndarray) and np.allclose(got, whole):
        hint = "normalise each row on its own: mean and variance over the last axis (axis=-1, keepdims=True), not the whole array."
    problem = close(got, want, atol=1e-6)
    assert not problem, explain(
        call("layer_norm", x, np.ones(2), np.zeros(2)), got, want, hint, detail=problem
    )


def test_layer_norm_applies_gain_then_shift(forward_pass):
    x = np.array([[1.0, 3.0]])
    g, b = np.array([2.0, 3.0]), np.array([10.0, -10.0])
    want = np.array([[-2.0, 3.0]]) / math.sqrt(1.0 + 1e-5) + b
    got = forward_pass.layer_norm(x, g, b)
    problem = close(got, want)
    assert not problem, explain(call("layer_norm", x, g, b), got, want, detail=problem)


def test_layer_norm_puts_eps_inside_the_square_root(forward_pass):
    x = np.array([[0.0, 2e-3]])  # variance 1e-6, comparable to eps = 1e-5
    want = np.array([[-1e-3, 1e-3]]) / math.sqrt(1e-6 + 1e-5)
    got = forward_pass.layer_norm(x, np.ones(2), np.zeros(2))
    hint = ""
    if isinstance(got, np.ndarray) and np.allclose(got, [[-1e-3 / 1.01e-3, 1e-3 / 1.01e-3]]):
        hint = "divide by sqrt(var + eps), not sqrt(var) + eps."
    problem = close(got, want)
    assert not problem, explain(
        call("layer_norm", x, np.ones(2), np.zeros(2)), got, want, hint, detail=problem
    )


def test_layer_norm_of_a_constant_row_is_the_shift(forward_pass):
    x = np.array([[5.0, 5.0, 5.0]])
    b = np.array([0.1, 0.2, 0.3])
    with np.errstate(all="ignore"):
        got = forward_pass.layer_norm(x, np.ones(3), b)
    problem = close(got, b[None, :])
    assert not problem, explain(
        call("layer_norm", x, np.ones(3), b),
        got,
        b[None, :],
        "keep eps inside the square root so 0 / sqrt(0 + eps) is 0." if problem else "",
    )


# -- embed_tokens -------------------------------------------------------------------------------
def test_embed_tokens_adds_token_and_position_rows(forward_pass):
    params = head_params()
    ids = np.array([2, 0, 2])
    want = np.array([[1.0, 1.5], [1.5, 0.0], [2.0, 2.0]])  # wte[[2, 0, 2]] + wpe[:3]
    got = forward_pass.embed_tokens(params, ids)
    hint = ""
    if isinstance(got, np.ndarray) and np.allclose(got, params["wte"][ids]):
        hint = "that is only the token embedding; add the position embeddings wpe[:T]."
    problem = close(got, want)
    assert not problem, explain(
        call("embed_tokens", shown(params, "<hand params>"), ids), got, want, hint, detail=problem
    )


def test_embed_tokens_rejects_more_ids_than_the_context(forward_pass):
    ids = np.array([0, 1, 2, 0, 1])  # 5 ids, context_length 4
    raises(ValueError, forward_pass.embed_tokens, head_params(), ids)


def test_embed_tokens_accepts_exactly_the_context(forward_pass):
    ids = np.array([0, 1, 2, 0])
    got = forward_pass.embed_tokens(head_params(), ids)
    assert isinstance(got, np.ndarray) and got.shape == (4, 2), explain(
        call("embed_tokens", "<hand params>", ids), got, expected_text="an array of shape (4, 2)"
    )


# -- lm_head ------------------------------------------------------------------------------------
def test_lm_head_normalises_then_unembeds(forward_pass):
    params = head_params()
    h = np.array([[1.0, 3.0], [4.0, 0.0]])  # (T, d)
    s = 1 / math.sqrt(1.0 + 1e-5)
    normed = np.array([[-s, s], [2 * s, -2 * s]]) / np.array([[1.0], [2.0]])  # LayerNorm rows
    want = normed @ params["wte"].T  # (T, d) @ (d, V) -> (T, V)
    got = forward_pass.lm_head(params, h)
    hint = ""
    if isinstance(got, np.ndarray) and np.allclose(got, h @ params["wte"].T):
        hint = "the final LayerNorm (lnf_g, lnf_b) comes before the unembedding."
    problem = close(got, want)
    assert not problem, explain(
        call("lm_head", shown(params, "<hand params>"), h), got, want, hint, detail=problem
    )


# -- forward ------------------------------------------------------------------------------------
def test_forward_without_blocks_is_head_of_embeddings(forward_pass):
    params = head_params()
    config = {"vocab_size": 3, "context_length": 4, "d_model": 2, "n_heads": 1, "n_layers": 0}
    ids = np.array([1, 2])
    case = recorded("ch2_transformer/l02_forward_pass")["forward_without_blocks"]
    want = case["want"]
    got = forward_pass.forward(params, ids, config)
    problem = close(got, want)
    steps = [  # your own parts, each on the reference's input to it: where the difference starts
        (
            "embed_tokens(params, ids)",
            lambda: forward_pass.embed_tokens(params, ids),
            case["embedded"],
        ),
        ("lm_head(params, h)", lambda: forward_pass.lm_head(params, case["embedded"]), want),
    ]
    joined = (
        "forward's docstring: embed_tokens, then every block in order (none here), then lm_head"
    )
    assert not problem, (
        explain(
            call("forward", shown(params, "<hand params>"), ids, shown(config, "<config>")),
            got,
            want,
            detail=problem,
        )
        + " "
        + localise(steps, atol=1e-6, rtol=1e-5, joined=joined)
    )


# -- init_params --------------------------------------------------------------------------------
def test_init_params_has_the_course_layout(forward_pass):
    params = forward_pass.init_params(TINY, seed=0)
    top = {"wte": (11, 8), "wpe": (6, 8), "lnf_g": (8,), "lnf_b": (8,)}
    for name, shape in top.items():
        got = np.shape(params.get(name))
        assert got == shape, f"init_params(TINY, 0)[{name!r}] has shape {got}, expected {shape}."
    blocks = params.get("blocks")
    assert isinstance(blocks, list) and len(blocks) == 2, (
        f"init_params(TINY, 0)['blocks'] should be a list of 2 dicts (n_layers = 2), got "
        f"{type(blocks).__name__} of length {len(blocks) if blocks is not None else 0}."
    )
    for name, shape in BLOCK_SHAPES.items():
        got = np.shape(blocks[1].get(name))
        hint = ""
        if len(shape) == 2 and got == shape[::-1] and shape[0] != shape[1]:
            hint = (
                " Hint: that is the (out, in) layout of PyTorch's nn.Linear; here h @ W "
                "wants W as (in, out), so it is transposed."
            )
        assert got == shape, f"block 1's {name!r} has shape {got}, expected {shape}." + hint


def test_init_params_biases_zero_gains_one(forward_pass):
    params = forward_pass.init_params(TINY, seed=0)
    for name in ("lnf_g", "ln1_g", "ln2_g"):
        arr = params[name] if name in params else params["blocks"][0][name]
        assert np.all(arr == 1.0), f"{name} should start as ones (LayerNorm gain), got {arr}"
    for name in ("lnf_b", "b_q", "b_o", "b_in", "b_out", "ln1_b"):
        arr = params[name] if name in params else params["blocks"][0][name]
        assert np.all(arr == 0.0), f"{name} should start as zeros, got {arr}"


def test_init_params_weights_have_std_002(forward_pass):
    config = dict(TINY, vocab_size=200, d_model=16, n_layers=1)
    params = forward_pass.init_params(config, seed=1)
    for name, arr in (("wte", params["wte"]), ("w_in", params["blocks"][0]["w_in"])):
        std = float(np.std(arr))
        hint = (
            " Use rng.normal(0.0, 0.02, size=shape): 0.02 is the std, not the variance."
            if std < 0.005
            else ""
        )
        assert 0.017 < std < 0.023 and abs(float(np.mean(arr))) < 0.003, (
            f"init_params: {name} has mean {np.mean(arr):.4f} and std {std:.4f}, expected mean 0 "
            f"and std 0.02.{hint}"
        )


def test_init_params_is_seeded(forward_pass):
    a = forward_pass.init_params(TINY, seed=3)
    b = forward_pass.init_params(TINY, seed=3)
    c = forward_pass.init_params(TINY, seed=4)
    assert np.array_equal(a["wte"], b["wte"]), "init_params with the same seed gave different wte."
    assert np.array_equal(a["blocks"][1]["w_q"], b["blocks"][1]["w_q"]), (
        "init_params with the same seed gave different w_q."
    )
    assert not np.array_equal(a["wte"], c["wte"]), "seeds 3 and 4 gave the same wte."
    assert not np.array_equal(a["blocks"][0]["w_q"], a["blocks"][0]["w_k"]), (
        "init_params(TINY, seed=3) gave block 0 a w_q equal to its w_k. Likely mistake: a "
        "generator is made again from the seed for each weight, so each matrix gets the same "
        "draws (or one drawn matrix is used twice): make one generator "
        "(np.random.default_rng(seed)) and draw every matrix from it."
    )


def test_init_params_draws_every_block_on_its_own(forward_pass):
    params = forward_pass.init_params(TINY, seed=0)
    blocks = params["blocks"]
    assert blocks[0] is not blocks[1] and not np.shares_memory(
        blocks[0]["w_q"], blocks[1]["w_q"]
    ), explain(
        call("init_params", "TINY", seed=0) + "['blocks']",
        blocks,
        expected_text="2 independent blocks",
        hint="each layer needs its own dict and its own arrays, drawn one after the other.",
    )
    assert not np.array_equal(blocks[0]["w_q"], blocks[1]["w_q"]), (
        "init_params gave blocks 0 and 1 the same w_q: draw every layer's weights separately."
    )


# -- count_parameters ---------------------------------------------------------------------------
def test_count_parameters_by_hand(forward_pass):
    params = {
        "wte": np.zeros((3, 2)),
        "wpe": np.zeros((4, 2)),
        "lnf_g": np.ones(2),
        "lnf_b": np.zeros(2),
        "blocks": [{"w_q": np.zeros((2, 2)), "b_q": np.zeros(2)}],
    }
    got = forward_pass.count_parameters(params)
    want = 6 + 8 + 2 + 2 + 4 + 2
    hint = "count the arrays inside every block too." if got == 18 else ""
    assert got == want, explain(
        call("count_parameters", shown(params, "<hand params>")), got, want, hint
    )


def test_count_parameters_of_init_params(forward_pass):
    params = forward_pass.init_params(TINY, seed=0)
    V, C, d, L = 11, 6, 8, 2
    want = V * d + C * d + 2 * d + L * (12 * d * d + 13 * d)
    got = forward_pass.count_parameters(params)
    assert got == want and isinstance(got, int), explain(
        call("count_parameters", "init_params(TINY, 0)"), got, want
    )
