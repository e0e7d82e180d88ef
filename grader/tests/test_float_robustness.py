"""No floating-point result decides anything by its last bits: what another BLAS kernel, another
numpy or another summation order computes gives the same catches, the same named diagnoses and
the same `verify` verdict.

- Every result of every bank entry stored in grader/data/diagnoses.json, perturbed (relative
  noise of NOISE, float32 instead of float64), is named exactly as before, and `verify` still
  finds the data up to date. The perturbation stands for what another machine computes: float32
  against float64 evaluation moves a result by about 1e-7 of its scale, NOISE 100 times more.
- The real path once: bank entries run against the visible tests through pytest, against data
  whose every float was perturbed, are still caught, named and not stale.
- Lesson 1.7's clipping check uses a pair whose unclipped cosine is above 1 (below -1) in every
  evaluation order, with and without FMA, in float64 and float32, numpy and plain Python.
- The catches themselves: the bank test (test_course.py) checks, for every entry, that the check
  which catches it is not passed by a float's last bits (see `fragile_catch`).
"""

from __future__ import annotations

import importlib.util
import itertools
import json
import math
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from grader import manifest
from grader.authoring import verify
from grader.diagnosis import known, probes
from grader.diagnosis.outputs import close

ROOT = Path(__file__).resolve().parents[2]
NOISE = 1e-5  # the relative noise every float of a stored result is perturbed by


# -- perturbations ---------------------------------------------------------------------------------
def perturb(tree: Any, f: Any) -> Any:
    """The encoded result with f applied to every float in it (integers and text stay)."""
    if isinstance(tree, list):
        return [perturb(t, f) for t in tree]
    if isinstance(tree, dict):
        return {k: perturb(v, f) for k, v in tree.items()}
    if isinstance(tree, float):
        return f(tree)
    return tree


def _noise(seed: int) -> Any:
    rng = np.random.default_rng(seed)
    return lambda x: x * (1.0 + NOISE * rng.uniform(-1.0, 1.0))


def _float32(x: float) -> float:
    return float(np.float32(x))


PERTURBATIONS = {
    "noise 1e-5 (seed 0)": lambda: _noise(0),
    "noise 1e-5 (seed 1)": lambda: _noise(1),
    "all up by 1e-5": lambda: lambda x: x * (1.0 + NOISE),
    "all down by 1e-5": lambda: lambda x: x * (1.0 - NOISE),
    "float32": lambda: _float32,
    "float32 and noise": lambda: (lambda g: lambda x: g(_float32(x)))(_noise(2)),
}


def perturbed_data(data: dict[str, Any], how: str) -> dict[str, Any]:
    f = PERTURBATIONS[how]()
    checks = {
        key: [[names, perturb(out, f)] for names, out in buckets]
        for key, buckets in data["checks"].items()
    }
    return dict(data, checks=checks)


DATA = known.load(str(known.DATA))


def test_the_data_holds_results_with_floats():
    """The perturbation below has floats to move (a check that it tests something)."""
    floats = [0]
    perturb(DATA["checks"], lambda x: floats.__setitem__(0, floats[0] + 1) or x)
    assert DATA["mistakes"] and floats[0] > 1000


@pytest.mark.parametrize("how", sorted(PERTURBATIONS))
def test_every_named_diagnosis_survives_a_perturbation(how):
    moved = perturbed_data(DATA, how)
    changed = []
    for key, buckets in DATA["checks"].items():
        for (names, out), (_, out2) in zip(buckets, moved["checks"][key]):
            before = known.named(DATA, key, out)
            if known.named(DATA, key, out2) != before:
                changed.append(f"{key} {names}: {before} -> {known.named(DATA, key, out2)}")
    assert not changed, f"{len(changed)} diagnoses changed under {how}: " + "; ".join(changed[:5])


def test_every_entry_is_named_at_its_first_failing_check():
    """The stored data names each entry on the check where it fails first (the message a
    learner with that mistake sees), and keeps naming it under every perturbation."""
    missing = []
    for name, key in DATA["first"].items():
        outs = [out for c, out in known.outputs_of(DATA, name) if c == key]
        for how in [None, *PERTURBATIONS]:
            f = PERTURBATIONS[how]() if how else (lambda x: x)
            if not any(name in known.named(DATA, key, perturb(o, f)) for o in outs):
                missing.append(f"{name} ({how or 'as stored'})")
    assert len(DATA["first"]) > 100
    assert not missing, f"not named at their first failing check: {missing[:5]}"


