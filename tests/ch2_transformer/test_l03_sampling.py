"""Visible tests for lesson 2.3, Sampling and decoding: tiny cases first, then every pinned
convention with a case worked out by hand, then properties. The `sampling` fixture is your
exercises/ch2_transformer/l03_sampling.py. Sampling is made deterministic by passing the uniform
draw u."""

import numpy as np
import pytest

from grader.testing import call, close, expect_unchanged, explain, raises

NEG = -np.inf


def logits_of(*probs):
    """Logits whose softmax is exactly these probabilities (up to rounding)."""
    return np.log(np.array(probs))


def kept(filtered):
    return [int(i) for i in np.flatnonzero(np.isfinite(filtered))]


# -- greedy -------------------------------------------------------------------------------------
def test_greedy_picks_the_largest_logit(sampling):
    x = np.array([1.0, 3.0, 2.0])
    got = sampling.greedy(x)
    assert got == 1, explain(call("greedy", x), got, 1)


def test_greedy_ties_go_to_the_lowest_id(sampling):
    x = np.array([1.0, 3.0, 3.0])
    got = sampling.greedy(x)
    hint = ""
    if got == 2:
        hint = "np.argmax returns the first maximum: the lowest id, not the highest."
    elif got == 1 and not isinstance(got, int):
        hint = "np.argmax returns a numpy integer; return int(np.argmax(logits)), a Python int."
    assert got == 1 and isinstance(got, int), explain(call("greedy", x), got, 1, hint)


# -- apply_temperature --------------------------------------------------------------------------
def test_apply_temperature_divides(sampling):
    x = np.array([2.0, 4.0])
    got = sampling.apply_temperature(x, 2.0)
    hint = ""
    if isinstance(got, np.ndarray) and np.allclose(got, [4.0, 8.0]):
        hint = "divide the logits by t; multiplying sharpens when it should flatten."
    problem = close(got, np.array([1.0, 2.0]))
    assert not problem, explain(
        call("apply_temperature", x, 2.0), got, np.array([1.0, 2.0]), hint, detail=problem
    )


@pytest.mark.parametrize("t", [0.0, -1.0])
def test_apply_temperature_rejects_t_not_positive(sampling, t):
    raises(ValueError, sampling.apply_temperature, np.array([1.0, 2.0]), t)


# -- top_k_filter -------------------------------------------------------------------------------
def test_top_k_keeps_the_k_largest(sampling):
    x = np.array([1.0, 3.0, 0.0, 2.0])
    got = sampling.top_k_filter(x, 2)
    want = np.array([NEG, 3.0, NEG, 2.0])
    assert isinstance(got, np.ndarray) and np.array_equal(got, want), explain(
        call("top_k_filter", x, 2), got, want
    )


def test_top_k_keeps_ties_at_the_boundary(sampling):
    # The 2nd largest value is 2.0, and two logits equal it: both are kept.
    x = np.array([1.0, 3.0, 2.0, 2.0])
    got = sampling.top_k_filter(x, 2)
    want = np.array([NEG, 3.0, 2.0, 2.0])
    hint = ""
    if isinstance(got, np.ndarray) and np.isfinite(got).sum() == 2:
        hint = "keep every logit >= the k-th largest value, so ties at the boundary stay."
    assert isinstance(got, np.ndarray) and np.array_equal(got, want), explain(
        call("top_k_filter", x, 2), got, want, hint
    )


def test_top_k_of_v_or_more_keeps_everything(sampling):
    x = np.array([1.0, 3.0, 2.0])
    for k in (3, 10):
        got = sampling.top_k_filter(x, k)
        assert isinstance(got, np.ndarray) and np.array_equal(got, x), explain(
            call("top_k_filter", x, k), got, x
        )


def test_top_k_leaves_its_input_unchanged(sampling):
    x = np.array([1.0, 3.0, 0.0, 2.0])
    expect_unchanged(sampling.top_k_filter, x, 2)


def test_top_k_rejects_k_below_one(sampling):
    raises(ValueError, sampling.top_k_filter, np.array([1.0, 2.0]), 0)


