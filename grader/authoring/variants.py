"""Candidate mistakes generated from the reference: families of one-change variants of each
task's reference solution, for the differential diagnosis (issue: feedback that names mistakes
the kit has never seen).

The misconception bank (`grader/tests/misconceptions/`) holds mistakes that someone wrote down.
It cannot hold every mistake a learner makes, so the differential diagnosis also compares a
wrong answer with what the *reference* returns after one typical change. Each family below is a
kind of change that learners make, read off the reference's own code (its syntax tree), never
off any learner's answer:

- ``eps``: the small constant added to keep a value away from zero is left out;
- ``axis``: a reduction (max, sum, mean, norm, ...) runs over the whole array or along another
  axis; ``keepdims``: the reduced axis is dropped, so the result broadcasts the wrong way;
- ``scale``: a division by a square root or a scale is left out; ``sqrt``: the square root is;
- ``minmax``: the minimum for the maximum (argmin for argmax, and the reverse);
- ``strict``: ``<`` for ``<=`` (``>`` for ``>=``, and the reverse): equal values go the wrong way;
- ``off_by_one``: a ``+ 1`` or ``- 1`` left out, a slice bound or a range's end one off;
- ``first_last``: the first item for the last (and the reverse);
- ``order``: the opposite order (``reverse=``, ``[::-1]``, ``reversed``);
- ``swap``: a subtraction the wrong way round; ``where``: ``np.where``'s two branches swapped;
- ``triangle``: ``np.triu`` for ``np.tril`` (and the reverse);
- ``mean_sum``: a sum for a mean (and the reverse);
- ``transpose``: a transpose left out; ``clip``: the clipping left out;
- ``skip_step``: a step of the computation left out: a call to another function of the course
  (``layer_norm(x, ...)``, ``softmax(x)``) or to an elementwise function (exp, log, tanh)
  replaced by its input;
- ``activation``: ReLU where the lesson's activation (GELU, SiLU) is wanted;
- ``transposed``: a weight used transposed (``x @ W.T`` for ``x @ W``), the habit of a
  framework that stores weights as (out, in);
- ``residual``: the input not added back (``x + f(x)`` becomes ``f(x)``): a residual connection
  left out;
- ``projection``: a matrix product by a weight (with its bias) left out (``h @ W + b`` becomes
  ``h``): a projection or a layer skipped; ``bias``: only its bias left out;
- ``overlap``: adjacent pairs (``zip(x, x[1:])``) taken two steps apart, so they never
  overlap and every other pair is missed;
- ``twice``: a step of the course (``softmax``, ``apply_temperature``, ``layer_norm``) applied
  twice, the second time to its own output;
- ``precedence``: parentheses left out, so Python's operator precedence groups the expression
  another way (``a / b * c`` for ``a / (b * c)``, ``a + b / 2`` for ``(a + b) / 2``);
- ``greedy``: a call to the course's sampler (``sample``, ``sample_from_probs``) replaced by
  the argmax of its scores: always greedy, whatever the temperature and the draws.

Each variant is the reference module with one node of one function changed, and is run like a
bank entry (`grader.authoring.verify.run_variant`): appended to the reference solution, against
the lesson's visible tests. What it returns at its first failing check is stored in
`grader/data/variants.json`, with a sentence that describes the change in words (never the
reference's code line). `grader.diagnosis.known` names a variant only when no bank entry
matches, only at the variant's own first failing check, and only when the variants that match
there say at most two different things.
"""

from __future__ import annotations

import ast
import copy
import hashlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

ABOUT = (
    "Generated candidates of the differential diagnosis: one-change variants of each lesson's "
    "reference (grader/authoring/variants.py), what each returns at its first failing visible "
    "check (floats to 6 significant digits, matched by closeness), and the fingerprint of what "
    "each lesson's variants were made from. Written by `hexahype verify --update-diagnoses`; "
    "do not edit by hand."
)
VERSION = 19  # bump when the families or what is stored change: the stored variants are then stale

REDUCERS = {
    "max", "min", "sum", "mean", "var", "std", "norm", "argmax", "argmin", "amax", "amin",
    "prod", "cumsum", "logsumexp", "all", "any", "median",
}  # fmt: skip
MINMAX = {
    "max": "min", "min": "max", "argmax": "argmin", "argmin": "argmax", "amax": "amin",
    "amin": "amax", "maximum": "minimum", "minimum": "maximum", "nanmax": "nanmin",
    "nanmin": "nanmax",
}  # fmt: skip
ELEMENTWISE = {"exp", "log", "tanh", "log1p", "expm1", "abs"}
COPIES = {"list", "dict", "copy", "deepcopy"}  # `list(x)`, `np.copy(x)`, `x.copy()`
TEXT_STEPS = {"lower", "upper", "strip", "lstrip", "rstrip", "casefold"}
STRICT: dict[type, tuple[type, str, str]] = {
    ast.Lt: (ast.LtE, "<", "<="),
    ast.LtE: (ast.Lt, "<=", "<"),
    ast.Gt: (ast.GtE, ">", ">="),
    ast.GtE: (ast.Gt, ">=", ">"),
}
EPS_NAMES = {"eps", "epsilon", "EPS", "EPSILON"}


