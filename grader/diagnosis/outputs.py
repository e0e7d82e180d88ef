"""What a result is, for the diagnosis, and when two results are the same to a learner.

`encode(value)` turns a result into a small JSON tree: numbers stay numbers (6 significant
digits), arrays become nested lists (so their shape stays), tuples become lists, and other
types keep a tag (`{"b": ...}` bytes, `{"d": [[key, value], ...]}` a dict, `{"set": [...]}`).
`close(a, b)` compares two such trees: integers, strings and the structure must be equal;
floats need only be close, with the tolerances below. Nothing here hashes or rounds a float to
decide an equality, so a result that another BLAS computes in another order is the same result.

    close(encode([256, 3]), encode(np.array([256.0, 3.0])))       # True
    close(encode(np.float32(0.1) * 3), encode(0.3))                # True
    close(encode([1.0, 2.0]), encode([1.0, 2.01]))                 # False

A value the kit cannot describe stably (an object whose repr holds a memory address) raises
Unstable.
"""

from __future__ import annotations

import hashlib
import json
import math
import sys
from typing import Any

# Two floats are the same result when |a - b| <= ATOL + RTOL * scale, where scale is the largest
# magnitude in the array (or list) they belong to, in either result, or their own for a lone
# number. RTOL is 10x the relative noise of the kit's perturbation test (1e-5), and 1,000x the
# difference between float32 and float64 evaluation of the course's checks (about 1e-7 of the
# array's scale); the bank's mistakes move results by far more (a factor, a row, a sign).
RTOL = 1e-4
# The absolute floor, for results that are (nearly) all zeros: the default atol of
# grader.testing.close(), below which the kit's checks call two values equal.
ATOL = 1e-6
# Significant digits a stored float keeps: a relative change of 5e-7 at most, 200x inside RTOL.
DIGITS = 6
_MAX_DEPTH = 12

Tree = Any  # None | int | float | str | list[Tree] | dict[str, Tree]


class Unstable(ValueError):
    """The value has no stable form (an arbitrary object)."""


def _float(x: float) -> Tree:
    if math.isnan(x):
        return {"f": "nan"}
    if math.isinf(x):
        return {"f": "inf" if x > 0 else "-inf"}
    return float(format(x, f".{DIGITS}g"))


def _order(tree: Tree) -> tuple[int, float, str]:
    """A sort key for set items and dict keys: numbers by value, the rest by their JSON text."""
    if isinstance(tree, (int, float)):
        return (0, float(tree), "")
    return (1, 0.0, json.dumps(tree, sort_keys=True, ensure_ascii=False))


def encode(value: Any, depth: int = 0) -> Tree:
    """The JSON tree of a result (raises Unstable when it has none)."""
    if depth > _MAX_DEPTH:
        raise Unstable("too deep")
    if value is None:
        return None
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return _float(value)
    if isinstance(value, str):
        return value
    if isinstance(value, (bytes, bytearray)):
        return {"b": bytes(value).decode("latin-1")}
    np = sys.modules.get("numpy")
    if np is not None:
        if isinstance(value, np.ndarray):
            if value.dtype.kind not in "biufcUS?":
                return [encode(v, depth + 1) for v in value.tolist()]
            return encode(value.tolist(), depth + 1)
        if isinstance(value, np.generic):
            return encode(value.item(), depth + 1)
    if isinstance(value, (list, tuple)):
        return [encode(v, depth + 1) for v in value]
    if isinstance(value, dict):
        items = [[encode(k, depth + 1), encode(v, depth + 1)] for k, v in value.items()]
        return {"d": sorted(items, key=lambda kv: _order(kv[0]))}
    if isinstance(value, (set, frozenset)):
        return {"set": sorted((encode(v, depth + 1) for v in value), key=_order)}
    if isinstance(value, complex):
        return {"c": [_float(value.real), _float(value.imag)]}
    text = repr(value)
    if " at 0x" in text or len(text) > 10_000:
        raise Unstable(type(value).__name__)
    return {"o": f"{type(value).__name__}:{text}"}


