"""Hidden tests for lesson 2.2: random shapes, the kit's trained model with its blocks removed,
and oracles written out here (loops over rows, the parameter-count formula)."""

import math

import numpy as np

from grader.assets import load_model
from grader.testing import call, close, explain, raises


def loop_layer_norm(x, g, b, eps=1e-5):
    out = np.empty_like(x)
    for i, row in enumerate(x):
        mean = sum(row) / len(row)
        var = sum((v - mean) ** 2 for v in row) / len(row)
        out[i] = [(v - mean) / math.sqrt(var + eps) * gj + bj for v, gj, bj in zip(row, g, b)]
    return out


def test_layer_norm_matches_a_loop_oracle(forward_pass):
    rng = np.random.default_rng(21)
    x = rng.normal(3.0, 7.0, size=(5, 13))
    g, b = rng.normal(size=13), rng.normal(size=13)
    want = loop_layer_norm(x, g, b)
    got = forward_pass.layer_norm(x, g, b)
    problem = close(got, want, atol=1e-10)
    assert not problem, explain(call("layer_norm", "<5x13>", "<g>", "<b>"), got, want, problem)


def test_layer_norm_works_on_3d_input_and_custom_eps(forward_pass):
    rng = np.random.default_rng(22)
    x = rng.normal(size=(2, 3, 4))
    g, b = np.ones(4), np.zeros(4)
    want = loop_layer_norm(x.reshape(6, 4), g, b, eps=0.5).reshape(2, 3, 4)
    got = forward_pass.layer_norm(x, g, b, eps=0.5)
    problem = close(got, want, atol=1e-10)
    assert not problem, explain(call("layer_norm", "<2x3x4>", g, b, eps=0.5), got, want, problem)


def test_layer_norm_rows_have_mean_zero_and_variance_one(forward_pass):
    x = np.random.default_rng(23).normal(-4.0, 50.0, size=(6, 64))
    got = forward_pass.layer_norm(x, np.ones(64), np.zeros(64))
    assert np.allclose(got.mean(-1), 0.0, atol=1e-9) and np.allclose(got.var(-1), 1.0, atol=1e-4), (
        f"layer_norm rows have means {got.mean(-1)[:3]} and variances {got.var(-1)[:3]}; "
        "expected 0 and 1 (biased variance)."
    )


def test_embed_tokens_with_repeated_ids_and_one_id(forward_pass):
    rng = np.random.default_rng(24)
    params = {
        "wte": rng.normal(size=(9, 5)),
        "wpe": rng.normal(size=(7, 5)),
        "lnf_g": np.ones(5),
        "lnf_b": np.zeros(5),
        "blocks": [],
    }
    for ids in (np.array([4]), np.array([8, 8, 8, 0, 8, 8, 8])):
        want = np.stack([params["wte"][i] + params["wpe"][t] for t, i in enumerate(ids)])
        got = forward_pass.embed_tokens(params, ids)
        problem = close(got, want)
        assert not problem, explain(call("embed_tokens", "<params>", ids), got, want, problem)


def test_embed_tokens_limit_comes_from_wpe(forward_pass):
    params = {
        "wte": np.zeros((4, 3)),
        "wpe": np.zeros((2, 3)),
        "lnf_g": np.ones(3),
        "lnf_b": np.zeros(3),
        "blocks": [],
    }
    raises(ValueError, forward_pass.embed_tokens, params, np.array([0, 1, 2]))


def test_lm_head_with_gain_and_shift(forward_pass):
    rng = np.random.default_rng(25)
    params = {
        "wte": rng.normal(size=(10, 6)),
        "wpe": rng.normal(size=(4, 6)),
        "lnf_g": rng.normal(size=6),
        "lnf_b": rng.normal(size=6),
        "blocks": [],
    }
    h = rng.normal(size=(3, 6))
    want = loop_layer_norm(h, params["lnf_g"], params["lnf_b"]) @ params["wte"].T
    got = forward_pass.lm_head(params, h)
    problem = close(got, want, atol=1e-9)
    assert not problem, explain(call("lm_head", "<params>", "<3x6 h>"), got, want, problem)


def test_forward_of_the_trained_model_without_blocks(forward_pass):
    params, config = load_model()
    params["blocks"] = []
    config = dict(config, n_layers=0)
    ids = np.array([300, 17, 999, 5, 256])
    x = np.stack(
        [params["wte"][i].astype(np.float64) + params["wpe"][t] for t, i in enumerate(ids)]
    )
    want = loop_layer_norm(x, params["lnf_g"], params["lnf_b"]) @ params["wte"].T.astype(np.float64)
    got = forward_pass.forward(params, ids, config)
    problem = close(np.asarray(got, dtype=np.float64), want, atol=1e-4, rtol=1e-4)
    assert not problem and np.shape(got) == (5, config["vocab_size"]), explain(
        call("forward", "<trained params, no blocks>", ids, "<config>"), got, want, problem
    )


def test_count_parameters_of_the_trained_model(forward_pass):
    params, config = load_model()
    V, C, d, L = (config[k] for k in ("vocab_size", "context_length", "d_model", "n_layers"))
    want = V * d + C * d + 2 * d + L * (4 * d * d + 4 * d + 4 * d + 8 * d * d + 5 * d)
    got = forward_pass.count_parameters(params)
    hint = "wte is tied: count it once." if got == want + V * d else ""
    assert got == want, explain(call("count_parameters", "<trained model>"), got, want, hint)


def test_init_params_with_zero_layers_and_other_sizes(forward_pass):
    config = {"vocab_size": 5, "context_length": 3, "d_model": 4, "n_heads": 1, "n_layers": 0}
    params = forward_pass.init_params(config, seed=9)
    assert (
        params["blocks"] == [] and params["wte"].shape == (5, 4) and params["wpe"].shape == (3, 4)
    ), (
        f"init_params({config}, 9) gave blocks {params['blocks']!r}, wte {params['wte'].shape}, "
        f"wpe {params['wpe'].shape}; expected [], (5, 4), (3, 4)."
    )
