"""A stable fingerprint of a value, for the differential diagnosis: two results that a learner
would call "the same" (a list or an array of the same numbers, 2 or 2.0, a tuple or a list, a
difference in the 12th digit) get the same fingerprint, and nothing else does.

    fingerprint([256, 3, 1, 2]) == fingerprint(np.array([256.0, 3.0, 1.0, 2.0]))

Numbers are compared to 6 significant digits; dict keys in sorted order; arrays by their nested
values (so their shape). A value the kit cannot describe stably (an object whose repr holds a
memory address) has no fingerprint.
"""

from __future__ import annotations

import hashlib
import math
import sys
from typing import Any

DIGITS = 6
_TINY = 1e-12
_MAX_DEPTH = 12


class Unstable(ValueError):
    """The value has no stable text form (an arbitrary object)."""


def _number(x: float | int) -> str:
    if isinstance(x, int):
        return str(x)
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    if abs(x) < _TINY:
        return "0"
    if x.is_integer() and abs(x) < 1e15:
        return str(int(x))
    return format(x, f".{DIGITS}g")


def canonical(value: Any, depth: int = 0) -> str:
    """The normalised text form of a value (raises Unstable when it has none)."""
    if depth > _MAX_DEPTH:
        raise Unstable("too deep")
    if value is None:
        return "None"
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, (int, float)):
        return _number(value)
    if isinstance(value, str):
        return "s" + repr(value)
    if isinstance(value, (bytes, bytearray)):
        return "b" + repr(bytes(value))
    np = sys.modules.get("numpy")
    if np is not None:
        if isinstance(value, np.ndarray):
            return canonical(value.tolist(), depth + 1)
        if isinstance(value, np.generic):
            return canonical(value.item(), depth + 1)
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(canonical(v, depth + 1) for v in value) + "]"
    if isinstance(value, dict):
        items = sorted((canonical(k, depth + 1), canonical(v, depth + 1)) for k, v in value.items())
        return "{" + ",".join(f"{k}:{v}" for k, v in items) + "}"
    if isinstance(value, (set, frozenset)):
        return "<" + ",".join(sorted(canonical(v, depth + 1) for v in value)) + ">"
    if isinstance(value, complex):
        return f"c{_number(value.real)},{_number(value.imag)}"
    text = repr(value)
    if " at 0x" in text or len(text) > 10_000:
        raise Unstable(type(value).__name__)
    return f"{type(value).__name__}:{text}"


def digest(text: str) -> str:
    """A short hex digest of a text (16 hex digits)."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()


def fingerprint(value: Any) -> str | None:
    """The digest of a value's canonical form, or None when it has none."""
    try:
        return digest(canonical(value))
    except (Unstable, RecursionError, ValueError, TypeError):
        return None


def call_key(call_text: str) -> str:
    """The key of one check: the digest of its call text, whitespace folded."""
    return digest(" ".join(call_text.split()))