def _numbers(tree: Tree) -> list[float]:
    if isinstance(tree, list):
        return [x for t in tree for x in _numbers(t)]
    if isinstance(tree, (int, float)) and not isinstance(tree, bool):
        return [abs(float(tree))]
    return []


def _scale(a: Tree, b: Tree) -> float:
    return max(_numbers(a) + _numbers(b), default=0.0)


def close(a: Tree, b: Tree, scale: float | None = None) -> bool:
    """Whether two encoded results are the same result (see RTOL and ATOL)."""
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return False
        if scale is None:  # the outermost list: one scale for the whole array
            scale = _scale(a, b)
        return all(close(x, y, scale) for x, y in zip(a, b))
    a_num = isinstance(a, (int, float)) and not isinstance(a, bool)
    b_num = isinstance(b, (int, float)) and not isinstance(b, bool)
    if a_num and b_num:
        if isinstance(a, int) and isinstance(b, int):
            return a == b
        size = max(scale or 0.0, abs(a), abs(b))
        return bool(abs(a - b) <= ATOL + RTOL * size)
    if isinstance(a, dict) and isinstance(b, dict):
        if a.keys() != b.keys():
            return False
        return all(close(a[k], b[k]) for k in a)
    return bool(type(a) is type(b) and a == b)


def same(a: Any, b: Any) -> bool:
    """Two results (not encoded) are the same result; False when either has no stable form."""
    try:
        return close(encode(a), encode(b))
    except (Unstable, RecursionError, ValueError, TypeError):
        return False


def _has_float(tree: Tree) -> bool:
    if isinstance(tree, float):
        return True
    if isinstance(tree, list):
        return any(_has_float(t) for t in tree)
    if isinstance(tree, dict):
        return any(_has_float(t) for t in tree.values())
    return False


def _has_number(tree: Tree) -> bool:
    if isinstance(tree, (int, float)):
        return True
    if isinstance(tree, list):
        return any(_has_number(t) for t in tree)
    if isinstance(tree, dict):
        return any(_has_number(t) for t in tree.values())
    return False


class Labels:
    """Short labels for items, equal exactly when the items are the same result (`close`), so
    that detectors can compare orders and lengths: `Labels().of([1.0, 2.0])` -> ['0', '1'].
    Items without floats (ids, text) are found by their exact form in constant time, unless
    floats came before them."""

    def __init__(self) -> None:
        self._exact: dict[Any, str] = {}
        self._numeric: list[tuple[Tree, str]] = []  # items with numbers, in the order seen
        self._floats_seen = False

    def label(self, value: Any) -> str:
        tree = encode(value)
        has_float = _has_float(tree)
        key: Any = None
        if not has_float:
            key = tree if isinstance(tree, (int, str)) else json.dumps(tree, sort_keys=True)
            if key in self._exact:
                return self._exact[key]
        if has_float or (self._floats_seen and _has_number(tree)):
            for seen, name in self._numeric:
                if close(seen, tree):
                    if key is not None:
                        self._exact[key] = name
                    return name
        name = str(len(self._exact) + len(self._numeric))
        if key is not None:
            self._exact[key] = name
        if _has_number(tree):
            self._numeric.append((tree, name))
        self._floats_seen = self._floats_seen or has_float
        return name

    def of(self, values: Any) -> list[str] | None:
        """The labels of a sequence's items, or None when one has no stable form."""
        try:
            return [self.label(v) for v in values]
        except (Unstable, RecursionError, ValueError, TypeError):
            return None


def digest(text: str) -> str:
    """A short hex digest of a text (16 hex digits)."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()


def call_key(call_text: str) -> str:
    """The key of one check: the digest of its call text (text, never a float), whitespace
    folded."""
    return digest(" ".join(call_text.split()))
