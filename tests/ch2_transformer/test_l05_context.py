"""Visible tests for lesson 2.5, Parallel processing and context size: tiny cases first, then the
pinned conventions, then properties. The `context` fixture is your
exercises/ch2_transformer/l05_context.py.

The model here is a small seeded GPT, and the expected logits and tokens were recorded from an
independent reference (never the lesson's own code): grader/data/recorded/, read through
grader.assets.recorded."""

import numpy as np

from grader.assets import recorded
from grader.testing import (
    call,
    close,
    expect_unchanged,
    explain,
    first_difference,
    raises,
    shown,
)

CASES = recorded("ch2_transformer/l05_context")
CFG, P = CASES["model"]["config"], CASES["model"]["params"]
# The inputs that messages show by a label, for the diagnosis (grader.diagnosis.probes): it may
# run your function again on the inputs of the other checks, and these rebuild the model.
PROBE_INPUTS = {"<seeded GPT>": lambda: P, "<config>": lambda: CFG}
GPT, CONFIG = shown(P, "<seeded GPT>"), shown(CFG, "<config>")  # as messages show them


def check(call_text, got, want, hint=""):
    problem = close(got, want, atol=1e-5, rtol=1e-5)
    assert not problem, explain(call_text, got, want, hint, detail=problem)


# -- attention_score_count ------------------------------------------------------------------
def test_attention_score_count_by_hand(context):
    # T = 4, one layer, one head: positions 0..3 score 1 + 2 + 3 + 4 = 10 keys
    got = context.attention_score_count(4, 1, 1)
    hint = ""
    if got == 16:
        hint = (
            "that is T*T: with the causal mask, position i scores only i + 1 keys, "
            "so one head computes T*(T+1)/2."
        )
    elif got == 6:
        hint = "each position also scores its own key: i + 1 keys, not i."
    assert got == 10, explain(call("attention_score_count", 4, 1, 1), got, 10, hint)


def test_attention_score_count_multiplies_layers_and_heads(context):
    got = context.attention_score_count(10, 2, 3)
    assert got == 330 and isinstance(got, int), explain(
        call("attention_score_count", 10, 2, 3),
        got,
        330,
        detail="2 layers x 3 heads x (10*11/2 = 55) scores, as a Python int",
    )


def test_attention_score_count_grows_with_the_square(context):
    small, large = (
        context.attention_score_count(1000, 1, 1),
        context.attention_score_count(2000, 1, 1),
    )
    assert large == 2001000 and small == 500500, (
        f"attention_score_count(1000, 1, 1) returned {small}, and for 2000 tokens {large}; "
        "expected 500500 and 2001000: twice the tokens, about four times the scores."
    )


# -- fit_context ----------------------------------------------------------------------------
def test_fit_context_keeps_the_most_recent_ids(context):
    got = context.fit_context([1, 2, 3, 4, 5], 3)
    hint = "keep the most recent ids, the end of the list." if got == [1, 2, 3] else ""
    assert got == [3, 4, 5], explain(call("fit_context", [1, 2, 3, 4, 5], 3), got, [3, 4, 5], hint)


def test_fit_context_leaves_short_input_alone(context):
    # shorter than the window, and longer than half of it: a start index computed as
    # len(ids) - 4 would be negative, and would cut the list
    ids = [6, 7, 8]
    got = context.fit_context(ids, 4)
    assert got == [6, 7, 8] and isinstance(got, list), explain(
        call("fit_context", ids, 4), got, [6, 7, 8]
    )
    assert ids == [6, 7, 8], f"fit_context changed its input list to {ids}; return a new list."


def test_fit_context_trims_a_new_list_not_the_callers(context):
    # the window drops 1 and 2 from what fit_context returns, never from the list passed in
    # (generate's running sequence is such a list)
    got = expect_unchanged(context.fit_context, [1, 2, 3, 4, 5], 3)
    assert got == [3, 4, 5], explain(call("fit_context", [1, 2, 3, 4, 5], 3), got, [3, 4, 5])


