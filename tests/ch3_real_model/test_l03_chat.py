"""Visible tests for lesson 3.3, Chatting with a real model: the cached step of a tiny seeded
Llama against full forward passes, then generation against uncached generation (30 steps),
greedy and sampled, with a stop id. The `chat` fixture is your
exercises/ch3_real_model/l03_chat.py; the cache is your lesson 2.6 KVCache, which it imports.

The weights come from grader/capstone/tiny.py; the expected logits and ids were recorded from an
independent reference (a full forward pass at every step, no cache; never the lesson's own
code): grader/data/recorded/, read through grader.assets.recorded. The real model answers in
`hexahype chat`."""

import numpy as np

from grader.assets import recorded
from grader.capstone.tiny import recorded_llama
from grader.testing import (
    call,
    causal_probe,
    close,
    expect_unchanged,
    explain,
    first_difference,
    generation_steps,
    leak_or_blind,
    localise,
    raises,
    sees_earlier_probe,
    shown,
)

CASES = recorded("ch3_real_model/l03_chat")
CFG, P = recorded_llama(CASES["model"])  # context_length 48


def test_new_cache_holds_only_the_kv_heads(chat):
    width = CFG["n_kv_heads"] * CFG["head_dim"]  # 2 KV heads of 4: 8 columns, not d_model 24
    cache = chat.new_cache(CFG, 3)
    assert len(cache) == 0, f"len(new_cache(CFG, 3)) is {len(cache)}, expected 0."
    for layer in range(CFG["n_layers"]):
        cache.append(layer, np.ones((2, width), np.float32), np.ones((2, width), np.float32))
    shape = tuple(np.asarray(cache.keys(1)).shape)
    assert shape == (2, width), (
        f"after appending 2 rows of {width} keys, keys(1) has shape {shape}, expected "
        f"(2, {width}): one row per position, n_kv_heads * head_dim columns."
    )
    with raises(ValueError, call_text="cache.append(0, np.ones((2, width)), np.ones((2, width)))"):
        cache.append(0, np.ones((2, width)), np.ones((2, width)))  # 4 positions, room for 3


def test_a_prompt_in_one_step_gives_the_forward_logits(chat):
    case = CASES["one_step"]
    ids = np.array(case["ids"])
    cache = chat.new_cache(CFG, 16)
    got = chat.forward_step(P, ids, cache, CFG)
    want = case["want"]
    problem = close(got, want, atol=1e-3, rtol=1e-4)
    assert not problem, (
        explain(call("forward_step", "P", ids, "an empty cache", "CFG"), got, want)
        + f" ({problem})"
        + leak_or_blind(lambda: causal_probe(_fresh_step(chat), ids, _changed(ids, -1), 1e-3, 1e-4))
    )
    assert len(cache) == 4, f"after a 4-token step, len(cache) is {len(cache)}, expected 4."


def test_tokens_one_at_a_time_continue_the_positions(chat):
    case = CASES["one_at_a_time"]
    ids = case["ids"]
    cache = chat.new_cache(CFG, 16)
    rows = [chat.forward_step(P, np.array(ids[:3]), cache, CFG)]
    for token in ids[3:]:
        rows.append(chat.forward_step(P, np.array([token]), cache, CFG))
    got = np.vstack(rows)
    want = case["want"]
    hint = ""
    restart = case["restart"]  # the logits when each step starts from position 0 again
    if got.shape == want.shape and np.allclose(got, restart, atol=1e-3):
        hint = (
            "the fourth token was rotated as if it stood at position 0: its RoPE tables start "
            "at len(cache), the number of positions already cached."
        )
    problem = close(got, want, atol=1e-3, rtol=1e-4)
    blind = (
        leak_or_blind(  # does a new position see the cached ones?
            lambda: sees_earlier_probe(_last_after_cached(chat), ids, _changed(ids, -2), 1e-3, 1e-4)
        )
        if problem
        else ""
    )
    assert not problem, (
        explain("forward_step on 3 ids, then 3 single ids", got, want, hint)
        + f" ({problem}) "
        + by_step(rows, want)
        + blind
    )


def _changed(ids, at):
    """The same ids but the one at `at`, which is another id."""
    out = np.array(ids).copy()
    out[at] = (out[at] + 1) % CFG["vocab_size"]
    return out


def _fresh_step(chat):
    """Your forward_step on ids, from an empty cache of its own."""
    return lambda ids: chat.forward_step(P, np.array(ids), chat.new_cache(CFG, 16), CFG)


def _last_after_cached(chat):
    """Your forward_step's output for the last of ids, fed after the others were cached."""

    def run(ids):
        cache = chat.new_cache(CFG, 16)
        chat.forward_step(P, np.array(ids[:-1]), cache, CFG)
        return chat.forward_step(P, np.array(ids[-1:]), cache, CFG)

    return run


def by_step(rows, want):
    """Which of the steps first gives other logits than the reference (each step's own rows)."""
    steps, start = [], 0
    for i, row in enumerate(rows):
        n = len(row) if isinstance(row, np.ndarray) and row.ndim == 2 else 1
        at = f"positions {start}-{start + n - 1}" if n > 1 else f"position {start}"
        steps.append(
            (f"step {i + 1} (forward_step at {at})", lambda r=row: r, want[start : start + n])
        )
        start += n
    return localise(steps, atol=1e-3, rtol=1e-4)


