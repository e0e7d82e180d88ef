"""Visible tests for lesson 2.6, Speeding up generation with the KV cache: tiny cases first, then
the pinned conventions, then properties. The `kv_cache` fixture is your
exercises/ch2_transformer/l06_kv_cache.py.

The model here is a small seeded GPT, and the expected logits and tokens were recorded from an
independent reference (a full forward pass, no cache; never the lesson's own code):
grader/data/recorded/, read through grader.assets.recorded."""

import numpy as np

from grader.assets import recorded
from grader.testing import (
    call,
    causal_probe,
    close,
    explain,
    first_difference,
    generation_steps,
    leak_or_blind,
    localise,
    raises,
    sees_earlier_probe,
    shown,
)

CASES = recorded("ch2_transformer/l06_kv_cache")
CFG, P = CASES["model"]["config"], CASES["model"]["params"]
# The inputs that messages show by a label, for the diagnosis (grader.diagnosis.probes): it may
# run your function again on the inputs of the other checks, and these rebuild the model.
PROBE_INPUTS = {"<seeded GPT>": lambda: P, "<config>": lambda: CFG}
GPT, CONFIG = shown(P, "<seeded GPT>"), shown(CFG, "<config>")  # as messages show them


# -- kv_cache_bytes -------------------------------------------------------------------------
def test_kv_cache_bytes_by_hand(kv_cache):
    # one layer, d = 1, one position: one key and one value of 4 bytes each
    got = kv_cache.kv_cache_bytes(1, 1, 1)
    hint = "the cache holds keys AND values: the factor 2." if got == 4 else ""
    assert got == 8, explain(call("kv_cache_bytes", 1, 1, 1), got, 8, hint)


def test_kv_cache_bytes_of_gpt2_small(kv_cache):
    got = kv_cache.kv_cache_bytes(12, 768, 1024)
    want = 2 * 12 * 768 * 1024 * 4
    hint = "the cache holds keys AND values: the factor 2." if got == want // 2 else ""
    assert got == want, explain(call("kv_cache_bytes", 12, 768, 1024), got, want, hint)


def test_kv_cache_bytes_counts_batch_and_precision(kv_cache):
    got = kv_cache.kv_cache_bytes(2, 16, 10, batch=3, bytes_per_value=2)
    assert got == 3840, explain(
        call("kv_cache_bytes", 2, 16, 10, batch=3, bytes_per_value=2), got, 3840
    )


# -- KVCache --------------------------------------------------------------------------------
def test_cache_starts_empty_and_grows(kv_cache):
    cache = kv_cache.KVCache(2, 5, 3)
    assert len(cache) == 0, f"len(KVCache(2, 5, 3)) is {len(cache)}, expected 0."
    k, v = np.arange(6.0).reshape(2, 3), -np.arange(6.0).reshape(2, 3)
    for layer in (0, 1):
        cache.append(layer, k, v)
    assert len(cache) == 2, explain(
        "len(cache) after appending 2 positions to every layer of KVCache(2, 5, 3)",
        len(cache),
        2,
        "len counts the positions of one layer (layer 0), not of every layer together."
        if len(cache) == 4
        else "",
    )
    for name, got, want in (("keys(0)", cache.keys(0), k), ("values(1)", cache.values(1), v)):
        problem = close(got, want)
        assert not problem, explain(
            f"{name} after append(layer, k, v) to both layers", got, want, detail=problem
        )


def test_cache_appends_after_what_is_there(kv_cache):
    cache = kv_cache.KVCache(1, 4, 2)
    cache.append(0, np.array([[1.0, 2.0]]), np.array([[3.0, 4.0]]))
    cache.append(0, np.array([[5.0, 6.0], [7.0, 8.0]]), np.array([[9.0, 10.0], [11.0, 12.0]]))
    got_k, got_v = cache.keys(0), cache.values(0)
    want_k = np.array([[1.0, 2.0], [5.0, 6.0], [7.0, 8.0]])
    want_v = np.array([[3.0, 4.0], [9.0, 10.0], [11.0, 12.0]])
    problem = close(got_k, want_k) or close(got_v, want_v)
    assert not problem, explain(
        "keys(0), values(0) after appending 1 then 2 positions",
        (got_k, got_v),
        (want_k, want_v),
        detail=problem,
    )


