"""Detectors for numbers and numeric arrays: how a wrong answer differs from the expected value,
read off the two alone, and a cause only when the numbers confirm it. Each detector returns a
`Finding` (`how`, and `why` or ''), or `NOTHING` when the answer does not have that shape.

    describe(np.array([[1, 4], [2, 5]]), np.array([[1, 2], [4, 5]]))
    -> Finding("that is the expected result transposed (rows and columns swapped)",
               "check which axis is which (a .T too many or too few)")

Lists and tuples of numbers are read as arrays. Every test here is exact up to floating-point
rounding, so a detector fires only when the answer really is the expected value transformed.

The evidence rule (see the package docstring): an observation is given whenever it is exactly
true; a cause only when the relation holds on at least two independent values (`_confirmed`,
`_positions`), never for a single number, and only when no other detector's cause fits the
answer equally well (`describe`). With `ids=True` (token ids, indices, class labels) the
arithmetic detectors (`ARITHMETIC`: ratios, offsets, one more or less, signs, sums, whole
numbers, simple functions) are not run at all: an id is a name, not a quantity.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

from . import causes
from .finding import NOTHING, Finding, found

RTOL = 1e-6
ATOL = 0.0  # both are widened only by `tolerance`, for values recorded to fewer digits


def as_array(x: Any) -> np.ndarray | None:
    """A float array for numbers, numeric arrays and (nested) lists of numbers; else None."""
    if isinstance(x, (bool, np.bool_)) or isinstance(x, (str, bytes, dict)) or x is None:
        return None
    if isinstance(x, np.ndarray):
        if x.dtype.kind not in "biuf":
            return None
        return x.astype(float)
    if isinstance(x, (int, float, np.integer, np.floating)):
        return np.array(float(x))
    if isinstance(x, (list, tuple)) and x:
        try:
            arr = np.array(x)
        except (ValueError, TypeError):
            return None
        if arr.dtype.kind in "biuf":
            return arr.astype(float)
    return None


@contextmanager
def tolerance(atol: float, rtol: float) -> Iterator[None]:
    """The detectors read relations to within `atol` + `rtol` * |value| (at least their own
    tolerance) while this is open: for a reference recorded to fewer digits than it computes
    (a check's stated tolerance), so that a factor is still read as one."""
    global ATOL, RTOL
    saved = ATOL, RTOL
    ATOL, RTOL = max(ATOL, atol), max(RTOL, rtol)
    try:
        yield
    finally:
        ATOL, RTOL = saved


def _close_mask(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Elementwise: a equals b up to rounding (the tolerance of `close`)."""
    finite = np.isfinite(b)
    scale = float(np.abs(b[finite]).max()) if finite.any() else 0.0
    with np.errstate(all="ignore"):
        bound = ATOL + 1e-9 * max(1.0, scale) + RTOL * np.abs(b)
        ok = (a == b) | (finite & (np.abs(a - b) <= bound))
    return np.asarray(ok | (np.isnan(a) & np.isnan(b)))


def close(a: np.ndarray, b: np.ndarray) -> bool:
    """a equals b up to rounding (nan equals nan, inf equals inf of the same sign)."""
    if a.shape != b.shape:
        return False
    return bool(_close_mask(a, b).all())


def _confirmed(a: np.ndarray, b: np.ndarray, rows: bool = True) -> bool:
    """A relation between a and b that holds everywhere is evidence of a cause only when it is
    seen on at least two independent values: two elements or more that differ, whose expected
    values are non-zero and not all equal. When the array has rows (examples: a token's vector,
    a position's logits), those elements must also lie in two rows or more: the values of one
    row come out of one computation, so they are one piece of evidence, not several."""
    if a.shape != b.shape or b.size < 2:
        return False
    diff = ~_close_mask(a, b) & (np.abs(b) > 1e-12)
    if int(diff.sum()) < 2:
        return False
    values = b[diff]
    if close(values, np.full_like(values, values[0])):
        return False
    if rows and b.ndim >= 2:
        return len(set(np.argwhere(diff)[:, 0].tolist())) >= 2
    return True


def _nonconstant(b: np.ndarray, axis: int) -> bool:
    lo, hi = np.take(b, range(1, b.shape[axis]), axis), np.take(b, range(b.shape[axis] - 1), axis)
    return not close(lo, hi)


def _positions(b: np.ndarray, axis: int) -> int:
    """How many neighbouring positions along `axis` hold different values: a shift by one is
    seen only where a position and the next one differ."""
    n = b.shape[axis]
    lo, hi = np.take(b, range(1, n), axis), np.take(b, range(n - 1), axis)
    differ = ~_close_mask(lo, hi)
    other = tuple(i for i in range(b.ndim) if i != axis)
    return int(differ.any(axis=other).sum()) if other else int(differ.sum())


def _where(axis: int, ndim: int) -> str:
    return "" if ndim == 1 else f" along axis {axis}"


# -- the detectors, most specific first ------------------------------------------------------
def not_finite(a: np.ndarray, b: np.ndarray) -> Finding:
    if not np.isfinite(b).all():
        return NOTHING
    if np.isnan(a).any():
        n = int(np.isnan(a).sum())
        return Finding(f"nan appears where finite values are expected ({n} of {a.size} values)")
    if np.isinf(a).any():
        n = int(np.isinf(a).sum())
        return Finding(f"inf appears where finite values are expected ({n} of {a.size} values)")
    return NOTHING


def all_zeros(a: np.ndarray, b: np.ndarray) -> Finding:
    if a.shape == b.shape and a.size > 1 and not a.any() and b.any():
        return found(
            "all zeros",
            "nothing was written into the result (an array never filled, or a loop that never ran)",
            int(np.count_nonzero(b)) >= 2,
        )
    return NOTHING


def transposed(a: np.ndarray, b: np.ndarray) -> Finding:
    if b.ndim < 2:
        return NOTHING
    swapped = np.swapaxes(b, -1, -2)
    if close(b, swapped):
        return NOTHING
    if close(a, swapped):
        axes = "rows and columns swapped" if b.ndim == 2 else "its last two axes swapped"
        return found(
            f"that is the expected result transposed ({axes})",
            "check which axis is which (a .T too many or too few)",
            b.shape[-1] != b.shape[-2] or int((~_close_mask(b, swapped)).sum()) >= 2,
        )
    return NOTHING


def reshaped(a: np.ndarray, b: np.ndarray) -> Finding:
    if a.shape == b.shape or a.size != b.size or a.size == 0:
        return NOTHING
    if close(a.reshape(-1), b.reshape(-1)):
        if a.squeeze().shape == b.squeeze().shape:
            return Finding(
                f"the right values with shape {a.shape}, expected {b.shape}",
                "an extra or missing axis of length 1 (keepdims, [None] or a reshape)",
            )
        return found(
            f"the right values in the wrong shape: {a.shape}, expected {b.shape}",
            causes.SHAPE,
            False,
        )
    return NOTHING


def one_row(a: np.ndarray, b: np.ndarray) -> Finding:
    if b.ndim < 2 or a.shape != b.shape[1:]:
        return NOTHING
    rows = [i for i in range(b.shape[0]) if close(a, b[i])]
    if len(rows) == 1:
        if rows[0] in (0, b.shape[0] - 1):
            which = "the first" if rows[0] == 0 else "the last"
            return found(
                f"that is only {which} row of the expected result (shape {b.shape})",
                causes.ONE_ROW,
                a.size >= 2,
            )
        return found(
            f"that is only row {rows[0]} of the expected result (shape {b.shape})",
            causes.ONE_ROW,
            False,
        )
    return NOTHING


def reversed_(a: np.ndarray, b: np.ndarray) -> Finding:
    if a.shape != b.shape or b.ndim == 0:
        return NOTHING
    for axis in range(b.ndim):
        if b.shape[axis] < 2:
            continue
        flipped = np.flip(b, axis)
        if not close(b, flipped) and close(a, flipped):
            if b.shape[axis] == 2:  # one swap is one event: an observation only
                unit = "values" if b.ndim == 1 else ("rows" if axis == 0 else "columns")
                return found(
                    f"the two {unit} are swapped{_where(axis, b.ndim)}", causes.SWAPPED, False
                )
            what = "sequence" if b.ndim == 1 else "result"
            return found(
                f"that is the expected {what} in reverse order{_where(axis, b.ndim)}",
                "check the direction of the sort, the loop or the slice",
                _positions(b, axis) >= 2,
            )
    return NOTHING


def shifted(a: np.ndarray, b: np.ndarray) -> Finding:
    if a.shape != b.shape or b.ndim == 0:
        return NOTHING
    for axis in range(b.ndim):
        n = b.shape[axis]
        if n < (3 if b.ndim == 1 else 2) or not _nonconstant(b, axis):
            continue

        def head(x: np.ndarray, k: int, n: int = n, axis: int = axis) -> np.ndarray:
            return np.take(x, range(k, n), axis)

        def tail(x: np.ndarray, k: int, n: int = n, axis: int = axis) -> np.ndarray:
            return np.take(x, range(0, n - k), axis)

        unit = "element" if b.ndim == 1 else ("row" if axis == 0 else "slice")
        if b.ndim == 2 and axis == 1:
            unit = "column"
        if b.ndim == 3 and axis == 1:
            unit = "position"
        evidence = _positions(b, axis) >= 2
        why = "an index or a position that is off by one"
        if close(head(a, 1), tail(b, 1)):
            return found(
                f"the result is shifted by one{_where(axis, b.ndim)}: each {unit} holds what "
                f"the {unit} before it should",
                why,
                evidence,
            )
        if close(tail(a, 1), head(b, 1)):
            return found(
                f"the result is shifted by one{_where(axis, b.ndim)}: each {unit} holds what "
                f"the {unit} after it should",
                why,
                evidence,
            )
    return NOTHING


def _count(n: int, what: str) -> str:
    return f"{n} {what}" + ("" if n == 1 else "s")


def _zeros(a: np.ndarray, b: np.ndarray) -> Finding:
    """The nonzero values are right, but some that should be 0 are not, or the reverse."""
    if not (np.isfinite(a).all() and np.isfinite(b).all()):
        return NOTHING
    za, zb = np.abs(a) < 1e-12, np.abs(b) < 1e-12
    both = ~za & ~zb
    if np.array_equal(za, zb) or not both.any() or not close(a[both], b[both]):
        return NOTHING
    if b.ndim == 2 and b.shape[0] == b.shape[1] and b.shape[0] >= 2:
        diff = np.argwhere(za != zb)
        if len(diff) and (diff[:, 0] == diff[:, 1]).all() and len(diff) == b.shape[0]:
            return Finding(
                "only the diagonal differs from the expected result",
                "a comparison that should include i == j (<= versus <), or the other way round",
            )
    where = ", ".join(str(int(i)) for i in np.flatnonzero((za != zb).reshape(-1))[:4])
    if (za & ~zb).any() and not (zb & ~za).any():
        n = int((za & ~zb).sum())
        return Finding(
            f"the nonzero values are right, but {_count(n, 'value')} that should be nonzero "
            f"{'is' if n == 1 else 'are'} 0 (flat index {where})"
        )
    if (zb & ~za).any() and not (za & ~zb).any():
        n = int((zb & ~za).sum())
        return Finding(
            f"the values are right where they should be nonzero, but {_count(n, 'value')} that "
            f"should be 0 {'is' if n == 1 else 'are'} not (flat index {where})"
        )
    return NOTHING


def masked(a: np.ndarray, b: np.ndarray) -> Finding:
    """Filters and masks: the kept values are right, but the wrong ones are -inf (or 0)."""
    if a.shape != b.shape or b.ndim == 0:
        return NOTHING
    text = _minus_inf(a, b)
    return text or _zeros(a, b)


def _minus_inf(a: np.ndarray, b: np.ndarray) -> Finding:
    fill, word = -np.inf, "-inf"
    gone_b = b == fill
    gone_a = a == fill
    if not gone_b.any() and not gone_a.any():
        return NOTHING
    both = ~gone_a & ~gone_b
    if not close(a[both], b[both]) or np.array_equal(gone_a, gone_b):
        return NOTHING
    kept_a, kept_b = ~gone_a, ~gone_b
    if (kept_a & ~kept_b).any() and not (kept_b & ~kept_a).any():
        idx = [int(i) for i in np.flatnonzero((kept_a & ~kept_b).reshape(-1))][:4]
        n = int((kept_a & ~kept_b).sum())
        return found(
            f"the kept values are right, but {_count(n, 'value')} that should be {word} "
            f"{'was' if n == 1 else 'were'} kept (flat index {', '.join(map(str, idx))})",
            "the cut-off keeps too much (check the threshold: >= vs >, k vs k + 1)",
            n >= 2,
        )
    if (kept_b & ~kept_a).any() and not (kept_a & ~kept_b).any():
        idx = [int(i) for i in np.flatnonzero((kept_b & ~kept_a).reshape(-1))][:4]
        n = int((kept_b & ~kept_a).sum())
        return found(
            f"the kept values are right, but {_count(n, 'value')} that should be kept "
            f"{'is' if n == 1 else 'are'} {word} (flat index {', '.join(map(str, idx))})",
            "the cut-off is too strict (ties at the boundary, >= vs >, or the token that "
            "crosses the limit)",
            n >= 2,
        )
    return NOTHING


# How closely a fitted factor must equal a number a person writes (k, 1/k, sqrt(n), ln 2) to
# be called that number: a factor that a mistake puts there is that number to float32
# rounding (about 1e-7); with a looser bound, large ratios match some whole number or square
# root by chance (of random ratios between 25 and 35, 18% at 1e-4, 3% at 1e-5).
FACTOR_REL = 1e-5


def _nice_factor(c: float) -> tuple[str, str, bool]:
    """(how, why, is a square root) for a factor a person would write, else ('', '', False)."""
    if not np.isfinite(c) or c <= 0 or abs(c - 1) < 1e-4:
        return "", "", False
    for value, how, why in (
        (
            1 / math.log(2),
            "the expected value divided by ln 2 (1.443 times it)",
            "a log in base 2 where the natural log belongs",
        ),
        (
            math.log(2),
            "the expected value times ln 2",
            "the natural log where a log in base 2 belongs",
        ),
        (
            1 / math.log(10),
            "the expected value divided by ln 10",
            "a log in base 10 where the natural log belongs",
        ),
    ):
        if abs(c - value) < FACTOR_REL * value:
            return how, why, False
    for k in range(2, 1025):
        if abs(c - k) < FACTOR_REL * k:
            return (
                f"exactly {k} times the expected value",
                f"an extra factor of {k} (or a missing division by {k})",
                False,
            )
        if abs(1 / c - k) < FACTOR_REL * k:
            return (
                f"the expected value divided by {k}",
                f"a factor of {k} is missing (or an extra division by {k})",
                False,
            )
    for n in range(2, 4097):
        if math.isqrt(n) ** 2 == n:
            continue
        if abs(c * c - n) < 2 * FACTOR_REL * n:
            return (
                f"exactly √{n} ≈ {c:.4g} times the expected value",
                f"an extra factor of sqrt({n}), the kind of scale that sqrt(d) is",
                True,
            )
        if abs(1 / (c * c) - n) < 2 * FACTOR_REL * n:
            return (
                f"the expected value divided by √{n} ≈ {1 / c:.4g}",
                f"a division by sqrt({n}) too many (or a scale such as 1/sqrt(d) applied where "
                "it does not belong)",
                True,
            )
    return "", "", False


def factor(a: np.ndarray, b: np.ndarray) -> Finding:
    if a.shape != b.shape or not np.isfinite(a).all() or not np.isfinite(b).all() or not b.any():
        return NOTHING
    c = float((a * b).sum() / (b * b).sum())
    if not close(a, c * b) or abs(c - 1) < 1e-6:
        return NOTHING
    if abs(c + 1) < 1e-6:
        return found(
            "that is the expected result with the opposite sign",
            "a minus sign is missing or extra, or a difference is taken the wrong way round",
            _confirmed(a, b),
        )
    small_ints = a.size == 1 and np.equal(np.round(b), b).all() and abs(float(b.flat[0])) < 16
    if small_ints and (round(max(c, 1 / c)) != 2 or abs(float(b.flat[0])) < 2):
        return NOTHING  # 2 for 1, 3 for 9: small whole numbers are ratios by coincidence
    how, why, root = _nice_factor(c) if c > 0 else ("", "", False)
    if how:
        return found("that is " + how, why, _confirmed(a, b))
    if a.size >= 2 and c > 0 and np.count_nonzero(b) >= 3:
        return found(
            f"every value is the expected one times the same factor {c:.4g}",
            "one constant scale (a std, a temperature, a normalising total) is missing or wrong",
            _confirmed(a, b),
        )
    return NOTHING


def _props() -> list[tuple[str, Callable[[np.ndarray, int], bool]]]:
    def sums_to_one(x: np.ndarray, ax: int) -> bool:
        return bool((x >= -1e-12).all()) and close(x.sum(axis=ax), np.ones_like(x.sum(axis=ax)))

    def unit_length(x: np.ndarray, ax: int) -> bool:
        n = np.linalg.norm(x, axis=ax)
        return close(n, np.ones_like(n))

    def standardised(x: np.ndarray, ax: int) -> bool:
        m, s = x.mean(axis=ax), x.std(axis=ax)
        return bool(np.allclose(m, 0, atol=1e-6) and np.allclose(s, 1, atol=1e-2))

    return [
        ("sum to 1", sums_to_one),
        ("have length 1", unit_length),
        ("have mean 0 and variance 1", standardised),
    ]


def wrong_axis(a: np.ndarray, b: np.ndarray) -> Finding:
    if a.shape != b.shape or b.ndim < 2 or not np.isfinite(a).all() or not np.isfinite(b).all():
        return NOTHING
    for what, prop in _props():
        for ax in range(b.ndim):
            if b.shape[ax] < 2 or not prop(b, ax) or prop(a, ax):
                continue
            for other in range(b.ndim):
                if other != ax and a.shape[other] >= 2 and prop(a, other):
                    return Finding(
                        f"those values {what} along axis {other} instead of axis {ax}"
                        f"{' (the last axis)' if ax == b.ndim - 1 else ''}",
                        "normalise over the right axis (axis=..., keepdims=True)",
                    )
    return NOTHING


def per_row_factor(a: np.ndarray, b: np.ndarray) -> Finding:
    if a.shape != b.shape or b.ndim < 2 or not np.isfinite(a).all() or not np.isfinite(b).all():
        return NOTHING
    for ax, unit in ((b.ndim - 1, "row"), (0, "column")):
        if b.shape[ax] < 2 or b.size // b.shape[ax] < 2:
            continue
        bb = (b * b).sum(axis=ax, keepdims=True)
        if (bb == 0).any():
            continue
        c = (a * b).sum(axis=ax, keepdims=True) / bb
        if close(a, c * b) and not np.allclose(c, c.flat[0], rtol=max(1e-6, 10 * RTOL)):
            return Finding(
                f"each {unit} is the expected {unit} times its own factor",
                f"a normalisation of each {unit} (dividing by its sum or its length) is missing "
                "or uses the wrong total",
            )
    if b.ndim == 2 and min(b.shape) >= 2 and b.size <= 400 and _rank_one_ratio(a, b):
        return Finding(
            "each value is off by a factor that depends only on its row and its column",
            "a normalisation by rows and columns (such as dividing by the lengths of both "
            "vectors) is missing or wrong",
        )
    return NOTHING


def _rank_one_ratio(a: np.ndarray, b: np.ndarray) -> bool:
    """a[i, j] = u[i] * v[j] * b[i, j] for some non-constant u, v (zeros where b is zero)."""
    nz = np.abs(b) > 1e-12
    if not np.array_equal(np.abs(a) > 1e-12, nz) or nz.sum() < 4:
        return False
    r = np.where(nz, a / np.where(nz, b, 1.0), np.nan)
    if not (np.nan_to_num(r, nan=1.0) > 0).all():
        return False
    if np.allclose(r[nz], r[nz][0], rtol=1e-6):
        return False
    lr = np.log(r)  # rank one in r is additive in log r: lr[i, j] = x[i] + y[j]
    n, m = lr.shape
    checked = 0
    for i in range(n):
        for k in range(i + 1, n):
            for j in range(m):
                for q in range(j + 1, m):
                    quad = lr[i, j] + lr[k, q] - lr[i, q] - lr[k, j]
                    if np.isnan(quad):
                        continue
                    checked += 1
                    if abs(quad) > 1e-6:
                        return False
    return checked > 0


def offset(a: np.ndarray, b: np.ndarray) -> Finding:
    if a.shape != b.shape or a.size < 2 or not np.isfinite(a).all() or not np.isfinite(b).all():
        return NOTHING
    d = a - b
    if close(d, np.full_like(d, d.flat[0])) and abs(d.flat[0]) > 1e-9:
        k = float(d.flat[0])
        if k.is_integer() and abs(k) == 1:
            return NOTHING  # one more or one less: integer_shift says it
        return found(
            f"every value is off by the same constant ({k:+.4g})",
            "an additive term (a bias, a shift, a max or mean subtraction) is missing or extra, "
            "or a range starts in the wrong place",
            not close(b, np.full_like(b, b.flat[0])),
        )
    if b.ndim >= 2:
        row = d.mean(axis=-1, keepdims=True)
        if close(d, np.broadcast_to(row, d.shape)) and np.ptp(row) > 1e-9:
            return found(
                "each row is off by its own constant",
                "a per-row term (subtracting the row's mean, max or log-sum-exp) is missing or "
                "extra",
                b.shape[-1] >= 2 and _normalised_rows(b),
            )
    return NOTHING


def _normalised_rows(b: np.ndarray) -> bool:
    """Whether the expected rows are what a per-row subtraction makes: centred (mean 0), or
    log-probabilities (each row's log-sum-exp 0). Only then does a per-row constant point to
    that subtraction; elsewhere it is an observation without a cause."""
    centred = np.abs(b.mean(axis=-1)).max() < 1e-6 * max(1.0, float(np.abs(b).max()))
    top = b.max(axis=-1, keepdims=True)
    lse = top[..., 0] + np.log(np.exp(b - top).sum(axis=-1))
    return bool(centred or np.abs(lse).max() < 1e-6)


def signs(a: np.ndarray, b: np.ndarray) -> Finding:
    if a.shape != b.shape or a.size < 2 or close(a, b) or not np.isfinite(b).all():
        return NOTHING
    if close(a, -b):
        return NOTHING  # every sign: `factor` says it (the opposite sign)
    if close(np.abs(a), np.abs(b)):
        wrong = int(np.sum(np.sign(a) != np.sign(b)))
        return found(
            f"the magnitudes are right but {wrong} of {a.size} values have the wrong sign",
            "check the signs in the formula (a + where a - belongs, or a rotation the wrong way)",
            wrong >= 2,
        )
    return NOTHING


def integer_shift(a: np.ndarray, b: np.ndarray) -> Finding:
    if a.shape != b.shape or not np.isfinite(a).all() or not np.isfinite(b).all():
        return NOTHING
    if not (np.equal(np.round(a), a).all() and np.equal(np.round(b), b).all()):
        return NOTHING
    d = a - b
    moved = d[d != 0]
    if moved.size == 0 or not (np.all(moved == 1) or np.all(moved == -1)):
        return NOTHING
    more = "one too large" if moved[0] > 0 else "one too small"
    if a.size == 1 and abs(float(b.flat[0])) < 2:
        return NOTHING
    if a.size == 1:  # one number: an observation, never a cause
        return found(
            f"that is {'one more' if moved[0] > 0 else 'one less'} than expected",
            causes.OFF_BY_ONE,
            False,
        )
    count = "every value is" if moved.size == d.size else f"{moved.size} of {d.size} values are"
    return found(
        f"{count} {more}",
        causes.OFF_BY_ONE,
        moved.size >= 2 and len(set(b[d != 0].tolist())) >= 2,
    )


def truncated(a: np.ndarray, b: np.ndarray) -> Finding:
    if a.shape != b.shape or not np.isfinite(b).all() or np.equal(np.round(b), b).all():
        return NOTHING
    diff = int((~_close_mask(a, b)).sum())
    for f in (np.floor, np.trunc):
        if close(a, f(b)):
            return found(
                "the values are cut to whole numbers",
                "integer division (//), int() or an integer dtype where a float is expected",
                a.size >= 2 and diff >= 2,
            )
    if close(a, np.round(b)):
        return Finding("the values are rounded to whole numbers")
    return NOTHING


def related(a: np.ndarray, b: np.ndarray) -> Finding:
    """a is a simple function of b: 1 - b, 1 / b, b squared, sqrt(b), exp(b), log(b)."""
    if a.shape != b.shape or not np.isfinite(b).all() or not np.isfinite(a).all():
        return NOTHING
    if a.size == 1 and np.equal(np.round(a), a).all() and np.equal(np.round(b), b).all():
        return NOTHING  # two whole numbers: 3 is sqrt(9), 2 is 1 - (-1)... a coincidence
    with np.errstate(all="ignore"):
        candidates = [
            (1 - b, "that is 1 minus the expected value", "the complement (the opposite case)"),
            (1 / b, "that is 1 / the expected value", "a ratio turned upside down"),
            (b * b, "that is the square of the expected value", "a square root is missing"),
            (np.sqrt(b), "that is the square root of the expected value", "a square root too many"),
            (
                np.exp(b),
                "that is exp() of the expected value",
                "an exp too many (perplexity where the log-loss is asked?)",
            ),
            (
                np.log(b),
                "that is the natural log of the expected value",
                "a log too many, or an exp missing",
            ),
        ]
    for value, how, why in candidates:
        if np.isfinite(value).all() and not close(value, b) and close(a, value):
            return found(how, why, _confirmed(a, b))
    return NOTHING


def _rows(x: np.ndarray) -> list[bytes]:
    return sorted(np.round(r, 9).tobytes() for r in x.reshape(x.shape[0], -1))


def reordered(a: np.ndarray, b: np.ndarray) -> Finding:
    """The right values in another order: an observation (many orders have many causes)."""
    if a.shape != b.shape or b.ndim == 0 or b.shape[0] < 2 or close(a, b):
        return NOTHING
    if b.ndim == 1:
        if close(np.sort(a), np.sort(b)):
            diff = np.flatnonzero(~_close_mask(a, b))
            if diff.size == 2:
                i, j = (int(k) for k in diff)
                how = f"the right values, but those at positions {i} and {j} are swapped"
                return found(how, causes.SWAPPED, False)
            return found("the right values in the wrong order", causes.REORDERED, False)
        return NOTHING
    if _rows(a) == _rows(b):
        return found("the right rows in the wrong order", causes.REORDERED, False)
    at, bt = np.moveaxis(a, -1, 0), np.moveaxis(b, -1, 0)
    if _rows(at) == _rows(bt):
        return found("the right columns in the wrong order", causes.REORDERED, False)
    return NOTHING


def missing_or_extra(a: np.ndarray, b: np.ndarray) -> Finding:
    if b.ndim == 0 or a.ndim != b.ndim or a.shape[1:] != b.shape[1:]:
        return NOTHING
    n, m = a.shape[0], b.shape[0]
    unit = "element" if b.ndim == 1 else "row"
    if n == m - 1:
        for i in range(m):
            if close(a, np.delete(b, i, axis=0)):
                where = {0: f"the first {unit}", m - 1: f"the last {unit}"}.get(
                    i, f"the {unit} at index {i}"
                )
                how = f"one {unit} is missing: {where} of the expected result"
                return found(how, causes.MISSING[causes.edge(i, m)], False)
    if n == m + 1:
        for i in range(n):
            if close(np.delete(a, i, axis=0), b):
                where = {0: "at the start", n - 1: "at the end"}.get(i, f"at index {i}")
                return found(
                    f"one {unit} too many, {where}", causes.EXTRA[causes.edge(i, n)], False
                )
    if 0 < n < m:
        if close(a, b[:n]):
            return found(
                f"only the first {n} of the {m} expected {unit}s",
                "something stops too early",
                n >= 2,
            )
        if close(a, b[m - n :]):
            return found(f"only the last {n} of the {m} expected {unit}s", causes.ONLY_LAST, False)
    if n > m > 0:
        if close(a[:m], b):
            return found(
                f"the {m} expected {unit}s followed by {n - m} more",
                "a stopping rule or a limit is missing",
                m >= 2,
            )
        if close(a[n - m :], b):
            return found(
                f"the {m} expected {unit}s preceded by {n - m} more", causes.PRECEDED, False
            )
    return NOTHING


Detector = Callable[[np.ndarray, np.ndarray], Finding]

DETECTORS: tuple[Detector, ...] = (
    masked,
    not_finite,
    all_zeros,
    transposed,
    reshaped,
    one_row,
    reversed_,
    integer_shift,
    factor,  # before `shifted`: a factor explains every value, a shift all but one row
    shifted,
    wrong_axis,
    per_row_factor,
    offset,
    signs,
    truncated,
    related,
    reordered,
    missing_or_extra,
)

# Detectors that treat the values as quantities: never run on ids, indices or class labels.
ARITHMETIC: frozenset[Detector] = frozenset(
    {integer_shift, factor, wrong_axis, per_row_factor, offset, signs, truncated, related}
)

_PERMUTATIONS = (transposed, reversed_, reordered)


def _first(findings: list[tuple[Detector, Finding]]) -> Finding:
    """The first finding, with its cause only when no other detector's cause fits as well."""
    if not findings:
        return NOTHING
    detector, first = findings[0]
    if first.why and any(f.why and d is not detector for d, f in findings[1:]):
        return first.observed()  # two explanations fit: name neither
    return first


def _run(detectors: tuple[Detector, ...], a: np.ndarray, b: np.ndarray) -> Finding:
    findings: list[tuple[Detector, Finding]] = []
    for detect in detectors:
        try:
            with np.errstate(all="ignore"):
                result = detect(a, b)
        except (ValueError, TypeError, IndexError, ZeroDivisionError, FloatingPointError):
            continue
        if result:
            findings.append((detect, result))
    return _first(findings)


def describe(got: Any, expected: Any, ids: bool = False) -> Finding:
    """How a wrong numeric answer differs, or NOTHING. `ids`: the values are names (token ids,
    indices, labels), so no arithmetic is read into them."""
    a, b = as_array(got), as_array(expected)
    if a is None or b is None:
        return NOTHING
    if a.shape == b.shape and close(a, b):
        return NOTHING
    if _booleans(got) and _booleans(expected):  # True and False are categories, not numbers
        if a.shape == b.shape and b.any() and not b.all() and (a == 1 - b).all():
            return found(
                "every value is the opposite of the expected one (True where False is "
                "expected, and the reverse)",
                causes.INVERTED,
                b.size >= 4,
            )
        ids = True
    if not ids:
        kept = integer_dtype(got, a, b)
        if kept:
            return kept
    # transposing, reversing and reordering keep the values: skip them when the values differ
    same_values = a.size == b.size and close(np.sort(a, axis=None), np.sort(b, axis=None))
    detectors = tuple(
        d
        for d in DETECTORS
        if (same_values or d not in _PERMUTATIONS) and not (ids and d in ARITHMETIC)
    )
    return _run(detectors, a, b)


def integer_dtype(got: Any, a: np.ndarray, b: np.ndarray) -> Finding:
    """An integer array where fractions are expected: the dtype is itself the evidence (the
    values can only be whole), so the cause is named when cutting the expected values gives
    what came back, on one input."""
    if not (isinstance(got, np.ndarray) and got.dtype.kind in "iu") or a.shape != b.shape:
        return NOTHING
    if not np.isfinite(b).all() or np.equal(np.round(b), b).all():
        return NOTHING
    how = f"the result is an integer array ({got.dtype}) where fractions are expected"
    if close(a, np.trunc(b)) or close(a, np.floor(b)):
        return Finding(f"{how}, so every value is cut to a whole number", causes.INTEGER_DTYPE)
    return Finding(how)


def _booleans(x: Any) -> bool:
    return isinstance(x, np.ndarray) and x.dtype.kind == "b"


def describe_flat(got: list[Any], expected: list[Any], ids: bool = False) -> Finding:
    """The numbers of two nested structures of the same shape, read in order: only the
    detectors that do not depend on the layout apply (all of them arithmetic but not_finite)."""
    a, b = np.array(got, dtype=float), np.array(expected, dtype=float)
    if close(a, b):
        return NOTHING
    detectors: tuple[Detector, ...] = (not_finite, integer_shift, factor, offset, signs, truncated)
    return _run(tuple(d for d in detectors if not (ids and d in ARITHMETIC)), a, b)