@dataclass(frozen=True)
class Variant:
    task: str  # the function changed
    family: str
    site: int  # which change of that family in that function (0, 1, ...)
    explanation: str  # the change in words, one sentence
    source: str  # the changed function, to append to the reference module

    @property
    def key(self) -> str:
        return f"{self.task}/{self.family}-{self.site}"


# -- reading nodes -----------------------------------------------------------------------------
def _name(func: ast.expr) -> str:
    """The called name: `np.max` -> max, `x.max` -> max, `softmax` -> softmax."""
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return ""


def _short(node: ast.AST, limit: int = 40) -> str:
    text = ast.unparse(node)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _int(node: ast.AST | None) -> int | None:
    """The value of an integer literal (-1 included), else None."""
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return node.value
    if (
        isinstance(node, ast.UnaryOp)
        and isinstance(node.op, ast.USub)
        and isinstance(node.operand, ast.Constant)
        and type(node.operand.value) is int
    ):
        return -node.operand.value
    return None


def _literal(value: int) -> ast.expr:
    if value < 0:
        return ast.UnaryOp(op=ast.USub(), operand=ast.Constant(-value))
    return ast.Constant(value)


def _is_eps(node: ast.AST) -> bool:
    if isinstance(node, ast.Name):
        return node.id in EPS_NAMES
    if isinstance(node, ast.Attribute):
        return node.attr in EPS_NAMES
    if isinstance(node, ast.Constant) and isinstance(node.value, float):
        return 0 < abs(node.value) < 1e-3
    return False


def _rename(call: ast.AST, other: str) -> str:
    """Call `other` instead: `np.max(x)` -> `np.min(x)`, `max(x)` -> `min(x)`."""
    assert isinstance(call, ast.Call)
    if isinstance(call.func, ast.Attribute):
        call.func.attr = other
    elif isinstance(call.func, ast.Name):
        call.func.id = other
    return other


def _quote(node: ast.AST, names: frozenset[str], limit: int = 24) -> str:
    """`node` as code in backticks when it is short and speaks the learner's language (every
    name in it is a parameter of the function, a name of the module such as `np`, or a word of
    the function's docstring); '' otherwise, so that a sentence never shows the reference's own
    local names."""
    text = ast.unparse(node)
    used = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
    if len(text) > limit or not used <= names:
        return ""
    return f"`{text}`"


def _known_names(func: ast.FunctionDef, module: ast.Module) -> frozenset[str]:
    """The names a sentence about `func` may show: its parameters, the module's top-level names
    (imports, constants, functions) and the identifiers of its docstring."""
    args = func.args
    names = {a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs]}
    names |= {a.arg for a in (args.vararg, args.kwarg) if a is not None}
    for stmt in module.body:
        if isinstance(stmt, (ast.Import, ast.ImportFrom)):
            names |= {(a.asname or a.name).split(".")[0] for a in stmt.names}
        elif isinstance(stmt, (ast.FunctionDef, ast.ClassDef)):
            names.add(stmt.name)
        elif isinstance(stmt, (ast.Assign, ast.AnnAssign)):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            names |= {t.id for t in targets if isinstance(t, ast.Name)}
    names |= set(re.findall(r"[A-Za-z_]\w*", ast.get_docstring(func) or ""))
    return frozenset(names)


def _keyword(call: ast.Call, name: str) -> ast.keyword | None:
    return next((k for k in call.keywords if k.arg == name), None)


# -- the changes -------------------------------------------------------------------------------
# A change is found at one node of a (copied) function: it returns the node that replaces it (or
# the node itself, changed in place) and the sentence that says what changed.
Change = tuple[ast.AST, str]


def _changes(
    node: ast.AST, local: set[str], names: frozenset[str]
) -> Iterator[tuple[str, Callable[[ast.AST], Change]]]:
    """(family, change) for every typical mistake that can be made at `node`. `local`: the
    functions the course's modules define (a call to one is a step of the computation)."""
    if isinstance(node, ast.BinOp):
        yield from _binop_changes(node, names, local)
    if isinstance(node, ast.Call):
        yield from _call_changes(node, local, names)
        if _name(node.func) in ACTIVATIONS and len(node.args) == 1 and not node.keywords:

            def relu(n: ast.AST) -> Change:
                assert isinstance(n, ast.Call)
                wanted = ACTIVATIONS[_name(n.func)]
                new = ast.Call(
                    func=ast.Attribute(value=ast.Name("np"), attr="maximum"),
                    args=[n.args[0], ast.Constant(0.0)],
                    keywords=[],
                )
                return new, f"ReLU (`np.maximum(x, 0)`) is used where {wanted} is wanted"

            yield "activation", relu
    if isinstance(node, ast.Compare) and len(node.ops) == 1 and type(node.ops[0]) in STRICT:

        def strict(n: ast.AST) -> Change:
            assert isinstance(n, ast.Compare)
            new, old_text, new_text = STRICT[type(n.ops[0])]
            n.ops = [new()]
            return n, (
                f"`{new_text}` is used where `{old_text}` is wanted, so equal values (the "
                "boundary case) go the wrong way"
            )

        yield "strict", strict
    if isinstance(node, ast.Subscript):
        yield from _subscript_changes(node, names)
    if isinstance(node, (ast.For, ast.While)) and not node.orelse:
        yield from _loop_changes(node)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and _int(node) is None:
        yield (
            "sign",
            lambda n: (
                n.operand,  # type: ignore[attr-defined]
                "a minus sign is left out, so the sign (or the order it sorts by) is flipped",
            ),
        )
    if isinstance(node, ast.Attribute) and node.attr == "T":
        yield "transpose", lambda n: (n.value, "a transpose (`.T`) is left out")  # type: ignore[attr-defined]


