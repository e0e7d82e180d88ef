"""Hidden tests for lesson 2.5, Parallel processing and context size: larger seeded models,
several samplers with fixed draws, long generations that slide the context window, and edge
cases. Every expected value comes from the independent reference written in this file."""

import numpy as np
import pytest

from grader.instructor.oracles import gpt_params, ref_forward, ref_generate
from grader.testing import call, close, explain, first_difference

CFG = {"vocab_size": 17, "context_length": 10, "d_model": 12, "n_heads": 3, "n_layers": 3}


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
        assert not problem, explain(
            call(name, "<seeded GPT>", ids, "<config>"), got, want, detail=problem
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