VARIANTS = known.load(str(known.VARIANTS))


def test_every_generated_variant_is_named_alike_after_a_perturbation():
    """The generated variants (grader/data/variants.json) are matched by the same closeness:
    each stored result names the same sentences under every perturbation."""
    changed, named = [], 0
    for key, buckets in VARIANTS["checks"].items():
        for _, out in buckets:
            before = known.variant_sentences(VARIANTS, key, out)
            named += bool(before)
            for how in PERTURBATIONS:
                after = known.variant_sentences(VARIANTS, key, perturb(out, PERTURBATIONS[how]()))
                if after != before:
                    changed.append(f"{key} ({how}): {before} -> {after}")
    assert named > 100, named
    assert not changed, f"{len(changed)} changed: " + "; ".join(changed[:5])


@pytest.mark.parametrize("how", sorted(PERTURBATIONS))
def test_verify_finds_perturbed_results_up_to_date(how):
    moved = perturbed_data(DATA, how)
    runs = [
        verify.MisconceptionRun(
            key=name,
            expect="",
            explanation=DATA["mistakes"][name],
            records=known.outputs_of(moved, name),
            first_check=DATA["first"].get(name, ""),
        )
        for name in DATA["mistakes"]
    ]
    assert sum(len(r.records) for r in runs) > 200
    assert verify.stale_diagnoses(runs, DATA, set(DATA["mistakes"])) == []
    # and a real change is stale: one entry's result moved by 1% somewhere
    run = next(r for r in runs if any(isinstance(o, list) for _, o in r.records))
    call, out = next((c, o) for c, o in run.records if isinstance(o, list))
    run.records = [(call, perturb(out, lambda x: x * 1.01 + 0.01))]
    assert verify.stale_diagnoses([run], DATA) != []


# -- the real path, once ---------------------------------------------------------------------------
# the entries that issue 22 saw go stale or unnamed on another machine: 1.7's clipping and
# chapter 3's float32 forward passes
REAL = [
    ("1.7", "no_clipping"),
    ("3.2", "forward_without_final_norm"),
    ("3.3", "step_positions_from_zero"),
]


@pytest.mark.parametrize("lesson, stem", REAL, ids=[f"{a}-{b}" for a, b in REAL])
def test_bank_entries_are_caught_and_named_against_perturbed_data(
    lesson, stem, tmp_path, monkeypatch
):
    course = manifest.load(ROOT)
    entry = course.get(lesson)
    moved = perturbed_data(DATA, "float32 and noise")
    path = tmp_path / "diagnoses.json"
    known.write(moved, path)
    monkeypatch.setattr(verify, "diagnoses_path", lambda root: path)
    run = verify.run_misconception(entry, verify.misconception_dir(entry) / f"{stem}.py")
    assert run.caught and run.named, run.first
    assert "Likely mistake" in run.first, run.first
    assert verify.stale_diagnoses([run], moved) == []
    assert fragile_catch(run.rows) == (run.key in EXACT_CATCHES), run.rows[:1]


def fragile_catch(rows: list[dict[str, Any]]) -> bool:
    """Whether every failing check of an entry saw a result of the expected type within the
    diagnosis's tolerance of the expected value (so noise far below that tolerance might make
    it pass): the catch then rests on a float's last bits. A check without an expected value
    (a raise) or with a result of another type (np.int64 for int) is not fragile. A derived
    probe's row (grader.diagnosis.probes) is a result on a second input, not a check."""
    rows = [r for r in rows if not r["call"].endswith(probes.DERIVED)]
    if not rows:
        return False
    return all(
        r.get("want") is not None and r["want"]["same_type"] and close(r["out"], r["want"]["value"])
        for r in rows
    )


# Entries whose catch is exact by construction, with the test that proves it.
EXACT_CATCHES = {
    # 1.7's pair crosses the bound by one float step on every machine:
    # test_the_clipping_pair_leaves_minus_one_to_one_in_every_evaluation below
    "ch1_tokens/l07_similarity/no_clipping",
}