ACTIVATIONS = {"gelu": "GELU", "silu": "SiLU", "swish": "SiLU"}


def _loop_changes(node: ast.For | ast.While) -> Iterator[tuple[str, Callable[[ast.AST], Change]]]:
    """A loop that handles only its first item, or (a `for`) only its last."""
    if isinstance(node, ast.While):

        def once(n: ast.AST) -> Change:
            assert isinstance(n, ast.While)
            return ast.If(test=n.test, body=n.body, orelse=[]), (
                "the loop body runs only once (`if` for `while`), so only the first "
                "occurrence is handled"
            )

        yield "first_only", once
        return

    def only(which: str) -> Callable[[ast.AST], Change]:
        def change(n: ast.AST) -> Change:
            assert isinstance(n, ast.For)
            part = (
                ast.Slice(upper=ast.Constant(1))
                if which == "first"
                else ast.Slice(lower=_literal(-1))
            )
            n.iter = ast.Subscript(
                value=ast.Call(func=ast.Name("list"), args=[n.iter], keywords=[]), slice=part
            )
            return n, f"the loop handles only the {which} item, not every one ({which}-only)"

        return change

    yield "first_only", only("first")
    yield "last_only", only("last")


def _binop_changes(
    node: ast.BinOp, names: frozenset[str], local: set[str]
) -> Iterator[tuple[str, Callable[[ast.AST], Change]]]:
    if (
        isinstance(node.op, ast.Add)
        and isinstance(node.right, ast.Name)
        and node.right.id in names
        and isinstance(node.left, ast.BinOp)
        and isinstance(node.left.op, ast.Mult)
        and isinstance(node.left.right, ast.Name)
        and node.left.right.id in names
    ):
        gain, shift = node.left.right.id, node.right.id

        def affine(n: ast.AST) -> Change:
            assert isinstance(n, ast.BinOp) and isinstance(n.left, ast.BinOp)
            return n.left.left, (
                f"the learned scale `{gain}` and shift `{shift}` are both left out (the "
                "normalised values are returned as they are)"
            )

        yield "affine", affine
    if isinstance(node.op, ast.Add) and (_is_eps(node.left) or _is_eps(node.right)):

        def eps(n: ast.AST) -> Change:
            assert isinstance(n, ast.BinOp)
            keep = n.left if _is_eps(n.right) else n.right
            return keep, (
                "the small epsilon (`eps`) that keeps the value away from zero is left out "
                "(missing eps)"
            )

        yield "eps", eps
    if isinstance(node.op, ast.Div) and (
        (isinstance(node.right, ast.Call) and _name(node.right.func) == "sqrt")
        or (isinstance(node.right, ast.Name) and "scale" in node.right.id.lower())
    ):

        def scale(n: ast.AST) -> Change:
            assert isinstance(n, ast.BinOp)
            q = _quote(n.right, names)
            what = f"the division by {q}" if q else "a division (the scaling)"
            return n.left, f"{what} is left out, so the values are not scaled"

        yield "scale", scale
    if isinstance(node.op, ast.Mult) and any(
        isinstance(s, ast.Name) and "scale" in s.id.lower() for s in (node.left, node.right)
    ):

        def scale_mult(n: ast.AST) -> Change:
            assert isinstance(n, ast.BinOp)
            left_is = isinstance(n.left, ast.Name) and "scale" in n.left.id.lower()
            keep, factor = (n.right, n.left) if left_is else (n.left, n.right)
            what = _quote(factor, names)
            said = f"the factor {what} is" if what else "a scaling factor is"
            return keep, f"{said} left out, so the values are not scaled"

        yield "scale", scale_mult
    if isinstance(node.op, ast.Mult):
        for side in ("left", "right"):
            factor = getattr(node, side)
            if isinstance(factor, (ast.Name, ast.Attribute, ast.Subscript)) and not (
                isinstance(factor, ast.Name) and "scale" in factor.id.lower()
            ):

                def drop(n: ast.AST, side: str = side) -> Change:
                    assert isinstance(n, ast.BinOp)
                    gone = getattr(n, side)
                    keep = n.right if side == "left" else n.left
                    what = _quote(gone, names)
                    said = f"the factor {what} is" if what else "a factor is"
                    return keep, f"{said} left out of a product"

                yield "factor", drop
    if isinstance(node.op, ast.Pow) and _int(node.right) is not None:
        yield (
            "power",
            lambda n: (
                n.left,  # type: ignore[attr-defined]
                f"the power (`** {_int(node.right)}`) is left out",
            ),
        )
    if (
        isinstance(node.op, ast.Add)
        and isinstance(node.left, ast.Name)
        and _computes(node.right, local)
    ):

        def residual(n: ast.AST) -> Change:
            assert isinstance(n, ast.BinOp)
            q = _quote(n.left, names)
            return n.right, (
                f"the residual connection is left out: {q or 'the input'} is not added back to "
                "what is computed from it"
            )

        yield "residual", residual
    if (isinstance(node.op, ast.MatMult) and _weight(node.right)) or (
        isinstance(node.op, ast.Add)
        and isinstance(node.left, ast.BinOp)
        and isinstance(node.left.op, ast.MatMult)
        and _weight(node.left.right)
    ):

        def projection(n: ast.AST) -> Change:
            assert isinstance(n, ast.BinOp)
            product = n if isinstance(n.op, ast.MatMult) else n.left
            assert isinstance(product, ast.BinOp)
            q = _quote(product.right, names)
            if n is product:
                what = f"the product with {q}" if q else "a matrix product"
                return product.left, f"{what} is left out (a projection skipped)"
            what = f"the projection by {q}" if q else "a projection"
            return product.left, f"{what} (the matrix product and its bias) is left out"

        yield "projection", projection
    if isinstance(node.op, ast.MatMult) and _weight(node.right):

        def transposed(n: ast.AST) -> Change:
            assert isinstance(n, ast.BinOp)
            w = n.right
            q = _quote(w.value if isinstance(w, ast.Attribute) else w, names)
            if isinstance(w, ast.Attribute) and w.attr == "T":
                n.right = w.value
                return n, f"the weight {q or ''} is used as stored, not transposed".replace(
                    "  ", " "
                )
            n.right = ast.Attribute(value=w, attr="T")
            return n, f"the weight {q or ''} is used transposed (`W.T` for `W`)".replace("  ", " ")

        yield "transposed", transposed
    if (
        isinstance(node.op, ast.Add)
        and isinstance(node.left, ast.BinOp)
        and isinstance(node.left.op, ast.MatMult)
        and _weight(node.left.right)
        and isinstance(node.right, (ast.Subscript, ast.Name))
    ):

        def bias(n: ast.AST) -> Change:
            assert isinstance(n, ast.BinOp)
            q = _quote(n.right, names)
            return n.left, f"the bias {q or ''} is left out of a projection".replace("  ", " ")

        yield "bias", bias
    if isinstance(node.op, (ast.Add, ast.Sub)) and _int(node.right) == 1:

        def plus_one(n: ast.AST) -> Change:
            assert isinstance(n, ast.BinOp)
            sign = "+" if isinstance(n.op, ast.Add) else "-"
            q = _quote(n, names)
            return n.left, (
                f"the `{sign} 1`{f' in {q}' if q else ''} is left out: off by one, one "
                f"{'too few' if sign == '+' else 'too many'}"
            )

        yield "off_by_one", plus_one
    if isinstance(node.op, ast.Sub) and not _is_eps(node.right) and _int(node.right) is None:

        def swap(n: ast.AST) -> Change:
            assert isinstance(n, ast.BinOp)
            a, b = _quote(n.left, names), _quote(n.right, names)
            n.left, n.right = n.right, n.left
            if not (a and b):
                return n, "a subtraction runs the wrong way round, so the sign is flipped"
            return n, (
                f"a subtraction runs the wrong way round ({b[:-1]} - {a[1:]} for "
                f"{a[:-1]} - {b[1:]})"
            )

        yield "swap", swap
    for side in ("left", "right"):
        if _unbracketed(node, side) is not None:

            def precedence(n: ast.AST, side: str = side) -> Change:
                assert isinstance(n, ast.BinOp)
                new = _unbracketed(n, side)
                assert new is not None
                before, after = _quote(n, names, 32), _quote(new, names, 32)
                example = f" (`{after[1:-1]}` for `{before[1:-1]}`)" if before and after else ""
                return new, (
                    "the parentheses around part of a calculation are left out, so operator "
                    f"precedence groups it another way{example}"
                )

            yield "precedence", precedence


