"""Helpers for the course's tests: failure messages that say what was called, what came back,
what was expected, and (when the wrong answer matches a known mistake) the likely mistake.

    got = bpe.merge([1, 2, 1, 2], (1, 2), 256)
    assert got == [256, 256], explain("merge", ([1, 2, 1, 2], (1, 2), 256), got, [256, 256])
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from . import current
from .values import short

if TYPE_CHECKING:
    from collections.abc import Callable

    import numpy as np

# numpy is imported only by the checks that compare arrays, so lessons that never touch numpy
# (1.1-1.5) start faster.


class NotStarted(NotImplementedError):
    """Raised by a check when the learner has not started an entry (a quiz with no answers)."""


class Shown:
    """An input that a message shows by a label (`'<seeded block>'`) rather than by its value:
    `call("feed_forward", x, shown(block, "<seeded block>"))`. The call's text reads as if the
    label had been passed; the value is what the diagnosis's probes run the learner's function
    on again (grader.diagnosis.probes)."""

    __slots__ = ("value", "label")

    def __init__(self, value: Any, label: str) -> None:
        self.value, self.label = value, label

    def __repr__(self) -> str:
        return repr(self.label)


def shown(value: Any, label: str) -> Shown:
    """`value`, shown in a call's text as `label` (see Shown)."""
    return Shown(value, label)


def _text(value: Any) -> str:
    return short(value.label if isinstance(value, Shown) else value, 60)


def _real(value: Any) -> Any:
    return value.value if isinstance(value, Shown) else value


def call(name: str, *args: Any, **kwargs: Any) -> str:
    """How a call reads in a message: `merge([1, 2, 1, 2], (1, 2), 256)`."""
    parts = [_text(a) for a in args] + [f"{k}={_text(v)}" for k, v in kwargs.items()]
    text = f"{name}({', '.join(parts)})"
    # the real inputs, for the diagnosis's probes and records
    labels: dict[tuple[str, Any], str] = {
        ("a", i): a.label for i, a in enumerate(args) if isinstance(a, Shown)
    }
    labels.update({("k", k): v.label for k, v in kwargs.items() if isinstance(v, Shown)})
    current.remember(
        text, name, tuple(_real(a) for a in args), {k: _real(v) for k, v in kwargs.items()}, labels
    )
    return text


def explain(
    call_text: str,
    got: Any,
    expected: Any | None = None,
    hint: str = "",
    expected_text: str = "",
    detail: str = "",
) -> str:
    """The standard failure message: the call, what came back, what was expected (and `detail`,
    such as close()'s reason), the likely mistake when the answer matches one, and the hint."""
    want = expected_text or (short(expected) if expected is not None else "")
    got_text = short(got)
    if got_text == want and expected is not None and type(got) is not type(expected):
        got_text += f" ({type_name(got)}, not {type_name(expected)})"
    msg = f"{call_text} returned {got_text}"
    if want:
        msg += f", expected {want}"
    if detail:
        msg += f" ({detail})"
    msg += "."
    diagnosis = _diagnosis(call_text, got, expected, expected is not None)
    if diagnosis:
        msg += f" {diagnosis}"
    if hint:
        msg += f" Hint: {hint}"
    return msg


def _diagnosis(call_text: str, got: Any, expected: Any, has_expected: bool) -> str:
    """The likely mistake behind a failing check: a known mistake of the kit's bank that returns
    exactly `got` here, else the shape of the wrong answer (grader.diagnosis), else ''."""
    try:
        from .diagnosis import diagnose
    except ImportError:  # pragma: no cover - a partial copy of the kit
        return ""
    return diagnose(call_text, got, expected, has_expected)


def first_difference(got: list[Any], expected: list[Any]) -> str:
    """Where two sequences first differ: `at index 3: got 257, expected 256`."""
    for i, (g, e) in enumerate(zip(got, expected)):
        if g != e:
            return f"first difference at index {i}: got {short(g, 40)}, expected {short(e, 40)}"
    if len(got) != len(expected):
        return f"lengths differ: got {len(got)} items, expected {len(expected)}"
    return "no difference"


