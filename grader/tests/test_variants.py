"""Candidates generated from the reference (grader.authoring.variants): every family changes one
node of a function and says what it changed, the stored variants are fresh against the
references and visible tests, and a variant is named only by the evidence rule of
grader.diagnosis.known.lookup_variants (the bank first; only at the variant's own first failing
check; not for a whole number; not when the matching variants say more than two things; only
when the learner's own function confirms it on a probe, another check's input)."""

from __future__ import annotations

import ast
import json
import types
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest

from grader import current, manifest, testing
from grader.authoring import variants, verify
from grader.diagnosis import known, probes
from grader.diagnosis.outputs import call_key, encode

ROOT = Path(__file__).resolve().parents[2]

SAMPLE = '''
import math
import numpy as np

EPS = 1e-5


def helper(x):
    return x


def norm_rows(x, eps=1e-5):
    """A docstring with x - y and max(axis=-1) in it stays as it is."""
    x = np.asarray(x)
    m = x.max(axis=-1, keepdims=True)
    s = np.sqrt(np.mean((x - m) ** 2, axis=-1, keepdims=True) + eps)
    return helper(np.exp(x - m) / s)


def window(ids, t):
    out = []
    for i in range(1, len(ids)):
        if ids[i] <= t:
            out.append(ids[i - 1])
    return sorted(out[: t + 1], reverse=True)[0]


def merge_all(ids, pair, new):
    ids = list(ids)
    i = 0
    while i < len(ids) - 1:
        if (ids[i], ids[i + 1]) == pair:
            ids[i : i + 2] = [new]
        i += 1
    return sorted(ids, key=lambda t: -t)


def cost(n_layers, d, T, parts, p):
    return "".join(parts), 2 * n_layers * d * T, -np.log(p)


def area(h):
    w = h + 1
    return h * w


def scores(q, k, mask):
    dh = q.shape[-1]
    s = q @ k.T / math.sqrt(dh)
    keep = np.tril(np.ones((len(q), len(k)), dtype=bool))
    return np.clip(np.where(mask & keep, s, -np.inf), -1.0, 1.0)
'''


def by_family(found: list[variants.Variant]) -> dict[str, list[variants.Variant]]:
    out: dict[str, list[variants.Variant]] = {}
    for v in found:
        out.setdefault(v.family, []).append(v)
    return out


def test_every_family_changes_one_node_and_says_what_changed():
    found = variants.generate(
        SAMPLE, ["norm_rows", "window", "merge_all", "cost", "area", "scores"]
    )
    families = by_family(found)
    wanted = {
        "eps", "axis", "keepdims", "scale", "sqrt", "minmax", "strict", "off_by_one",
        "first_last", "order", "swap", "where", "triangle", "mean_sum", "transpose", "clip",
        "skip_step", "first_only", "last_only", "sign", "power", "in_place", "factor", "log_base",
        "join",
    }  # fmt: skip
    assert wanted <= set(families), wanted - set(families)
    original = {
        n.name: ast.unparse(n) for n in ast.parse(SAMPLE).body if isinstance(n, ast.FunctionDef)
    }
    sources = [v.source for v in found]
    assert len(set(sources)) == len(sources)  # no two variants are the same code
    for v in found:
        tree = ast.parse(v.source)  # compiles
        (func,) = tree.body
        assert isinstance(func, ast.FunctionDef) and func.name == v.task
        assert ast.unparse(func) != original[v.task]
        assert ast.get_docstring(func) == ast.get_docstring(
            next(n for n in ast.parse(SAMPLE).body if getattr(n, "name", "") == v.task)
        )
        assert v.explanation.startswith(f"In `{v.task}`, ") and v.explanation.endswith(".")
        # the sentence describes the change; it never quotes the reference's changed line
        for line in original[v.task].splitlines()[1:]:
            if len(line.strip()) > 30:
                assert line.strip() not in v.explanation, (v.key, line)
    # a few sentences in full
    texts = {v.explanation for v in found}
    assert (
        "In `norm_rows`, the small epsilon (`eps`) that keeps the value away from zero is left out (missing eps)."
        in texts
    )  # noqa: E501
    assert (
        "In `window`, `<` is used where `<=` is wanted, so equal values (the boundary case) go the wrong way."
        in texts
    )  # noqa: E501
    # code is shown only in the learner's names (parameters, the module's, the docstring's):
    # `dh`, `m` and `s` are the reference's own locals, so no sentence shows them
    assert (
        "In `scores`, a division (the scaling) is left out, so the values are not scaled." in texts
    )
    assert not any("dh" in v.explanation for v in found if v.task == "scores")
    assert "In `cost`, the factor `n_layers` is left out of a product." in texts
    assert "In `area`, the factor `h` is left out of a product." in texts
    assert "In `area`, a factor is left out of a product." in texts  # `w`: the reference's local
    assert (
        "In `norm_rows`, the `helper` step is left out: its input is used as it is (a missing "
        "helper step)." in texts
    )
    assert not any("`norm_rows` step" in t for t in texts)  # never the function itself