def _unbracketed(node: ast.BinOp, side: str) -> ast.expr | None:
    """`node` written without the parentheses that its `side` operand needs (`a / b * c` for
    `a / (b * c)`, `a + b / 2` for `(a + b) / 2`), as Python reads that text; None when that
    operand needs none. The rest of the expression keeps its grouping: the change is to this
    one operation."""
    whole, part = ast.unparse(node), ast.unparse(getattr(node, side))
    bracketed = f"({part})"
    if side == "right" and whole.endswith(bracketed):
        text = whole[: -len(bracketed)] + part
    elif side == "left" and whole.startswith(bracketed):
        text = part + whole[len(bracketed) :]
    else:
        return None
    try:
        new = ast.parse(text, mode="eval").body
    except SyntaxError:
        return None
    return None if ast.dump(new) == ast.dump(node) else new


def _computes(node: ast.AST, local: set[str]) -> bool:
    """Whether `node` computes a layer's output: it calls a function of the course, or it
    multiplies by a matrix."""
    return any(
        (isinstance(n, ast.Call) and _name(n.func) in local)
        or (isinstance(n, ast.BinOp) and isinstance(n.op, ast.MatMult))
        for n in ast.walk(node)
    )


def _weight(node: ast.AST) -> bool:
    """Whether `node` reads as a weight matrix: `block['w_o']`, `params['wte'].T`, `w_gate`."""
    if isinstance(node, ast.Attribute) and node.attr == "T":
        node = node.value
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
        key = node.slice.value
        return isinstance(key, str) and (key.startswith("w") or key.startswith("W"))
    if isinstance(node, ast.Name):
        return node.id.startswith(("w_", "W")) or node.id in ("w", "W")
    return False