def test_fit_context_rejects_a_window_below_one(context):
    raises(ValueError, context.fit_context, [1, 2, 3], 0)


# -- prefill and sequential_logits ------------------------------------------------------------
def test_prefill_gives_logits_for_every_position(context):
    case = CASES["prefill"]
    ids = np.array(case["ids"])
    got = context.prefill(P, ids, CFG)
    check(call("prefill", GPT, ids, CONFIG), got, case["want"])


def test_sequential_logits_equals_prefill(context):
    case = CASES["sequential"]
    ids, want = np.array(case["ids"]), case["want"]
    got = context.sequential_logits(P, ids, CFG)
    hint = ""
    if isinstance(got, np.ndarray) and got.shape == want.shape and np.allclose(got[0], want[-1]):
        hint = "row t must come from the prefix ids[:t+1], keeping only its last row."
    check(call("sequential_logits", GPT, ids, CONFIG), got, want, hint)


def test_earlier_logits_ignore_later_tokens(context):
    a = context.prefill(P, np.array([5, 6, 7, 8]), CFG)
    b = context.prefill(P, np.array([5, 6, 7, 0]), CFG)
    assert np.allclose(a[:3], b[:3], atol=1e-9), (
        "prefill(..., [5, 6, 7, 8]) and prefill(..., [5, 6, 7, 0]) differ in rows 0..2; "
        "changing the last token must change only the last row."
    )


# -- generate -------------------------------------------------------------------------------
def test_generate_greedy_returns_only_the_new_ids(context):
    case = CASES["generate_greedy"]
    prompt, us, want = case["prompt"], case["us"], case["want"]
    got = context.generate(P, prompt, 4, CFG, us)
    hint = "return only the new ids, without the prompt." if got == prompt + want else ""
    assert got == want, explain(call("generate", GPT, prompt, 4, CONFIG, us), got, want, hint)


def test_generate_samples_with_the_given_draws(context):
    case = CASES["generate_sampled"]
    prompt, us, want = case["prompt"], case["us"], case["want"]
    got = context.generate(P, prompt, 5, CFG, us, temperature=1.0)
    detail = first_difference(got, want) if isinstance(got, list) else ""
    hint = ""
    if got == case["same_draw"] and got != want:
        hint = "every step used the draw us[0]; step i uses us[i]."
    assert got == want, explain(
        call("generate", GPT, prompt, 5, CONFIG, us, temperature=1.0),
        got,
        want,
        hint,
        detail=detail,
    )


def test_generate_slides_past_the_context_length(context):
    case = CASES["generate_sliding"]  # 7 + 4 ids > context_length 8
    prompt, us, want = case["prompt"], case["us"], case["want"]
    got = context.generate(P, prompt, 4, CFG, us, temperature=0.8, top_k=3)
    assert got == want, explain(
        call("generate", GPT, prompt, 4, CONFIG, us, temperature=0.8, top_k=3),
        got,
        want,
        "run the model on fit_context(ids, context_length) at every step.",
    )


# -- the boundaries: the smallest valid inputs --------------------------------------------------
def test_attention_score_count_of_no_tokens_is_zero(context):
    # T = 0 is valid (no token, no score): only a negative size is an error
    got = context.attention_score_count(0, 12, 12)
    assert got == 0, explain(call("attention_score_count", 0, 12, 12), got, 0)


def test_fit_context_with_a_window_of_one_keeps_the_last_id(context):
    # 1 is the smallest window: only a window below one is an error
    got = context.fit_context([4, 8, 15], 1)
    assert got == [15], explain(call("fit_context", [4, 8, 15], 1), got, [15])


def test_generate_leaves_the_prompt_list_as_it_was(context):
    case = CASES["generate_greedy"]
    prompt, us = list(case["prompt"]), case["us"]
    expect_unchanged(
        context.generate, GPT, prompt, 4, CONFIG, us,
        hint="start from a copy of the prompt, list(ids), and append to that.",
    )  # fmt: skip