def test_the_families_of_a_whole_step_every_axis_base_two_and_affine():
    """Three mistakes that change more than one node or a whole expression: every reduction
    along axis 0 together, `2 **` for `np.exp`, and a norm's gain and shift both left out."""
    src = (
        "import numpy as np\n\n\ndef ln(x, g, b):\n"
        "    m = x.mean(axis=-1, keepdims=True)\n"
        "    v = ((x - m) ** 2).mean(axis=-1, keepdims=True)\n"
        "    return np.exp((x - m) / np.sqrt(v)) * g + b\n"
    )
    families = by_family(variants.generate(src, ["ln"]))
    (every,) = families["every_axis"]
    assert every.explanation == (
        "In `ln`, every `mean` runs along axis=0 instead of the last axis (axis=-1)."
    )
    assert "axis=-1" not in every.source and every.source.count("axis=0") == 2
    (base,) = families["exp_base"]
    assert "2.0 ** ((x - m) / np.sqrt(v))" in base.source and "np.exp" not in base.source
    (affine,) = families["affine"]
    assert affine.explanation.startswith("In `ln`, the learned scale `g` and shift `b` are both")
    assert affine.source.rstrip().endswith("return np.exp((x - m) / np.sqrt(v))")
    one = "import numpy as np\n\n\ndef ln(x):\n    return x - x.mean(axis=-1, keepdims=True)\n"
    assert "every_axis" not in by_family(variants.generate(one, ["ln"]))  # one: the axis family


def test_the_greedy_family_replaces_the_courses_sampler_by_an_argmax():
    """A generation loop that never calls the course's sampler: always the most likely token.
    Only the course's own `sample`, not any function of that name."""
    src = (
        "import numpy as np\n\n\ndef generate(logits, us, t):\n"
        "    return [sample(row, u, t) for row, u in zip(logits, us)]\n"
    )
    (greedy,) = by_family(variants.generate(src, ["generate"], {"sample"}))["greedy"]
    assert "[int(np.argmax(row)) for row, u in zip(logits, us)]" in greedy.source
    assert greedy.explanation.startswith("In `generate`, `sample` is never called: the most")
    assert "greedy" not in by_family(variants.generate(src, ["generate"]))  # not the course's


def test_the_pairing_family_pairs_every_row_with_every_target():
    """Fancy indexing that pairs row t with targets[t], `[np.arange(T), targets]`, taken as
    `[:, targets]`: a (T, T) block of every row with every target."""
    src = (
        "import numpy as np\n\n\ndef nll(logp, targets):\n"
        "    return -logp[np.arange(len(targets)), targets].mean()\n"
    )
    (pairing,) = by_family(variants.generate(src, ["nll"]))["pairing"]
    assert "logp[:, targets]" in pairing.source
    assert "row t goes with targets[t] alone" in pairing.explanation
    ns: dict = {}
    exec(compile(pairing.source, "<variant>", "exec"), {"np": np}, ns)  # noqa: S102 - fixed
    logp = np.log(np.array([[0.5, 0.5], [0.9, 0.1]]))
    assert np.isclose(ns["nll"](logp, np.array([1, 0])), -logp.mean())  # all four pairs
    plain = "import numpy as np\n\n\ndef first(x, i):\n    return x[0, i]\n"
    assert "pairing" not in by_family(variants.generate(plain, ["first"]))


