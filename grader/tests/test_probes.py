"""Probes (grader.diagnosis.probes): a candidate mistake is named only when the learner's own
function agrees with it on a second input, as a learner's run of a lesson's visible tests
shows, and a probe never costs a check its own message or its time."""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
import pytest

from grader import manifest, runs
from grader.diagnosis import causes, known, probes
from grader.diagnosis.outputs import Unstable

ROOT = Path(__file__).resolve().parents[2]
ABC = "test_encode_uses_the_lowest_merge_index_first"  # encode('abc', ...) -> [97, 256]


def test_stored_inputs_come_back_exactly_and_fresh():
    value = (
        [1, (2, 3)], {(97, 97): 256, "k": None}, b"\x00ab", "t\u00e9xt", True, 2**70,
        float("-inf"), 0.1, np.arange(6, dtype=np.float32).reshape(2, 3) / np.float32(7),
        np.array([[1, 2]], dtype=np.int64), np.float32(0.3), np.zeros((0, 4)),
    )  # fmt: skip
    tree = json.loads(json.dumps(probes.encode_args(value)))
    back = probes.decode_args(tree)
    assert type(back) is tuple and type(back[0]) is list and type(back[0][1]) is tuple
    assert back[:8] == value[:8] and back[8].dtype == np.float32
    for got, want in zip(back[8:], value[8:]):
        assert got.dtype == want.dtype and got.shape == want.shape
        assert np.array_equal(got, want)  # stored bit for bit: these are inputs, not results
    again = probes.decode_args(tree)
    again[0].append(9)
    assert probes.decode_args(tree)[0] == [1, (2, 3)]  # each probe gets its own copy
    for bad in (object(), {1, 2}, np.array(["a"]), [lambda: 0]):
        with pytest.raises(Unstable):
            probes.encode_args(bad)


def test_derived_probes_scale_every_float_alike_each_time_and_repeat_texts_and_ids():
    stored = {
        "fn": "f",
        "args": probes.encode_args(
            (np.array([[1.0, 0.0], [2.0, -np.inf]]), [1.5, 2, "s"], {"w": np.ones(3, "float32")})
        ),
        "kwargs": probes.encode_args({"t": 0.5, "k": 3}),
    }
    made = dict(probes.derived(stored))[":p1"]
    again = dict(probes.derived(json.loads(json.dumps(stored))))[":p1"]
    assert made == again  # a learner's run makes the same input
    (x, items, params), kwargs = (
        probes.decode_args(made["args"]),
        probes.decode_args(made["kwargs"]),
    )
    assert x[0, 1] == 0.0 and x[1, 1] == -np.inf  # zeros and infinities stay
    ratios = [x[0, 0] / 1.0, x[1, 0] / 2.0, items[0] / 1.5, kwargs["t"] / 0.5]
    assert all(0.55 <= r <= 1.45 and r != 1.0 for r in ratios), ratios
    assert len(set(ratios)) == len(ratios)  # each float its own factor: ties are broken
    assert items[1:] == [2, "s"] and kwargs["k"] == 3  # ints and text stay
    assert params["w"].dtype == np.float32 and len(set(params["w"].tolist())) == 3
    ids_only = {"fn": "g", "args": probes.encode_args(([1, 2], "x")), "kwargs": {"d": []}}
    ((suffix, repeated),) = probes.derived(ids_only)  # nothing to scale: repeated only
    assert suffix == ":p2"
    assert probes.decode_args(repeated["args"]) == ([1, 2, 1, 2], "xx")
    # whole-number arguments of the call itself (sizes, a seed) one larger; not bools, not 0
    # or below (and ids in a list are repeated, not counted)
    sizes = {"fn": "h", "args": probes.encode_args((5, 4, True, 0, None)), "kwargs": {"d": []}}
    ((suffix, counted),) = probes.derived(sizes)
    assert suffix == ":p3"
    assert probes.decode_args(counted["args"]) == (6, 5, True, 0, None)
    assert probes.decode_args(dict(probes.derived(ids_only))[":p2"]["args"]) == ([1, 2, 1, 2], "xx")
    assert ":p3" in dict(probes.derived(stored))  # its keyword k=3: one larger too
    assert probes.decode_args(dict(probes.derived(stored))[":p3"]["kwargs"])["k"] == 4


def test_a_shown_input_reads_as_its_label_and_is_kept_as_its_value():
    from grader import current, testing

    block = {"w": np.ones((2, 2))}
    text = testing.call("feed_forward", [1.0], testing.shown(block, "<seeded block>"))
    assert current.calls[text][1][1] is block
    assert text == testing.call("feed_forward", [1.0], "<seeded block>")  # the same check key


