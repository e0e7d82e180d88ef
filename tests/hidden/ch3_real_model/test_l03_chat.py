"""Hidden tests for lesson 3.3, Chatting with a real model: uneven chunks, multi-query caches,
nucleus sampling, a stop id at the first step, the context limit, and the oracle of
grader/instructor/capstone.py."""

import numpy as np

from grader.instructor.capstone import llama_config, llama_params, ref_forward, ref_generate
from grader.testing import call, close, explain, first_difference, raises


def test_chunks_of_3_2_and_1_tokens_give_the_forward_rows(chat):
    cfg = llama_config(n_heads=4, n_kv_heads=1, head_dim=6, d_model=24)
    p = llama_params(cfg, seed=40)
    ids = [2, 3, 5, 7, 11, 13]
    cache = chat.new_cache(cfg, 10)
    rows = [
        chat.forward_step(p, np.array(ids[a:b]), cache, cfg) for a, b in ((0, 3), (3, 5), (5, 6))
    ]
    got = np.vstack(rows)
    want = ref_forward(p, ids, cfg).astype(np.float32)
    problem = close(got, want, atol=1e-3, rtol=1e-4)
    assert not problem, explain("forward_step on chunks of 3, 2 and 1 ids", got, want) + (
        f" ({problem})"
    )
    assert len(cache) == 6, f"len(cache) is {len(cache)} after 6 positions"


def test_nucleus_sampling_matches_uncached_generation(chat):
    cfg = llama_config(context_length=40)
    p = llama_params(cfg, seed=41)
    us = [float(u) for u in np.random.default_rng(42).random(20)]
    got = chat.generate(p, [9, 1], 20, cfg, us, temperature=0.8, top_p=0.9)
    want = ref_generate(p, [9, 1], 20, cfg, us, temperature=0.8, top_p=0.9)
    assert got == want, explain(
        call("generate", "params", [9, 1], 20, "config", "us", temperature=0.8, top_p=0.9),
        got,
        want,
    ) + (f" ({first_difference(got, want)})" if isinstance(got, list) else "")


def test_a_stop_id_at_the_first_step_returns_just_it(chat):
    cfg = llama_config()
    p = llama_params(cfg, seed=43)
    first = ref_generate(p, [5, 6, 7], 1, cfg, [0.5])[0]
    got = chat.generate(p, [5, 6, 7], 8, cfg, [0.5] * 8, stop_ids=(first, first + 1))
    assert got == [first], explain(
        call("generate", "params", [5, 6, 7], 8, "config", "us", stop_ids=(first, first + 1)),
        got,
        [first],
    )


def test_forward_step_refuses_to_run_past_the_context(chat):
    cfg = llama_config(context_length=4)
    p = llama_params(cfg, seed=44)
    cache = chat.new_cache(cfg, 8)
    chat.forward_step(p, np.array([1, 2, 3]), cache, cfg)
    with raises(ValueError, call_text="forward_step(p, np.array([4, 5]), cache, cfg)"):
        chat.forward_step(p, np.array([4, 5]), cache, cfg)


def test_a_long_greedy_run_on_a_deeper_model(chat):
    cfg = llama_config(n_layers=3, context_length=64)
    p = llama_params(cfg, seed=45)
    prompt = list(range(1, 9))
    got = chat.generate(p, prompt, 40, cfg, [0.3] * 40)
    want = ref_generate(p, prompt, 40, cfg, [0.3] * 40)
    assert got == want, explain(
        call("generate", "params", prompt, 40, "config", "us"), got, want
    ) + (f" ({first_difference(got, want)})" if isinstance(got, list) else "")
