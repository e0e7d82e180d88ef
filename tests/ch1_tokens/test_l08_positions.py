"""Visible tests for lesson 1.8, Position matters: tiny cases first, then the pinned
conventions, then properties. The `positions` fixture is your
exercises/ch1_tokens/l08_positions.py."""

import math

import numpy as np
import pytest

from grader.testing import call, close, expect_unchanged, explain, raises, shown

S1, C1 = math.sin(1.0), math.cos(1.0)


def _sinusoid_hint(got, n, d):
    """Name the mistake when `got` is the table built with a known wrong convention."""
    if not isinstance(got, np.ndarray) or got.shape != (n, d):
        return ""
    p = np.arange(n)[:, None]
    i = np.arange(d // 2)
    candidates = {
        "interleave: sin in column 2i, cos in column 2i+1, not all the sines then all the "
        "cosines.": lambda a: np.concatenate([np.sin(a), np.cos(a)], axis=1),
        "cos goes in the odd columns and sin in the even ones, not the other way round.": lambda a: (
            np.stack([np.cos(a), np.sin(a)], axis=-1).reshape(n, d)
        ),
    }
    for hint, build in candidates.items():
        if np.allclose(got, build(p / 10000 ** (2 * i / d))):
            return hint
    wrong_exponents = {
        "the exponent is 2i/d: use 0, 2, 4, ... (not 0, 1, 2, ...) over d.": i / d,
        "the exponent is 2i/d, divided by d, not d - 1.": 2 * i / max(d - 1, 1),
    }
    for hint, exponent in wrong_exponents.items():
        a = p / 10000**exponent
        if np.allclose(got, np.stack([np.sin(a), np.cos(a)], axis=-1).reshape(n, d)):
            return hint
    return ""


# -- sinusoidal_positions ---------------------------------------------------------------------
def test_sinusoids_tiny_table(positions):
    got = positions.sinusoidal_positions(2, 2)
    want = np.array([[0.0, 1.0], [S1, C1]])
    problem = close(got, want)
    assert not problem, explain(
        call("sinusoidal_positions", 2, 2), got, want, _sinusoid_hint(got, 2, 2), detail=problem
    )


def test_sinusoids_are_interleaved_with_exponent_2i_over_d(positions):
    # d = 4: pair 0 turns at speed 1, pair 1 at 10000^(-2/4) = 1/100.
    got = positions.sinusoidal_positions(3, 4)
    want = np.array(
        [[math.sin(p), math.cos(p), math.sin(p / 100), math.cos(p / 100)] for p in range(3)]
    )
    problem = close(got, want)
    assert not problem, explain(
        call("sinusoidal_positions", 3, 4), got, want, _sinusoid_hint(got, 3, 4), detail=problem
    )


def test_sinusoids_row_zero_is_sin0_cos0(positions):
    got = positions.sinusoidal_positions(1, 6)
    want = np.array([[0.0, 1.0, 0.0, 1.0, 0.0, 1.0]])
    problem = close(got, want)
    assert not problem, explain(
        call("sinusoidal_positions", 1, 6), got, want, _sinusoid_hint(got, 1, 6), detail=problem
    )


def test_sinusoids_at_long_positions(positions):
    # positions in the thousands, as in a long context: a table made once for a fixed number of
    # positions (512, 1024) and cut to n_positions falls short here
    got = positions.sinusoidal_positions(4096, 4)
    rows = [4000, 4095]
    want = np.array(
        [[math.sin(p), math.cos(p), math.sin(p / 100), math.cos(p / 100)] for p in rows]
    )
    part = got[rows] if isinstance(got, np.ndarray) and got.shape == (4096, 4) else got
    problem = close(part, want)
    assert not problem, explain(
        f"rows {rows} of " + call("sinusoidal_positions", 4096, 4), part, want, detail=problem
    )


def test_sinusoids_reject_an_odd_d_model(positions):
    raises(ValueError, positions.sinusoidal_positions, 4, 5)


def test_sinusoids_pairs_lie_on_the_unit_circle(positions):
    table = positions.sinusoidal_positions(50, 16)
    radius = table[:, 0::2] ** 2 + table[:, 1::2] ** 2
    problem = close(radius, np.ones((50, 8)))
    assert not problem, explain(
        "sin^2 + cos^2 of the pairs (columns 2i, 2i+1) of sinusoidal_positions(50, 16)",
        radius,
        expected_text=f"all 1.0 ({problem})",
        hint=_sinusoid_hint(table, 50, 16)
        or "column 2i+1 must be the cosine of the angle whose sine is in column 2i.",
    )


# -- add_positions ----------------------------------------------------------------------------
def test_add_positions_adds_the_first_rows(positions):
    table = np.arange(10.0).reshape(5, 2)
    x = np.zeros((2, 2))
    got = positions.add_positions(x, table)
    want = table[:2]
    hint = ""
    if isinstance(got, np.ndarray) and np.array_equal(got, table[-2:]):
        hint = "a sequence of T tokens uses the first T rows (positions 0..T-1), not the last T."
    problem = close(got, want)
    assert not problem, explain(call("add_positions", x, table), got, want, hint, detail=problem)


def test_add_positions_handles_a_batch(positions):
    table = np.arange(8.0).reshape(4, 2)
    x = np.stack([np.ones((3, 2)), -np.ones((3, 2))])  # (B=2, T=3, d=2)
    want = x + table[:3]
    got = positions.add_positions(x, table)
    hint = (
        ""
        if not isinstance(got, np.ndarray) or not np.array_equal(got, x + table[-3:])
        else ("use the first T rows, where T = x.shape[-2].")
    )
    problem = close(got, want)
    assert not problem, explain(
        call("add_positions", shown(x, "<(2, 3, 2) batch>"), table), got, want, hint, detail=problem
    )


def test_add_positions_leaves_x_unchanged(positions):
    x, table = np.ones((2, 2)), np.arange(10.0).reshape(5, 2)
    expect_unchanged(positions.add_positions, x, table)


def test_add_positions_rejects_a_sequence_longer_than_the_table(positions):
    raises(ValueError, positions.add_positions, np.zeros((6, 2)), np.zeros((5, 2)))


# -- rotate_pairs -----------------------------------------------------------------------------
def test_rotate_pairs_turns_counter_clockwise(positions):
    x, pos = np.array([[1.0, 0.0]]), np.array([1])
    got = positions.rotate_pairs(x, pos)
    want = np.array([[C1, S1]])
    hint = ""
    if isinstance(got, np.ndarray) and np.allclose(got, [[C1, -S1]]):
        hint = "that turned clockwise; (a, b) -> (a cos - b sin, a sin + b cos)."
    problem = close(got, want)
    assert not problem, explain(call("rotate_pairs", x, pos), got, want, hint, detail=problem)


def test_rotate_pairs_at_position_zero_changes_nothing(positions):
    x = np.array([[0.5, -1.0, 2.0, 3.0]])
    got = positions.rotate_pairs(x, np.array([0]))
    problem = close(got, x)
    assert not problem, explain(call("rotate_pairs", x, np.array([0])), got, x, detail=problem)


def test_rotate_pairs_uses_interleaved_pairs(positions):
    # d = 4 at position 1: the pair (x0, x1) turns by 1 rad, the pair (x2, x3) by 1/100 rad.
    x, pos = np.array([[1.0, 2.0, 3.0, 4.0]]), np.array([1])
    got = positions.rotate_pairs(x, pos)
    c2, s2 = math.cos(0.01), math.sin(0.01)
    want = np.array([[1 * C1 - 2 * S1, 1 * S1 + 2 * C1, 3 * c2 - 4 * s2, 3 * s2 + 4 * c2]])
    half_split = np.array([[1 * C1 - 3 * S1, 2 * c2 - 4 * s2, 1 * S1 + 3 * C1, 2 * s2 + 4 * c2]])
    hint = ""
    if isinstance(got, np.ndarray) and np.allclose(got, half_split):
        hint = (
            "those are half-split pairs (x[i], x[i + d/2]); here the pairs are interleaved, "
            "(x[2i], x[2i+1])."
        )
    problem = close(got, want)
    assert not problem, explain(call("rotate_pairs", x, pos), got, want, hint, detail=problem)


def test_rotate_pairs_uses_the_base(positions):
    # base 100, d = 4: the second pair turns at 100^(-2/4) = 1/10 rad per position.
    x, pos = np.array([[0.0, 0.0, 1.0, 0.0]]), np.array([3])
    got = positions.rotate_pairs(x, pos, base=100.0)
    want = np.array([[0.0, 0.0, math.cos(0.3), math.sin(0.3)]])
    problem = close(got, want)
    assert not problem, explain(call("rotate_pairs", x, pos, base=100.0), got, want, detail=problem)


def test_rotate_pairs_rows_follow_their_positions(positions):
    x, pos = np.array([[1.0, 0.0], [1.0, 0.0], [1.0, 0.0]]), np.array([0, 1, 2])
    got = positions.rotate_pairs(x, pos)
    want = np.array([[1.0, 0.0], [C1, S1], [math.cos(2), math.sin(2)]])
    problem = close(got, want)
    assert not problem, explain(call("rotate_pairs", x, pos), got, want, detail=problem)


def test_rotate_pairs_at_long_and_unordered_positions(positions):
    # the positions argument, not the row number, sets each row's angle (a KV cache passes
    # positions that start later), and long positions keep their precision
    x, pos = np.array([[1.0, 0.0], [1.0, 0.0]]), np.array([4000, 10])
    got = positions.rotate_pairs(x, pos)
    want = np.array([[math.cos(4000), math.sin(4000)], [math.cos(10), math.sin(10)]])
    problem = close(got, want)
    assert not problem, explain(call("rotate_pairs", x, pos), got, want, detail=problem)


def test_rotate_pairs_rejects_an_odd_d(positions):
    raises(ValueError, positions.rotate_pairs, np.ones((2, 3)), np.array([0, 1]))


def test_rotate_pairs_keeps_lengths(positions):
    rng = np.random.default_rng(0)
    x, pos = rng.normal(size=(5, 8)), np.arange(5)
    got = positions.rotate_pairs(x, pos)
    lengths = np.linalg.norm(got, axis=-1)
    problem = close(lengths, np.linalg.norm(x, axis=-1))
    assert not problem, explain(
        "the row lengths of " + call("rotate_pairs", shown(x, "<5x8 x>"), pos),
        lengths,
        expected_text=f"the lengths of x, as a rotation keeps lengths ({problem})",
    )


# -- relative_invariance ----------------------------------------------------------------------
def test_relative_invariance_by_hand(positions):
    # rot(q, 0) = (1, 0) and rot(k, 1) = (-sin 1, cos 1): the score is -sin 1 = sin(0 - 1).
    q, k = np.array([1.0, 0.0]), np.array([0.0, 1.0])
    got = positions.relative_invariance(q, k, 0, 1, 5)
    assert isinstance(got, tuple) and len(got) == 2, explain(
        call("relative_invariance", q, k, 0, 1, 5), got, expected_text="a tuple of two floats"
    )
    assert got == pytest.approx((-S1, -S1)), explain(
        call("relative_invariance", q, k, 0, 1, 5),
        got,
        (-S1, -S1),
        detail="score = rotate_pairs(q at m) . rotate_pairs(k at n), before and after adding the "
        "shift to both m and n",
    )
    assert all(type(v) is float for v in got), explain(
        call("relative_invariance", q, k, 0, 1, 5) + " types",
        [type(v).__name__ for v in got],
        ["float", "float"],
        "convert with float(...).",
    )


def test_add_positions_takes_a_sequence_as_long_as_the_table(positions):
    # T equal to the table's length is valid (the last position is T - 1): only a longer
    # sequence is an error
    table = np.arange(6.0).reshape(3, 2)
    x = np.zeros((3, 2))
    got = positions.add_positions(x, table)
    problem = close(got, table)
    assert not problem, explain(call("add_positions", x, table), got, table, detail=problem)


def test_sinusoidal_positions_of_no_positions_is_an_empty_table(positions):
    # 0 positions is valid (an empty sequence): only a negative count is an error
    got = positions.sinusoidal_positions(0, 4)
    shape = getattr(got, "shape", None)
    assert shape == (0, 4), explain(
        call("sinusoidal_positions", 0, 4), got, expected_text="an array of shape (0, 4)"
    )