def test_the_stored_probes_are_inputs_the_reference_takes():
    """Every stored probe (a check's exact input, or one derived from it) is small, names a
    function of its lesson, and is an input the lesson's reference runs on without an error;
    verify kept only those whose check's expected value the reference returns (a mistake that
    changed its input in place recorded a changed input, which is no probe)."""
    from grader import loader

    course = manifest.load(ROOT)
    by_package = {f"{e.package}/{e.name}": e for e in course.lessons}
    for path in (known.DATA, known.VARIANTS):
        data = json.loads(path.read_text(encoding="utf-8"))
        assert len(data["calls"]) >= 60, (path.name, len(data["calls"]))
        assert set(data["calls"]) <= set(data["checks"])
        assert any(k.endswith(probes.DERIVED) for k in data["calls"])
        for key, stored in data["calls"].items():
            assert len(json.dumps(stored)) <= 2 * probes.MAX_ARGS, key
            name = data["checks"][key][0][0][0]  # an entry or variant that failed there
            lesson = (
                course.get(name.split(":", 1)[0])
                if ":" in name
                else by_package[name.rsplit("/", 1)[0]]
            )
            fn = getattr(loader.load(lesson, ROOT / "solutions"), stored["fn"])
            inputs = probes.declared_inputs(lesson.test_path)  # an input stored by its label
            with np.errstate(all="ignore"):
                fn(
                    *probes.decode_args(stored["args"], inputs),
                    **probes.decode_args(stored["kwargs"], inputs),
                )


def _bpe_run(tmp_path: Path, body: str) -> dict[str, str]:
    """Lesson 1.3's visible tests, as a learner runs them, with `body` appended to the
    reference: test name -> its failure message."""
    course = manifest.load(ROOT)
    entry = course.get("1.3")
    impl = tmp_path / "impl"
    import shutil

    shutil.copytree(ROOT / "solutions", impl, ignore=shutil.ignore_patterns("__pycache__"))
    target = impl / entry.package / f"{entry.name}.py"
    target.write_text(target.read_text(encoding="utf-8") + "\n\n" + body, encoding="utf-8")
    _, doc, out = runs.run_suite(
        ROOT, runs.test_files([entry]), impl, extra=["-p", "no:randomly"], timeout=300
    )
    assert doc is not None, out
    return {t.nodeid.split("::")[-1]: t.message for t in doc.tests if not t.passed}


_REFERENCE_ENCODE = "_reference_encode = encode\n"


def test_a_result_that_a_known_mistake_shares_on_one_check_names_it_only_if_a_probe_agrees(
    tmp_path: Path,
):
    """encode('abc', ...) returning [257, 99] is what the bank's leftmost-pair mistake
    returns there. A learner whose code makes that mistake gets it named; a learner whose code
    returns the same at that check but is right on every other input does not (the probes,
    the other checks' inputs, rule the bank's mistake out)."""
    leftmost = (
        "def encode(text, merges):\n"
        "    ids = list(text.encode('utf-8'))\n"
        "    ranks = dict(merges)\n"
        "    while True:\n"
        "        for i in range(len(ids) - 1):\n"
        "            if (ids[i], ids[i + 1]) in ranks:\n"
        "                new = ranks[(ids[i], ids[i + 1])]\n"
        "                ids = ids[:i] + [new] + ids[i + 2:]\n"
        "                break\n"
        "        else:\n"
        "            return ids\n"
    )
    failed = _bpe_run(tmp_path / "a", leftmost)
    assert "Likely mistake: encode merges the leftmost known pair" in failed[ABC], failed[ABC]
    coincidence = _REFERENCE_ENCODE + (
        "def encode(text, merges):\n"
        "    if text == 'abc':\n"
        "        return [257, 99]\n"
        "    return _reference_encode(text, merges)\n"
    )
    failed = _bpe_run(tmp_path / "b", coincidence)
    assert list(failed) == [ABC], failed
    assert "returned [257, 99]" in failed[ABC]
    assert "Likely mistake" not in failed[ABC], failed[ABC]