SAMPLERS = ("sample", "sample_from_probs")  # the course's samplers: a token id from scores


def _call_changes(
    node: ast.Call, local: set[str], names: frozenset[str]
) -> Iterator[tuple[str, Callable[[ast.AST], Change]]]:
    name = _name(node.func)
    axis = _keyword(node, "axis")
    if name in REDUCERS and axis is not None:

        def whole(n: ast.AST) -> Change:
            assert isinstance(n, ast.Call)
            n.keywords = [k for k in n.keywords if k.arg not in ("axis", "keepdims")]
            return n, (
                f"`{name}` runs over the whole array instead of along the axis "
                f"(axis={_short(axis.value)}), so every row gets one shared value instead of "
                "its own (per row)"
            )

        yield "axis", whole
        old = _int(axis.value)
        if old is not None:
            new = 0 if old in (-1, 1) else -1

            def other_axis(n: ast.AST) -> Change:
                assert isinstance(n, ast.Call)
                k = _keyword(n, "axis")
                assert k is not None
                k.value = _literal(new)
                return n, (f"`{name}` runs along the wrong axis: axis={new} instead of axis={old}")

            yield "axis", other_axis
        keepdims = _keyword(node, "keepdims")
        if keepdims is not None:

            def no_keepdims(n: ast.AST) -> Change:
                assert isinstance(n, ast.Call)
                n.keywords = [k for k in n.keywords if k.arg != "keepdims"]
                return n, (
                    f"`{name}` drops the reduced axis (keepdims=True left out), so its result "
                    "broadcasts against the wrong axis"
                )

            yield "keepdims", no_keepdims
    if name in MINMAX:

        def minmax(n: ast.AST) -> Change:
            assert isinstance(n, ast.Call)
            other = _rename(n, MINMAX[name])
            return n, f"`{other}` is used where `{name}` is wanted"

        yield "minmax", minmax
    if name in ("log", "log2") and len(node.args) == 1:

        def base(n: ast.AST) -> Change:
            other = _rename(n, "log2" if name == "log" else "log")
            said = {"log": "the natural log", "log2": "the log in base 2"}
            return n, f"{said[other]} is used where {said[name]} is wanted (the wrong base)"

        yield "log_base", base
    if (
        name == "join"
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Constant)
        and isinstance(node.func.value.value, str)
    ):
        sep = node.func.value.value

        def joined(n: ast.AST) -> Change:
            assert isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
            other = " " if sep == "" else ""
            n.func.value = ast.Constant(other)
            return n, f"the pieces are joined with {other!r} where {sep!r} is wanted"

        yield "join", joined
    if name == "exp" and len(node.args) == 1 and not node.keywords:

        def base_two(n: ast.AST) -> Change:
            assert isinstance(n, ast.Call)
            power = ast.BinOp(left=ast.Constant(2.0), op=ast.Pow(), right=n.args[0])
            return power, (
                "`2 **` is used where `np.exp` is wanted (the wrong base: natural logs and "
                "exponentials go with e, bits with 2)"
            )

        yield "exp_base", base_two
    if name == "normal" and len(node.args) >= 2 and _int(node.args[1]) is None:

        def variance(n: ast.AST) -> Change:
            assert isinstance(n, ast.Call)
            std = n.args[1]
            text = ast.unparse(std)
            n.args[1] = ast.BinOp(left=std, op=ast.Pow(), right=ast.Constant(2))
            return n, (
                f"the variance (`{text} ** 2`) is passed where `normal` takes the standard "
                f"deviation (`{text}`): its scale is the standard deviation, not squared"
            )

        yield "variance", variance
    if name == "sqrt" and len(node.args) == 1:
        q = _quote(node.args[0], names)
        said = f": {q} where `sqrt({q[1:-1]})` is wanted" if q else ""
        yield "sqrt", lambda n: (n.args[0], f"the square root is left out{said}")  # type: ignore[attr-defined]
        inner = node.args[0]
        if isinstance(inner, ast.BinOp) and isinstance(inner.op, ast.Add):
            for eps_side in ("right", "left"):
                other_side = "left" if eps_side == "right" else "right"
                if not _is_eps(getattr(inner, eps_side)):
                    continue

                def eps_outside(n: ast.AST, e: str = eps_side, o: str = other_side) -> Change:
                    assert isinstance(n, ast.Call) and isinstance(n.args[0], ast.BinOp)
                    add = n.args[0]
                    eps, rest = getattr(add, e), getattr(add, o)
                    was = ast.unparse(n)
                    n.args = [rest]
                    new = ast.BinOp(left=n, op=ast.Add(), right=eps)
                    return new, (
                        f"eps is added after the square root (`{ast.unparse(new)}`), where it "
                        f"goes inside (`{was}`)"
                    )

                yield "eps_outside", eps_outside
    if name in ("mean", "sum") and isinstance(node.func, ast.Attribute):

        def mean_sum(n: ast.AST) -> Change:
            other = _rename(n, "sum" if name == "mean" else "mean")
            return n, (
                f"a {other} is taken where the {name} is wanted"
                + (" (not divided by the count)" if other == "sum" else "")
            )

        yield "mean_sum", mean_sum
    if name in ("tril", "triu"):

        def triangle(n: ast.AST) -> Change:
            other = _rename(n, "triu" if name == "tril" else "tril")
            return n, (
                f"`{other}` is used where `{name}` is wanted: the mask keeps the other "
                "triangle, so positions see later positions instead of earlier ones"
            )

        yield "triangle", triangle
        if name == "tril":

            def diagonal(n: ast.AST) -> Change:
                assert isinstance(n, ast.Call)
                k = _keyword(n, "k")
                if k is None:
                    n.keywords.append(ast.keyword(arg="k", value=ast.Constant(-1)))
                else:
                    k.value = ast.BinOp(left=k.value, op=ast.Sub(), right=ast.Constant(1))
                return n, (
                    "the diagonal is left out of the mask (its `k` one too small): a position "
                    "does not see itself"
                )

            yield "diagonal", diagonal
    if name == "where" and len(node.args) == 3:

        def where(n: ast.AST) -> Change:
            assert isinstance(n, ast.Call)
            n.args = [n.args[0], n.args[2], n.args[1]]
            return n, ("`np.where` keeps and replaces the wrong way round: the mask is inverted")

        yield "where", where
    if name in ("swapaxes", "transpose") and node.args:
        yield "transpose", lambda n: (n.args[0], f"a transpose (`{name}`) is left out")  # type: ignore[attr-defined]
    if name == "clip" and len(node.args) == 3:
        yield (
            "clip",
            lambda n: (
                n.args[0],  # type: ignore[attr-defined]
                f"the result is not clipped into [{_short(node.args[1])}, {_short(node.args[2])}]",
            ),
        )
    if name in ("reversed",) and len(node.args) == 1:
        yield "order", lambda n: (n.args[0], "the items are taken in reversed order")  # type: ignore[attr-defined]
    rev = _keyword(node, "reverse")
    if rev is not None:

        def order(n: ast.AST) -> Change:
            assert isinstance(n, ast.Call)
            k = _keyword(n, "reverse")
            assert k is not None
            k.value = ast.UnaryOp(op=ast.Not(), operand=k.value)
            return n, "the sort runs in the opposite order (reverse= flipped)"

        yield "order", order
    if name == "range" and len(node.args) in (1, 2):

        def range_end(delta: int) -> Callable[[ast.AST], Change]:
            def change(n: ast.AST) -> Change:
                assert isinstance(n, ast.Call)
                end = n.args[-1]
                op: ast.operator = ast.Add() if delta > 0 else ast.Sub()
                n.args[-1] = ast.BinOp(left=end, op=op, right=ast.Constant(1))
                return n, (
                    f"the loop runs one step too {'many' if delta > 0 else 'few'}: off by one "
                    f"at the end of `range`"
                )

            return change

        yield "off_by_one", range_end(1)
        yield "off_by_one", range_end(-1)
    if node.args and (name in ELEMENTWISE or (name in local and isinstance(node.func, ast.Name))):

        def skip(n: ast.AST) -> Change:
            assert isinstance(n, ast.Call)
            q = _quote(n.args[0], names)
            on = f" on {q}" if q else ""
            return n.args[0], (
                f"the `{name}` step{on} is left out: its input is used as it is (a missing "
                f"{name} step)"
            )

        yield "skip_step", skip
    if node.args and name in local and isinstance(node.func, ast.Name) and name[:1] != "_":

        def twice(n: ast.AST) -> Change:
            assert isinstance(n, ast.Call)
            inner = copy.deepcopy(n)
            n.args = [inner, *n.args[1:]]
            return n, (
                f"the `{name}` step is applied twice: the second time to its own output "
                f"(`{name}` once is what the task wants)"
            )

        yield "twice", twice
    if (name in COPIES and len(node.args) == 1 and isinstance(node.args[0], ast.Name)) or (
        name == "copy" and isinstance(node.func, ast.Attribute) and not node.args
    ):

        def in_place(n: ast.AST) -> Change:
            assert isinstance(n, ast.Call)
            inner = n.func.value if isinstance(n.func, ast.Attribute) and not n.args else n.args[0]
            return inner, (
                f"the copy (`{name}`) is left out, so the caller's own object is changed in "
                "place (in-place mutation)"
            )

        yield "in_place", in_place
    if name in SAMPLERS and name in local and isinstance(node.func, ast.Name) and node.args:

        def greedy(n: ast.AST) -> Change:
            assert isinstance(n, ast.Call)
            pick = ast.Call(
                func=ast.Attribute(value=ast.Name("np", ast.Load()), attr="argmax", ctx=ast.Load()),
                args=[n.args[0]],
                keywords=[],
            )
            return ast.Call(func=ast.Name("int", ast.Load()), args=[pick], keywords=[]), (
                f"`{name}` is never called: the most likely token is always taken (argmax), "
                "whatever the temperature and the random draws (always greedy)"
            )

        yield "greedy", greedy
    if (
        name == "zip"
        and len(node.args) == 2
        and isinstance(node.args[1], ast.Subscript)
        and isinstance(node.args[1].slice, ast.Slice)
        and _int(node.args[1].slice.lower) == 1
        and node.args[1].slice.upper is None
        and ast.dump(node.args[1].value) == ast.dump(node.args[0])
    ):

        def apart(n: ast.AST) -> Change:
            assert isinstance(n, ast.Call)
            seq = n.args[0]
            n.args = [
                ast.Subscript(value=seq, slice=ast.Slice(step=ast.Constant(2))),
                ast.Subscript(
                    value=copy.deepcopy(seq),
                    slice=ast.Slice(lower=ast.Constant(1), step=ast.Constant(2)),
                ),
            ]
            return n, (
                "the adjacent pairs are taken two steps apart, without overlap (items 0 and 1, "
                "then 2 and 3), so every other pair is missed: each item but the ends is in two "
                "pairs"
            )

        yield "overlap", apart
    if name == "sorted" and len(node.args) == 1:
        yield "order", lambda n: (n.args[0], "the items are not sorted (`sorted` left out)")  # type: ignore[attr-defined]
    if name in TEXT_STEPS and isinstance(node.func, ast.Attribute) and not node.args:
        yield (
            "skip_step",
            lambda n: (
                n.func.value,  # type: ignore[attr-defined]
                f"the `.{name}()` step is left out (a missing {name} step)",
            ),
        )
    if name == "range" and len(node.args) == 1:

        def range_start(n: ast.AST) -> Change:
            assert isinstance(n, ast.Call)
            n.args = [ast.Constant(1), n.args[0]]
            return n, "the loop starts at 1 instead of 0, so it skips the first item (off by one)"

        yield "off_by_one", range_start


