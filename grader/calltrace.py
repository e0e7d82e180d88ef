"""Which call inside a whole-model function goes wrong, when each part alone is right.

`grader.testing.localise` runs the learner's own parts (rms_norm, a block, ...) one by one on
the reference's inputs. When every part gives the reference's output, the fault is in how the
whole function joins them: an argument passed wrong (the attention's gain where the MLP's
belongs, a default where the config's value is wanted), or code between two calls.

`calls_probe` finds which. It runs the learner's whole function once more, on the reference's
input, with the module's parts wrapped so that each call's arguments are recorded (the parts
still run as the learner wrote them). The k-th call of each part is compared with the k-th call
that the reference makes, argument by argument, bound to the learner's own signature:

- an argument that is a known value other than the expected one is a cause, on the evidence of
  the learner's own call: "llama_block passes blocks[0]['attn_norm'] as rms_norm's `weight` in
  its 2nd call, where blocks[0]['mlp_norm'] is wanted";
- otherwise the first call whose argument differs says where the fault starts: between the last
  call that matched and this one.

It runs only where the learner's module is a real module (the learner's own pytest); in a graded
run the code is in another process, and the probe says nothing."""

from __future__ import annotations

import inspect
import types
from collections.abc import Callable, Sequence
from typing import Any

from .values import short

Expected = tuple[str, tuple[Any, ...]]  # (the part's name, the reference's arguments)
_ORDINAL = {1: "1st", 2: "2nd", 3: "3rd"}


def _same(a: Any, b: Any, atol: float, rtol: float) -> bool:
    import numpy as np

    if a is b:
        return True
    if isinstance(a, dict) and isinstance(b, dict):  # a config or a block's weights, copied
        return a.keys() == b.keys() and all(_same(a[k], b[k], atol, rtol) for k in a)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y, atol, rtol) for x, y in zip(a, b))
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        try:
            x, y = np.asarray(a), np.asarray(b)
            if x.shape != y.shape:
                return False
            if x.dtype.kind in "fc" or y.dtype.kind in "fc":
                return bool(np.allclose(x, y, atol=atol, rtol=rtol))
            return bool(np.array_equal(x, y))
        except (TypeError, ValueError):
            return False
    if isinstance(a, float) or isinstance(b, float):
        try:
            return bool(np.isclose(float(a), float(b), atol=atol, rtol=rtol))
        except (TypeError, ValueError):
            return False
    try:
        return bool(a == b)
    except Exception:  # noqa: BLE001 - a value that cannot be compared is not the same
        return False


def _label(value: Any, names: dict[str, Any], atol: float, rtol: float) -> str:
    """The name of a known value that `value` is (the same object first, then a close one)."""
    for label, known in names.items():
        if value is known:
            return label
    for label, known in names.items():
        if _same(value, known, atol, rtol):
            return label
    return ""


def _bound(fn: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any] | None:
    try:
        bound = inspect.signature(fn).bind(*args, **kwargs)
    except (TypeError, ValueError):
        return None
    bound.apply_defaults()
    return dict(bound.arguments)


