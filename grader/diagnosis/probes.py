"""Probes: a candidate mistake is named only when the learner's own function confirms it on a
second input (issue: feedback that names mistakes the kit has never seen).

A failing check's result may match what a candidate returns there (a bank entry or a generated
variant of the reference: `known`). One result is thin evidence: on a small input several
different mistakes return the same thing. So before a candidate is named, the learner's
function runs again on the inputs of the *other* visible checks of the same function at which
that candidate fails too (the probes: each candidate's results there are stored with it), and

- a candidate whose stored result at a probe is not what the learner's function returns there
  is ruled out (refuted);
- a candidate whose stored result at a probe is what it returns is confirmed.

Inputs are stored exactly (`encode_args`: tagged JSON, floats by their repr, arrays with their
dtype and shape), when their encoding is small (`MAX_ARGS` characters); results are compared
with the diagnosis's tolerances (`outputs.close`). A probe runs with a copy of its inputs, at
most `PROBES` of them per check, each within `SECONDS` of CPU time (`grader.current.bound`: the
test's own timer, which is as before afterwards), and only where that bound exists and the
learner's function is a plain Python function of a module the test received: never in a graded
run, whose learner code runs in the sandboxed worker, where a probe could cost a call timeout.
A probe that raises, runs out of time or returns something the kit cannot describe is no
evidence either way. Nothing here runs unless a check has already failed.
"""

from __future__ import annotations

import math
import re
import sys
import types
from typing import Any

from .. import current
from .outputs import Unstable, close, encode

MAX_ARGS = 12000  # characters of a stored call's encoded arguments; a larger call is no probe
PROBES = 4  # probes per failing check, at most
SECONDS = 0.5  # CPU seconds per probe, at most
_CALLED = re.compile(r"\s*([A-Za-z_][\w.]*)\s*\(")


# -- inputs, stored exactly ---------------------------------------------------------------------
class Ref:
    """An input stored by the label its test module declares it under (`PROBE_INPUTS`, label ->
    a function of no argument that returns it): a tokenizer or a model's parameters, which
    have no exact JSON form or a large one."""

    __slots__ = ("label",)

    def __init__(self, label: str) -> None:
        self.label = label


def encode_args(value: Any, depth: int = 0) -> Any:
    """An exact, tagged JSON form of a call's input (see decode_args); raises Unstable for a
    value it cannot store (an object, a tokenizer, a set) unless it is a Ref."""
    if depth > 12:
        raise Unstable("nested too deep")
    if isinstance(value, Ref):
        return {"ref": value.label}
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return {"i": str(value)} if abs(value) > 2**53 else value
    if isinstance(value, float):
        return value if math.isfinite(value) else {"f": repr(value)}
    if isinstance(value, bytes):
        return {"b": value.hex()}
    if type(value) is list:
        return {"l": [encode_args(v, depth + 1) for v in value]}
    if type(value) is tuple:
        return {"t": [encode_args(v, depth + 1) for v in value]}
    if type(value) is dict:
        return {
            "d": [[encode_args(k, depth + 1), encode_args(v, depth + 1)] for k, v in value.items()]
        }
    np = sys.modules.get("numpy")
    if np is not None and isinstance(value, np.ndarray) and value.dtype.kind in "biuf":
        flat = [encode_args(v.item(), depth + 1) for v in value.reshape(-1)]
        return {"a": [value.dtype.str, list(value.shape), flat]}
    if np is not None and isinstance(value, np.generic) and value.dtype.kind in "biuf":
        return {"n": [value.dtype.str, encode_args(value.item(), depth + 1)]}
    raise Unstable(f"an input of type {type(value).__name__}")


def _fresh(value: Any) -> Any:
    """A copy of the lists, dicts and arrays of an input (the code a probe runs may change
    them in place); other objects (a tokenizer) are shared as they are."""
    if type(value) is dict:
        return {k: _fresh(v) for k, v in value.items()}
    if type(value) is list:
        return [_fresh(v) for v in value]
    if type(value) is tuple:
        return tuple(_fresh(v) for v in value)
    np = sys.modules.get("numpy")
    if np is not None and isinstance(value, np.ndarray):
        return value.copy()
    return value