def test_eps_after_the_square_root_and_a_mask_without_its_diagonal():
    src = (
        "import numpy as np\n\n\ndef norm(x, eps=1e-5):\n"
        "    return x / np.sqrt((x * x).mean(axis=-1, keepdims=True) + eps)\n\n\n"
        "def mask(t, past):\n    return np.tril(np.ones((t, past + t), dtype=bool), k=past)\n"
    )
    (outside,) = by_family(variants.generate(src, ["norm"]))["eps_outside"]
    assert "np.sqrt((x * x).mean(axis=-1, keepdims=True)) + eps" in outside.source
    assert outside.explanation.startswith("In `norm`, eps is added after the square root")
    (diagonal,) = by_family(variants.generate(src, ["mask"]))["diagonal"]
    assert "k=past - 1" in diagonal.source and "does not see itself" in diagonal.explanation
    ns: dict = {}
    exec(compile(diagonal.source, "<variant>", "exec"), {"np": np}, ns)  # noqa: S102 - fixed
    assert not ns["mask"](2, 1)[0, 1] and ns["mask"](2, 1)[0, 0]  # the cached key, not itself
    plain = "import numpy as np\n\n\ndef norm(x):\n    return x / np.sqrt(x + 2.0)\n"
    assert "eps_outside" not in by_family(variants.generate(plain, ["norm"]))  # 2.0 is no eps


def test_the_variance_family_squares_the_standard_deviation_given_to_normal():
    src = (
        "import numpy as np\n\n\ndef init(n, seed):\n"
        "    return np.random.default_rng(seed).normal(0.0, 0.02, size=(n,))\n"
    )
    (variance,) = by_family(variants.generate(src, ["init"]))["variance"]
    assert "normal(0.0, 0.02 ** 2, size=(n,))" in variance.source
    assert "the variance (`0.02 ** 2`) is passed" in variance.explanation
    unit = "import numpy as np\n\n\ndef init(n):\n    return np.random.normal(0, 1, size=n)\n"
    assert "variance" not in by_family(variants.generate(unit, ["init"]))  # 1 squared is 1


def test_parentheses_left_out_and_a_step_applied_twice():
    src = (
        "import numpy as np\n\n\ndef mid(a, b):\n    return (a + b) / 2\n\n\n"
        "def freq(i, d, base):\n    return 1.0 / base ** (2 * i / d)\n\n\n"
        "def softmax(x):\n    e = np.exp(x - x.max())\n    return e / e.sum()\n\n\n"
        "def probs(logits, t):\n    return softmax(logits / t)\n"
    )
    (mid,) = by_family(variants.generate(src, ["mid"]))["precedence"]
    assert "return a + b / 2" in mid.source
    assert "(`a + b / 2` for `(a + b) / 2`)" in mid.explanation
    (freq,) = by_family(variants.generate(src, ["freq"]))["precedence"]
    ns: dict = {}
    exec(compile(freq.source, "<variant>", "exec"), {}, ns)  # noqa: S102 - fixed
    # the exponent without its brackets, as Python reads `base ** 2 * i / d`
    assert ns["freq"](1, 4, 100.0) == pytest.approx(1.0 / (100.0**2 * 1 / 4), rel=1e-12)
    assert "precedence" not in by_family(variants.generate(src, ["softmax"]))  # no brackets
    (twice,) = by_family(variants.generate(src, ["probs"]))["twice"]
    assert "softmax(softmax(logits / t))" in twice.source
    assert "the `softmax` step is applied twice" in twice.explanation
    private = "def _h(x):\n    return x\n\n\ndef f(x):\n    return _h(x)\n"
    assert "twice" not in by_family(variants.generate(private, ["f"]))  # no helper of ours named


def test_adjacent_pairs_taken_without_overlap():
    src = "def pairs(ids):\n    return list(zip(ids, ids[1:]))\n"
    (apart,) = by_family(variants.generate(src, ["pairs"]))["overlap"]
    ns: dict = {}
    exec(compile(apart.source, "<variant>", "exec"), {}, ns)  # noqa: S102 - fixed
    assert ns["pairs"]([1, 2, 3, 1, 2]) == [(1, 2), (3, 1)]  # (2, 3) and (1, 2) missed
    assert "every other pair is missed" in apart.explanation
    other = "def pairs(a, b):\n    return list(zip(a, b[1:]))\n"  # two sequences: no pairs
    assert "overlap" not in by_family(variants.generate(other, ["pairs"]))