# -- top_p_filter -------------------------------------------------------------------------------
def test_top_p_keeps_the_token_that_crosses_p(sampling):
    # Sorted probabilities 0.5, 0.3, 0.2: cumulative 0.5, 0.8, 1.0. With p = 0.6 the sum first
    # reaches 0.6 at id 1 (0.8 >= 0.6), so ids 0 and 1 are kept.
    x = logits_of(0.5, 0.3, 0.2)
    got = sampling.top_p_filter(x, 0.6)
    hint = ""
    if kept(got) == [0]:
        hint = "the token that crosses p is part of the nucleus: keep the prefix up to and including it."
    assert kept(got) == [0, 1], explain(
        call("top_p_filter", "log([0.5, 0.3, 0.2])", 0.6) + " kept ids", kept(got), [0, 1], hint
    )


def test_top_p_keeps_the_original_logits(sampling):
    x = logits_of(0.5, 0.3, 0.2)
    got = sampling.top_p_filter(x, 0.6)
    want = np.array([x[0], x[1], NEG])
    hint = ""
    if kept(got) == [0, 1] and isinstance(got, np.ndarray) and not np.allclose(got[:2], x[:2]):
        probs = np.exp(x)  # the probabilities 0.5, 0.3, 0.2 themselves
        if np.allclose(got[:2], probs[:2]):
            hint = "those are the probabilities instead of the logits: return the logits, -inf for the rest."
        elif np.allclose(got[:2], probs[:2] / probs[:2].sum()) or np.allclose(
            got[:2], np.log(probs[:2] / probs[:2].sum())
        ):
            hint = "the kept entries are renormalised: keep their logits as they are."
        else:
            hint = "kept entries keep their logits (no renormalising); the rest become -inf."
    assert isinstance(got, np.ndarray) and np.allclose(got, want), explain(
        call("top_p_filter", x, 0.6), got, want, hint
    )


def test_top_p_with_p_below_the_top_probability_keeps_one(sampling):
    x = logits_of(0.2, 0.5, 0.3)
    got = sampling.top_p_filter(x, 0.4)
    assert kept(got) == [1], explain(
        call("top_p_filter", "log([0.2, 0.5, 0.3])", 0.4) + " kept ids", kept(got), [1]
    )


def test_top_p_ties_go_to_the_lower_id_first(sampling):
    # Ids 1 and 2 both have 0.4. Sorted with ties by lower id: 1, 2, 0. With p = 0.3 only id 1
    # is needed.
    x = logits_of(0.2, 0.4, 0.4)
    got = sampling.top_p_filter(x, 0.3)
    hint = ""
    if kept(got) == [2]:
        hint = "sort with ties going to the lower id first: np.argsort(-probs, kind='stable')."
    assert kept(got) == [1], explain(
        call("top_p_filter", "log([0.2, 0.4, 0.4])", 0.3) + " kept ids", kept(got), [1], hint
    )


def test_top_p_of_one_keeps_everything(sampling):
    x = logits_of(0.7, 0.2, 0.1)
    got = sampling.top_p_filter(x, 1.0)
    assert kept(got) == [0, 1, 2], explain(
        call("top_p_filter", x, 1.0) + " kept ids", kept(got), [0, 1, 2]
    )


def test_top_p_always_keeps_one_token(sampling):
    x = np.array([0.0, 0.0, 0.0, 0.0])
    got = sampling.top_p_filter(x, 1e-9)
    assert kept(got) == [0], explain(call("top_p_filter", x, 1e-9) + " kept ids", kept(got), [0])


def test_top_p_of_huge_logits(sampling):
    # softmax([1000, 999, 990]) = [0.731, 0.269, 0.00001]: p = 0.9 keeps ids 0 and 1
    x = np.array([1000.0, 999.0, 990.0])
    with np.errstate(all="ignore"):
        got = sampling.top_p_filter(x, 0.9)
    assert kept(got) == [0, 1], explain(
        call("top_p_filter", x, 0.9) + " kept ids", kept(got), [0, 1]
    )


@pytest.mark.parametrize("p", [0.0, -0.1, 1.5])
def test_top_p_rejects_p_outside_zero_one(sampling, p):
    raises(ValueError, sampling.top_p_filter, np.array([1.0, 2.0]), p)