# -- lesson 1.7's clipping input ---------------------------------------------------------------------
def _visible_l07() -> Any:
    path = ROOT / "tests" / "ch1_tokens" / "test_l07_similarity.py"
    spec = importlib.util.spec_from_file_location("hexahype_visible_l07", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _round32(x: Fraction) -> float:
    """The float32 nearest to an exact rational (ties to even), as a Python float."""
    c = np.float32(float(x))
    near = [c, np.nextafter(c, np.float32(np.inf)), np.nextafter(c, np.float32(-np.inf))]
    best = min(near, key=lambda v: (abs(Fraction(float(v)) - x), int(v.view(np.int32)) & 1))
    return float(best)


def _rounder(dtype: Any) -> Any:
    return (lambda x: float(x)) if dtype is np.float64 else _round32


def _dot_every_order(xs: list[float], ys: list[float], dtype: Any) -> list[float]:
    """x.y summed in every order, each step rounded to dtype or fused (an FMA: one rounding of
    the product plus the sum), exactly as IEEE 754 rounds it."""
    rnd = _rounder(dtype)
    results = []
    for order in itertools.permutations(range(len(xs))):
        for fused in itertools.product((False, True), repeat=len(xs)):
            acc: float | None = None
            for i, fma in zip(order, fused):
                p = Fraction(xs[i]) * Fraction(ys[i])
                if acc is None:
                    acc = rnd(p)
                elif fma:
                    acc = rnd(p + Fraction(acc))
                else:
                    acc = rnd(Fraction(acc) + Fraction(rnd(p)))
            assert acc is not None
            results.append(acc)
    return results


def _ratios(a: np.ndarray, b: np.ndarray, dtype: Any) -> dict[str, float]:
    """The cosine of a and b without clipping, computed every way we know, in dtype."""
    rnd = _rounder(dtype)
    A, B = a.astype(dtype), b.astype(dtype)
    out: dict[str, float] = {}
    dots = {
        "a @ b": A @ B,
        "np.dot": np.dot(A, B),
        "np.einsum": np.einsum("i,i->", A, B),
        "np.sum(a * b)": np.sum(A * B),
        "2-D matmul": (A[None, :] @ B[:, None])[0, 0],
        "math.fsum": dtype(math.fsum(float(x) * float(y) for x, y in zip(A, B))),
    }
    xs, ys = [float(x) for x in A], [float(y) for y in B]
    for i, d in enumerate(_dot_every_order(xs, ys, dtype)):
        dots[f"order/FMA variant {i}"] = dtype(d)
    norms = {
        "np.linalg.norm": (np.linalg.norm(A), np.linalg.norm(B)),
        "np.sqrt(a @ a)": (np.sqrt(A @ A), np.sqrt(B @ B)),
        "np.sqrt(np.sum(a**2))": (np.sqrt(np.sum(A**2)), np.sqrt(np.sum(B**2))),
        "math.hypot": (dtype(math.hypot(*map(float, A))), dtype(math.hypot(*map(float, B)))),
    }
    for (dn, d), (nn, (na, nb)) in itertools.product(dots.items(), norms.items()):
        out[f"{dn} / ({nn} * ...)"] = float(dtype(d) / dtype(dtype(na) * dtype(nb)))
        out[f"{dn} / {nn} / ..."] = float(dtype(dtype(d) / dtype(na)) / dtype(nb))
    # pure Python floats (float64 only: Python has no float32)
    if dtype is np.float64:
        for order in (1, -1):
            d = sum(x * y for x, y in list(zip(a.tolist(), b.tolist()))[::order])
            na = math.sqrt(sum(x * x for x in a.tolist()[::order]))
            nb = math.sqrt(sum(y * y for y in b.tolist()[::order]))
            out[f"Python, order {order}"] = d / (na * nb)
    # normalise first, then the dot product of the unit vectors, in every order and FMA
    ua = [rnd(Fraction(float(x)) / Fraction(float(np.linalg.norm(A)))) for x in A]
    ub = [rnd(Fraction(float(y)) / Fraction(float(np.linalg.norm(B)))) for y in B]
    for i, d in enumerate(_dot_every_order(ua, ub, dtype)):
        out[f"unit vectors, variant {i}"] = d
    out["unit vectors, numpy"] = float((A / np.linalg.norm(A)) @ (B / np.linalg.norm(B)))
    return out


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
def test_the_clipping_pair_leaves_minus_one_to_one_in_every_evaluation(dtype):
    l07 = _visible_l07()
    a, b = l07.CLIP_A, l07.CLIP_B
    # the argument of the test's comment: exact integers, then IEEE rounding of sqrt(18)
    assert a @ b == 36 and a @ a == 18 and b @ b == 72
    r = dtype(np.sqrt(dtype(18)))
    assert dtype(r * r) < 18 and dtype(np.sqrt(dtype(72))) == 2 * r
    for sign, past in ((1.0, lambda v: v > 1.0), (-1.0, lambda v: v < -1.0)):
        ratios = _ratios(a, sign * b, dtype)
        assert len(ratios) > 400  # 48 orders and FMA variants of each sum, 4 norms, 2 forms
        inside = {k: v for k, v in ratios.items() if not past(v)}
        assert not inside, f"{dtype.__name__}: inside [-1, 1] for {sorted(inside)[:5]}"


def test_the_clipping_pair_catches_the_bank_entry_and_not_the_solution():
    l07 = _visible_l07()
    a, b = l07.CLIP_A, l07.CLIP_B
    entry = ROOT / "grader/tests/misconceptions/ch1_tokens/l07_similarity/no_clipping.py"
    scope: dict[str, Any] = {"np": np}
    exec(compile(entry.read_text(encoding="utf-8"), str(entry), "exec"), scope)
    assert scope["cosine_similarity"](a, b) > 1.0
    assert scope["cosine_similarity"](a, -b) < -1.0
    solution = importlib.util.spec_from_file_location(
        "hexahype_solution_l07", ROOT / "solutions" / "ch1_tokens" / "l07_similarity.py"
    )
    assert solution is not None and solution.loader is not None
    module = importlib.util.module_from_spec(solution)
    solution.loader.exec_module(module)
    assert module.cosine_similarity(a, b) == 1.0 and module.cosine_similarity(a, -b) == -1.0


def test_the_stored_data_is_small():
    """grader/data/diagnoses.json ships in every student template."""
    size = known.DATA.stat().st_size
    assert size < 400_000, size
    assert json.loads(known.DATA.read_text(encoding="utf-8"))["version"] == known.VERSION


# -- recorded expected values ------------------------------------------------------------------------
def test_recorded_values_survive_a_recomputation_on_another_machine():
    """`verify`'s check of grader/data/recorded/ takes a value that lands on the neighbouring
    decimal, or moves by float32 noise, as the same, and a real change as a change."""
    from grader.instructor import recorded

    def step_up(x: float) -> float:  # the neighbouring decimal, or float32 noise when unrounded
        step = recorded._grid_step(x)
        return x + step if step else x * (1 + 1e-6)

    seen = 0
    for name in recorded.BUILDERS:
        doc = json.loads(recorded.path_of(ROOT, name).read_text(encoding="utf-8"))
        assert recorded._close(doc, perturb(doc, step_up)), name
        assert not recorded._close(doc, perturb(doc, lambda x: x * 1.001 + 0.001)), name
        seen += 1
    assert seen == len(recorded.BUILDERS) >= 7


def test_golden_messages_hold_no_computed_float():
    """Golden submissions compare first messages exactly: none of them may show a computed
    float (its last digits could differ on another machine); a new golden that does should
    compare it with a tolerance instead."""
    import re

    goldens = ROOT / "grader" / "tests" / "goldens"
    messages = [
        lesson["message"]
        for path in sorted(goldens.glob("*/expected.json"))
        for lesson in json.loads(path.read_text(encoding="utf-8"))["lessons"].values()
    ]
    assert len(messages) > 100
    floats = [m for m in messages if re.search(r"\d\.\d{3,}|\d[eE][-+]?\d", m)]  # not "1.10"
    assert not floats, floats[:3]