def test_a_variant_is_the_reference_with_that_one_change():
    """Run: each variant appended to the module replaces the function and behaves as said."""
    found = {v.key: v for v in variants.generate(SAMPLE, ["norm_rows", "window"])}

    def run(key: str | None, name: str, *args):
        scope: dict = {}
        exec(SAMPLE + ("\n" + found[key].source if key else ""), scope)
        with np.errstate(divide="ignore"):  # the variant without eps divides by zero
            return scope[name](*args)

    x = np.array([[1.0, 2.0, 4.0], [0.0, 0.0, 9.0]])
    eps = next(k for k in found if k.startswith("norm_rows/eps"))
    assert not np.allclose(
        run(eps, "norm_rows", np.ones((2, 3))), run(None, "norm_rows", np.ones((2, 3)))
    )
    whole = next(
        k for k, v in found.items() if "whole array" in v.explanation and "`max`" in v.explanation
    )
    got, want = run(whole, "norm_rows", x), run(None, "norm_rows", x)
    assert np.allclose(got[1], want[1]) and not np.allclose(
        got[0], want[0]
    )  # row 0 not its own max
    strict = next(k for k in found if k.startswith("window/strict"))
    assert run(strict, "window", [5, 3, 4, 1], 3) == 4 != run(None, "window", [5, 3, 4, 1], 3)


# -- the evidence rule -------------------------------------------------------------------------
def _data(tmp_path: Path, records, texts, first, name="variants.json", calls=None) -> Path:
    path = tmp_path / name
    known.write(known.build(records, texts, first, calls), path)
    return path


@contextmanager
def _unbounded(seconds):
    yield [False]


def learner(monkeypatch, f) -> None:
    """The running test received a learner module with function `f`, and has a time bound."""
    module = types.ModuleType("learner_module")
    module.f = f
    monkeypatch.setattr(current, "modules", (module,))
    monkeypatch.setattr(current, "bound", _unbounded)


PROBE = "f([4.0, 1.0])"  # another visible check of f: the probe
PROBE_CALL = {
    "fn": "f", "args": probes.encode_args(([4.0, 1.0],)), "kwargs": probes.encode_args({}),
}  # fmt: skip


@pytest.fixture
def stored(tmp_path, monkeypatch):
    here, other, there = call_key("f([1.5, 2.5])"), call_key("g()"), call_key(PROBE)
    records = {
        "9.9:f/axis-0": [(here, encode([0.25, 0.75])), (there, encode([0.8, 0.2]))],
        "9.9:f/scale-0": [(here, encode([3.5, 1.25])), (there, encode([9.0, 1.0]))],
        "9.9:f/strict-0": [(here, encode([7.125, 1.0]))],  # first fails elsewhere
        "9.9:f/off_by_one-0": [(here, encode(3))],
        "9.9:f/a-0": [(here, encode([1.5, 0.5]))],
        "9.9:f/b-0": [(here, encode([1.5, 0.5]))],
        "9.9:f/c-0": [(here, encode([1.5, 0.5]))],
    }
    texts = {
        "9.9:f/axis-0": "In `f`, `max` runs over the whole array.",
        "9.9:f/scale-0": "In `f`, the scale is left out.",
        "9.9:f/strict-0": "In `f`, `<` for `<=`.",
        "9.9:f/off_by_one-0": "In `f`, one too many.",
        "9.9:f/a-0": "A.",
        "9.9:f/b-0": "B.",
        "9.9:f/c-0": "C.",
    }
    first = {k: here for k in texts} | {"9.9:f/strict-0": other}
    path = _data(tmp_path, records, texts, first, calls={there: PROBE_CALL})
    monkeypatch.setenv(known.VARIANTS_ENV, str(path))
    empty = _data(tmp_path, {}, {}, {}, "bank.json")
    monkeypatch.setenv(known.DATA_ENV, str(empty))
    known._load.cache_clear()
    learner(monkeypatch, lambda xs: [0.8, 0.2] if xs == [4.0, 1.0] else [0.25, 0.75])
    yield here
    known._load.cache_clear()