def close(got: Any, expected: np.ndarray, atol: float = 1e-6, rtol: float = 1e-5) -> str:
    import numpy as np

    """'' when `got` is an array of the expected shape that matches; otherwise the reason."""
    if not isinstance(got, np.ndarray):
        return f"expected a numpy array, got {type(got).__name__}"
    if got.shape != expected.shape:
        return f"shape {got.shape}, expected {expected.shape}"
    bad = ~np.isclose(got, expected, atol=atol, rtol=rtol, equal_nan=False)
    if bad.any():
        idx = tuple(int(i) for i in np.argwhere(bad)[0])
        return (
            f"{int(bad.sum())} of {bad.size} values differ; first at index {idx}: "
            f"got {short(got[idx])}, expected {short(expected[idx])}"
        )
    return ""


Step = tuple[str, "Callable[[], Any]", Any]  # (what it is, the learner's call, the reference's)


def _rows(bad: np.ndarray) -> list[int]:
    """The positions (indices along the first axis) where `bad` holds anywhere."""
    return [int(i) for i in bad.reshape(bad.shape[0], -1).any(axis=1).nonzero()[0]]


def _positions(rows: list[int], n: int) -> str:
    if n == 1:  # a single position: nothing to locate inside it
        return ""
    if rows == list(range(rows[0], n)):
        return "at every position" if rows[0] == 0 else f"from position {rows[0]} on"
    shown = ", ".join(str(r) for r in rows[:4]) + (", ..." if len(rows) > 4 else "")
    return f"at position{'s' if len(rows) > 1 else ''} {shown}"


def _listing(names: list[str]) -> str:
    """Names in a sentence; a long run of them as its first and last."""
    if len(names) <= 4:
        return ", ".join(names)
    return f"all {len(names)} of {names[0]} to {names[-1]}"


def localise(
    steps: list[Step],
    atol: float,
    rtol: float,
    joined: str = "",
    probes: tuple[Callable[[], str], ...] = (),
) -> str:
    """Where a whole-model result first goes wrong, for a failing check of a forward pass or a
    generation.

    Each step is (what it is, a call of the learner's own function on the *reference's* input
    to that step, the reference's output of that step), in the order the model runs them. The
    steps run one by one; the first whose output is not close (`atol`, `rtol`, as the check's
    own tolerance) is named, with the positions (rows) where it differs, and the steps before
    it as matching: a fault is found where it starts, not where it ends up. A step that raises
    is named with its exception. When every step matches, the sentence says that each part
    gives the reference's output on the reference's input, so the difference lies in how the
    whole joins them (`joined`: what joining means for this function, from its contract).
    '' when a step is not started (NotImplementedError): the check's own message says that.

    `probes` run only then, when every part matches: each re-runs the learner's whole function
    on inputs chosen to tell one cause from the others (`causal_probe`) and returns a cause
    confirmed on those inputs, or ''. The first cause found leads the sentence
    ("Diagnosis: ..."). A probe may instead return a "Where it first differs: ..." sentence
    (`grader.calltrace.calls_probe`: the call inside the whole function whose arguments first
    differ), which replaces the "nowhere inside" one."""
    import numpy as np

    done: list[str] = []
    before = ""
    for name, run, want in steps:
        before = f"; {_listing(done)} match{'es' if len(done) == 1 else ''}" if done else ""
        try:
            got = run()
        except NotImplementedError:
            return ""
        except Exception as exc:  # noqa: BLE001 - the learner's code: any exception is news
            text = short(exc.args[0] if len(exc.args) == 1 else str(exc), 80)  # inert: a repr
            return f"Where it first differs: {name} raised {type(exc).__name__}: {text}{before}."
        expected = np.asarray(want)
        if not isinstance(got, np.ndarray) or got.shape != expected.shape:
            shape = got.shape if isinstance(got, np.ndarray) else type_name(got)
            return (
                f"Where it first differs: {name} returns {short(shape, 40)}, where the "
                f"reference returns shape {expected.shape}{before}."
            )
        bad = ~np.isclose(got, expected, atol=atol, rtol=rtol)
        if bad.any():
            where = _positions(_rows(bad), expected.shape[0]) if expected.ndim else ""
            return f"Where it first differs: {name} differs{' ' + where if where else ''}{before}."
        done.append(name)
    if not done:
        return ""
    where = (
        f"Where it first differs: nowhere inside: {_listing(done)} each give the reference's "
        "output on the reference's input, so the difference is in how they are joined"
        + (f" ({joined})." if joined else ".")
    )
    for probe in probes:
        try:
            cause = probe()
        except Exception:  # noqa: BLE001 - a probe that cannot run confirms nothing
            cause = ""
        if cause.startswith("Where it first differs:"):  # a place, not a cause (calltrace)
            where = cause
        elif cause:
            return f"Diagnosis: {cause}. {where}"
    return where