def _subscript_changes(
    node: ast.Subscript, names: frozenset[str]
) -> Iterator[tuple[str, Callable[[ast.AST], Change]]]:
    index = _int(node.slice)
    if index in (0, -1):

        def first_last(n: ast.AST) -> Change:
            assert isinstance(n, ast.Subscript)
            n.slice = _literal(-1 if index == 0 else 0)
            which, other = ("last", "first") if index == 0 else ("first", "last")
            if isinstance(n.value, ast.Attribute) and n.value.attr == "shape":
                return n, (
                    f"the size of the {which} axis is used where the {other} axis's size is "
                    "wanted (the wrong dimension)"
                )
            return n, f"the {which} item is taken where the {other} one is wanted"

        yield "first_last", first_last
    sl = node.slice
    if (
        isinstance(sl, ast.Tuple)
        and len(sl.elts) == 2
        and isinstance(sl.elts[0], ast.Call)
        and _name(sl.elts[0].func) == "arange"
    ):

        def unpaired(n: ast.AST) -> Change:
            assert isinstance(n, ast.Subscript) and isinstance(n.slice, ast.Tuple)
            rows = ast.unparse(n.slice.elts[0])
            picked = ast.unparse(n.slice.elts[1])
            n.slice.elts[0] = ast.Slice()
            return n, (
                f"every row is paired with every one of `{picked}` (`[:, {picked}]`), where row "
                f"t goes with {picked}[t] alone (`[{rows}, {picked}]`)"
            )

        yield "pairing", unpaired
    if isinstance(sl, ast.Slice):
        if sl.step is not None and _int(sl.step) == -1 and sl.lower is None and sl.upper is None:

            def unreversed(n: ast.AST) -> Change:
                assert isinstance(n, ast.Subscript)
                what = _quote(n.value, names)  # what is not reversed, when it reads as the task's
                if what:
                    return n.value, f"{what} is not reversed (`{ast.unparse(n)}` left out)"
                return n.value, "the order is not reversed (`[::-1]` left out)"

            yield "order", unreversed
        for bound in ("lower", "upper"):
            if getattr(sl, bound) is None or sl.step is not None:
                continue
            for delta in (1, -1):

                def shift(n: ast.AST, bound: str = bound, delta: int = delta) -> Change:
                    assert isinstance(n, ast.Subscript) and isinstance(n.slice, ast.Slice)
                    old = getattr(n.slice, bound)
                    value = _int(old)
                    new: ast.expr
                    if value is not None:
                        new = _literal(value + delta)
                    else:
                        op: ast.operator = ast.Add() if delta > 0 else ast.Sub()
                        new = ast.BinOp(left=old, op=op, right=ast.Constant(1))
                    setattr(n.slice, bound, new)
                    where = "starts" if bound == "lower" else "ends"
                    return n, (
                        f"a slice {where} one position too {'late' if delta > 0 else 'early'} "
                        f"(off by one)"
                    )

                yield "off_by_one", shift


