"""Hidden tests for lesson 2.5, Parallel processing and context size: larger seeded models,
several samplers with fixed draws, long generations that slide the context window, and edge
cases. Every expected value comes from the independent reference written in this file."""

import numpy as np
import pytest

from grader.testing import call, close, explain, first_difference

CFG = {"vocab_size": 17, "context_length": 10, "d_model": 12, "n_heads": 3, "n_layers": 3}


# -- an independent small GPT, written here: the expected values come from it -----------------
def ref_layer_norm(x, g, b, eps=1e-5):
    mu = x.mean(axis=-1, keepdims=True)
    var = ((x - mu) ** 2).mean(axis=-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * g + b


def ref_forward(p, ids, cfg, positions=None):
    """Logits (T, V) of the course's GPT layout; `positions` defaults to 0..T-1."""
    ids = list(ids)
    T, d, H = len(ids), cfg["d_model"], cfg["n_heads"]
    dh = d // H
    pos = list(range(T)) if positions is None else list(positions)
    x = p["wte"][ids] + p["wpe"][pos]
    allowed = np.tril(np.ones((T, T), dtype=bool))
    for b in p["blocks"]:
        h = ref_layer_norm(x, b["ln1_g"], b["ln1_b"])
        q, k, v = (h @ b[f"w_{n}"] + b[f"b_{n}"] for n in "qkv")
        att = np.zeros((T, d))
        for head in range(H):
            c = slice(head * dh, (head + 1) * dh)
            s = np.where(allowed, q[:, c] @ k[:, c].T / np.sqrt(dh), -np.inf)
            w = np.exp(s - s.max(axis=1, keepdims=True))
            att[:, c] = (w / w.sum(axis=1, keepdims=True)) @ v[:, c]
        x = x + att @ b["w_o"] + b["b_o"]
        f = ref_layer_norm(x, b["ln2_g"], b["ln2_b"]) @ b["w_in"] + b["b_in"]
        f = 0.5 * f * (1.0 + np.tanh(np.sqrt(2.0 / np.pi) * (f + 0.044715 * f**3)))
        x = x + f @ b["w_out"] + b["b_out"]
    return ref_layer_norm(x, p["lnf_g"], p["lnf_b"]) @ p["wte"].T


def ref_sample(logits, u, temperature=0.0, top_k=None, top_p=None):
    if temperature == 0:
        return int(np.argmax(logits))
    z = np.asarray(logits, dtype=float) / temperature
    if top_k is not None and top_k < len(z):
        z = np.where(z >= np.sort(z)[-top_k], z, -np.inf)
    if top_p is not None:
        pr = np.exp(z - z.max())
        pr /= pr.sum()
        order = np.argsort(-pr, kind="stable")
        hits = np.cumsum(pr[order]) >= top_p
        n_keep = int(np.argmax(hits)) + 1 if hits.any() else len(z)
        keep = np.zeros(len(z), dtype=bool)
        keep[order[:n_keep]] = True
        z = np.where(keep, z, -np.inf)
    pr = np.exp(z - z.max())
    pr /= pr.sum()
    return int(np.searchsorted(np.cumsum(pr), u, side="right"))


def ref_generate(p, prompt, n_new, cfg, us, **sampler):
    ids = list(prompt)
    for step in range(n_new):
        window = ids[-cfg["context_length"] :]
        ids.append(ref_sample(ref_forward(p, window, cfg)[-1], us[step], **sampler))
    return ids[len(prompt) :]


def gpt_params(cfg, seed):
    """Seeded weights in the course layout, large enough that the logits differ clearly."""
    rng = np.random.default_rng(seed)
    V, C, d = cfg["vocab_size"], cfg["context_length"], cfg["d_model"]

    def w(*shape, s=0.4):
        return rng.normal(0.0, s, shape)

    blocks = []
    for _ in range(cfg["n_layers"]):
        blocks.append(
            {
                "ln1_g": 1.0 + w(d, s=0.1),
                "ln1_b": w(d, s=0.1),
                "w_q": w(d, d),
                "w_k": w(d, d),
                "w_v": w(d, d),
                "w_o": w(d, d),
                "b_q": w(d, s=0.1),
                "b_k": w(d, s=0.1),
                "b_v": w(d, s=0.1),
                "b_o": w(d, s=0.1),
                "ln2_g": 1.0 + w(d, s=0.1),
                "ln2_b": w(d, s=0.1),
                "w_in": w(d, 4 * d),
                "b_in": w(4 * d, s=0.1),
                "w_out": w(4 * d, d),
                "b_out": w(d, s=0.1),
            }
        )
    return {
        "wte": w(V, d, s=1.0),
        "wpe": w(C, d, s=0.5),
        "lnf_g": 1.0 + w(d, s=0.1),
        "lnf_b": w(d, s=0.1),
        "blocks": blocks,
    }


P = gpt_params(CFG, seed=77)


@pytest.mark.parametrize("T,L,H", [(0, 4, 4), (1, 1, 1), (2, 1, 1), (7, 3, 5), (4096, 12, 12)])
def test_attention_score_count_matches_a_sum_over_positions(context, T, L, H):
    want = L * H * sum(i + 1 for i in range(T))
    got = context.attention_score_count(T, L, H)
    assert got == want and isinstance(got, int), explain(
        call("attention_score_count", T, L, H), got, want
    )


@pytest.mark.parametrize("n,C", [(10, 10), (11, 10), (1, 1), (50, 7)])
def test_fit_context_window_sizes(context, n, C):
    ids = list(range(100, 100 + n))
    want = ids[max(0, n - C) :]
    got = context.fit_context(ids, C)
    assert got == want, explain(call("fit_context", ids, C), got, want)


@pytest.mark.parametrize("seed", [1, 2])
def test_prefill_and_sequential_logits_match_the_reference(context, seed):
    ids = np.random.default_rng(seed).integers(0, CFG["vocab_size"], CFG["context_length"])
    want = ref_forward(P, ids, CFG)
    for name in ("prefill", "sequential_logits"):
        got = getattr(context, name)(P, ids, CFG)
        problem = close(got, want, atol=1e-5, rtol=1e-5)
        assert not problem, (
            explain(call(name, "<seeded GPT>", ids, "<config>"), got, want) + f" ({problem})"
        )


def test_prefill_of_a_single_token(context):
    ids = np.array([16])
    got = context.prefill(P, ids, CFG)
    problem = close(got, ref_forward(P, ids, CFG), atol=1e-5, rtol=1e-5)
    assert not problem, f"prefill(<seeded GPT>, [16], <config>): {problem}"


SAMPLERS = [
    {},
    {"temperature": 0.7},
    {"temperature": 1.3, "top_k": 4},
    {"temperature": 1.0, "top_p": 0.75},
    {"temperature": 0.9, "top_k": 6, "top_p": 0.9},
]


@pytest.mark.parametrize(
    "sampler", SAMPLERS, ids=lambda s: ",".join(f"{k}={v}" for k, v in s.items()) or "greedy"
)
@pytest.mark.parametrize("prompt", [[0], [5, 9, 2, 11], [3, 3, 3, 3, 3, 3, 3, 3, 3, 3]])
def test_generate_matches_the_reference(context, prompt, sampler):
    n_new = 7
    us = list(np.random.default_rng(len(prompt) * 31 + len(sampler)).random(n_new))
    want = ref_generate(P, prompt, n_new, CFG, us, **sampler)
    got = context.generate(P, prompt, n_new, CFG, us, **sampler)
    assert got == want, explain(
        call("generate", "<seeded GPT>", prompt, n_new, "<config>", "<7 seeded draws>", **sampler),
        got,
        want,
        first_difference(got, want) if isinstance(got, list) else "",
    )


def test_generate_far_past_the_window(context):
    prompt = [1, 2, 3, 4, 5, 6]
    us = list(np.random.default_rng(5).random(20))
    want = ref_generate(P, prompt, 20, CFG, us, temperature=1.0)
    got = context.generate(P, prompt, 20, CFG, us, temperature=1.0)
    assert got == want, explain(
        call("generate", "<seeded GPT>", prompt, 20, "<config>", "<20 draws>", temperature=1.0),
        got,
        want,
        first_difference(got, want) if isinstance(got, list) else "",
    )


def test_generate_nothing(context):
    got = context.generate(P, [1, 2], 0, CFG, [])
    assert got == [], explain(call("generate", "<seeded GPT>", [1, 2], 0, "<config>", []), got, [])


def test_generate_leaves_the_prompt_alone(context):
    prompt = [1, 2, 3]
    context.generate(P, prompt, 3, CFG, [0.1, 0.2, 0.3])
    assert prompt == [1, 2, 3], f"generate changed the prompt list to {prompt}; copy it first."