def causal_probe(run: Callable[[Any], Any], x: Any, later: Any, atol: float, rtol: float) -> str:
    """A probe for a causal model part: `run(x)` and `run(later)`, where `later` differs from x
    at the last position only. When the outputs at earlier positions change, a position sees
    later ones: that cause, confirmed on the two inputs; else ''."""
    import numpy as np

    a, b = np.asarray(run(x)), np.asarray(run(later))
    if a.shape != b.shape or a.ndim < 1 or a.shape[0] < 2 or a.dtype.kind not in "fc":
        return ""
    moved = _rows(~np.isclose(a[:-1], b[:-1], atol=atol, rtol=rtol))
    if not moved:
        return ""
    last = a.shape[0] - 1
    return (
        f"changing only the last position ({last}) changed the output "
        f"{_positions(moved, last) if len(moved) < last else 'at every earlier position'}: "
        "a position sees later positions: the causal mask is missing or lets them through, or "
        "positions are mixed (heads split or merged by a reshape without a transpose)"
    )


def sees_earlier_probe(
    run: Callable[[Any], Any], x: Any, earlier: Any, atol: float, rtol: float
) -> str:
    """A probe for a cached step: `run(x)` and `run(earlier)`, where `earlier` differs from x
    at one cached position only (the one before the last), each return the output at the last
    position (fed after the others were cached). When that output does not change, the last
    position does not see the cached one: that cause, confirmed on the two inputs; else ''."""
    import numpy as np

    a, b = np.asarray(run(x)), np.asarray(run(earlier))
    if a.shape != b.shape or a.size == 0 or a.dtype.kind not in "fc":
        return ""
    if not np.allclose(a, b, atol=atol, rtol=rtol):
        return ""
    return (
        "changing only the cached position before the last left the output at the last position "
        "as it was: the new position does not see the cached ones (a mask built for the new "
        "positions alone, without the offset of the positions already cached, or the cache is "
        "not read)"
    )


def leak_or_blind(probe: Callable[[], str]) -> str:
    """' Diagnosis: ...' from a probe (`causal_probe`, `sees_earlier_probe`), or '' when it
    finds nothing or the learner's code raises in it."""
    try:
        cause = probe()
    except Exception:  # noqa: BLE001 - a probe that cannot run confirms nothing
        return ""
    return f" Diagnosis: {cause}." if cause else ""


def generation_steps(
    step: Callable[[list[int]], Any], prompt: list[int], chosen: list[int], logits: Any
) -> list[Step]:
    """The steps of a cached generation, for `localise`: `step(ids)` runs the learner's own
    cached step (forward_step with a cache the caller made) on `ids` and returns its logits;
    it is fed the reference's ids (the prompt, then each id the reference chose but the last),
    and each step's last row is compared with `logits[k]`, the row the reference chose its k-th
    id from."""
    feed = [list(prompt)] + [[i] for i in chosen[:-1]]
    steps: list[Step] = []
    at = 0

    def last_row(ids: list[int]) -> Callable[[], Any]:
        return lambda: step(ids)[-1:]

    for k, ids in enumerate(feed):
        where = f"positions {at}-{at + len(ids) - 1}" if len(ids) > 1 else f"position {at}"
        steps.append((f"step {k + 1} (forward_step at {where})", last_row(ids), logits[k : k + 1]))
        at += len(ids)
    return steps


