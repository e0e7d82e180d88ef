"""Hidden tests for lesson 2.1: larger and random cases, with oracles written out here in plain
Python (math.exp, math.log), independent of the reference solution."""

import math

import numpy as np
import pytest

from grader.testing import call, close, explain, raises


def py_softmax(row):
    m = max(row)
    e = [math.exp(x - m) if x != -math.inf else 0.0 for x in row]
    s = sum(e)
    return [x / s for x in e]


def py_cross_entropy(logits, targets):
    total = 0.0
    for row, t in zip(logits, targets):
        m = max(row)
        lse = m + math.log(sum(math.exp(x - m) for x in row))
        total += lse - row[t]
    return total / len(targets)


def test_softmax_matches_a_plain_python_oracle_on_3d_input(next_token):
    x = np.random.default_rng(7).normal(0.0, 20.0, size=(2, 3, 5))
    want = np.array([[py_softmax(list(r)) for r in plane] for plane in x])
    got = next_token.softmax(x)
    problem = close(got, want, atol=1e-12)
    assert not problem, explain(call("softmax", "<2x3x5 logits>"), got, want, problem)


def test_softmax_along_a_middle_axis(next_token):
    x = np.random.default_rng(8).normal(size=(2, 4, 3))
    want = np.empty_like(x)
    for i in range(2):
        for k in range(3):
            want[i, :, k] = py_softmax(list(x[i, :, k]))
    got = next_token.softmax(x, axis=1)
    problem = close(got, want, atol=1e-12)
    assert not problem, explain(call("softmax", "<2x4x3 logits>", axis=1), got, want, problem)


def test_softmax_does_not_change_its_input(next_token):
    x = np.array([3.0, 1.0, -2.0])
    before = x.copy()
    next_token.softmax(x)
    assert np.array_equal(x, before), f"softmax changed its input to {x}; work on a copy."


def test_softmax_handles_huge_negative_and_positive_logits(next_token):
    x = np.array([-1e4, 1e4, 1e4 - 1.0, -np.inf])
    with np.errstate(all="ignore"):
        got = next_token.softmax(x)
    want = np.array(py_softmax(list(x)))
    problem = close(got, want, atol=1e-12)
    assert not problem, explain(
        call("softmax", x), got, want, "subtract the max before exp." if problem else ""
    )


def test_softmax_raises_for_one_masked_row_among_many(next_token):
    x = np.zeros((3, 4))
    x[:, 1] = -np.inf
    x[2, :] = -np.inf
    with np.errstate(all="ignore"):
        raises(ValueError, next_token.softmax, x)


def test_next_token_probs_on_a_vocabulary_of_1024(next_token):
    logits = np.random.default_rng(3).normal(0.0, 3.0, size=(9, 1024))  # (T, V)
    got = next_token.next_token_probs(logits)
    want = np.array(py_softmax(list(logits[-1])))
    problem = close(got, want, atol=1e-12)
    assert not problem, explain(call("next_token_probs", "<9x1024 logits>"), got, want, problem)


def test_next_token_probs_of_one_position(next_token):
    logits = np.array([[2.0, 2.0, 2.0, 2.0]])
    got = next_token.next_token_probs(logits)
    problem = close(got, np.full(4, 0.25))
    assert not problem, explain(call("next_token_probs", logits), got, np.full(4, 0.25), problem)


def test_top_predictions_against_sorted_pairs_with_many_ties(next_token):
    rng = np.random.default_rng(11)
    probs = rng.integers(1, 6, size=40).astype(float)
    probs /= probs.sum()
    want = sorted(range(40), key=lambda i: (-probs[i], i))[:12]
    got = next_token.top_predictions(probs, 12)
    ids = [i for i, _ in got]
    assert ids == want, explain(
        call("top_predictions", "<40 probs, many ties>", 12),
        ids,
        want,
        "best first, and equal probabilities in increasing id order.",
    )
    for i, p in got:
        assert p == pytest.approx(probs[i]), (
            f"top_predictions paired id {i} with {p}, not {probs[i]}"
        )


def test_top_predictions_k_equal_to_v_lists_everything(next_token):
    probs = np.array([0.2, 0.5, 0.3])
    got = next_token.top_predictions(probs, 3)
    ids = [i for i, _ in got]
    assert ids == [1, 2, 0], explain(call("top_predictions", probs, 3), ids, [1, 2, 0])


def test_cross_entropy_matches_a_plain_python_oracle(next_token):
    rng = np.random.default_rng(5)
    logits = rng.normal(0.0, 4.0, size=(17, 50))
    targets = rng.integers(0, 50, size=17)
    want = py_cross_entropy(logits.tolist(), targets.tolist())
    got = next_token.cross_entropy(logits, targets)
    hint = "that is the sum; divide by T." if got == pytest.approx(17 * want) else ""
    assert got == pytest.approx(want, rel=1e-9), explain(
        call("cross_entropy", "<17x50 logits>", "<17 targets>"), got, want, hint
    )


def test_cross_entropy_returns_a_python_float(next_token):
    got = next_token.cross_entropy(np.zeros((2, 3)), np.array([0, 1]))
    assert isinstance(got, float), f"cross_entropy returned a {type(got).__name__}; use float(...)."


def test_cross_entropy_ignores_masked_wrong_tokens(next_token):
    logits = np.array([[0.0, -np.inf, 0.0]])
    targets = np.array([2])
    with np.errstate(all="ignore"):
        got = next_token.cross_entropy(logits, targets)
    assert got == pytest.approx(math.log(2)), explain(
        call("cross_entropy", logits, targets), got, math.log(2)
    )


def test_perplexity_of_a_confident_correct_model_is_near_one(next_token):
    logits = np.full((4, 6), -30.0)
    targets = np.array([5, 0, 2, 2])
    logits[np.arange(4), targets] = 30.0
    got = next_token.perplexity(logits, targets)
    assert got == pytest.approx(1.0, abs=1e-9), explain(
        call("perplexity", "<confident logits>", targets), got, 1.0
    )