def test_cache_layers_keep_their_own_keys(kv_cache):
    cache = kv_cache.KVCache(2, 3, 2)
    k0, k1 = np.array([[1.0, 2.0]]), np.array([[-5.0, 7.0]])
    cache.append(0, k0, k0)
    cache.append(1, k1, k1)
    got = cache.keys(0)
    hint = ""
    if isinstance(got, np.ndarray) and np.array_equal(got, k1):
        hint = (
            "layer 0 shows layer 1's keys: the layers share one array ([np.zeros(...)] * "
            "n_layers repeats one array); give each layer its own storage."
        )
    problem = close(got, k0)
    assert not problem, explain(
        "keys(0) after append(0, k0, v0) then append(1, k1, v1)", got, k0, hint, detail=problem
    )


def test_cache_rejects_appending_past_capacity(kv_cache):
    cache = kv_cache.KVCache(1, 2, 2)
    cache.append(0, np.zeros((2, 2)), np.zeros((2, 2)))
    raises(
        ValueError,
        cache.append,
        0,
        np.zeros((1, 2)),
        np.zeros((1, 2)),
        call_text="cache.append(0, <1 row>, <1 row>) on a KVCache(1, 2, 2) that holds 2 rows",
    )


# -- forward_step ---------------------------------------------------------------------------
def test_forward_step_on_a_whole_prompt_equals_prefill(kv_cache):
    case = CASES["whole_prompt"]
    ids, want = np.array(case["ids"]), case["want"]
    cache = kv_cache.KVCache(CFG["n_layers"], CFG["context_length"], CFG["d_model"])
    got = kv_cache.forward_step(P, ids, cache, CFG)
    problem = close(got, want, atol=1e-5, rtol=1e-5)
    assert not problem, explain(
        call("forward_step", GPT, ids, "<empty cache>", CONFIG),
        got,
        want,
        detail=problem,
    ) + leak_or_blind(
        lambda: causal_probe(_fresh_step(kv_cache), ids, _changed(ids, -1), 1e-5, 1e-5)
    )
    assert len(cache) == 5, f"after forward_step on 5 ids, len(cache) is {len(cache)}, expected 5."


def test_forward_step_one_token_at_a_time(kv_cache):
    case = CASES["one_at_a_time"]
    ids, want = case["ids"], case["want"]
    cache = kv_cache.KVCache(CFG["n_layers"], CFG["context_length"], CFG["d_model"])
    for t, token in enumerate(ids):
        got = kv_cache.forward_step(P, np.array([token]), cache, CFG)
        hint = ""
        if t > 0 and isinstance(got, np.ndarray) and got.shape == (1, CFG["vocab_size"]):
            if np.allclose(got[0], case["restart"][t], atol=1e-5):
                hint = (
                    "the new token got position embedding 0: positions continue from "
                    "len(cache), so use wpe[past:past+t]."
                )
        problem = close(got, want[t : t + 1], atol=1e-5, rtol=1e-5)
        blind = ""
        if problem and t > 0:  # does a new position see the cached ones?
            seen = ids[: max(t + 1, 3)]
            blind = leak_or_blind(
                lambda seen=seen: sees_earlier_probe(
                    _last_after_cached(kv_cache), seen, _changed(seen, -2), 1e-5, 1e-5
                )
            )
        assert not problem, (
            explain(
                call("forward_step", GPT, [token], f"<cache of {t}>", CONFIG),
                got,
                want[t : t + 1],
                hint,
                detail=problem,
            )
            + blind
        )


def _changed(ids, at):
    """The same ids but the one at `at`, which is another id."""
    out = np.array(ids).copy()
    out[at] = (out[at] + 1) % CFG["vocab_size"]
    return out


def _fresh_step(kv_cache):
    """Your forward_step on ids, from an empty cache of its own."""

    def run(ids):
        cache = kv_cache.KVCache(CFG["n_layers"], CFG["context_length"], CFG["d_model"])
        return kv_cache.forward_step(P, np.array(ids), cache, CFG)

    return run


def _last_after_cached(kv_cache):
    """Your forward_step's output for the last of ids, fed after the others were cached."""

    def run(ids):
        cache = kv_cache.KVCache(CFG["n_layers"], CFG["context_length"], CFG["d_model"])
        kv_cache.forward_step(P, np.array(ids[:-1]), cache, CFG)
        return kv_cache.forward_step(P, np.array(ids[-1:]), cache, CFG)

    return run