def decode_args(tree: Any, inputs: dict[str, Any] | None = None) -> Any:
    """The value that encode_args stored: a fresh copy each time. A reference ({"ref": label})
    is rebuilt by `inputs[label]()`, by default the running test module's PROBE_INPUTS
    (grader.current.inputs); a label that is not there raises KeyError (no probe)."""
    if not isinstance(tree, dict):
        return tree
    ((tag, body),) = tree.items()
    if tag == "ref":
        return _fresh((current.inputs if inputs is None else inputs)[body]())
    if tag == "i":
        return int(body)
    if tag == "f":
        return float(body)
    if tag == "b":
        return bytes.fromhex(body)
    if tag == "l":
        return [decode_args(v, inputs) for v in body]
    if tag == "t":
        return tuple(decode_args(v, inputs) for v in body)
    if tag == "d":
        return {decode_args(k, inputs): decode_args(v, inputs) for k, v in body}
    import numpy as np

    if tag == "a":
        dtype, shape, flat = body
        return np.array([decode_args(v) for v in flat], dtype=np.dtype(dtype)).reshape(shape)
    if tag == "n":
        return np.dtype(body[0]).type(decode_args(body[1]))
    raise ValueError(f"an unknown tag {tag!r}")


def stored_call(call_text: str) -> dict[str, Any] | None:
    """The exact inputs of the check whose text this is ({"fn", "args", "kwargs"}), when
    grader.testing.call() made the text and they are small enough to store; else None."""
    seen = current.calls.get(call_text)
    if seen is None:
        return None
    name, args, kwargs, labels = seen

    def ref(where: tuple[str, Any], value: Any) -> Any:
        """A Ref for an input shown by a label that the test module declares, and that is the
        very input the declaration returns (else the value itself)."""
        label = labels.get(where)
        make = current.inputs.get(label) if label else None
        try:
            return Ref(label) if label and make is not None and make() is value else value
        except Exception:  # noqa: BLE001 - a declaration that fails: the value as it is
            return value

    try:
        stored = {
            "fn": name,
            "args": encode_args(tuple(ref(("a", i), a) for i, a in enumerate(args))),
            "kwargs": encode_args({k: ref(("k", k), v) for k, v in kwargs.items()}),
        }
    except (Unstable, RecursionError, ValueError, TypeError, OverflowError):
        return None
    import json

    if len(json.dumps(stored)) > MAX_ARGS:
        return None
    return stored


def declared_inputs(test_file: Any) -> dict[str, Any]:
    """The PROBE_INPUTS of a visible test file, loaded from its path (outside a test run: when
    the bank is recorded); {} when it declares none or cannot be loaded."""
    import importlib.util
    from pathlib import Path

    path = Path(test_file)
    name = "_hexahype_probe_inputs_" + "_".join(path.with_suffix("").parts[-3:])
    try:
        spec = importlib.util.spec_from_file_location(name, path)
        if spec is None or spec.loader is None:
            return {}
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    except Exception:  # noqa: BLE001 - a test file that cannot load declares nothing
        return {}
    found = getattr(module, "PROBE_INPUTS", None)
    return dict(found) if isinstance(found, dict) else {}


DERIVED = (":p1", ":p2", ":p3")  # the keys of a check's derived probes: its key and one of these


def _seeded(stored: dict[str, Any]) -> Any:
    import hashlib
    import json

    import numpy as np

    text = json.dumps(stored, sort_keys=True)
    return np.random.default_rng(int(hashlib.sha256(text.encode()).hexdigest()[:12], 16))


def _scaled(stored: dict[str, Any]) -> dict[str, Any] | None:
    """Every float of the input, alone or in an array (in lists, tuples, dicts), multiplied by
    its own factor between 0.55 and 1.45: signs, zeros and infinities stay, and the ties and
    symmetries of a small hand-made input (equal rows, scores, values) are broken."""
    import numpy as np

    rng = _seeded(stored)
    changed = [False]

    def change(tree: Any) -> Any:
        if isinstance(tree, float):
            one = tree * float(rng.uniform(0.55, 1.45))
            changed[0] = changed[0] or one != tree  # zeros and infinities stay as they are
            return one
        if not isinstance(tree, dict):
            return tree
        ((tag, body),) = tree.items()
        if tag in ("l", "t"):
            return {tag: [change(v) for v in body]}
        if tag == "d":
            return {tag: [[k, change(v)] for k, v in body]}
        if tag == "a" and np.dtype(body[0]).kind == "f":
            dtype, shape, flat = body
            values: list[Any] = []
            for v in flat:
                factor = float(rng.uniform(0.55, 1.45))
                if isinstance(v, float):
                    new = float(np.array(v * factor, dtype=np.dtype(dtype)))
                    changed[0] = changed[0] or new != v
                    v = new
                values.append(v)
            return {"a": [dtype, shape, values]}
        if tag == "n" and np.dtype(body[0]).kind == "f" and isinstance(body[1], float):
            scaled = body[1] * float(rng.uniform(0.55, 1.45))
            changed[0] = changed[0] or scaled != body[1]
            return {"n": [body[0], scaled]}
        return tree

    made = {"fn": stored["fn"], "args": change(stored["args"]), "kwargs": change(stored["kwargs"])}
    return made if changed[0] else None