def test_forward_step_fills_the_context_exactly(chat):
    n = CFG["context_length"]
    cache = chat.new_cache(CFG, n)
    got = chat.forward_step(P, np.arange(n - 1) % CFG["vocab_size"], cache, CFG)
    assert np.shape(got) == (n - 1, CFG["vocab_size"]), explain(
        call("forward_step", "P", f"<{n - 1} ids>", "an empty cache", "CFG"),
        got,
        expected_text=f"logits of shape ({n - 1}, {CFG['vocab_size']})",
    )
    last = chat.forward_step(P, np.array([1]), cache, CFG)  # position n - 1: the context is full
    assert np.shape(last) == (1, CFG["vocab_size"]), explain(
        call("forward_step", "P", [1], f"a cache of {n - 1}", "CFG"),
        last,
        expected_text=f"logits of shape (1, {CFG['vocab_size']}): the last position of the context",
    )
    with raises(ValueError, call_text=f"forward_step(P, [1], <a full cache of {n}>, CFG)"):
        chat.forward_step(P, np.array([1]), cache, CFG)


def test_forward_step_returns_float32_logits(chat):
    cache = chat.new_cache(CFG, 8)
    chat.forward_step(P, np.array([1, 2]), cache, CFG)
    got = chat.forward_step(P, np.array([3]), cache, CFG)
    hint = ""
    if isinstance(got, np.ndarray) and got.dtype == np.float64:
        hint = (
            "the weights are float32 but the logits float64. Lesson 2.6's cache stores what "
            "np.zeros makes, float64: read it back as np.asarray(cache.keys(layer), "
            "dtype=x.dtype), or every step after the first runs in float64."
        )
    assert isinstance(got, np.ndarray) and got.dtype == np.float32, explain(
        "forward_step after a cached prompt",
        f"dtype {getattr(got, 'dtype', type(got).__name__)}",
        expected_text="float32",
        hint=hint,
    )


def test_greedy_generation_equals_uncached_generation_for_30_steps(chat):
    prompt = CASES["greedy"]["prompt"]
    us = [0.5] * 30
    got = chat.generate(P, prompt, 30, CFG, us)
    want = CASES["greedy"]["want"]
    assert isinstance(got, list) and got == want, (
        explain(call("generate", "P", prompt, 30, "CFG", us), got, want)
        + (f" ({first_difference(got, want)})" if isinstance(got, list) else "")
        + " "
        + by_generation_step(chat, prompt, want, CASES["greedy"]["logits"])
    )


def by_generation_step(chat, prompt, want, logits):
    """Your forward_step fed the reference's ids with your cache: the first step whose logits
    differ from the ones the reference chose from, or that only the picking and feeding do."""
    cache = chat.new_cache(CFG, len(prompt) + len(want))
    steps = generation_steps(
        lambda ids: chat.forward_step(P, np.array(ids), cache, CFG), prompt, want, logits
    )
    joined = (
        "generate's docstring: the prompt through forward_step once, then only each new id, "
        "each chosen by sample(logits, us[step], ...) from the last row of logits"
    )
    return localise(steps, atol=1e-3, rtol=1e-4, joined=joined)


def test_sampled_generation_uses_the_draws_of_lesson_2_3(chat):
    case = CASES["sampled"]
    prompt, us = case["prompt"], case["us"]  # 12 draws u in [0, 1)
    got = chat.generate(P, prompt, 12, CFG, us, temperature=1.0, top_k=5)
    want = case["want"]
    assert got == want, explain(
        call("generate", "P", prompt, 12, "CFG", "us", temperature=1.0, top_k=5), got, want
    ) + (f" ({first_difference(got, want)})" if isinstance(got, list) else "")


def test_generation_stops_after_a_stop_id(chat):
    prompt = CASES["stop"]["prompt"]
    free = CASES["stop"]["free"]  # 10 greedy ids, no stop id
    stop = free[3]  # the fourth id greedy decoding produces
    got = chat.generate(P, prompt, 10, CFG, [0.5] * 10, stop_ids=(stop,))
    want = free[: free.index(stop) + 1]
    hint = ""
    if got == want[:-1]:
        hint = "the stop id itself is returned, as the last id."
    elif got == free:
        hint = "generation goes on past the stop id: break after appending it."
    assert got == want, explain(
        call("generate", "P", prompt, 10, "CFG", "us", stop_ids=(stop,)), got, want, hint
    )


def test_generate_does_not_change_the_callers_prompt(chat):
    expect_unchanged(chat.generate, shown(P, "P"), [4, 8, 15], 3, shown(CFG, "CFG"), [0.5] * 3)


def test_generate_returns_plain_ints_and_checks_its_arguments(chat):
    got = chat.generate(P, [1, 2], 3, CFG, [0.5] * 3)
    assert all(type(t) is int for t in got), (
        f"generate returned {[type(t).__name__ for t in got]}; return Python ints: int(token)"
    )
    with raises(ValueError, call_text="generate(P, [], 3, CFG, [0.5] * 3)"):
        chat.generate(P, [], 3, CFG, [0.5] * 3)
    with raises(ValueError, call_text="generate(P, [1, 2], 3, CFG, [0.5])"):
        chat.generate(P, [1, 2], 3, CFG, [0.5])
