"""The wire format between the grading harness and the worker that runs student code.

One JSON object a line. Values cross as data, never as pickles:

    int, float, str, bool, None   as themselves        list    as a JSON array
    tuple      {"t": [...]}                             dict    {"d": [[key, value], ...]}
    bytes      {"b": base64}                            set     {"set": [...]}, {"fset": [...]}
    ndarray    {"a": [dtype, shape, base64], "k": digest}   (digest: large arrays only)
    a large array the other side has already            {"r": digest}
    numpy scalar {"s": [dtype, base64]}
    a remote object (a handle)                          {"h": number}
    a tokenizer {"e": "cl100k_base" | "kit_bpe" | {"name", "pat_str", "ranks", "special"}}
    a large dict of bytes -> int (ranks)  {"bi": [keys, lengths, values], "k": key}
    a large flat dict sent before          {"r": key}
    a value the other side builds itself  {"n": "cl100k_ranks"}   (registered with `Sent.name`)

Only exact built-in types are encoded: a subclass of int or str (which could lie in `__eq__`) is
refused. Decoding checks every tag, dtype, shape and size; anything else is a `WireError`.

What the worker answers is bounded before the harness builds anything from it (`loads` with
`max_items`, `decode` with a `Guard`): a count of values per message, and no set or dict (nor any
container a test later builds from the answer) whose hashing degenerates. str and bytes hashes
are salted per process; an int below 2**61 - 1 hashes to itself; what a student could make
collide at will (tuples, frozensets, larger ints) is counted by hash, and an answer where more
than `MAX_SAME_HASH` of them share one hash is refused before any container holds them.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable
from typing import Any

import numpy as np

# Built-in exceptions that cross the wire as themselves; anything else raised by student code
# becomes a generic error on the harness side.
EXCEPTIONS = (
    "NotImplementedError",
    "ZeroDivisionError",
    "OverflowError",
    "FloatingPointError",
    "KeyError",
    "IndexError",
    "UnicodeError",
    "ValueError",
    "TypeError",
    "AttributeError",
    "LookupError",
    "ArithmeticError",
    "RecursionError",
    "MemoryError",
)

MAX_DEPTH = 64
MAX_DIMS = 32
CACHE_BYTES = 32 * 1024  # arrays at least this large are sent once, then by digest
CACHE_ITEMS = 1024  # flat dicts (scalar keys and values) this long too: a tokenizer's ranks
MAX_ITEMS = 2_000_000  # values in one answer (counted on the raw line, before parsing)
MAX_SAME_HASH = 32  # answer values that may share one hash
HASH_MODULUS = (1 << 61) - 1  # sys.hash_info.modulus: ints below it hash to themselves
_DTYPE_KINDS = "biufcSU"
_SCALARS = (int, float, str, bool, type(None))


class WireError(ValueError):
    """A value that cannot cross the wire, or a message that breaks the format."""


class Guard:
    """Counts, by hash, the values of one answer whose hashes a student could make collide
    (tuples, frozensets, ints beyond the hash modulus): a `WireError` once more than
    `MAX_SAME_HASH` share one. The counts live in a dict keyed by those hashes, plain ints
    below the modulus, which never collide themselves."""

    def __init__(self, big_ints: bool = True) -> None:
        self.counts: dict[int, int] = {}
        self.big_ints = big_ints  # whether the answer may hold ints beyond the modulus

    def note(self, value: Any) -> None:
        try:
            h = hash(value)
        except TypeError:
            return  # unhashable: never a key
        n = self.counts.get(h, 0) + 1
        if n > MAX_SAME_HASH:
            raise WireError(
                f"an answer whose values were crafted to share one hash ({n} of them): "
                "building a set or dict of them would take the harness minutes"
            )
        self.counts[h] = n

    def scalar(self, value: Any) -> None:
        if type(value) is int and not -HASH_MODULUS < value < HASH_MODULUS:
            self.note(value)

    def scalars(self, values: list[Any]) -> None:
        if self.big_ints:
            for v in values:
                if type(v) is int and not -HASH_MODULUS < v < HASH_MODULUS:
                    self.note(v)


class Sent:
    """What the other side caches: digests of large values sent so far, and (to skip hashing
    the same big dict again) the keys of dicts by identity."""

    def __init__(self) -> None:
        self.keys: set[str] = set()
        self.by_id: dict[int, tuple[Any, int, str]] = {}
        self.names: dict[int, tuple[Any, int, str]] = {}  # kept across restarts

    def clear(self) -> None:
        self.keys.clear()
        self.by_id.clear()

    def name(self, value: dict[Any, Any], name: str) -> None:
        """`value` (this very dict, while its length stays) crosses as `{"n": name}`: the other
        side builds its own copy (the ranks of cl100k, which every worker has)."""
        self.names[id(value)] = (value, len(value), name)

    def named(self, value: dict[Any, Any]) -> str | None:
        memo = self.names.get(id(value))
        return memo[2] if memo is not None and memo[0] is value and memo[1] == len(value) else None

    def dict_key(self, value: dict[Any, Any]) -> str | None:
        memo = self.by_id.get(id(value))
        if memo is not None and memo[0] is value and memo[1] == len(value):
            return memo[2]
        key = _flat_key(value)
        if key is not None:
            self.by_id[id(value)] = (value, len(value), key)
        return key


def digest(arr: np.ndarray) -> str:
    h = hashlib.sha1(arr.dtype.str.encode() + repr(arr.shape).encode())
    h.update(np.ascontiguousarray(arr).tobytes())
    return h.hexdigest()


def _check_dtype(text: Any) -> np.dtype[Any]:
    if not isinstance(text, str) or len(text) > 16:
        raise WireError("a bad dtype")
    try:
        dtype = np.dtype(text)
    except TypeError:
        raise WireError(f"an unknown dtype {text!r}") from None
    if dtype.kind not in _DTYPE_KINDS or dtype.hasobject or dtype.fields or dtype.subdtype:
        raise WireError(f"dtype {text!r} is not plain data")
    return dtype


def encode(
    value: Any,
    other: Callable[[Any], dict[str, Any] | None] | None = None,
    known: Sent | None = None,
    _depth: int = 0,
) -> Any:
    """`value` as JSON data. `other(value)` may encode what is not plain data (a handle, a
    tokenizer) or return None; `known` holds digests of arrays the other side caches, and
    receives the digests of large arrays sent now."""
    if _depth > MAX_DEPTH:
        raise WireError("nested too deeply")
    kind = type(value)
    if kind in _SCALARS:
        return value
    if kind is list:
        if all(type(v) in _SCALARS for v in value):  # the common case: a list of ids
            return list(value)
        return [encode(v, other, known, _depth + 1) for v in value]
    if kind is tuple:
        return {"t": [encode(v, other, known, _depth + 1) for v in value]}
    if kind is dict and known is not None and len(value) >= CACHE_ITEMS:
        name = known.named(value)
        if name is not None:
            return {"n": name}
        key = known.dict_key(value)
        if key is not None:
            if key in known.keys:
                return {"r": key}
            known.keys.add(key)
            packed = _pack_ranks(value)
            if packed is not None:
                return {"bi": packed, "k": key}
            return {"d": [[encode(k), encode(v)] for k, v in value.items()], "k": key}
    if kind is dict:
        return {
            "d": [
                [encode(k, other, known, _depth + 1), encode(v, other, known, _depth + 1)]
                for k, v in value.items()
            ]
        }
    if kind in (bytes, bytearray):
        return {"b": base64.b64encode(bytes(value)).decode("ascii")}
    if kind in (set, frozenset):
        tag = "set" if kind is set else "fset"
        return {tag: [encode(v, other, known, _depth + 1) for v in value]}
    if kind is np.ndarray:
        _check_dtype(value.dtype.str)
        if known is not None and value.nbytes >= CACHE_BYTES:
            key = digest(value)
            if key in known.keys:
                return {"r": key}
            known.keys.add(key)
            return {"a": _array(value), "k": key}
        return {"a": _array(value)}
    if isinstance(value, np.generic) and type(value).__module__ == "numpy":
        _check_dtype(value.dtype.str)
        raw = np.asarray(value).tobytes()
        return {"s": [value.dtype.str, base64.b64encode(raw).decode("ascii")]}
    if other is not None:
        special = other(value)
        if special is not None:
            return special
    raise WireError(f"a {kind.__name__} is not plain data")


def _flat_key(value: dict[Any, Any]) -> str | None:
    """A content key for a dict of plain scalars, or None when it holds anything else."""
    flat = (int, float, str, bytes, bool, type(None))
    if not all(type(k) in flat and type(v) in flat for k, v in value.items()):
        return None
    # an order-free sum and xor of the items' hashes: no set built of what may be a student's
    # answer sent back (its pairs' hashes could be made to collide)
    mask, total, mixed = 0xFFFFFFFFFFFFFFFF, 0, 0
    for item in value.items():
        h = hash(item) & mask
        total = (total + h) & mask
        mixed ^= (h * 0x9E3779B97F4A7C15) & mask
    return f"dict-{len(value)}-{total:x}-{mixed:x}"


def _pack_ranks(value: dict[Any, Any]) -> list[str] | None:
    """A dict of bytes -> int (a tokenizer's ranks) as three base64 blobs: the keys joined,
    their lengths and the values. Much faster than one JSON pair per entry."""
    if not all(type(k) is bytes and type(v) is int for k, v in value.items()):
        return None
    try:
        vals = np.fromiter(value.values(), dtype="<i8", count=len(value))
    except OverflowError:
        return None
    lens = np.fromiter((len(k) for k in value), dtype="<u4", count=len(value))
    return [
        base64.b64encode(b"".join(value)).decode("ascii"),
        base64.b64encode(lens.tobytes()).decode("ascii"),
        base64.b64encode(vals.tobytes()).decode("ascii"),
    ]


def _unpack_ranks(payload: Any) -> dict[bytes, int]:
    if type(payload) is not list or len(payload) != 3:
        raise WireError("bad packed ranks")
    blob, lens_raw, vals_raw = (_b64(p) for p in payload)
    if len(lens_raw) % 4 or len(vals_raw) % 8 or len(lens_raw) // 4 != len(vals_raw) // 8:
        raise WireError("bad packed ranks")
    lens = np.frombuffer(lens_raw, dtype="<u4")
    if int(lens.sum()) != len(blob):
        raise WireError("bad packed ranks")
    ends = np.cumsum(lens).tolist()
    starts = [0, *ends[:-1]]
    vals = np.frombuffer(vals_raw, dtype="<i8").tolist()
    return {blob[a:b]: v for a, b, v in zip(starts, ends, vals)}


def _array(arr: np.ndarray) -> list[Any]:
    raw = np.ascontiguousarray(arr).tobytes()
    return [arr.dtype.str, list(arr.shape), base64.b64encode(raw).decode("ascii")]


def _b64(text: Any) -> bytes:
    if not isinstance(text, str):
        raise WireError("base64 must be a string")
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (ValueError, UnicodeEncodeError):
        raise WireError("bad base64") from None


def _decode_array(spec: Any) -> np.ndarray:
    if not isinstance(spec, list) or len(spec) != 3:
        raise WireError("a bad array")
    dtype = _check_dtype(spec[0])
    shape = spec[1]
    if (
        not isinstance(shape, list)
        or len(shape) > MAX_DIMS
        or not all(type(n) is int and n >= 0 for n in shape)
    ):
        raise WireError("a bad array shape")
    raw = _b64(spec[2])
    count = 1
    for n in shape:
        count *= n
    if count * dtype.itemsize != len(raw):
        raise WireError("array bytes do not match its shape and dtype")
    return np.frombuffer(bytearray(raw), dtype=dtype).reshape(shape)


def decode(
    data: Any,
    other: Callable[[str, Any], Any] | None = None,
    cache: dict[str, Any] | None = None,
    _depth: int = 0,
    guard: Guard | None = None,
) -> Any:
    """The value that `encode` wrote. `other(tag, payload)` rebuilds handles and tokenizers
    (tags "h", "e" and "n"); without it they are refused. `cache` stores and serves large arrays.
    `guard` (for what the worker answers) refuses values crafted to collide by hash, before
    any set or dict is built from them."""
    if _depth > MAX_DEPTH:
        raise WireError("nested too deeply")
    kind = type(data)
    if kind in _SCALARS:
        if guard is not None and kind is int:
            guard.scalar(data)
        return data
    if kind is list:
        if all(type(v) in _SCALARS for v in data):
            if guard is not None:
                guard.scalars(data)
            return list(data)
        return [decode(v, other, cache, _depth + 1, guard) for v in data]
    if kind is not dict or len(data) not in (1, 2):
        raise WireError(f"unexpected {kind.__name__}")
    if len(data) == 2 and not ("k" in data and ("a" in data or "d" in data or "bi" in data)):
        raise WireError("an unknown tag")
    tag, payload = next(iter(data.items()))
    if tag in ("t", "set", "fset", "d") and type(payload) is not list:
        raise WireError(f"a bad {tag!r} value")
    if tag == "t":
        got = tuple(decode(v, other, cache, _depth + 1, guard) for v in payload)
        if guard is not None:
            guard.note(got)
        return got
    if tag in ("set", "fset"):
        items = [decode(v, other, cache, _depth + 1, guard) for v in payload]
        try:
            built = set(items) if tag == "set" else frozenset(items)
        except TypeError:
            raise WireError("an unhashable set item") from None
        if guard is not None and tag == "fset":
            guard.note(built)
        return built
    if tag == "d":
        pairs = []
        for pair in payload:  # every key and value decoded (and counted) before the dict
            if type(pair) is not list or len(pair) != 2:
                raise WireError("a bad dict item")
            key = decode(pair[0], other, cache, _depth + 1, guard)
            pairs.append((key, decode(pair[1], other, cache, _depth + 1, guard)))
        out: dict[Any, Any] = {}
        for key, value in pairs:
            try:
                out[key] = value
            except TypeError:
                raise WireError("an unhashable dict key") from None
        if cache is not None and isinstance(data.get("k"), str):
            cache[data["k"]] = out
            return dict(out)
        return out
    if tag == "b":
        return _b64(payload)
    if tag == "bi":
        ranks = _unpack_ranks(payload)
        if cache is not None and isinstance(data.get("k"), str):
            cache[data["k"]] = ranks
            return dict(ranks)
        return ranks
    if tag == "a":
        arr = _decode_array(payload)
        if cache is not None and "k" in data and isinstance(data["k"], str):
            cache[data["k"]] = arr.copy()
        return arr
    if tag == "r":
        if cache is None or not isinstance(payload, str) or payload not in cache:
            raise WireError("a reference to an unknown value")
        return cache[payload].copy()  # an array, or a dict of immutable scalars
    if tag == "s":
        if type(payload) is not list or len(payload) != 2:
            raise WireError("a bad numpy scalar")
        dtype = _check_dtype(payload[0])
        raw = _b64(payload[1])
        if len(raw) != dtype.itemsize:
            raise WireError("a bad numpy scalar")
        return np.frombuffer(raw, dtype=dtype)[0]
    if tag in ("h", "e", "n") and other is not None:
        return other(tag, payload)
    raise WireError(f"an unknown tag {tag!r}")


def dumps(message: dict[str, Any]) -> bytes:
    return json.dumps(message, separators=(",", ":")).encode("utf-8") + b"\n"


def loads(line: bytes, max_items: int | None = None) -> dict[str, Any]:
    """One message. `max_items` caps how many values it may hold, counted on the raw line (a
    value beyond the first of a list or an object follows a comma) before anything is built."""
    if max_items is not None and line.count(b",") >= max_items:
        raise WireError(f"an answer of more than {max_items:,} values")
    try:
        message = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise WireError("not a JSON line") from None
    if type(message) is not dict:
        raise WireError("not a JSON object")
    return message
