"""Hidden tests for lesson 2.3: random logits with many ties, checked against a plain-Python
decoder written out here (sorting (probability, id) pairs, walking the cumulative sum)."""

import math

import numpy as np

from grader.testing import call, explain, raises


def py_probs(logits):
    finite = [x for x in logits if x != -math.inf]
    m = max(finite)
    e = [math.exp(x - m) if x != -math.inf else 0.0 for x in logits]
    s = sum(e)
    return [x / s for x in e]


def py_top_k(logits, k):
    if k >= len(logits):
        return list(logits)
    threshold = sorted(logits, reverse=True)[k - 1]
    return [x if x >= threshold else -math.inf for x in logits]


def py_top_p(logits, p):
    probs = py_probs(logits)
    order = sorted(range(len(probs)), key=lambda i: (-probs[i], i))
    keep, total = set(), 0.0
    for i in order:
        keep.add(i)
        total += probs[i]
        if total >= p:
            break
    return [x if i in keep else -math.inf for i, x in enumerate(logits)]


def py_sample(logits, u, temperature=1.0, top_k=None, top_p=None):
    if temperature == 0:
        return max(range(len(logits)), key=lambda i: (logits[i], -i))
    x = [v / temperature for v in logits]
    if top_k is not None:
        x = py_top_k(x, top_k)
    if top_p is not None:
        x = py_top_p(x, top_p)
    total = 0.0
    probs = py_probs(x)
    for i, q in enumerate(probs):
        total += q
        if total > u:
            return i
    return max(i for i, q in enumerate(probs) if q > 0)


def tied_logits(rng, V):
    return rng.integers(-4, 5, size=V).astype(float) * 0.5  # few distinct values: many ties


def test_greedy_on_many_tied_vectors(sampling):
    rng = np.random.default_rng(31)
    for _ in range(20):
        x = tied_logits(rng, 12)
        want = min(i for i in range(12) if x[i] == x.max())
        got = sampling.greedy(x)
        assert got == want, explain(call("greedy", x), got, want, "ties go to the lowest id.")


def test_greedy_ignores_minus_inf(sampling):
    x = np.array([-np.inf, -5.0, -np.inf])
    got = sampling.greedy(x)
    assert got == 1, explain(call("greedy", x), got, 1)


def test_top_k_against_the_oracle(sampling):
    rng = np.random.default_rng(32)
    for k in (1, 2, 3, 5, 8):
        x = tied_logits(rng, 15)
        want = np.array(py_top_k(list(x), k))
        got = sampling.top_k_filter(x, k)
        assert isinstance(got, np.ndarray) and np.array_equal(got, want), explain(
            call("top_k_filter", x, k), got, want, "keep every logit >= the k-th largest."
        )


def test_top_k_does_not_change_its_input(sampling):
    x = np.array([3.0, 1.0, 2.0])
    sampling.top_k_filter(x, 1)
    assert np.array_equal(x, [3.0, 1.0, 2.0]), f"top_k_filter changed its input to {x}."


def test_top_p_against_the_oracle(sampling):
    rng = np.random.default_rng(33)
    for p in (0.05, 0.3, 0.5, 0.77, 0.9, 0.999):
        x = tied_logits(rng, 20)
        want = [i for i, v in enumerate(py_top_p(list(x), p)) if v != -math.inf]
        got = sampling.top_p_filter(x, p)
        ids = [int(i) for i in np.flatnonzero(np.isfinite(got))]
        assert ids == want, explain(call("top_p_filter", x, p) + " kept ids", ids, want)


def test_top_p_after_a_top_k_cut_keeps_masked_tokens_out(sampling):
    x = np.array([2.0, -np.inf, 1.0, -np.inf, 0.5])
    got = sampling.top_p_filter(x, 1.0)
    ids = [int(i) for i in np.flatnonzero(np.isfinite(got))]
    assert ids == [0, 2, 4], explain(
        call("top_p_filter", x, 1.0) + " kept ids",
        ids,
        [0, 2, 4],
        "tokens already at -inf have probability 0 and stay out.",
    )


def test_top_p_kept_set_is_the_smallest_reaching_p(sampling):
    x = np.random.default_rng(34).normal(0.0, 2.0, size=50)
    p = 0.8
    got = sampling.top_p_filter(x, p)
    probs = np.exp(x - x.max())
    probs /= probs.sum()
    kept = np.isfinite(got)
    mass = probs[kept].sum()
    smallest = probs[kept].min()
    assert mass >= p - 1e-12 and mass - smallest < p, (
        f"top_p_filter(<50 logits>, {p}) kept {int(kept.sum())} tokens with mass {mass:.4f}; "
        f"expected the smallest set with mass >= {p}."
    )


def test_sample_from_probs_against_the_oracle(sampling):
    rng = np.random.default_rng(35)
    probs = rng.random(9)
    probs[[2, 5]] = 0.0
    probs /= probs.sum()
    for u in rng.random(40):
        total, want = 0.0, None
        for i, q in enumerate(probs):
            total += q
            if total > u:
                want = i
                break
        got = sampling.sample_from_probs(probs, float(u))
        assert got == want, explain(call("sample_from_probs", probs, float(u)), got, want)


def test_sample_against_the_oracle_with_every_option(sampling):
    rng = np.random.default_rng(36)
    options = [
        dict(),
        dict(temperature=0.7),
        dict(temperature=1.8, top_k=4),
        dict(top_p=0.6),
        dict(temperature=0.5, top_k=6, top_p=0.5),
        dict(temperature=0.0, top_k=3),
    ]
    for opts in options:
        for _ in range(15):
            x = tied_logits(rng, 10) + rng.normal(0.0, 0.01, size=10) * (rng.random() < 0.5)
            u = float(rng.random())
            want = py_sample(list(x), u, **opts)
            got = sampling.sample(x, u, **opts)
            assert got == want, explain(call("sample", x, u, **opts), got, want)


def test_sample_top_k_comes_before_top_p(sampling):
    # top_k = 2 keeps ids 0 and 1 and renormalises to [0.5, 0.5]; top_p = 0.5 then keeps only id
    # 0. (top_p first, on [0.4, 0.4, 0.2], keeps ids 0 and 1, and u = 0.7 would give id 1.)
    x = np.log(np.array([0.4, 0.4, 0.2]))
    got = sampling.sample(x, 0.7, top_k=2, top_p=0.5)
    assert got == 0, explain(
        call("sample", "log([0.4, 0.4, 0.2])", 0.7, top_k=2, top_p=0.5),
        got,
        0,
        "the order is temperature, top-k, top-p, softmax, sample.",
    )


def test_sample_rejects_bad_u_even_when_greedy(sampling):
    raises(ValueError, sampling.sample, np.array([1.0, 2.0]), 1.0, temperature=1.0, top_k=1)