def test_a_probe_that_never_returns_costs_the_check_neither_its_message_nor_its_time(
    tmp_path: Path,
):
    """The same result at the 'abc' check, from code that loops forever on every other
    input: the probes stop within their bound (no evidence either way), the check still reads
    as the wrong answer it is, not as a timeout, and the run ends in seconds."""
    hangs = (
        "def encode(text, merges):\n"
        "    if text == 'abc':\n"
        "        return [257, 99]\n"
        "    while True:\n"
        "        pass\n"
    )
    began = time.monotonic()
    failed = _bpe_run(tmp_path, hangs)
    took = time.monotonic() - began
    message = failed[ABC]
    assert "returned [257, 99], expected [97, 256]" in message, message
    assert "time" not in message.lower().split("hint:")[0], message
    # the tests that call encode on the other inputs still stop at their own limit, as hangs
    others = [m for name, m in failed.items() if name != ABC]
    assert others and all("ran for more than" in m or "skipped" in m for m in others), others
    assert took < 120, took


def _one_probe(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, probe_text: str, args: tuple, want: object
):
    """A diagnosis data file with one stored probe (the call `probe_text`, its inputs `args`
    and the reference's result `want` there) and no variants; returns `learner(f)`, which
    makes `f` the learner's function `f` of the running test, with an unbounded timer."""
    import types
    from contextlib import contextmanager

    from grader import current
    from grader.diagnosis.outputs import call_key, encode

    probe = call_key(probe_text)
    stored = {
        "fn": "f", "args": probes.encode_args(args), "kwargs": probes.encode_args({}),
        "want": probes.encode_args(want),
    }  # fmt: skip
    data = known.build(
        {"ch/l/other": [(probe, encode([-1]))]}, {"ch/l/other": "Other."}, {}, {probe: stored}
    )
    path = tmp_path / "bank.json"
    known.write(data, path)
    monkeypatch.setenv(known.DATA_ENV, str(path))
    monkeypatch.setenv(known.VARIANTS_ENV, str(tmp_path / "none.json"))
    known._load.cache_clear()

    @contextmanager
    def unbounded(seconds):
        yield [False]

    def learner(f):
        module = types.ModuleType("learner_module")
        module.f = f
        monkeypatch.setattr(current, "modules", (module,))
        monkeypatch.setattr(current, "bound", unbounded)

    return learner


def test_a_detectors_cause_is_given_when_a_probe_shows_the_same_and_only_then(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """One number that is 1 / the expected one is only an observation (one value is no
    evidence for a cause); the learner's function giving 1 / the reference's result on a probe
    too makes it a cause. A probe where the function is right is no evidence; one where it
    differs otherwise rules the cause out."""
    from grader import current, testing
    from grader.diagnosis import diagnose

    learner = _one_probe(tmp_path, monkeypatch, "f(2.0)", (2.0,), 2.7)
    args = ("f(10.0)", 1 / 10.7, 10.7)
    learner(lambda x: 1 / (x + 0.7))  # the reference adds 0.7: this one inverts that
    msg = testing.explain(*args)
    assert "Diagnosis: that is 1 / the expected value: a ratio turned upside down" in msg, msg
    assert "another input" in msg
    learner(lambda x: x + 0.7)  # right on the probe: no evidence
    assert "Diagnosis" not in testing.explain(*args)
    assert "How it differs: that is 1 / the expected value" in testing.explain(*args)
    learner(lambda x: x - 0.7)  # another difference there: not this cause
    assert "Diagnosis" not in testing.explain(*args)
    monkeypatch.setattr(current, "modules", ())  # a graded run: no probe
    assert "Diagnosis" not in diagnose(*args, has_expected=True)
    known._load.cache_clear()


def _reference_end_marks(xs):
    return [0, *xs, 9]


@pytest.mark.parametrize(
    "reference, wrong, other, observed, cause",
    [
        (  # two values in each other's place
            _reference_end_marks,
            lambda xs: [9, *xs, 0],
            lambda xs: [0, *xs, 8],
            "the right values, but those at positions 0 and 5 are swapped",
            causes.SWAPPED,
        ),
        (  # a window one too short: the first item missing
            lambda xs: xs[-3:],
            lambda xs: xs[-2:],
            lambda xs: xs[-3:][::-1],
            "one element is missing: the first element",
            causes.MISSING["first"],
        ),
        (  # one past the end
            lambda xs: xs[:-1],
            lambda xs: list(xs),
            lambda xs: xs[:-2],
            "one element too many, at the end",
            causes.EXTRA["last"],
        ),
        (  # a list appended whole where its items belong
            lambda xs: [2 * x for x in xs],
            lambda xs: [[2 * x for x in xs]],
            lambda xs: [2 * x for x in xs][::-1],
            "the right items, but inside one inner list",
            causes.NESTED,
        ),
    ],
    ids=["swapped", "missing-first", "extra-last", "nested"],
)
def test_an_observation_of_order_or_length_is_a_cause_only_when_a_probe_shows_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, reference, wrong, other, observed, cause
):
    """What the order and length detectors see (two values swapped, one missing at an end,
    one too many) is an observation on one answer ("How it differs:"); the learner's function
    doing the same on a probe (another input of the lesson's checks) makes it a cause
    ("Diagnosis:"). A probe where the function is right is no evidence; one where it differs
    in another way rules the cause out; a graded run, with no probe, gives the observation."""
    from grader import current, testing
    from grader.diagnosis import diagnose

    probe_input = [1, 2, 3, 4, 5]
    learner = _one_probe(
        tmp_path, monkeypatch, f"f({probe_input})", (probe_input,), reference(probe_input)
    )
    xs = [4, 5, 6, 7]
    args = (f"f({xs})", wrong(xs), reference(xs))
    monkeypatch.setattr(current, "modules", ())  # a graded run: no probe
    alone = diagnose(*args, has_expected=True)
    assert alone.startswith("How it differs: ") and observed in alone, alone
    assert cause not in alone
    learner(wrong)
    msg = testing.explain(*args)
    assert f"Diagnosis: {observed}" in msg and cause in msg and "another input" in msg, msg
    learner(lambda ys: reference(ys) if ys != xs else wrong(ys))  # right on the probe
    msg = testing.explain(*args)
    assert "Diagnosis" not in msg and observed in msg, msg
    learner(lambda ys: other(ys) if ys != xs else wrong(ys))  # another difference there
    msg = testing.explain(*args)
    assert "Diagnosis" not in msg and cause not in msg, msg
    known._load.cache_clear()


