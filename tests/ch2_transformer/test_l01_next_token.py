"""Visible tests for lesson 2.1, Inputs and outputs of a trained LLM: tiny cases first, then the
pinned conventions, then properties. The `next_token` fixture is your
exercises/ch2_transformer/l01_next_token.py."""

import math

import numpy as np
import pytest

from grader.testing import call, close, expect_unchanged, explain, raises, shown


# -- softmax ------------------------------------------------------------------------------------
def test_softmax_of_equal_logits_is_uniform(next_token):
    x = np.array([0.0, 0.0])
    got = next_token.softmax(x)
    problem = close(got, np.array([0.5, 0.5]))
    assert not problem, explain(call("softmax", x), got, np.array([0.5, 0.5]), detail=problem)


def test_softmax_by_hand(next_token):
    # exp(0) : exp(ln 3) = 1 : 3, so the probabilities are 1/4 and 3/4.
    x = np.array([0.0, math.log(3.0)])
    want = np.array([0.25, 0.75])
    got = next_token.softmax(x)
    problem = close(got, want)
    assert not problem, explain(call("softmax", x), got, want, detail=problem)


def test_softmax_is_stable_for_large_logits(next_token):
    x = np.array([1000.0, 1000.0, 999.0])
    e = math.exp(-1.0)
    want = np.array([1.0, 1.0, e]) / (2.0 + e)
    with np.errstate(all="ignore"):
        got = next_token.softmax(x)
    hint = ""
    if isinstance(got, np.ndarray) and not np.isfinite(got).all():
        hint = (
            "exp(1000) overflows to inf and inf/inf is nan; subtract the max logit first "
            "(softmax does not change when a constant is subtracted)."
        )
    problem = close(got, want)
    assert not problem, explain(call("softmax", x), got, want, hint, detail=problem)


def test_softmax_is_stable_for_rows_of_very_different_size(next_token):
    # each row is shifted by its own max: row 1's logits are 1000 below row 0's
    x = np.array([[1000.0, 999.0], [0.0, -1.0]])
    e = math.exp(-1.0)
    want = np.array([[1.0, e], [1.0, e]]) / (1.0 + e)
    with np.errstate(all="ignore"):
        got = next_token.softmax(x)
    problem = close(got, want)
    assert not problem, explain(call("softmax", x), got, want, detail=problem)


def test_softmax_gives_minus_inf_probability_zero(next_token):
    x = np.array([0.0, -np.inf, 0.0])
    got = next_token.softmax(x)
    want = np.array([0.5, 0.0, 0.5])
    problem = close(got, want)
    assert not problem, explain(call("softmax", x), got, want, detail=problem)


def test_softmax_of_an_all_minus_inf_row_raises(next_token):
    x = np.array([[0.0, 1.0], [-np.inf, -np.inf]])
    with np.errstate(all="ignore"):
        raises(ValueError, next_token.softmax, x)


def test_softmax_leaves_its_input_unchanged(next_token):
    x = np.array([[1.0, 2.0, 3.0], [0.0, -1.0, 5.0]])
    expect_unchanged(next_token.softmax, x)


def test_softmax_works_along_the_given_axis(next_token):
    x = np.array([[0.0, 0.0], [math.log(3.0), 0.0]])
    want = np.array([[0.25, 0.5], [0.75, 0.5]])
    got = next_token.softmax(x, axis=0)
    hint = ""
    if isinstance(got, np.ndarray) and np.allclose(got, [[0.5, 0.5], [0.75, 0.25]]):
        hint = "that normalised the rows; use the axis argument (with keepdims=True)."
    problem = close(got, want)
    assert not problem, explain(call("softmax", x, axis=0), got, want, hint, detail=problem)


def test_softmax_rows_sum_to_one(next_token):
    x = np.random.default_rng(0).normal(0.0, 5.0, size=(4, 7))  # (T, V)
    got = next_token.softmax(x)
    sums = got.sum(axis=-1) if isinstance(got, np.ndarray) else got
    problem = close(sums, np.ones(4))
    assert not problem, f"softmax(<4x7 logits>) rows sum to {sums}, expected all 1.0: {problem}"


# -- next_token_probs --------------------------------------------------------------------------
def test_next_token_probs_uses_the_last_position(next_token):
    logits = np.array(
        [
            [5.0, 0.0, 0.0],  # position 0 predicts token 1 of the text
            [0.0, 0.0, math.log(2.0)],
        ]
    )  # position 1 predicts the next token
    want = np.array([0.25, 0.25, 0.5])
    got = next_token.next_token_probs(logits)
    hint = ""
    if isinstance(got, np.ndarray) and got.shape == (3,) and got[0] > 0.9:
        hint = "that is the first position; the next token comes after the LAST position."
    elif isinstance(got, np.ndarray) and got.shape == (2, 3):
        hint = "return only the distribution after the last position, shape (V,)."
    problem = close(got, want)
    assert not problem, explain(call("next_token_probs", logits), got, want, hint, detail=problem)


# -- top_predictions ---------------------------------------------------------------------------
def test_top_predictions_best_first(next_token):
    probs = np.array([0.1, 0.6, 0.3])
    got = next_token.top_predictions(probs, 2)
    ids = [i for i, _ in got] if isinstance(got, list) else got
    assert ids == [1, 2], explain(call("top_predictions", probs, 2) + " ids", ids, [1, 2])
    assert all(isinstance(i, int) for i in ids), "ids should be Python ints (use int(i))."
    assert got[0][1] == pytest.approx(0.6) and got[1][1] == pytest.approx(0.3), explain(
        call("top_predictions", probs, 2), got, [(1, 0.6), (2, 0.3)]
    )