def test_a_variant_is_named_for_its_output_at_its_own_first_failing_check(stored):
    msg = testing.explain("f([1.5, 2.5])", [0.25, 0.75 * (1 + 1e-6)], [0.5, 0.5])
    assert "Likely mistake: In `f`, `max` runs over the whole array." in msg
    assert known.VARIANT_NOTE in msg
    assert "Likely mistake" not in testing.explain("f([1.5, 2.5])", [0.25, 0.8], [0.5, 0.5])
    # a variant that fails first at another check passed nothing the learner passed
    assert "Likely mistake" not in testing.explain("f([1.5, 2.5])", [7.125, 1.0], [0.5, 0.5])


def test_a_variant_is_named_only_when_the_learners_function_confirms_it_on_a_probe(
    stored, monkeypatch
):
    """The same result at the failing check, with the learner's function returning the
    variant's result at the probe (named), something else there (ruled out), raising there
    (no evidence), or not runnable here, as in a graded run (no evidence): a generated variant
    is named only when confirmed."""
    args = ("f([1.5, 2.5])", [0.25, 0.75], [0.5, 0.5])
    assert "Likely mistake: In `f`, `max`" in testing.explain(*args)
    learner(monkeypatch, lambda xs: [0.5, 0.5])  # right at the probe: not the variant's mistake
    assert "Likely mistake" not in testing.explain(*args)
    learner(monkeypatch, lambda xs: [9.0, 1.0])  # the scale variant's result at the probe
    assert "Likely mistake" not in testing.explain(*args)

    def raises(xs):
        raise ValueError("no")

    learner(monkeypatch, raises)
    assert "Likely mistake" not in testing.explain(*args)
    monkeypatch.setattr(current, "modules", ())  # a graded run: the learner's code is remote
    assert "Likely mistake" not in testing.explain(*args)


def test_a_bank_entry_that_a_probe_rules_out_is_not_named(stored, tmp_path, monkeypatch):
    """Two written-down mistakes give the learner's result at the failing check; the probe
    tells them apart, so only the one it confirms is named; when it confirms neither, neither
    is named; when no probe can run, both are (as before probes)."""
    here, there = stored, call_key(PROBE)
    bank = _data(
        tmp_path,
        {
            "ch/l/one": [(here, encode([2.0, 0.5])), (there, encode([1.0, 2.0]))],
            "ch/l/two": [(here, encode([2.0, 0.5])), (there, encode([3.0, 4.0]))],
        },
        {"ch/l/one": "Mistake one.", "ch/l/two": "Mistake two."},
        {"ch/l/one": here, "ch/l/two": here},
        "bank3.json",
        calls={there: PROBE_CALL},
    )
    monkeypatch.setenv(known.DATA_ENV, str(bank))
    known._load.cache_clear()
    args = ("f([1.5, 2.5])", [2.0, 0.5], [0.5, 0.5])
    learner(monkeypatch, lambda xs: [3.0, 4.0])
    msg = testing.explain(*args)
    assert "Likely mistake: Mistake two." in msg and "one" not in msg
    learner(monkeypatch, lambda xs: [0.5, 0.5])
    assert "Likely mistake" not in testing.explain(*args)
    monkeypatch.setattr(current, "modules", ())
    msg = testing.explain(*args)
    assert "Mistake one." in msg and "Mistake two." in msg


def test_no_variant_is_named_for_a_whole_number_or_for_an_output_three_variants_share(stored):
    assert "Likely mistake" not in testing.explain("f([1.5, 2.5])", 3, 2)
    assert "Likely mistake" not in testing.explain("f([1.5, 2.5])", 3.0, 2.0)
    assert "Likely mistake" not in testing.explain("f([1.5, 2.5])", [1.5, 0.5], [0.5, 0.5])


def test_two_variants_that_a_probe_confirms_alike_are_both_left_unnamed(tmp_path, monkeypatch):
    """Two different changes give the learner's outputs at the check and on the probe: the
    outputs do not tell them apart, so neither is named. The same two with one sentence, or one
    of them alone, is named."""
    here, there = call_key("f([1.5, 2.5])"), call_key(PROBE)
    outputs = [(here, encode([1.5, 0.5])), (there, encode([4.0, 0.5]))]
    args = ("f([1.5, 2.5])", [1.5, 0.5], [0.5, 0.5])

    def message(texts: dict[str, str]) -> str:
        path = _data(
            tmp_path, {n: outputs for n in texts}, texts, {n: here for n in texts},
            f"variants-{len(texts)}-{len(set(texts.values()))}.json", calls={there: PROBE_CALL},
        )  # fmt: skip
        monkeypatch.setenv(known.VARIANTS_ENV, str(path))
        known._load.cache_clear()
        return testing.explain(*args)

    monkeypatch.setenv(known.DATA_ENV, str(_data(tmp_path, {}, {}, {}, "bank.json")))
    learner(monkeypatch, lambda xs: [4.0, 0.5] if xs == [4.0, 1.0] else [1.5, 0.5])
    assert "Likely mistake" not in message({"9.9:f/first-0": "First.", "9.9:f/last-0": "Last."})
    assert "Likely mistake: First." in message({"9.9:f/first-0": "First."})
    assert "Likely mistake: Same." in message({"9.9:f/a-0": "Same.", "9.9:f/b-0": "Same."})
    known._load.cache_clear()