def test_an_input_shown_by_a_declared_label_is_stored_by_reference_and_rebuilt_fresh(
    monkeypatch: pytest.MonkeyPatch,
):
    """A tokenizer or a model's parameters has no exact JSON form (or a large one): a test
    module that declares it in PROBE_INPUTS (label -> a function that returns it) lets a check
    that shows it by that label be a probe. It is stored as {"ref": label} and rebuilt from the
    declaration, its arrays and dicts as fresh copies (the learner's code may change them in
    place), an object as it is. A value shown by a declared label that is not the declared one
    is not stored by reference; a label that nothing declares rebuilds nothing."""
    from grader import current, testing

    class Tok:
        pass

    tok, params = Tok(), {"w": np.arange(3.0)}
    monkeypatch.setattr(current, "inputs", {"<tok>": lambda: tok, "<p>": lambda: params})
    text = testing.call("f", testing.shown(tok, "<tok>"), [1, 2], p=testing.shown(params, "<p>"))
    assert text == "f('<tok>', [1, 2], p='<p>')"
    stored = probes.stored_call(text)
    assert stored is not None
    assert stored["args"] == {"t": [{"ref": "<tok>"}, {"l": [1, 2]}]}
    assert stored["kwargs"] == {"d": [["p", {"ref": "<p>"}]]}
    args, kwargs = probes.decode_args(stored["args"]), probes.decode_args(stored["kwargs"])
    assert args[0] is tok and args[1] == [1, 2]
    kwargs["p"]["w"][0] = 99.0
    assert params["w"][0] == 0.0 and kwargs["p"] is not params
    assert probes.stored_call(testing.call("f", testing.shown(Tok(), "<tok>"))) is None
    monkeypatch.setattr(current, "inputs", {})
    with pytest.raises(KeyError):
        probes.decode_args({"ref": "<tok>"})


def test_the_lessons_with_a_tokenizer_or_a_model_as_input_have_probes():
    """Lessons 1.9 (a toy tokenizer), 2.5 and 2.6 (a seeded GPT) declare those inputs, and the
    stored probes of their checks refer to them (test_the_stored_probes_are_inputs_the_
    reference_takes runs the reference on every one)."""
    course = manifest.load(ROOT)
    fns = {
        "1.9": {"letters_hidden", "token_tax", "trailing_space_effect", "reversal_cost"},
        "2.5": {"prefill", "generate"},
        "2.6": {"generate_cached"},
    }
    calls: dict[str, dict] = {}
    for path in (known.DATA, known.VARIANTS):
        calls.update(json.loads(path.read_text(encoding="utf-8"))["calls"])
    for lesson_id, names in fns.items():
        declared = probes.declared_inputs(course.get(lesson_id).test_path)
        assert declared, lesson_id
        referred = {
            c["fn"] for c in calls.values() if '"ref"' in json.dumps(c) and c["fn"] in names
        }
        assert referred, (lesson_id, names)


