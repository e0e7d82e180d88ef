"""Hidden tests for lesson 2.6, Speeding up generation with the KV cache: random chunkings of a
prompt, a larger model, several prompts and samplers with fixed draws, the context boundary, and
the cache's bookkeeping. Expected values come from the independent reference in this file."""

import numpy as np
import pytest

from grader.testing import call, close, explain, first_difference

CFG = {"vocab_size": 19, "context_length": 16, "d_model": 12, "n_heads": 3, "n_layers": 3}


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


P = gpt_params(CFG, seed=4242)


def new_cache(kv_cache):
    return kv_cache.KVCache(CFG["n_layers"], CFG["context_length"], CFG["d_model"])


@pytest.mark.parametrize(
    "L,d,T,B,bpv", [(1, 1, 1, 1, 4), (32, 4096, 4096, 1, 2), (3, 12, 16, 5, 8), (0, 8, 8, 1, 4)]
)
def test_kv_cache_bytes_formula(kv_cache, L, d, T, B, bpv):
    want = 2 * L * d * T * B * bpv
    got = kv_cache.kv_cache_bytes(L, d, T, batch=B, bytes_per_value=bpv)
    assert got == want, explain(
        call("kv_cache_bytes", L, d, T, batch=B, bytes_per_value=bpv), got, want
    )


def test_cache_layers_are_independent_and_fill_to_capacity(kv_cache):
    cache = kv_cache.KVCache(3, 4, 2)
    rng = np.random.default_rng(1)
    stored = {layer: ([], []) for layer in range(3)}
    for size in (1, 3):
        for layer in range(3):
            k, v = rng.normal(size=(size, 2)), rng.normal(size=(size, 2))
            cache.append(layer, k, v)
            stored[layer][0].append(k)
            stored[layer][1].append(v)
    assert len(cache) == 4, f"len(cache) is {len(cache)} after 4 positions per layer, expected 4."
    for layer, (ks, vs) in stored.items():
        problem = close(cache.keys(layer), np.vstack(ks)) or close(
            cache.values(layer), np.vstack(vs)
        )
        assert not problem, (
            f"layer {layer} of the cache does not hold what was appended to it: {problem}."
        )
    with pytest.raises(ValueError):
        cache.append(1, rng.normal(size=(1, 2)), rng.normal(size=(1, 2)))


@pytest.mark.parametrize("seed", [3, 4, 5])
def test_forward_step_in_random_chunks(kv_cache, seed):
    rng = np.random.default_rng(seed)
    ids = rng.integers(0, CFG["vocab_size"], CFG["context_length"])
    cuts = sorted(rng.choice(np.arange(1, len(ids)), size=4, replace=False))
    want = ref_forward(P, ids, CFG)
    cache = new_cache(kv_cache)
    for lo, hi in zip([0, *cuts], [*cuts, len(ids)]):
        got = kv_cache.forward_step(P, ids[lo:hi], cache, CFG)
        problem = close(got, want[lo:hi], atol=1e-5, rtol=1e-5)
        assert not problem, (
            explain(
                call("forward_step", "<seeded GPT>", ids[lo:hi], f"<cache of {lo}>", "<config>"),
                got,
                want[lo:hi],
            )
            + f" ({problem})"
        )
        lengths = [cache.keys(layer).shape[0] for layer in range(CFG["n_layers"])]
        assert len(cache) == hi and lengths == [hi] * CFG["n_layers"], (
            f"after {hi} positions, len(cache) is {len(cache)} and the layers hold {lengths} keys; "
            f"every layer must hold {hi}."
        )


SAMPLERS = [
    {},
    {"temperature": 0.6},
    {"temperature": 1.4, "top_k": 5},
    {"temperature": 1.0, "top_p": 0.6},
    {"temperature": 1.1, "top_k": 8, "top_p": 0.95},
]


@pytest.mark.parametrize(
    "sampler", SAMPLERS, ids=lambda s: ",".join(f"{k}={v}" for k, v in s.items()) or "greedy"
)
@pytest.mark.parametrize("prompt", [[7], [0, 18, 5], [2, 4, 6, 8, 10, 12, 14, 16, 1, 3]])
def test_generate_cached_equals_uncached_generation(kv_cache, prompt, sampler):
    n_new = CFG["context_length"] - len(prompt)  # up to the last position that fits
    us = list(np.random.default_rng(len(prompt) * 17 + len(sampler)).random(n_new))
    want = ref_generate(P, prompt, n_new, CFG, us, **sampler)
    got = kv_cache.generate_cached(P, prompt, n_new, CFG, us, **sampler)
    assert got == want, explain(
        call(
            "generate_cached",
            "<seeded GPT>",
            prompt,
            n_new,
            "<config>",
            f"<{n_new} seeded draws>",
            **sampler,
        ),
        got,
        want,
        first_difference(got, want) if isinstance(got, list) else "",
    )


def test_generate_cached_of_one_token(kv_cache):
    want = ref_generate(P, [3, 1], 1, CFG, [0.3], temperature=1.0)
    got = kv_cache.generate_cached(P, [3, 1], 1, CFG, [0.3], temperature=1.0)
    assert got == want, explain(
        call("generate_cached", "<seeded GPT>", [3, 1], 1, "<config>", [0.3], temperature=1.0),
        got,
        want,
    )