def test_the_bank_comes_first(stored, tmp_path, monkeypatch):
    bank = _data(
        tmp_path,
        {"ch/l/written": [(stored, encode([3.5, 1.25]))]},
        {"ch/l/written": "Somebody wrote this one down."},
        {"ch/l/written": stored},
        "bank2.json",
    )
    monkeypatch.setenv(known.DATA_ENV, str(bank))
    known._load.cache_clear()
    msg = testing.explain("f([1.5, 2.5])", [3.5, 1.25], [0.5, 0.5])
    assert "Likely mistake: Somebody wrote this one down." in msg
    assert "scale" not in msg and known.VARIANT_NOTE not in msg


# -- the stored data -----------------------------------------------------------------------------
def test_the_stored_variants_are_fresh_small_and_named_in_the_data():
    """Each authored lesson's variants were made from its reference and visible tests as they
    are (a fingerprint of their text); a changed reference is reported stale."""
    course = manifest.load(ROOT)
    lessons = [e for e in course.lessons if e.authored and not e.is_quiz]
    report = verify.Report()
    verify.check_variants(course, lessons, report)
    assert report.ok, report.problems
    data = json.loads(known.VARIANTS.read_text(encoding="utf-8"))
    assert set(data["lessons"]) == {e.id for e in lessons}
    # with the probes' inputs and results (stored by reference for a model or a tokenizer);
    # read once, on the first failing check of a run
    assert known.VARIANTS.stat().st_size < 600_000
    assert set(data["first"]) == set(data["mistakes"]) and len(data["mistakes"]) >= 100
    local = variants.defined_functions([e.solution_path.read_text("utf-8") for e in lessons])
    generated = {}
    for e in lessons:
        source = e.solution_path.read_text("utf-8")
        for v in variants.generate(source, sorted(variants.defined_functions([source])), local):
            generated[f"{e.id}:{v.key}"] = v.explanation
    for key, text in data["mistakes"].items():  # what the generator makes now, in its words
        assert generated.get(key) == text, (key, text, generated.get(key))


def test_a_changed_reference_makes_its_lessons_variants_stale(tmp_path, monkeypatch):
    course = manifest.load(ROOT)
    data = json.loads(known.VARIANTS.read_text(encoding="utf-8"))
    data["lessons"]["1.7"] = "0" * 16
    path = tmp_path / "variants.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    monkeypatch.setattr(verify, "variants_path", lambda root: path)
    known._load.cache_clear()
    report = verify.Report()
    lessons = [e for e in course.lessons if e.authored and not e.is_quiz]
    verify.check_variants(course, lessons, report)
    known._load.cache_clear()
    assert len(report.problems) == 1 and report.problems[0].startswith("1.7 "), report.problems
    assert "variants.json is stale" in report.problems[0]


def test_a_mistake_no_bank_entry_holds_is_named_by_its_variant():
    """A learner's feed-forward network without GELU, written in their own words (no bank
    entry holds it): the first failing message names the missing step."""
    entry = manifest.load(ROOT).get("2.4")
    source = (
        '"""feed_forward leaves out the activation."""\n\n'
        "def feed_forward(x, block):\n"
        "    hidden = x @ block['w_in'] + block['b_in']\n"
        "    out = hidden @ block['w_out']\n"
        "    return out + block['b_out']\n"
    )
    run = verify.run_appended(entry, source, verify.MisconceptionRun("t", "", ""))
    assert run.caught, run.first
    assert "Likely mistake: In `feed_forward`, the `gelu` step is left out" in run.first, run.first
    assert known.VARIANT_NOTE in run.first
