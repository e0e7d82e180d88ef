"""Detectors for numbers and numeric arrays: the shape of a wrong answer, read off the answer
and the expected value alone. Each detector returns one sentence (lower case, no final stop)
or "" when the answer does not have that shape.

    describe(np.array([[1, 4], [2, 5]]), np.array([[1, 2], [4, 5]]))
    -> "that is the expected result transposed (rows and columns swapped): ..."

Lists and tuples of numbers are read as arrays. Every test here is exact up to floating-point
rounding, so a detector fires only when the answer really is the expected value transformed.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

RTOL = 1e-6


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


def close(a: np.ndarray, b: np.ndarray) -> bool:
    """a equals b up to rounding (nan equals nan, inf equals inf of the same sign)."""
    if a.shape != b.shape:
        return False
    finite = np.isfinite(b)
    scale = float(np.abs(b[finite]).max()) if finite.any() else 0.0
    with np.errstate(all="ignore"):
        ok = (a == b) | (finite & (np.abs(a - b) <= 1e-9 * max(1.0, scale) + RTOL * np.abs(b)))
    if not ok.all():
        ok |= np.isnan(a) & np.isnan(b)
    return bool(ok.all())


def _nonconstant(b: np.ndarray, axis: int) -> bool:
    lo, hi = np.take(b, range(1, b.shape[axis]), axis), np.take(b, range(b.shape[axis] - 1), axis)
    return not close(lo, hi)


def _where(axis: int, ndim: int) -> str:
    return "" if ndim == 1 else f" along axis {axis}"


# -- the detectors, most specific first ------------------------------------------------------
def not_finite(a: np.ndarray, b: np.ndarray) -> str:
    if not np.isfinite(b).all():
        return ""
    if np.isnan(a).any():
        return (
            "nan appears where finite values are expected: usually exp() overflowing (subtract "
            "the max before np.exp), 0 / 0 (a row where nothing is allowed) or inf - inf"
        )
    if np.isinf(a).any():
        return (
            "inf appears where finite values are expected: an overflow (exp of a large number) "
            "or a division by zero"
        )
    return ""


def all_zeros(a: np.ndarray, b: np.ndarray) -> str:
    if a.shape == b.shape and a.size > 1 and not a.any() and b.any():
        return "all zeros: nothing was written into the result (an array never filled, or a loop that never ran)"
    return ""


def transposed(a: np.ndarray, b: np.ndarray) -> str:
    if b.ndim < 2:
        return ""
    swapped = np.swapaxes(b, -1, -2)
    if close(b, swapped):
        return ""
    if close(a, swapped):
        axes = "rows and columns swapped" if b.ndim == 2 else "its last two axes swapped"
        return (
            f"that is the expected result transposed ({axes}): check which axis is which "
            "(a .T too many or too few)"
        )
    return ""


def reshaped(a: np.ndarray, b: np.ndarray) -> str:
    if a.shape == b.shape or a.size != b.size or a.size == 0:
        return ""
    if close(a.reshape(-1), b.reshape(-1)):
        if a.squeeze().shape == b.squeeze().shape:
            return (
                f"the right values with shape {a.shape}, expected {b.shape}: an extra or "
                "missing axis of length 1 (keepdims, [None] or a reshape)"
            )
        return f"the right values in the wrong shape: {a.shape}, expected {b.shape}"
    return ""


def one_row(a: np.ndarray, b: np.ndarray) -> str:
    if b.ndim < 2 or a.shape != b.shape[1:]:
        return ""
    rows = [i for i in range(b.shape[0]) if close(a, b[i])]
    if len(rows) == 1:
        which = {0: "the first", b.shape[0] - 1: "the last"}.get(rows[0], f"row {rows[0]} of the")
        return (
            f"that is only {which} row of the expected result: keep every row (shape {b.shape})"
            if rows[0] in (0, b.shape[0] - 1)
            else f"that is only row {rows[0]} of the expected result (shape {b.shape})"
        )
    return ""


def reversed_(a: np.ndarray, b: np.ndarray) -> str:
    if a.shape != b.shape or b.ndim == 0:
        return ""
    for axis in range(b.ndim):
        if b.shape[axis] < 2:
            continue
        flipped = np.flip(b, axis)
        if not close(b, flipped) and close(a, flipped):
            if b.shape[axis] == 2:
                unit = "values" if b.ndim == 1 else ("rows" if axis == 0 else "columns")
                return (
                    f"the two {unit} are swapped{_where(axis, b.ndim)}: check which one comes first"
                )
            what = "sequence" if b.ndim == 1 else "result"
            return (
                f"that is the expected {what} in reverse order{_where(axis, b.ndim)}: check the "
                "direction of the sort, the loop or the slice"
            )
    return ""


def shifted(a: np.ndarray, b: np.ndarray) -> str:
    if a.shape != b.shape or b.ndim == 0:
        return ""
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
        if close(head(a, 1), tail(b, 1)):
            return (
                f"the result is shifted by one{_where(axis, b.ndim)}: each {unit} holds what "
                f"the {unit} before it should (an index or a position that is off by one)"
            )
        if close(tail(a, 1), head(b, 1)):
            return (
                f"the result is shifted by one{_where(axis, b.ndim)}: each {unit} holds what "
                f"the {unit} after it should (an index or a position that is off by one)"
            )
    return ""


def _count(n: int, what: str) -> str:
    return f"{n} {what}" + ("" if n == 1 else "s")


def _zeros(a: np.ndarray, b: np.ndarray) -> str:
    """The nonzero values are right, but some that should be 0 are not, or the reverse."""
    if not (np.isfinite(a).all() and np.isfinite(b).all()):
        return ""
    za, zb = np.abs(a) < 1e-12, np.abs(b) < 1e-12
    both = ~za & ~zb
    if np.array_equal(za, zb) or not both.any() or not close(a[both], b[both]):
        return ""
    if b.ndim == 2 and b.shape[0] == b.shape[1] and b.shape[0] >= 2:
        diff = np.argwhere(za != zb)
        if len(diff) and (diff[:, 0] == diff[:, 1]).all() and len(diff) == b.shape[0]:
            return (
                "only the diagonal differs from the expected result: a comparison that should "
                "include i == j (<= versus <), or the other way round"
            )
    where = ", ".join(str(int(i)) for i in np.flatnonzero((za != zb).reshape(-1))[:4])
    if (za & ~zb).any() and not (zb & ~za).any():
        n = int((za & ~zb).sum())
        return (
            f"the nonzero values are right, but {_count(n, 'value')} that should be nonzero "
            f"{'is' if n == 1 else 'are'} 0 (flat index {where})"
        )
    if (zb & ~za).any() and not (za & ~zb).any():
        n = int((zb & ~za).sum())
        return (
            f"the values are right where they should be nonzero, but {_count(n, 'value')} that "
            f"should be 0 {'is' if n == 1 else 'are'} not (flat index {where})"
        )
    return ""


def masked(a: np.ndarray, b: np.ndarray) -> str:
    """Filters and masks: the kept values are right, but the wrong ones are -inf (or 0)."""
    if a.shape != b.shape or b.ndim == 0:
        return ""
    for fill, word in ((-np.inf, "-inf"), (0.0, "0")):
        if fill == 0.0:
            text = _zeros(a, b)
            if text:
                return text
            continue
        gone_b = b == fill
        gone_a = a == fill
        if not gone_b.any() and not gone_a.any():
            continue
        both = ~gone_a & ~gone_b
        if fill == 0.0 and not (np.isfinite(a).all() and np.isfinite(b).all()):
            continue
        if not close(a[both], b[both]) or np.array_equal(gone_a, gone_b):
            continue
        kept_a, kept_b = ~gone_a, ~gone_b
        if (kept_a & ~kept_b).any() and not (kept_b & ~kept_a).any():
            idx = [int(i) for i in np.flatnonzero((kept_a & ~kept_b).reshape(-1))][:4]
            n = int((kept_a & ~kept_b).sum())
            return (
                f"the kept values are right, but {_count(n, 'value')} that should be {word} "
                f"{'was' if n == 1 else 'were'} kept (flat index {', '.join(map(str, idx))}): "
                "the cut-off keeps too much (check the threshold: >= vs >, k vs k + 1)"
            )
        if (kept_b & ~kept_a).any() and not (kept_a & ~kept_b).any():
            idx = [int(i) for i in np.flatnonzero((kept_b & ~kept_a).reshape(-1))][:4]
            n = int((kept_b & ~kept_a).sum())
            return (
                f"the kept values are right, but {_count(n, 'value')} that should be kept "
                f"{'is' if n == 1 else 'are'} {word} (flat index {', '.join(map(str, idx))}): "
                "the cut-off is too strict (ties at the boundary, >= vs >, or the token that "
                "crosses the limit)"
            )
    return ""


def _nice_factor(c: float) -> str:
    """'2 times', 'a quarter of'... for a factor a person would write, else ''."""
    if not np.isfinite(c) or c <= 0 or abs(c - 1) < 1e-4:
        return ""
    for value, text in (
        (
            1 / math.log(2),
            "the expected value divided by ln 2 (1.443 times it): a log in base 2 where the natural log belongs",
        ),
        (
            math.log(2),
            "the expected value times ln 2: the natural log where a log in base 2 belongs",
        ),
        (
            1 / math.log(10),
            "the expected value divided by ln 10: a log in base 10 where the natural log belongs",
        ),
    ):
        if abs(c - value) < 1e-4 * value:
            return text
    for k in range(2, 1025):
        if abs(c - k) < 1e-4 * k:
            return f"exactly {k} times the expected value: an extra factor of {k} (or a missing division by {k})"
        if abs(1 / c - k) < 1e-4 * k:
            return f"the expected value divided by {k}: a factor of {k} is missing (or an extra division by {k})"
    for n in range(2, 4097):
        if math.isqrt(n) ** 2 == n:
            continue
        if abs(c * c - n) < 1e-4 * n:
            return f"exactly √{n} ≈ {c:.4g} times the expected value: an extra factor of sqrt({n}), the kind of scale that sqrt(d) is"
        if abs(1 / (c * c) - n) < 1e-4 * n:
            return f"the expected value divided by √{n} ≈ {1 / c:.4g}: a division by sqrt({n}) too many (or a scale such as 1/sqrt(d) applied where it does not belong)"
    return ""


def factor(a: np.ndarray, b: np.ndarray) -> str:
    if a.shape != b.shape or not np.isfinite(a).all() or not np.isfinite(b).all() or not b.any():
        return ""
    c = float((a * b).sum() / (b * b).sum())
    if not close(a, c * b) or abs(c - 1) < 1e-6:
        return ""
    if abs(c + 1) < 1e-6:
        return (
            "that is the expected result with the opposite sign: a minus sign is missing or "
            "extra, or a difference is taken the wrong way round"
        )
    small_ints = a.size == 1 and np.equal(np.round(b), b).all() and abs(float(b.flat[0])) < 16
    if small_ints and (round(max(c, 1 / c)) != 2 or abs(float(b.flat[0])) < 2):
        return ""  # 2 for 1, 3 for 9: small whole numbers are ratios by coincidence
    nice = _nice_factor(c) if c > 0 else ""
    if nice:
        return "that is " + nice
    if a.size >= 2 and c > 0 and np.count_nonzero(b) >= 3:
        return (
            f"every value is the expected one times the same factor {c:.4g}: one constant "
            "scale (a std, a temperature, a normalising total) is missing or wrong"
        )
    return ""


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


def wrong_axis(a: np.ndarray, b: np.ndarray) -> str:
    if a.shape != b.shape or b.ndim < 2 or not np.isfinite(a).all() or not np.isfinite(b).all():
        return ""
    for what, prop in _props():
        for ax in range(b.ndim):
            if b.shape[ax] < 2 or not prop(b, ax) or prop(a, ax):
                continue
            for other in range(b.ndim):
                if other != ax and a.shape[other] >= 2 and prop(a, other):
                    return (
                        f"those values {what} along axis {other} instead of axis {ax}"
                        f"{' (the last axis)' if ax == b.ndim - 1 else ''}: normalise over the "
                        "right axis (axis=..., keepdims=True)"
                    )
    return ""


def per_row_factor(a: np.ndarray, b: np.ndarray) -> str:
    if a.shape != b.shape or b.ndim < 2 or not np.isfinite(a).all() or not np.isfinite(b).all():
        return ""
    for ax, unit in ((b.ndim - 1, "row"), (0, "column")):
        if b.shape[ax] < 2 or b.size // b.shape[ax] < 2:
            continue
        bb = (b * b).sum(axis=ax, keepdims=True)
        if (bb == 0).any():
            continue
        c = (a * b).sum(axis=ax, keepdims=True) / bb
        if close(a, c * b) and not np.allclose(c, c.flat[0], rtol=1e-6):
            return (
                f"each {unit} is the expected {unit} times its own factor: a normalisation of "
                f"each {unit} (dividing by its sum or its length) is missing or uses the wrong total"
            )
    if b.ndim == 2 and min(b.shape) >= 2 and b.size <= 400 and _rank_one_ratio(a, b):
        return (
            "each value is off by a factor that depends only on its row and its column: a "
            "normalisation by rows and columns (such as dividing by the lengths of both "
            "vectors) is missing or wrong"
        )
    return ""


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


def offset(a: np.ndarray, b: np.ndarray) -> str:
    if a.shape != b.shape or a.size < 2 or not np.isfinite(a).all() or not np.isfinite(b).all():
        return ""
    d = a - b
    if close(d, np.full_like(d, d.flat[0])) and abs(d.flat[0]) > 1e-9:
        k = float(d.flat[0])
        if k.is_integer() and abs(k) == 1:
            return ""  # an off-by-one: integer_shift says it better
        return (
            f"every value is off by the same constant ({k:+.4g}): an additive term (a bias, a "
            "shift, a max or mean subtraction) is missing or extra, or a range starts in the "
            "wrong place"
        )
    if b.ndim >= 2:
        row = d.mean(axis=-1, keepdims=True)
        if close(d, np.broadcast_to(row, d.shape)) and np.ptp(row) > 1e-9:
            return (
                "each row is off by its own constant: a per-row term (subtracting the row's "
                "mean, max or log-sum-exp) is missing or extra"
            )
    return ""


def signs(a: np.ndarray, b: np.ndarray) -> str:
    if a.shape != b.shape or a.size < 2 or close(a, b) or not np.isfinite(b).all():
        return ""
    if close(np.abs(a), np.abs(b)):
        wrong = int(np.sum(np.sign(a) != np.sign(b)))
        return (
            f"the magnitudes are right but {wrong} of {a.size} values have the wrong sign: check "
            "the signs in the formula (a + where a - belongs, or a rotation the wrong way)"
        )
    return ""


def integer_shift(a: np.ndarray, b: np.ndarray) -> str:
    if a.shape != b.shape or not np.isfinite(a).all() or not np.isfinite(b).all():
        return ""
    if not (np.equal(np.round(a), a).all() and np.equal(np.round(b), b).all()):
        return ""
    d = a - b
    moved = d[d != 0]
    if moved.size == 0 or not (np.all(moved == 1) or np.all(moved == -1)):
        return ""
    more = "one too large" if moved[0] > 0 else "one too small"
    if a.size == 1 and abs(float(b.flat[0])) < 2:
        return ""
    if a.size == 1:
        word = "one more" if moved[0] > 0 else "one less"
        return (
            f"that is {word} than expected: an off-by-one (counting from 1 instead of 0, "
            "< instead of <=, or a range that ends one step off)"
        )
    count = "every value is" if moved.size == d.size else f"{moved.size} of {d.size} values are"
    return (
        f"{count} {more}: an off-by-one (numbering from 1 instead of 0, < instead of <=, or a "
        "range that ends one step off)"
    )


def truncated(a: np.ndarray, b: np.ndarray) -> str:
    if a.shape != b.shape or not np.isfinite(b).all() or np.equal(np.round(b), b).all():
        return ""
    if any(close(a, f(b)) for f in (np.floor, np.trunc, np.round)):
        return "the values were cut to whole numbers: integer division (//), int() or an integer dtype where a float is expected"
    return ""


def related(a: np.ndarray, b: np.ndarray) -> str:
    """a is a simple function of b: 1 - b, 1 / b, b squared, sqrt(b), exp(b), log(b)."""
    if a.shape != b.shape or not np.isfinite(b).all() or not np.isfinite(a).all():
        return ""
    if a.size == 1 and np.equal(np.round(a), a).all() and np.equal(np.round(b), b).all():
        return ""  # two whole numbers: 3 is sqrt(9), 2 is 1 - (-1)... a coincidence, not a clue
    with np.errstate(all="ignore"):
        candidates = [
            (
                1 - b,
                "that is 1 minus the expected value: the complement (counting the opposite case)",
            ),
            (1 / b, "that is 1 / the expected value: a ratio turned upside down"),
            (b * b, "that is the square of the expected value: a square root is missing"),
            (np.sqrt(b), "that is the square root of the expected value: a square root too many"),
            (
                np.exp(b),
                "that is exp() of the expected value: an exp too many (perplexity where the log-loss is asked?)",
            ),
            (
                np.log(b),
                "that is the natural log of the expected value: a log too many, or an exp missing",
            ),
        ]
    for value, text in candidates:
        if np.isfinite(value).all() and not close(value, b) and close(a, value):
            return text
    return ""


def _rows(x: np.ndarray) -> list[bytes]:
    return sorted(np.round(r, 9).tobytes() for r in x.reshape(x.shape[0], -1))


def reordered(a: np.ndarray, b: np.ndarray) -> str:
    if a.shape != b.shape or b.ndim == 0 or b.shape[0] < 2 or close(a, b):
        return ""
    if b.ndim == 1:
        if close(np.sort(a), np.sort(b)):
            diff = np.flatnonzero(~np.isclose(a, b, rtol=RTOL))
            if diff.size == 2:
                i, j = (int(k) for k in diff)
                return (
                    f"the right values, but those at positions {i} and {j} are swapped: check the "
                    "order (a sort direction, how ties are broken, or which one comes first)"
                )
            return (
                "the right values in the wrong order: check how the items are ordered (the sort, "
                "its direction, how ties are broken, or the loop)"
            )
        return ""
    if _rows(a) == _rows(b):
        return "the right rows in the wrong order: check how the rows are ordered"
    at, bt = np.moveaxis(a, -1, 0), np.moveaxis(b, -1, 0)
    if _rows(at) == _rows(bt):
        return (
            "the right columns in the wrong order: check which column goes where (interleaved "
            "pairs versus two halves, for example)"
        )
    return ""


def missing_or_extra(a: np.ndarray, b: np.ndarray) -> str:
    if b.ndim == 0 or a.ndim != b.ndim or a.shape[1:] != b.shape[1:]:
        return ""
    n, m = a.shape[0], b.shape[0]
    unit = "element" if b.ndim == 1 else "row"
    if n == m - 1:
        for i in range(m):
            if close(a, np.delete(b, i, axis=0)):
                where = {0: f"the first {unit}", m - 1: f"the last {unit}"}.get(
                    i, f"the {unit} at index {i}"
                )
                return f"one {unit} is missing: {where} of the expected result"
    if n == m + 1:
        for i in range(n):
            if close(np.delete(a, i, axis=0), b):
                where = {0: "at the start", n - 1: "at the end"}.get(i, f"at index {i}")
                return f"one {unit} too many, {where}"
    if 0 < n < m:
        if close(a, b[:n]):
            return f"only the first {n} of the {m} expected {unit}s: something stops too early"
        if close(a, b[m - n :]):
            return f"only the last {n} of the {m} expected {unit}s: the first ones are missing"
    if n > m > 0:
        if close(a[:m], b):
            return f"the {m} expected {unit}s followed by {n - m} more: a stopping rule or a limit is missing"
        if close(a[n - m :], b):
            return f"the {m} expected {unit}s preceded by {n - m} more: is the input included in the output?"
    return ""


DETECTORS: tuple[Callable[[np.ndarray, np.ndarray], str], ...] = (
    masked,
    not_finite,
    all_zeros,
    transposed,
    reshaped,
    one_row,
    reversed_,
    integer_shift,
    shifted,
    factor,
    wrong_axis,
    per_row_factor,
    offset,
    signs,
    truncated,
    related,
    reordered,
    missing_or_extra,
)


_PERMUTATIONS = (transposed, reversed_, reordered)


def describe(got: Any, expected: Any) -> str:
    """The shape of a wrong numeric answer, or ''."""
    a, b = as_array(got), as_array(expected)
    if a is None or b is None:
        return ""
    if a.shape == b.shape and close(a, b):
        return ""
    # transposing, reversing and reordering keep the values: skip them when the values differ
    same_values = a.size == b.size and close(np.sort(a, axis=None), np.sort(b, axis=None))
    for detect in DETECTORS:
        if detect in _PERMUTATIONS and not same_values:
            continue
        try:
            with np.errstate(all="ignore"):
                text = detect(a, b)
        except (ValueError, TypeError, IndexError, ZeroDivisionError, FloatingPointError):
            continue
        if text:
            return text
    return ""


def describe_flat(got: list[Any], expected: list[Any]) -> str:
    """The numbers of two nested structures of the same shape, read in order: only the
    detectors that do not depend on the layout apply."""
    a, b = np.array(got, dtype=float), np.array(expected, dtype=float)
    if close(a, b):
        return ""
    for detect in (not_finite, integer_shift, factor, offset, signs, truncated):
        with np.errstate(all="ignore"):
            text = detect(a, b)
        if text:
            return text
    return ""