def _repeated(stored: dict[str, Any]) -> dict[str, Any] | None:
    """Every text of the input and every list of plain ints (ids) twice over (`abc` ->
    `abcabc`): a longer input of the same kind, where a mistake that only shows past the first
    item, on a second occurrence or at a join shows."""

    changed = [False]

    def change(tree: Any, top: bool) -> Any:
        if isinstance(tree, str) and 0 < len(tree) <= 200:
            changed[0] = True
            return tree + tree
        if not isinstance(tree, dict):
            return tree
        ((tag, body),) = tree.items()
        if tag == "l" and body and all(type(v) is int for v in body) and len(body) <= 200:
            changed[0] = True
            return {"l": body + body}
        if tag == "t" and top:  # the call's positional arguments
            return {"t": [change(v, False) for v in body]}
        if tag == "d" and top:  # its keyword arguments
            return {"d": [[k, change(v, False)] for k, v in body]}
        return tree

    made = {
        "fn": stored["fn"],
        "args": change(stored["args"], True),
        "kwargs": change(stored["kwargs"], True),
    }
    return made if changed[0] else None


def _counted(stored: dict[str, Any]) -> dict[str, Any] | None:
    """Every whole-number argument of the call itself (a size, a count, a seed) one larger: a
    second input for a function whose input is only numbers of things, such as an
    initialisation's sizes and seed (an input the reference refuses is no probe)."""
    changed = [False]

    def change(tree: Any) -> Any:
        if type(tree) is int and tree > 0:
            changed[0] = True
            return tree + 1
        if isinstance(tree, dict) and set(tree) == {"i"} and int(tree["i"]) > 0:
            changed[0] = True
            return {"i": str(int(tree["i"]) + 1)}
        return tree

    args, kwargs = stored["args"], stored["kwargs"]
    made = {
        "fn": stored["fn"],
        "args": {"t": [change(v) for v in args["t"]]} if set(args) == {"t"} else args,
        "kwargs": {"d": [[k, change(v)] for k, v in kwargs["d"]]}
        if set(kwargs) == {"d"}
        else kwargs,
    }
    return made if changed[0] else None