# -- generating ----------------------------------------------------------------------------------
class _Swap(ast.NodeTransformer):
    def __init__(self, target: ast.AST, new: ast.AST) -> None:
        self.target, self.new = target, new

    def visit(self, node: ast.AST) -> ast.AST:
        if node is self.target:
            return self.new
        changed: ast.AST = super().visit(node)
        return changed


def defined_functions(sources: list[str]) -> set[str]:
    """The names of the functions that these modules define at top level."""
    names: set[str] = set()
    for source in sources:
        for node in ast.parse(source).body:
            if isinstance(node, ast.FunctionDef):
                names.add(node.name)
    return names


def _axis_calls(func: ast.FunctionDef) -> list[ast.Call]:
    """The reductions of `func` along an explicit last axis (axis=-1)."""
    calls = []
    for node in ast.walk(func):
        if isinstance(node, ast.Call) and _name(node.func) in REDUCERS:
            axis = _keyword(node, "axis")
            if axis is not None and _int(axis.value) == -1:
                calls.append(node)
    return calls


def _every_axis(func: ast.FunctionDef) -> tuple[ast.FunctionDef, str] | None:
    """Every reduction along axis 0 instead of the last axis, together: the learner who reads
    the rows' statistics off the wrong axis does so at every step (at least two steps; one is
    the `axis` family's)."""
    mutated = copy.deepcopy(func)
    calls = _axis_calls(mutated)
    if len(calls) < 2:
        return None
    for node in calls:
        k = _keyword(node, "axis")
        assert k is not None
        k.value = _literal(0)
    names = sorted({_name(c.func) for c in calls})
    said = " and ".join(f"`{n}`" for n in names)
    return mutated, f"every {said} runs along axis=0 instead of the last axis (axis=-1)"