# -- sample_from_probs --------------------------------------------------------------------------
@pytest.mark.parametrize("u, want", [(0.0, 0), (0.1, 0), (0.2, 1), (0.5, 1), (0.75, 2), (0.99, 2)])
def test_sample_from_probs_inverse_cdf(sampling, u, want):
    # cumsum([0.2, 0.5, 0.3]) = [0.2, 0.7, 1.0]; the answer is the first i with cumsum > u.
    probs = np.array([0.2, 0.5, 0.3])
    got = sampling.sample_from_probs(probs, u)
    hint = ""
    if u == 0.2 and got == 0:
        hint = "use a strict cumsum > u: at u = 0.2, id 0's interval [0, 0.2) is already past."
    assert got == want, explain(call("sample_from_probs", probs, u), got, want, hint)


def test_sample_from_probs_skips_zero_probability(sampling):
    probs = np.array([0.0, 0.5, 0.0, 0.5])
    got = sampling.sample_from_probs(probs, 0.0)
    assert got == 1, explain(
        call("sample_from_probs", probs, 0.0),
        got,
        1,
        "an id with probability 0 must never be drawn." if got in (0, 2) else "",
    )


def test_sample_from_probs_when_rounding_leaves_every_cumsum_at_or_below_u(sampling):
    # Ten probabilities of 0.1 add up to 0.9999999999999999 in floating point (np.cumsum adds
    # them in order, on every machine). For a u as large, no cumsum is > u: the draw is the
    # last id with a probability above 0, never an id past the end or one of probability 0.
    probs = np.array([0.1] * 10 + [0.0])
    u = float(np.cumsum(probs)[-1])
    assert u < 1.0
    got = sampling.sample_from_probs(probs, u)
    hint = ""
    if got == len(probs):
        hint = (
            "that id is past the end: when no cumsum is > u, fall back to the last id with p > 0."
        )
    elif got == len(probs) - 1:
        hint = "id 10 has probability 0: fall back to the last id with p > 0, not the last id."
    assert got == 9, explain(call("sample_from_probs", probs, u), got, 9, hint)


@pytest.mark.parametrize("u", [1.0, -0.01, 1.5])
def test_sample_from_probs_rejects_u_outside_zero_one(sampling, u):
    raises(ValueError, sampling.sample_from_probs, np.array([0.5, 0.5]), u)


# -- sample ---------------------------------------------------------------------------------------
def test_sample_plain(sampling):
    x = logits_of(0.2, 0.5, 0.3)
    got = sampling.sample(x, 0.65)
    assert got == 1, explain(call("sample", "log([0.2, 0.5, 0.3])", 0.65), got, 1)


def test_sample_with_top_k_renormalises_the_kept_tokens(sampling):
    # top_k = 2 keeps ids 1 and 2 with 0.5 / 0.8 = 0.625 and 0.375: cumsum [0, 0.625, 1.0].
    x = logits_of(0.2, 0.5, 0.3)
    got = sampling.sample(x, 0.68, top_k=2)
    assert got == 2, explain(call("sample", "log([0.2, 0.5, 0.3])", 0.68, top_k=2), got, 2)


def test_sample_with_top_p_draws_from_the_whole_nucleus(sampling):
    # top_p = 0.6 keeps ids 0 and 1 of [0.5, 0.3, 0.2] (id 1 crosses 0.6), renormalised to
    # [0.625, 0.375]: cumsum [0.625, 1.0], so u = 0.8 draws id 1, the token that crosses p.
    x = logits_of(0.5, 0.3, 0.2)
    got = sampling.sample(x, 0.8, top_p=0.6)
    hint = ""
    if got == 0:
        hint = (
            "id 0 alone is what a nucleus without the token that crosses p gives, or top-p "
            "applied a second time to what it kept; filter once, then sample from what is kept."
        )
    assert got == 1, explain(call("sample", "log([0.5, 0.3, 0.2])", 0.8, top_p=0.6), got, 1, hint)