def expect_raises(
    exc_type: type[BaseException] | tuple[type[BaseException], ...],
    fn: Any,
    *args: Any,
    hint: str = "",
    **kwargs: Any,
) -> BaseException:
    """Call fn(*args, **kwargs) and return the exception it raises; fail with the standard
    message (the call, what came back, what it should have raised) when it returns instead."""
    try:
        got = fn(*args, **kwargs)
    except exc_type as exc:
        return exc
    names = (
        exc_type.__name__
        if isinstance(exc_type, type)
        else " or ".join(e.__name__ for e in exc_type)
    )
    name = getattr(fn, "__name__", "the function")
    shown = call(name, *args, **kwargs)
    msg = f"{shown} returned {short(got)}, expected it to raise {names}."
    diagnosis = _diagnosis(f"{shown} -> raises {names}", got, None, False) or _unchecked(got)
    if diagnosis:
        msg += f" {diagnosis}"
    if hint:
        msg += f" Hint: {hint}"
    raise AssertionError(msg)


def type_name(value: Any) -> str:
    """`int`, `numpy.int64`, `list`: the type of a value as a learner would write it."""
    t = type(value)
    return (
        t.__name__ if t.__module__ == "builtins" else f"{t.__module__.split('.')[0]}.{t.__name__}"
    )


def _names(exc_type: type[BaseException] | tuple[type[BaseException], ...]) -> str:
    if isinstance(exc_type, type):
        return exc_type.__name__
    return " or ".join(e.__name__ for e in exc_type)


def raises(
    exc_type: type[BaseException] | tuple[type[BaseException], ...],
    fn: Any = None,
    /,
    *args: Any,
    call_text: str = "",
    hint: str = "",
    **kwargs: Any,
) -> Any:
    """Check that a call raises `exc_type`; return the exception, so a test can look at its
    message. Unlike a bare `pytest.raises`, a failure says which call it was and what happened:

        raises(ValueError, sampling.top_k_filter, logits, 0)
        -> top_k_filter(array([1., 2.]), 0) returned array([-inf, -inf]), expected it to raise
           ValueError.
        -> top_k_filter(array([1., 2.]), 0) raised IndexError: index 0 is out of bounds,
           expected ValueError.

    `call_text` names the call when the function's own name is not how the test calls it (a
    method: `cache.append(...)`). Without `fn` it is a context manager, for code that is not
    one call (`call_text` is then needed):

        with raises(KeyError, call_text="vocab lookup"):
            ...

    A NotImplementedError (an unwritten stub) passes through, so a stub still reads `not
    started`."""
    if fn is None:
        return _raising(exc_type, call_text or "the code", hint)
    text = call_text or call(getattr(fn, "__name__", "the function"), *args, **kwargs)
    with _raising(exc_type, text, hint) as caught:
        caught.returned = fn(*args, **kwargs)
    return caught.value


class _Caught:
    _unset = object()

    def __init__(self) -> None:
        self.value: BaseException | None = None
        self.returned: Any = self._unset


@contextmanager
def _raising(
    exc_type: type[BaseException] | tuple[type[BaseException], ...], call_text: str, hint: str
) -> Any:
    caught = _Caught()
    names = _names(exc_type)
    tail = f" Hint: {hint}" if hint else ""
    try:
        yield caught
    except exc_type as exc:
        caught.value = exc
        return
    except NotImplementedError:
        raise
    except Exception as exc:
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        got = f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__
        why = _unchecked_use(exc, names)
        raise AssertionError(
            f"{call_text} raised {got}, expected {names}." + (f" {why}" if why else "")
        ) from exc
    if caught.returned is _Caught._unset:
        raise AssertionError(f"{call_text} did not raise {names}.{tail}")
    why = _unchecked(caught.returned)
    raise AssertionError(
        f"{call_text} returned {short(caught.returned)}, expected it to raise {names}."
        + (f" {why}" if why else "")
        + tail
    )


