"""Hidden tests for lesson 1.8, Position matters: random shapes and oracles written out here as
explicit loops and 2x2 rotation matrices, independent of the reference solution."""

import math

import numpy as np
import pytest

from grader.testing import call, close, explain, raises


def _loop_sinusoids(n, d):
    table = np.zeros((n, d))
    for p in range(n):
        for i in range(d // 2):
            angle = p / 10000 ** (2 * i / d)
            table[p, 2 * i] = math.sin(angle)
            table[p, 2 * i + 1] = math.cos(angle)
    return table


def _rotation(theta):
    return np.array([[math.cos(theta), -math.sin(theta)], [math.sin(theta), math.cos(theta)]])


def _loop_rope(x, positions, base):
    T, d = x.shape
    out = np.zeros_like(x, dtype=float)
    for t in range(T):
        for i in range(d // 2):
            theta = float(positions[t]) * base ** (-2 * i / d)
            out[t, 2 * i : 2 * i + 2] = _rotation(theta) @ x[t, 2 * i : 2 * i + 2]
    return out


# -- sinusoidal_positions ---------------------------------------------------------------------
@pytest.mark.parametrize("n, d", [(1, 2), (7, 6), (33, 10), (128, 64), (0, 4)])
def test_sinusoids_match_a_loop(positions, n, d):
    got = positions.sinusoidal_positions(n, d)
    want = _loop_sinusoids(n, d)
    problem = close(got, want, atol=1e-9)
    assert not problem, explain(
        call("sinusoidal_positions", n, d), got, expected_text=f"the interleaved table ({problem})"
    )


@pytest.mark.parametrize("d", [1, 3, 7, 511])
def test_sinusoids_reject_every_odd_d(positions, d):
    raises(ValueError, positions.sinusoidal_positions, 10, d)


def test_sinusoid_columns_slow_down_along_d(positions):
    # Pair i turns at 10000^(-2i/d) per position: the last pair of d = 8 at 10000^(-6/8).
    table = positions.sinusoidal_positions(2, 8)
    want = 10000 ** (-6 / 8)
    got = float(np.arctan2(table[1, 6], table[1, 7]))
    assert got == pytest.approx(want), explain(
        "the angle of pair 3 at position 1 of sinusoidal_positions(2, 8)",
        got,
        want,
        "the exponent is 2i/d with i the pair index.",
    )


# -- add_positions ----------------------------------------------------------------------------
@pytest.mark.parametrize("shape", [(5, 6), (1, 4), (3, 7, 6), (2, 1, 4)])
def test_add_positions_matches_a_loop(positions, shape):
    rng = np.random.default_rng(len(shape) * 10 + shape[-1])
    x = rng.normal(size=shape)
    table = rng.normal(size=(9, shape[-1]))
    got = positions.add_positions(x, table)
    want = np.array(x, copy=True)
    rows = want.reshape(-1, shape[-2], shape[-1])
    for b in range(rows.shape[0]):
        for t in range(shape[-2]):
            rows[b, t] += table[t]
    problem = close(got, want, atol=1e-12)
    assert not problem, explain(
        call("add_positions", f"<{shape} x>", "<9-row table>"),
        got,
        expected_text=f"x + table[:T] ({problem})",
    )


def test_add_positions_leaves_x_alone(positions):
    x = np.zeros((2, 3, 2))
    positions.add_positions(x, np.ones((3, 2)))
    assert np.array_equal(x, np.zeros((2, 3, 2))), "add_positions changed x in place."


def test_add_positions_accepts_a_table_of_exactly_t_rows(positions):
    table = np.arange(6.0).reshape(3, 2)
    got = positions.add_positions(np.zeros((3, 2)), table)
    problem = close(got, table)
    assert not problem, explain(call("add_positions", np.zeros((3, 2)), table), got, table, problem)


def test_add_positions_rejects_a_long_batch(positions):
    raises(ValueError, positions.add_positions, np.zeros((2, 6, 4)), np.zeros((5, 4)))


# -- rotate_pairs -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "T, d, base", [(1, 2, 10000.0), (6, 8, 10000.0), (11, 16, 500.0), (4, 32, 10000.0)]
)
def test_rotate_pairs_matches_rotation_matrices(positions, T, d, base):
    rng = np.random.default_rng(T * d)
    x = rng.normal(size=(T, d))
    pos = rng.integers(0, 2048, size=T)
    got = positions.rotate_pairs(x, pos, base=base)
    want = _loop_rope(x, pos, base)
    problem = close(got, want, atol=1e-9)
    assert not problem, explain(
        call("rotate_pairs", f"<{T}x{d} x>", pos, base=base),
        got,
        expected_text=f"each interleaved pair turned counter-clockwise ({problem})",
    )


def test_rotate_pairs_back_by_minus_the_position_undoes_it(positions):
    rng = np.random.default_rng(5)
    x, pos = rng.normal(size=(4, 6)), np.array([3, 17, 250, 9])
    there = positions.rotate_pairs(x, pos)
    back = positions.rotate_pairs(there, -pos)
    problem = close(back, x, atol=1e-9)
    assert not problem, explain(
        "rotate_pairs(rotate_pairs(x, p), -p)", back, expected_text=f"x again ({problem})"
    )


def test_rotate_pairs_compose_by_adding_positions(positions):
    rng = np.random.default_rng(8)
    x = rng.normal(size=(3, 4))
    p1, p2 = np.array([1, 5, 40]), np.array([2, 0, 7])
    twice = positions.rotate_pairs(positions.rotate_pairs(x, p1), p2)
    once = positions.rotate_pairs(x, p1 + p2)
    problem = close(twice, once, atol=1e-9)
    assert not problem, explain(
        "rotate_pairs(rotate_pairs(x, p1), p2)",
        twice,
        expected_text=f"rotate_pairs(x, p1 + p2) ({problem})",
    )


@pytest.mark.parametrize("seed", range(5))
def test_rotate_pairs_keeps_every_pair_length(positions, seed):
    rng = np.random.default_rng(100 + seed)
    T, half = int(rng.integers(1, 9)), int(rng.integers(1, 9))
    x = rng.normal(size=(T, 2 * half))
    got = positions.rotate_pairs(x, rng.integers(0, 4096, size=T))
    pair_len = lambda a: np.hypot(a[:, 0::2], a[:, 1::2])  # noqa: E731
    problem = close(pair_len(got), pair_len(x), atol=1e-9)
    assert not problem, explain(
        f"pair lengths of rotate_pairs(<{T}x{2 * half} x>, ...)",
        pair_len(got),
        expected_text=f"unchanged ({problem})",
        hint="each pair (x[2i], x[2i+1]) is rotated on its own.",
    )


def test_rotate_pairs_leaves_x_alone(positions):
    x = np.ones((2, 4))
    positions.rotate_pairs(x, np.array([1, 2]))
    assert np.array_equal(x, np.ones((2, 4))), "rotate_pairs changed x in place."


# -- relative_invariance ----------------------------------------------------------------------
@pytest.mark.parametrize("seed", range(6))
def test_relative_invariance_for_random_vectors(positions, seed):
    rng = np.random.default_rng(seed)
    d = 2 * int(rng.integers(1, 17))
    q, k = rng.normal(size=d), rng.normal(size=d)
    m, n, shift = (int(v) for v in rng.integers(0, 500, size=3))
    got = positions.relative_invariance(q, k, m, n, shift)
    # Oracle: R(m)^T R(n) = R(n - m) for every pair, so the score is q . rot(k, n - m).
    rel = _loop_rope(k[None, :], np.array([n - m]), 10000.0)[0]
    want = float(q @ rel)
    assert isinstance(got, tuple) and len(got) == 2, explain(
        call("relative_invariance", "<q>", "<k>", m, n, shift),
        got,
        expected_text="a tuple of two floats",
    )
    assert got[0] == pytest.approx(want, abs=1e-9) and got[1] == pytest.approx(want, abs=1e-9), (
        explain(
            call("relative_invariance", "<q>", "<k>", m, n, shift),
            got,
            (want, want),
            "both numbers equal q . rot(k, n - m): only the distance n - m matters.",
        )
    )


def test_relative_invariance_depends_on_the_distance(positions):
    q = k = np.array([1.0, 0.0, 1.0, 0.0])
    near = positions.relative_invariance(q, k, 3, 3, 0)[0]
    far = positions.relative_invariance(q, k, 3, 4, 0)[0]
    assert near == pytest.approx(2.0), explain(
        call("relative_invariance", q, k, 3, 3, 0), near, 2.0, "at distance 0 the score is q . k."
    )
    want = math.cos(1.0) + math.cos(0.01)
    assert far == pytest.approx(want), explain(
        call("relative_invariance", q, k, 3, 4, 0), far, want
    )