def derived(stored: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Second inputs made from a check's own, each with the suffix of its key: its floats
    scaled (`:p1`, `_scaled`), its texts and id lists repeated (`:p2`, `_repeated`) and its
    whole-number arguments one larger (`:p3`, `_counted`), those that change something. On them, mistakes that return the same on the check's small input
    return different things. Made the same way from the same stored input (the scaling's
    factors come from a generator seeded by its text), so the recording of a candidate's
    results and a learner's run make the same inputs."""
    made = []
    for suffix, make in zip(DERIVED, (_scaled, _repeated, _counted), strict=True):
        one = make(stored)
        if one is not None:
            made.append((suffix, one))
    return made


def record_derived(call_key_: str, stored: dict[str, Any]) -> list[dict[str, Any]]:
    """While the bank or a variant is recorded: its results on the derived inputs of the check
    it just failed (record rows), when its function can run here."""
    fn = learner_function(stored["fn"])
    if fn is None:
        return []
    rows = []
    for suffix, made in derived(stored):
        ok, out = _run(fn, made)
        if ok:
            rows.append({"call": call_key_ + suffix, "out": out, "want": None})
    return rows


def function_name(call_text: str) -> str:
    m = _CALLED.match(call_text)
    return m.group(1).rsplit(".", 1)[-1] if m else ""


# -- running the learner's function -------------------------------------------------------------
def learner_function(name: str) -> Any:
    """The learner's function `name`, from a module the running test received, when it is a
    plain Python function and the test's time can bound it; else None."""
    if current.bound is None or not name:
        return None
    for module in current.modules:
        fn = getattr(module, name, None)
        if isinstance(fn, types.FunctionType):
            return fn
    return None


def _call(fn: Any, stored: dict[str, Any]) -> tuple[bool, Any]:
    """(True, its result) when the learner's function returns on the stored input in time;
    (False, None) when it raises or runs out of time."""
    bound = current.bound
    if bound is None or current.probing_stopped:
        return False, None
    try:
        args = decode_args(stored["args"])
        kwargs = decode_args(stored["kwargs"])
    except Exception:  # noqa: BLE001 - a stored input this kit cannot rebuild: no probe
        return False, None
    try:
        with bound(SECONDS) as ran_out:
            if not ran_out[0]:  # [True] at once: too little of the test's time is left
                result = fn(*args, **kwargs)
        if ran_out[0]:
            current.probing_stopped = True  # code that did not return once is not run again
            return False, None
        return True, result
    except Exception:  # noqa: BLE001 - the learner's code raised: no evidence either way
        return False, None


def _run(fn: Any, stored: dict[str, Any]) -> tuple[bool, Any]:
    """(True, its encoded result), or (False, None) as _call, or for a result that cannot be
    described."""
    ok, result = _call(fn, stored)
    if not ok:
        return False, None
    try:
        return True, encode(result)
    except Exception:  # noqa: BLE001 - an indescribable result: no evidence
        return False, None


def holds_elsewhere(
    call_text: str, key: str, calls: dict[str, dict[str, Any]], compare: Any, cause: str
) -> bool:
    """Whether the learner's function shows the same cause on other inputs: run on the probes
    of this function that store the reference's result ("want"), the derived ones of this
    check first, `compare(result, reference's)` (the diagnosis's detectors) finds `cause` on
    at least one, and on every other either the same or no difference at all (there the
    mistake does not show: a ratio of 1, say). One probe with another difference and the
    cause is not confirmed. A difference that no detector reads (an input too small to show
    a shift, say) tells neither way: the cause then needs at least as many probes that show
    it as probes that cannot read it."""
    name = function_name(call_text)
    fn = learner_function(name)
    if fn is None:
        return False
    agree, unread = 0, 0
    for probe in _wanted(name, key, calls):
        ok, got = _call(fn, calls[probe])
        if not ok:
            continue
        try:
            want = decode_args(calls[probe]["want"])
            if close(encode(got), encode(want)):
                continue  # the mistake does not show on this input
        except Exception:  # noqa: BLE001 - an indescribable result: no evidence
            continue
        seen = compare(got, want)
        if not seen:
            unread += 1
        elif (seen.why or seen.would) != cause:
            return False
        else:
            agree += 1
    return agree >= max(1, unread)


def _wanted(name: str, key: str, calls: dict[str, dict[str, Any]]) -> list[str]:
    """The probes of function `name` that store the reference's result, at most PROBES: the
    derived ones of check `key` first, then the other checks' inputs."""
    own = [key + suffix for suffix in DERIVED]
    order = [k for k in own if k in calls] + sorted(
        k for k in calls if k not in own and k != key and calls[k].get("fn") == name
    )
    return [k for k in order if "want" in calls[k]][:PROBES]


def returns_argument_elsewhere(
    call_text: str, key: str, calls: dict[str, dict[str, Any]], index: int
) -> bool:
    """Whether the learner's function, on the probes of this function, returns its argument
    `index` as it came, where the reference returns something else: on at least one, and on
    every other either that or the reference's own result."""
    name = function_name(call_text)
    fn = learner_function(name)
    if fn is None:
        return False
    agree = 0
    for probe in _wanted(name, key, calls):
        try:
            before = decode_args(calls[probe]["args"])
            want = encode(decode_args(calls[probe]["want"]))
            given = encode(before[index]) if index < len(before) else None
        except Exception:  # noqa: BLE001 - an input this kit cannot rebuild: no evidence
            continue
        if given is None:
            return False
        ok, got = _call(fn, calls[probe])
        if not ok:
            continue
        try:
            result = encode(got)
        except Exception:  # noqa: BLE001 - an indescribable result: no evidence
            continue
        if close(result, want):
            continue  # the mistake does not show on this input
        if not close(result, given) or close(want, given):
            return False
        agree += 1
    return agree >= 1


def verdicts(
    data: dict[str, Any], key: str, call_text: str, names: list[str]
) -> dict[str, str] | None:
    """For each candidate in `names` (entries of `data` that match at check `key`):
    "confirmed", "refuted" or "untested", from the learner's function on the probes; None when
    no probe can run here (no learner function: a graded run, or no timer)."""
    name = function_name(call_text)
    fn = learner_function(name)
    if fn is None:
        return None
    calls = data.get("calls", {})
    wanted = set(names)
    at: dict[str, dict[str, Any]] = {}  # probe key -> candidate -> its stored result there
    for probe, buckets in data.get("checks", {}).items():
        if probe == key or calls.get(probe, {}).get("fn") != name:
            continue
        for bucket_names, out in buckets:
            for n in wanted.intersection(bucket_names):
                at.setdefault(probe, {})[n] = out
    result = {n: "untested" for n in names}
    # the probes that tell the most candidates something first
    for probe in sorted(at, key=lambda p: (-len(at[p]), p))[:PROBES]:
        ok, got = _run(fn, calls[probe])
        if not ok:
            continue
        for n, out in at[probe].items():
            if result[n] == "refuted":
                continue
            result[n] = "confirmed" if close(out, got) else "refuted"
    return result