def test_forward_step_in_chunks_matches_prefill_rows(kv_cache):
    case = CASES["chunks"]
    ids, want = case["ids"], case["want"]
    cache = kv_cache.KVCache(CFG["n_layers"], CFG["context_length"], CFG["d_model"])
    start = 0
    for size in (3, 1, 3):
        chunk = np.array(ids[start : start + size])
        got = kv_cache.forward_step(P, chunk, cache, CFG)
        problem = close(got, want[start : start + size], atol=1e-5, rtol=1e-5)
        assert not problem, explain(
            call("forward_step", GPT, chunk, f"<cache of {start}>", CONFIG),
            got,
            want[start : start + size],
            detail=problem,
        )
        start += size
        assert len(cache) == start, f"after {start} positions, len(cache) is {len(cache)}."


# -- generate_cached ------------------------------------------------------------------------
def test_generate_cached_greedy_matches_generation_without_cache(kv_cache):
    case = CASES["generate_greedy"]
    prompt, us, want = case["prompt"], case["us"], case["want"]
    got = kv_cache.generate_cached(P, prompt, 5, CFG, us)
    hint = "return only the new ids, without the prompt." if got == prompt + want else ""
    assert got == want, (
        explain(
            call("generate_cached", GPT, prompt, 5, CONFIG, us),
            got,
            want,
            hint or (first_difference(got, want) if isinstance(got, list) else ""),
        )
        + " "
        + by_generation_step(kv_cache, prompt, want, case["logits"])
    )


def by_generation_step(kv_cache, prompt, want, logits):
    """Your forward_step fed the reference's ids with your cache: the first step whose logits
    differ from the ones the reference chose from, or that only the picking and feeding do."""
    cache = kv_cache.KVCache(CFG["n_layers"], CFG["context_length"], CFG["d_model"])
    steps = generation_steps(
        lambda ids: kv_cache.forward_step(P, np.array(ids), cache, CFG), prompt, want, logits
    )
    joined = (
        "generate_cached's docstring: the prompt through forward_step once, then only each new "
        "id, each chosen from the last row of logits by lesson 2.3's sampler with us[step]"
    )
    return localise(steps, atol=1e-5, rtol=1e-5, joined=joined)


def test_generate_cached_samples_with_the_given_draws(kv_cache):
    case = CASES["generate_sampled"]
    prompt, us, want = case["prompt"], case["us"], case["want"]
    got = kv_cache.generate_cached(P, prompt, 6, CFG, us, temperature=1.0, top_p=0.9)
    assert got == want, (
        explain(
            call(
                "generate_cached",
                GPT,
                prompt,
                6,
                CONFIG,
                us,
                temperature=1.0,
                top_p=0.9,
            ),
            got,
            want,
            first_difference(got, want) if isinstance(got, list) else "",
        )
        + " "
        + by_generation_step(kv_cache, prompt, want, case["logits"])
    )


def test_forward_step_fills_the_cache_up_to_the_context_length(kv_cache):
    # the context is full when past + new == context_length: allowed; only more is an error
    n = CFG["context_length"]
    ids = np.array(CASES["whole_prompt"]["ids"] * n)[:n]
    cache = kv_cache.KVCache(CFG["n_layers"], n, CFG["d_model"])
    kv_cache.forward_step(P, ids[:-1], cache, CFG)
    got = kv_cache.forward_step(P, ids[-1:], cache, CFG)
    shape = getattr(got, "shape", None)
    assert shape == (1, CFG["vocab_size"]) and len(cache) == n, (
        f"forward_step of the last of {n} positions (context_length {n}) returned shape "
        f"{shape} with len(cache) {len(cache)}, expected shape (1, {CFG['vocab_size']}) and "
        f"len(cache) {n}."
    )


def test_generate_cached_may_fill_the_whole_context(kv_cache):
    # len(prompt) + n_new == context_length is allowed; only more is an error
    prompt = CASES["generate_greedy"]["prompt"]
    n_new = CFG["context_length"] - len(prompt)
    us = [0.5] * n_new
    got = kv_cache.generate_cached(P, prompt, n_new, CFG, us)
    ok = isinstance(got, list) and len(got) == n_new
    assert ok and all(0 <= int(i) < CFG["vocab_size"] for i in got), explain(
        call("generate_cached", GPT, prompt, n_new, CONFIG, us),
        got,
        expected_text=f"{n_new} new ids, which fill the context of {CFG['context_length']}",
    )