_USES = {  # what using an input that the task rejects raises by itself
    KeyError: "a lookup of a key that is not there",
    IndexError: "an index outside the sequence",
    ZeroDivisionError: "a division by zero",
}


def _unchecked_use(exc: BaseException, names: str) -> str:
    """The cause when a call that should have raised `names` raised Python's own KeyError,
    IndexError or ZeroDivisionError instead: the input went unchecked into the operation that
    fails on it."""
    what = next((text for kind, text in _USES.items() if isinstance(exc, kind)), "")
    if not what:
        return ""
    return (
        f"Likely mistake: this input is not checked before it is used: the {type(exc).__name__} "
        f"comes from {what}, not from a check of yours; test for it first and raise {names} "
        "(the wrong exception type)."
    )


def _unchecked(got: Any) -> str:
    """The cause when a call that should have raised returned nan: the input the task rejects
    went into the arithmetic unchecked (0/0, inf - inf, the log or square root of a negative
    number). An infinity is not enough: masking with -inf is how several lessons work."""
    import math

    if type(got).__name__ == "ndarray" and getattr(got, "dtype", None) is not None:
        flat = [float(v) for v in got.ravel()[:100_000]] if got.dtype.kind == "f" else []
    elif isinstance(got, (list, tuple)):
        flat = [v for v in got if isinstance(v, float)]
    else:
        flat = [got] if isinstance(got, float) else []
    if not any(math.isnan(v) for v in flat):
        return ""
    return (
        "Likely mistake: this input is not checked before the arithmetic, which turns it into "
        "nan (0/0, inf - inf, or a log or square root of a negative number) instead of an "
        "error: test for it first, and raise."
    )


def expect_unchanged(
    fn: Any, *args: Any, hint: str = "", fresh: bool = False, **kwargs: Any
) -> Any:
    """Call fn(*args, **kwargs) and return its result; fail with the standard message when the
    call changed one of its arguments in place (or, with fresh=True, returned one of them
    instead of a new object). An argument given as `shown(value, label)` is passed as its
    value and shown by its label."""
    import copy

    from .diagnosis import objects

    labels, label_kw = list(args), dict(kwargs)
    args = tuple(a.value if isinstance(a, Shown) else a for a in labels)
    kwargs = {k: v.value if isinstance(v, Shown) else v for k, v in label_kw.items()}
    before = [copy.deepcopy(a) for a in args]
    before_kw = {k: copy.deepcopy(v) for k, v in kwargs.items()}
    got = fn(*args, **kwargs)
    name = getattr(fn, "__name__", "the function")
    shown = call(
        name,
        *[a if isinstance(a, Shown) else b for a, b in zip(labels, before)],
        **{k: v if isinstance(v, Shown) else before_kw[k] for k, v in label_kw.items()},
    )
    names = _parameter_names(fn, len(args))
    found = ""
    for i, (old, new) in enumerate(zip(before, args)):
        how = objects.mutation(old, new)
        if how:
            found = f"{shown} changed its argument {names[i]} in place: {how}"
            break
    for key, old in before_kw.items():
        how = "" if found else objects.mutation(old, kwargs[key])
        if how:
            found = f"{shown} changed its argument {key} in place: {how}"
    if found:
        msg = (
            found + ". Diagnosis: the function changes its input in place (an in-place "
            "operation such as x -= m, x[...] = ... or append on the caller's list). Work on a "
            "copy (x = x - m or out = x.copy()), so the caller's data stays as it was."
        )
    elif fresh:
        inputs = dict(zip(names, args)) | kwargs
        text = objects.returned_input(got, inputs)
        msg = f"{shown}: {text}." if text else ""
    else:
        msg = ""
    if msg:
        raise AssertionError(msg + (f" Hint: {hint}" if hint else ""))
    return got


def _parameter_names(fn: Any, count: int) -> list[str]:
    import inspect

    try:
        params = list(inspect.signature(fn).parameters)
    except (TypeError, ValueError):
        params = []
    return [params[i] if i < len(params) else f"#{i + 1}" for i in range(count)]
