"""The call inside a whole function whose arguments first differ from the reference's
(grader.calltrace), on a toy module: a known value passed in the wrong place is a cause, a
default where the config's value is wanted is a cause, and a fault between two calls is a
place; no claim when the learner computes a part another way, or in a graded run."""

from __future__ import annotations

import types

import numpy as np

from grader.calltrace import calls_probe
from grader.testing import localise

P = {"a": np.array([1.0, 2.0]), "b": np.array([3.0, 5.0])}
CFG = {"scale": 4.0}
X = np.array([0.5, -1.0])


def norm(x, g, scale=1.0):
    return x * g * scale


PART = "def norm(x, g, scale=1.0):\n    return x * g * scale\n"
WHOLES = {  # the learner's whole function, each with one mistake (or none)
    "right": "h = norm(x, p['a'], cfg['scale'])\nreturn norm(h + 1.0, p['b'], cfg['scale'])",
    "same_gain_twice": "h = norm(x, p['a'], cfg['scale'])\nreturn norm(h + 1.0, p['a'], cfg['scale'])",
    "default_scale": "h = norm(x, p['a'])\nreturn norm(h + 1.0, p['b'])",
    "wrong_between": "h = norm(x, p['a'], cfg['scale'])\nreturn norm(h - 1.0, p['b'], cfg['scale'])",
    "tripled_between": "h = norm(x, p['a'], cfg['scale'])\nreturn norm((h + 1.0) * 3.0, p['b'], cfg['scale'])",  # noqa: E501
    "inlined": "h = x * p['a'] * cfg['scale']\nreturn (h + 1.0) * p['b'] * cfg['scale']",
}


def module(which: str) -> types.ModuleType:
    """A learner's module: the part and the whole function, defined in the module itself."""
    mod = types.ModuleType("learner_module")
    body = "".join(f"    {line}\n" for line in WHOLES[which].splitlines())
    exec(PART + "\ndef whole(x, p, cfg):\n" + body, mod.__dict__)  # noqa: S102 - fixed source
    return mod


def probe(mod):
    h = norm(X, P["a"], CFG["scale"])
    expected = [("norm", (X, P["a"], CFG["scale"])), ("norm", (h + 1.0, P["b"], CFG["scale"]))]
    names = {"P['a']": P["a"], "P['b']": P["b"], "CFG['scale']": CFG["scale"]}
    return calls_probe(mod, "whole", lambda: mod.whole(X, P, CFG), expected, names, 1e-6, 1e-6)


def test_a_known_value_in_the_wrong_place_is_named():
    found = probe(module("same_gain_twice"))()
    assert found == "`whole` passes P['a'] as `g` to norm (2nd call), where P['b'] is wanted"


def test_a_default_where_the_configs_value_is_wanted_is_named():
    found = probe(module("default_scale"))()
    assert (
        found == "`whole` passes scale=1.0 to norm (1st call), where CFG['scale'] (4.0) is wanted"
    )


def test_a_fault_between_two_calls_is_placed_between_them():
    found = probe(module("wrong_between"))()
    assert found.startswith("Where it first differs: inside `whole`")
    assert "the `x` that norm (2nd call) gets differs" in found
    assert "between norm (1st call) (whose arguments match the reference's) and that call" in found


def test_how_the_first_differing_argument_differs_is_read_to_the_checks_tolerance():
    # the reference's intermediate as a trace records it, to fewer digits than it computes
    mod = module("tripled_between")
    h = norm(X, P["a"], CFG["scale"])
    recorded = (h + 1.0) + np.array([3e-5, -4e-5])
    expected = [("norm", (X, P["a"], CFG["scale"])), ("norm", (recorded, P["b"], CFG["scale"]))]
    names = {"P['a']": P["a"], "P['b']": P["b"], "CFG['scale']": CFG["scale"]}
    found = calls_probe(mod, "whole", lambda: mod.whole(X, P, CFG), expected, names, 1e-4, 1e-4)()
    assert (
        "the `x` that norm (2nd call) gets differs from the reference's (that is exactly 3 "
        "times the reference's" in found
    )
    # to the detectors' own tolerance, the rounding hides the factor: nothing is said of it
    strict = calls_probe(mod, "whole", lambda: mod.whole(X, P, CFG), expected, names, 1e-9, 1e-9)
    assert "times" not in strict()


def test_no_claim_when_the_parts_are_computed_another_way_or_the_code_is_remote():
    assert probe(module("inlined"))() == ""
    assert probe(module("right"))() == ""  # right: nothing to say
    learner = module("same_gain_twice")
    remote = types.SimpleNamespace(norm=learner.norm, whole=learner.whole)  # a proxy's stand-in
    assert probe(remote)() == ""


def test_localise_leads_with_the_cause_and_keeps_the_module_as_it_was():
    mod = module("same_gain_twice")
    part = mod.norm
    steps = [("norm(x, a)", lambda: mod.norm(X, P["a"], 4.0), norm(X, P["a"], 4.0))]
    text = localise(steps, 1e-6, 1e-6, "whole's docstring", probes=(probe(mod),))
    assert text.startswith("Diagnosis: `whole` passes P['a'] as `g` to norm (2nd call)")
    assert "Where it first differs: nowhere inside" in text
    assert mod.norm is part  # the spies are gone
    placed = localise(steps, 1e-6, 1e-6, "", probes=(probe(module("wrong_between")),))
    assert placed.startswith("Where it first differs: inside `whole`") and "nowhere" not in placed


def test_a_copy_of_a_dict_or_a_list_of_arrays_is_the_same_argument():
    from grader.calltrace import _same

    block = {"g": np.array([1.0, 2.0]), "n": 3}
    assert _same(dict(block), block, 1e-6, 1e-6)
    assert _same([np.array([1.0]), 2], (np.array([1.0 + 1e-9]), 2), 1e-6, 1e-6)
    assert not _same(block | {"n": 4}, block, 1e-6, 1e-6)
    assert not _same({"g": block["g"]}, block, 1e-6, 1e-6)
    assert not _same([np.array([1.0])], [np.array([1.1])], 1e-6, 1e-6)
