"""An own check that fired at its edge: `if v >= 255: raise ...` on v == 255.

When the learner's own `raise` runs on an input that the task accepts, the `if` just above it
is evaluated again on the learner's frame, comparison by comparison, by a small evaluator that
reads names, attributes of plain objects, `len`, an array's `.shape`, indexing by a constant
and integer arithmetic, and calls nothing of the learner's. `edge` answers only when one
comparison holds at its edge (both sides equal) and moving that edge (`>=` to `>`, `<` to
`<=`) makes the whole condition false: then the bound itself is the mistake.

Standard library only: the grading worker imports it inside the sandboxed worker
(`grader.grading.sandbox.RUNTIME`), and grader.diagnosis.crashes words its answer."""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from types import FrameType

_FLIP: dict[type, type] = {ast.GtE: ast.Gt, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.Lt: ast.LtE}
_SYMBOL: dict[type, str] = {ast.GtE: ">=", ast.LtE: "<=", ast.Gt: ">", ast.Lt: "<"}
_ARITH: dict[type, Callable[[int, int], int]] = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.FloorDiv: lambda a, b: a // b,
}


class _Unknown(Exception):
    """An expression the small evaluator does not read."""


def _value(node: ast.expr, scope: dict[str, object]) -> object:
    if isinstance(node, ast.Constant) and type(node.value) in (int, bool, str, type(None)):
        return node.value
    if isinstance(node, ast.Name):
        if node.id in scope:
            return scope[node.id]
        raise _Unknown(node.id)
    if isinstance(node, ast.Attribute):
        owner = _value(node.value, scope)
        if node.attr in ("shape", "ndim", "size") and type(owner).__name__ == "ndarray":
            return getattr(owner, node.attr)
        fields = getattr(owner, "__dict__", None)
        if type(fields) is dict and node.attr in fields:
            return fields[node.attr]
        raise _Unknown(node.attr)
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
        owner, key = _value(node.value, scope), node.slice.value
        if type(owner) in (tuple, list, dict) and type(key) in (int, str):
            try:
                return owner[key]  # type: ignore[index]
            except (IndexError, KeyError, TypeError) as exc:
                raise _Unknown("index") from exc
        raise _Unknown("index")
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "len":
        if len(node.args) == 1 and not node.keywords and "len" not in scope:
            item = _value(node.args[0], scope)
            if type(item) in (list, tuple, str, bytes, dict, set) or (
                type(item).__name__ == "ndarray"
            ):
                return len(item)  # type: ignore[arg-type]
        raise _Unknown("len")
    if isinstance(node, ast.BinOp) and type(node.op) in _ARITH:
        a, b = _value(node.left, scope), _value(node.right, scope)
        if type(a) is int and type(b) is int and not (type(node.op) is ast.FloorDiv and b == 0):
            return _ARITH[type(node.op)](a, b)
        raise _Unknown("arithmetic")
    raise _Unknown(type(node).__name__)


def _truth(
    node: ast.expr, scope: dict[str, object], flipped: tuple[ast.Compare, int] | None
) -> bool:
    """The condition's value; with `flipped` (a comparison and which of its operators), that
    one operator's edge moved (>= for >)."""
    if isinstance(node, ast.BoolOp):
        values = [_truth(v, scope, flipped) for v in node.values]
        return all(values) if isinstance(node.op, ast.And) else any(values)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        return not _truth(node.operand, scope, flipped)
    if isinstance(node, ast.Compare):
        left = _value(node.left, scope)
        for i, (op, right_node) in enumerate(zip(node.ops, node.comparators, strict=True)):
            right = _value(right_node, scope)
            if type(op) not in (*_FLIP, ast.Eq, ast.NotEq) or not _numbers(left, right):
                raise _Unknown("comparison")
            kind = _FLIP[type(op)] if flipped == (node, i) else type(op)
            if not _compare(kind, left, right):  # type: ignore[arg-type]
                return False
            left = right
        return True
    value = _value(node, scope)
    if type(value) is not bool:
        raise _Unknown("truth")
    return value