def calls_probe(
    module: Any,
    whole: str,
    run: Callable[[], Any],
    expected: Sequence[Expected],
    names: dict[str, Any],
    atol: float,
    rtol: float,
) -> Callable[[], str]:
    """A probe for `localise`: `run()` calls the learner's function `whole` of `module` on the
    reference's input; `expected` lists the calls of the module's parts that the reference
    makes there, in order; `names` maps labels to the known values an argument may be (the
    parameters, the config's entries). The probe returns a cause ("the 2nd call of rms_norm
    gets blocks[0]['attn_norm'] ...", which localise shows as a diagnosis), or a
    "Where it first differs: ..." sentence, or ''."""

    def probe() -> str:
        if not isinstance(module, types.ModuleType):
            return ""  # a graded run: the learner's code is in the worker
        parts = sorted({name for name, _ in expected})
        originals: dict[str, Callable[..., Any]] = {}
        for name in parts:
            fn = getattr(module, name, None)
            if not callable(fn):
                return ""
            originals[name] = fn
        made: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = []
        depth = [0]

        def spy(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
            def recorded(*args: Any, **kwargs: Any) -> Any:
                if depth[0] == 0:  # a call that `whole` makes, not one of a part's own calls
                    made.append((name, args, kwargs))
                depth[0] += 1
                try:
                    return fn(*args, **kwargs)
                finally:
                    depth[0] -= 1

            return recorded

        try:
            for name, fn in originals.items():
                setattr(module, name, spy(name, fn))
            try:
                run()
            except Exception:  # noqa: BLE001 - the calls made before the exception still tell
                pass
        finally:
            for name, fn in originals.items():
                setattr(module, name, fn)
        return _compare(whole, originals, made, expected, names, atol, rtol)

    return probe


def _compare(
    whole: str,
    fns: dict[str, Any],
    made: list[tuple[str, tuple[Any, ...], dict[str, Any]]],
    expected: Sequence[Expected],
    names: dict[str, Any],
    atol: float,
    rtol: float,
) -> str:
    by_name: dict[str, list[tuple[tuple[Any, ...], dict[str, Any]]]] = {}
    for name, args, kwargs in made:
        by_name.setdefault(name, []).append((args, kwargs))
    seen: dict[str, int] = {}
    matched: list[str] = []
    for name, want_args in expected:
        k = seen[name] = seen.get(name, 0) + 1
        calls = by_name.get(name, [])
        if len(calls) < k:
            return ""  # the learner computes this part another way: no claim
        got = _bound(fns[name], *calls[k - 1])
        want = _bound(fns[name], want_args, {})
        if got is None or want is None or got.keys() != want.keys():
            return ""
        which = f"{name} ({_ORDINAL.get(k, f'{k}th')} call)" if _count(expected, name) > 1 else name
        for param, value in got.items():
            if _same(value, want[param], atol, rtol):
                continue
            mine, theirs = _label(value, names, atol, rtol), _label(want[param], names, atol, rtol)
            if mine and theirs and mine != theirs:
                return f"`{whole}` passes {mine} as `{param}` to {which}, where {theirs} is wanted"
            if theirs and not mine and _scalar(value):
                return (
                    f"`{whole}` passes {param}={short(value, 40)} to {which}, where {theirs} "
                    f"({short(want[param], 40)}) is wanted"
                )
            span = (
                f"between {matched[-1]} (whose arguments match the reference's) and that call"
                if matched
                else "before that call"
            )
            return (
                f"Where it first differs: inside `{whole}`, on the reference's input, the "
                f"`{param}` that {which} gets differs from the reference's{_how(value, want[param], atol, rtol)}"
                f": the fault is in the code {span}."
            )
        matched.append(which)
    return ""


def _count(expected: Sequence[Expected], name: str) -> int:
    return sum(1 for n, _ in expected if n == name)


def _scalar(value: Any) -> bool:
    import numpy as np

    return isinstance(value, (int, float, np.number)) and not isinstance(value, bool)


def _how(got: Any, wanted: Any, atol: float, rtol: float) -> str:
    """How an intermediate differs from the reference's, by the diagnosis's detectors (with
    its cause only where they have the evidence for one), read to the check's own tolerance
    (the reference's intermediates are recorded to fewer digits than they are computed), as a
    parenthesis; '' when none reads it."""
    from .diagnosis import arrays, finding

    try:
        with arrays.tolerance(atol, rtol):
            found = finding(got, wanted, True)
    except Exception:  # noqa: BLE001 - the place stands without it
        return ""
    if not found:
        return ""
    text = found.text().replace("the expected value", "the reference's")
    return f" ({text.replace('the expected one', 'the reference' + chr(39) + 's')})"
