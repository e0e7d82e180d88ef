"""Hidden tests for lesson 2.6, Speeding up generation with the KV cache: random chunkings of a
prompt, a larger model, several prompts and samplers with fixed draws, the context boundary, and
the cache's bookkeeping. Expected values come from the independent reference in this file."""

import numpy as np
import pytest

from grader.instructor.oracles import gpt_params, ref_forward, ref_generate
from grader.testing import call, close, explain, first_difference, raises

CFG = {"vocab_size": 19, "context_length": 16, "d_model": 12, "n_heads": 3, "n_layers": 3}


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
    raises(
        ValueError,
        cache.append,
        1,
        rng.normal(size=(1, 2)),
        rng.normal(size=(1, 2)),
        call_text="cache.append(1, <1 row>, <1 row>) on a KVCache(3, 4, 2) whose layer 1 is full",
    )


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
        assert not problem, explain(
            call("forward_step", "<seeded GPT>", ids[lo:hi], f"<cache of {lo}>", "<config>"),
            got,
            want[lo:hi],
            detail=problem,
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