def _numbers(a: object, b: object) -> bool:
    return type(a) in (int, bool) and type(b) in (int, bool)


def _compare(kind: type, a: int, b: int) -> bool:
    table: dict[type, bool] = {
        ast.GtE: a >= b,
        ast.LtE: a <= b,
        ast.Gt: a > b,
        ast.Lt: a < b,
        ast.Eq: a == b,
        ast.NotEq: a != b,
    }
    return table[kind]


def _condition(source: str, lineno: int) -> ast.expr | None:
    """The test of the `if` whose body holds the `raise` on `lineno`."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return None
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and any(
            isinstance(s, ast.Raise) and s.lineno == lineno for s in node.body
        ):
            return node.test
    return None


def edge(frame: FrameType, lineno: int) -> tuple[str, int] | None:
    """(the written operator, the value at the edge) when the learner's own `raise` on `lineno`
    ran because one comparison of its `if` holds only at its edge (both sides equal), and moving
    that edge (`>=` to `>`, `<` to `<=`, ...) makes the whole condition false; else None."""
    import linecache

    source = "".join(linecache.getlines(frame.f_code.co_filename))
    test = _condition(source, lineno) if source else None
    if test is None:
        return None
    scope = {**frame.f_globals, **frame.f_locals}
    try:
        if not _truth(test, scope, None):
            return None
        for node in ast.walk(test):
            if not isinstance(node, ast.Compare) or len(node.ops) > 2:
                continue
            values = [_value(node.left, scope), *(_value(c, scope) for c in node.comparators)]
            for i, op in enumerate(node.ops):
                if (
                    type(op) in _FLIP
                    and values[i] == values[i + 1]
                    and not _truth(test, scope, (node, i))
                ):
                    return _SYMBOL[type(op)], int(values[i])  # type: ignore[call-overload]
    except (_Unknown, RecursionError, ValueError, TypeError, KeyError):
        return None
    return None


def _subscripts(
    frame: FrameType, lineno: int
) -> tuple[list[ast.Subscript], dict[str, object]] | None:
    """The subscripts on `lineno` of the frame's source file, and the names the frame sees;
    None when the source cannot be read."""
    import linecache

    source = "".join(linecache.getlines(frame.f_code.co_filename))
    try:
        tree = ast.parse(source) if source else None
    except (SyntaxError, ValueError):
        return None
    if tree is None:
        return None
    nodes = [n for n in ast.walk(tree) if isinstance(n, ast.Subscript) and n.lineno == lineno]
    return nodes, {**frame.f_globals, **frame.f_locals}


def past_end(frame: FrameType, lineno: int) -> int | None:
    """The length n when a subscript on `lineno` indexes a list, tuple, text or array of n
    items at exactly n (one past the end), read on the learner's frame where an IndexError was
    raised; else None."""
    read = _subscripts(frame, lineno)
    if read is None:
        return None
    nodes, scope = read
    for node in nodes:
        if isinstance(node.slice, (ast.Slice, ast.Tuple)):
            continue
        try:
            index = _value(node.slice, scope)
        except (_Unknown, RecursionError, ValueError, TypeError, KeyError):
            continue
        if type(index) is int and index > 0 and index == _length(node.value, scope):
            return index
    return None


def _length(node: ast.expr, scope: dict[str, object]) -> int | None:
    """The length of the list, tuple, text or array that `node` reads, else None."""
    try:
        owner = _value(node, scope)
    except (_Unknown, RecursionError, ValueError, TypeError, KeyError):
        return None
    sized = type(owner) in (list, tuple, str, bytes) or type(owner).__name__ == "ndarray"
    return len(owner) if sized else None  # type: ignore[arg-type]


# the key types that `missing_key` names: built-in, so the name is never the learner's text
KEY_TYPES = ("int", "str", "bytes", "tuple", "float", "bool", "NoneType")


def missing_key(frame: FrameType, lineno: int, key: object) -> str | None:
    """What the dict that a KeyError's `key` was looked up in shows, read on the learner's
    frame: a subscript on `lineno` whose owner is a dict without that key. "{}" when the dict
    holds keys of the key's own type (a key that is absent), "{A:B}" when every key of the dict
    is of built-in type B and the key is of built-in type A (a key built the wrong way),
    "{0}" when the dict is empty; else None (no such dict, or keys of several types)."""
    read = _subscripts(frame, lineno)
    if read is None:
        return None
    nodes, scope = read
    for node in nodes:
        try:
            owner = _value(node.value, scope)
        except (_Unknown, RecursionError, ValueError, TypeError, KeyError):
            continue
        if type(owner) is not dict:
            continue
        if type(key).__name__ not in KEY_TYPES or key in owner:  # built-in keys only: no
            continue  # learner's __eq__ runs here
        types = {type(k).__name__ for k in list(owner)[:10_000]}
        if not types:
            return "{0}"
        mine = type(key).__name__
        if mine in types:
            return "{}"
        if len(types) == 1 and mine in KEY_TYPES and next(iter(types)) in KEY_TYPES:
            return "{" + mine + ":" + next(iter(types)) + "}"
        return None
    return None


_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,30}")


def _arguments(frame: FrameType) -> set[str]:
    code = frame.f_code
    return set(code.co_varnames[: code.co_argcount + code.co_kwonlyargcount])


def past_argument(frame: FrameType, lineno: int, detail: str = "") -> tuple[str, int] | None:
    """("[>name]", n) when a subscript on `lineno` indexes a list, tuple, text or array of n
    items beyond its end (n + 1 or more, or before its start) with an index computed from the
    function's own argument `name` (`k - 1` for k = 10 and 3 items): an argument larger than
    what it indexes, a case with no branch of its own; else None. numpy's `detail` ("index 9
    is out of bounds for axis 0 with size 3") gives the size when what is indexed is computed
    (`np.sort(x)[::-1][k - 1]`), which this evaluator does not call."""
    read = _subscripts(frame, lineno)
    if read is None:
        return None
    nodes, scope = read
    arguments = _arguments(frame)
    for node in nodes:
        if isinstance(node.slice, (ast.Slice, ast.Tuple)):
            continue
        names = [n.id for n in ast.walk(node.slice) if isinstance(n, ast.Name)]
        given = [n for n in names if n in arguments and _NAME.fullmatch(n)]
        if not given:
            continue
        try:
            index = _value(node.slice, scope)
        except (_Unknown, RecursionError, ValueError, TypeError, KeyError):
            continue
        if type(index) is not int:
            continue
        said = re.search(r"index (-?\d+) is out of bounds for axis \d+ with size (\d+)", detail)
        if said and int(said.group(1)) == index:
            n = int(said.group(2))
        else:
            length = _length(node.value, scope)
            if length is None:
                continue
            n = length
        if index > n or index < -n:
            return "[>" + given[0] + "]", n
    return None


def explain(
    frame: FrameType, lineno: int, kind: str, key: object = None, detail: str = ""
) -> tuple[str, int] | None:
    """What the learner's frame shows about an exception of type `kind` raised on `lineno`:
    an own check decided at its edge (`edge`, for the learner's own raise), ("[]", n) for
    an index one past the end of n items (`past_end`, for an IndexError) or further, from an
    argument (`past_argument`, given the exception's first line `detail`), or (a
    `missing_key` answer, 0) for a KeyError's `key`."""
    if kind == "IndexError":
        n = past_end(frame, lineno)
        return ("[]", n) if n is not None else past_argument(frame, lineno, detail)
    if kind == "KeyError":
        found = missing_key(frame, lineno, key)
        return (found, 0) if found is not None else None
    return edge(frame, lineno)