def generate(source: str, tasks: list[str], local: set[str] | None = None) -> list[Variant]:
    """Every one-change variant of the functions `tasks` of the module `source`, each with its
    family and its sentence. Variants whose changed source equals another's are left out."""
    tree = ast.parse(source)
    local = local if local is not None else defined_functions([source])
    out: list[Variant] = []
    seen: set[str] = set()
    for func in tree.body:
        if not isinstance(func, ast.FunctionDef) or func.name not in tasks:
            continue
        original = ast.unparse(func)
        body_nodes = [n for stmt in func.body for n in ast.walk(stmt)]
        if func.body and isinstance(func.body[0], ast.Expr):  # the docstring stays
            doc = set(map(id, ast.walk(func.body[0])))
            body_nodes = [n for n in body_nodes if id(n) not in doc]
        positions = {id(n): i for i, n in enumerate(ast.walk(func))}
        names = _known_names(func, tree)
        sites: dict[str, int] = {}
        for node in body_nodes:
            for family, change in _changes(node, local - {func.name}, names):
                mutated: ast.AST = copy.deepcopy(func)
                target = list(ast.walk(mutated))[positions[id(node)]]
                new, sentence = change(target)
                if new is not target:
                    mutated = _Swap(target, new).visit(mutated)
                ast.fix_missing_locations(mutated)
                try:
                    text = ast.unparse(mutated)
                    compile(text, "<variant>", "exec")
                except (SyntaxError, ValueError, TypeError):
                    continue
                if text == original or text in seen:
                    continue
                seen.add(text)
                site = sites.get(family, 0)
                sites[family] = site + 1
                out.append(
                    Variant(
                        task=func.name,
                        family=family,
                        site=site,
                        explanation=f"In `{func.name}`, {sentence}.",
                        source=text + "\n",
                    )
                )
        whole = _every_axis(func)
        if whole is not None:
            text = ast.unparse(ast.fix_missing_locations(whole[0]))
            if text != original and text not in seen:
                seen.add(text)
                out.append(
                    Variant(
                        task=func.name,
                        family="every_axis",
                        site=0,
                        explanation=f"In `{func.name}`, {whole[1]}.",
                        source=text + "\n",
                    )
                )
    return out


def fingerprint(*texts: str) -> str:
    """What the stored variants of a lesson were made from (its reference solution and visible
    tests, and the families' version): text, never floats."""
    digest = hashlib.sha256(f"variants {VERSION}\n".encode())
    for text in texts:
        digest.update(text.encode("utf-8") + b"\0")
    return digest.hexdigest()[:16]