def test_top_predictions_ties_go_to_the_lower_id(next_token):
    probs = np.array([0.1, 0.3, 0.3, 0.3])
    got = next_token.top_predictions(probs, 2)
    ids = [i for i, _ in got]
    hint = ""
    if ids in ([3, 2], [2, 3], [3, 1]):
        hint = (
            "use a stable sort of -probs (np.argsort(-probs, kind='stable')), not argsort()[::-1]."
        )
    assert ids == [1, 2], explain(call("top_predictions", probs, 2) + " ids", ids, [1, 2], hint)


def test_top_predictions_of_one(next_token):
    probs = np.array([0.2, 0.5, 0.3])
    got = next_token.top_predictions(probs, 1)
    ids = [i for i, _ in got] if isinstance(got, list) else got
    assert ids == [1], explain(call("top_predictions", probs, 1) + " ids", ids, [1])


# -- cross_entropy and perplexity ---------------------------------------------------------------
def test_cross_entropy_by_hand(next_token):
    # Row 0 gives the target 3/4, row 1 gives it 1/2: the mean of -log is (ln 4/3 + ln 2) / 2.
    logits = np.array([[0.0, math.log(3.0)], [0.0, 0.0]])
    targets = np.array([1, 0])
    want = (math.log(4 / 3) + math.log(2)) / 2
    got = next_token.cross_entropy(logits, targets)
    hint = ""
    if got == pytest.approx(2 * want):
        hint = "that is the sum over positions; cross-entropy is the mean."
    elif got == pytest.approx(-want):
        hint = "the loss is the NEGATIVE log-likelihood, a positive number."
    assert got == pytest.approx(want), explain(
        call("cross_entropy", logits, targets), got, want, hint
    )


def test_cross_entropy_of_uniform_logits_is_log_v(next_token):
    logits = np.zeros((5, 8))  # (T, V)
    targets = np.array([0, 3, 7, 1, 1])
    got = next_token.cross_entropy(logits, targets)
    assert got == pytest.approx(math.log(8)), explain(
        call("cross_entropy", logits, targets),
        got,
        math.log(8),
        detail="uniform over V = 8 tokens gives -log(1/V) = log V at every position",
    )


def test_cross_entropy_is_stable_for_large_logits(next_token):
    logits = np.array([[1000.0, 0.0], [0.0, 1000.0]])
    targets = np.array([0, 1])
    with np.errstate(all="ignore"):
        got = next_token.cross_entropy(logits, targets)
    assert got == pytest.approx(0.0, abs=1e-9), explain(
        call("cross_entropy", logits, targets),
        got,
        0.0,
        "compute log-softmax as x - max - log(sum(exp(x - max))) so nothing overflows."
        if not np.isfinite(got)
        else "",
    )


def test_cross_entropy_is_stable_for_rows_of_very_different_size(next_token):
    # each row is shifted by its own max: row 1's logits are 1000 below row 0's, and both rows
    # give their target the same probability, 1 / (1 + e^-1)
    logits = np.array([[1000.0, 999.0], [0.0, -1.0]])
    targets = np.array([0, 0])
    want = math.log(1.0 + math.exp(-1.0))
    with np.errstate(all="ignore"):
        got = next_token.cross_entropy(logits, targets)
    hint = ""
    if not np.isfinite(got):
        hint = (
            "shift each row by its own max (axis=-1, keepdims=True) before exp: no row may "
            "reach exp(1000) = inf, nor have every entry at exp(-1000) = 0, whose log is -inf."
        )
    assert got == pytest.approx(want, rel=1e-9), explain(
        call("cross_entropy", logits, targets), got, want, hint
    )


def test_cross_entropy_of_a_very_unlikely_target_is_finite(next_token):
    # the target's probability, e^-1000, is 0 in floating point; its log is still -1000
    logits = np.array([[0.0, 1000.0]])
    targets = np.array([0])
    with np.errstate(all="ignore"):
        got = next_token.cross_entropy(logits, targets)
    assert got == pytest.approx(1000.0, rel=1e-9), explain(
        call("cross_entropy", logits, targets), got, 1000.0
    )


def test_perplexity_of_uniform_logits_is_v(next_token):
    logits = np.zeros((3, 10))
    targets = np.array([1, 2, 3])
    got = next_token.perplexity(logits, targets)
    hint = "perplexity is exp(cross_entropy)." if got == pytest.approx(math.log(10)) else ""
    assert got == pytest.approx(10.0), explain(call("perplexity", logits, targets), got, 10.0, hint)


def test_perplexity_is_exp_of_cross_entropy(next_token):
    rng = np.random.default_rng(1)
    logits = rng.normal(size=(6, 5))
    targets = rng.integers(0, 5, size=6)
    ce = next_token.cross_entropy(logits, targets)
    got = next_token.perplexity(logits, targets)
    assert got == pytest.approx(math.exp(ce)), explain(
        call("perplexity", shown(logits, "<6x5 logits>"), targets), got, math.exp(ce)
    )