def test_sample_applies_temperature_before_top_p(sampling):
    # log([0.6, 0.3, 0.1]) at temperature 0.5 gives [0.36, 0.09, 0.01] / 0.46 = [0.78, 0.20, 0.02].
    # top_p = 0.7 then keeps only id 0. (Top-p first would keep ids 0 and 1, and u = 0.9 -> 1.)
    x = logits_of(0.6, 0.3, 0.1)
    got = sampling.sample(x, 0.9, temperature=0.5, top_p=0.7)
    hint = ""
    if got == 1:
        hint = (
            "apply the temperature first, then the filters: the nucleus depends on the temperature."
        )
    assert got == 0, explain(
        call("sample", "log([0.6, 0.3, 0.1])", 0.9, temperature=0.5, top_p=0.7), got, 0, hint
    )


def test_sample_applies_top_k_before_top_p(sampling):
    # top_k = 2 keeps [0.4, 0.3] -> [0.571, 0.429]; top_p = 0.5 then keeps id 0 alone.
    # (Top-p first keeps ids 0 and 1 of [0.4, 0.3, 0.2, 0.1], and u = 0.8 -> 1.)
    x = logits_of(0.4, 0.3, 0.2, 0.1)
    got = sampling.sample(x, 0.8, top_k=2, top_p=0.5)
    hint = "top-k first, then top-p on what top-k kept." if got == 1 else ""
    assert got == 0, explain(
        call("sample", "log([0.4, 0.3, 0.2, 0.1])", 0.8, top_k=2, top_p=0.5), got, 0, hint
    )


def test_sample_divides_the_logits_by_the_temperature_once(sampling):
    # [2, 1, 0] / 2 = [1, 0.5, 0]: softmax [0.506, 0.307, 0.186], cumsum [0.506, 0.814, 1.0].
    # Without the temperature the cumsum is [0.665, 0.910, 1.0]; divided twice, [0.419, 0.746, 1.0].
    x = np.array([2.0, 1.0, 0.0])
    for u, want in [(0.3, 0), (0.6, 1), (0.78, 1), (0.86, 2)]:
        got = sampling.sample(x, u, temperature=2.0)
        assert got == want, explain(call("sample", x, u, temperature=2.0), got, want)


def test_sample_of_huge_logits(sampling):
    # softmax([1000, 1001]) = [0.269, 0.731]: cumsum [0.269, 1.0], so u = 0.5 draws id 1
    x = np.array([1000.0, 1001.0])
    with np.errstate(all="ignore"):
        got = sampling.sample(x, 0.5)
    assert got == 1, explain(call("sample", x, 0.5), got, 1)


def test_sample_at_temperature_zero_is_greedy(sampling):
    x = np.array([1.0, 3.0, 3.0, 0.0])
    try:
        got = sampling.sample(x, 0.99, temperature=0.0)
    except (ValueError, ZeroDivisionError, FloatingPointError) as exc:
        raise AssertionError(
            f"{call('sample', x, 0.99, temperature=0.0)} raised {type(exc).__name__}({exc}). "
            "Hint: temperature 0 means greedy (ties to the lowest id): return greedy(logits) "
            "before dividing by the temperature."
        ) from None
    assert got == 1, explain(
        call("sample", x, 0.99, temperature=0.0),
        got,
        1,
        "temperature 0 means greedy (ties to the lowest id), before any division.",
    )


@pytest.mark.parametrize("u", [1.0, -0.5])
def test_sample_rejects_u_outside_zero_one(sampling, u):
    raises(ValueError, sampling.sample, np.array([1.0, 2.0]), u)


def test_sample_draws_follow_the_distribution(sampling):
    x = logits_of(0.1, 0.6, 0.3)
    us = (np.arange(100) + 0.5) / 100  # an even grid of draws stands in for random numbers
    counts = np.bincount([sampling.sample(x, float(u)) for u in us], minlength=3)
    assert counts.tolist() == [10, 60, 30], (
        f"sample over 100 evenly spaced u gave counts {counts.tolist()}, expected [10, 60, 30]."
    )


def test_top_k_of_one_keeps_only_the_largest(sampling):
    # k = 1 is the smallest valid k: only k below one is an error
    x = np.array([1.0, 3.0, 2.0])
    got = sampling.top_k_filter(x, 1)
    want = np.array([NEG, 3.0, NEG])
    assert isinstance(got, np.ndarray) and np.array_equal(got, want), explain(
        call("top_k_filter", x, 1), got, want
    )