@pytest.mark.parametrize(
    "kinds, confirmed",
    [
        (["same"], True),  # one probe shows the same
        (["same", "unread"], True),  # and one cannot be read: as many show it as cannot tell
        (["same", "unread", "unread"], False),  # more probes cannot tell than show it
        (["same", "other"], False),  # one shows another difference: ruled out
        (["unread"], False),  # none shows it
        (["right", "same"], True),  # right on one input: the mistake does not show there
    ],
)
def test_a_probe_that_no_detector_reads_tells_neither_way(
    kinds: list[str], confirmed: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The learner's f returns 2 * x. A detector reads "twice the reference's" (the cause) and
    "one more than the reference's" (another cause); any other difference it cannot read. A
    probe it cannot read neither confirms nor rules out: the cause then needs at least as many
    probes that show it."""
    import types
    from contextlib import contextmanager

    from grader import current
    from grader.diagnosis.finding import NOTHING, Finding

    @contextmanager
    def unbounded(seconds):
        yield [False]

    module = types.ModuleType("learner_module")
    module.f = lambda x: 2 * x  # type: ignore[attr-defined]
    monkeypatch.setattr(current, "modules", (module,))
    monkeypatch.setattr(current, "bound", unbounded)
    reference = {"same": lambda x: x, "other": lambda x: 2 * x - 1, "right": lambda x: 2 * x}
    calls = {}
    for i, kind in enumerate(kinds):
        x = float(i + 3)
        calls[f"probe{i}"] = {
            "fn": "f",
            "args": probes.encode_args((x,)),
            "kwargs": probes.encode_args({}),
            "want": probes.encode_args(reference.get(kind, lambda x: 2 * x + 0.5)(x)),
        }

    def compare(got: float, want: float) -> Finding:
        if abs(got - 2 * want) < 1e-9:
            return Finding("twice", "", "doubled")
        if abs(got - want - 1) < 1e-9:
            return Finding("one more", "", "plus one")
        return NOTHING

    assert probes.holds_elsewhere("f(9.0)", "check", calls, compare, "doubled") is confirmed


def test_a_probe_is_kept_when_another_run_expected_something_else_on_the_same_input() -> None:
    """2.1's perplexity check expects exp of the learner's own cross_entropy: a run whose
    cross_entropy is wrong records the same input with another expected value. The probe is
    kept from the run whose expected value the reference returns, whichever comes first."""
    from grader.authoring import verify
    from grader.diagnosis.outputs import encode

    course = manifest.load(ROOT)
    lesson = course.get("2.1")
    logits, targets = np.zeros((3, 10)), np.array([1, 2, 3])
    stored = {
        "fn": "perplexity",
        "args": probes.encode_args((logits, targets)),
        "kwargs": probes.encode_args({}),
    }

    def run(expected: float) -> verify.MisconceptionRun:
        row = {"call": "k", "out": encode(1.0), "inputs": stored}
        row["want"] = {"value": encode(expected), "same_type": True}
        return verify.MisconceptionRun("x", "", "", rows=[row])

    kept = verify.probe_calls([(lesson, run(7.0)), (lesson, run(10.0))])
    assert set(kept) == {"k"} and probes.decode_args(kept["k"]["want"]) == pytest.approx(10.0)
    assert verify.probe_calls([(lesson, run(7.0))]) == {}


def test_an_answer_that_is_its_input_on_a_probe_too_names_the_work_that_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """f([3, 4]) returning [3, 4] is an observation; f returning its input on a probe too,
    where the reference returns something else, makes it a cause. A probe where f is right
    is no evidence; one where it returns something else rules the cause out."""
    from grader import testing

    learner = _one_probe(tmp_path, monkeypatch, "f([1, 2])", ([1, 2],), [9])

    def explained() -> str:
        return testing.explain(testing.call("f", [3, 4]), [3, 4], [7])

    learner(lambda xs: list(xs))
    msg = explained()
    assert "Diagnosis: that equals the first argument" in msg, msg
    assert causes.UNCHANGED in msg and "another input" in msg
    for other in (lambda xs: [9], lambda xs: [8]):  # right there; another difference there
        learner(other)
        msg = explained()
        assert "How it differs: that equals the first argument" in msg and "Diagnosis" not in msg
    known._load.cache_clear()
