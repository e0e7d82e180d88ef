"""The learner loop's messages and bounds, checked without a whole pytest run: the helpers of
grader.testing, the loop advice and timer of grader.learner.guard, the progress block's wrapping,
and what the course's tests and docstrings promise each other."""

from __future__ import annotations

import ast
import linecache
import os
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

import numpy as np
import pytest

from grader import manifest
from grader.learner import guard
from grader.learner.progress import fit, render_block
from grader.testing import call, expect_raises, explain, raises, short

from .conftest import calm

ROOT = Path(__file__).resolve().parents[2]
COURSE = manifest.load(ROOT)
TEST_FILES = sorted((ROOT / "tests").rglob("test_*.py"))


# -- what the course's tests and docstrings promise each other ----------------------------------
def test_course_tests_never_use_a_bare_pytest_raises():
    offenders = [
        f"{path.relative_to(ROOT).as_posix()}:{node.lineno}"
        for path in TEST_FILES
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Attribute)
        and node.attr == "raises"
        and isinstance(node.value, ast.Name)
        and node.value.id == "pytest"
    ]
    assert not offenders, f"use grader.testing.raises, which names the call: {offenders}"


def _demanded() -> dict[tuple[str, str], set[str]]:
    """(lesson id, function or method name) -> the exceptions the tests expect it to raise."""
    out: dict[tuple[str, str], set[str]] = {}
    for path in TEST_FILES:
        lesson = COURSE.for_test_file(path)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("raises", "expect_raises")
                and len(node.args) >= 2
            ):
                excs = node.args[0]
                names = excs.elts if isinstance(excs, ast.Tuple) else [excs]
                fn = ast.unparse(node.args[1]).split(".")[-1]
                out.setdefault((lesson.id, fn), set()).update(ast.unparse(n) for n in names)
    return out


def _docstrings(path: Path) -> dict[str, str]:
    """Every function's and class's docstring; a class's includes its methods'."""
    out: dict[str, str] = {}
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            out[node.name] = out.get(node.name, "") + (ast.get_docstring(node) or "")
    return out


def test_docstrings_state_every_exception_the_tests_demand():
    demanded = _demanded()
    assert len(demanded) >= 20, "the course's tests expect exceptions of many functions"
    missing = []
    for (lesson_id, name), excs in sorted(demanded.items()):
        lesson = COURSE.get(lesson_id)
        for path in (lesson.exercise_path, lesson.solution_path):
            doc = _docstrings(path).get(name)
            if doc is None:
                continue  # a method: its class's docstring is checked under the class name
            missing += [f"{lesson_id} {name}: {exc}" for exc in excs if exc not in doc]
    assert not missing, f"docstrings that do not say what the tests demand: {missing}"


@pytest.mark.parametrize("lesson", [e for e in COURSE.lessons if e.authored], ids=lambda e: e.id)
def test_exercise_and_solution_docstrings_are_the_same(lesson):
    stub, ref = _docstrings(lesson.exercise_path), _docstrings(lesson.solution_path)
    differ = [name for name in stub if name in ref and stub[name] != ref[name]]
    assert not differ, f"{lesson.id}: the stub and the solution document these differently"


# -- numbers and calls as the learner reads them --------------------------------------------------
def test_numbers_print_as_plain_python_values():
    assert short(np.float64(0.8807970779778823)) == "0.8807970779778823"
    assert short([(1, np.float64(0.5)), (2, np.int64(3))]) == "[(1, 0.5), (2, 3)]"
    assert short({"en": np.float32(1.5)}) == "{'en': 1.5}"
    assert short({(2, 1): 1, (1, 2): np.int64(2)}) == "{(2, 1): 1, (1, 2): 2}", "in key order"
    assert call("f", np.int64(3), [np.float64(2.5)], x=np.bool_(True)) == "f(3, [2.5], x=True)"
    assert short(np.eye(2)) == "array([[1., 0.], [0., 1.]])"


def test_a_large_float_array_is_shown_without_a_float_precision():
    # chapter 3 works in float32 and its oracles in float64: no message pushes a precision
    for dtype in (np.float64, np.float32):
        assert short(np.zeros((2, 8), dtype=dtype)) == "array(shape=(2, 8))"
    assert short(np.zeros((2, 8), dtype=np.int64)) == "array(shape=(2, 8), dtype=int64)"
    got, want = np.ones((4, 8), dtype=np.float32), np.zeros((4, 8))
    assert "float64" not in explain("forward(params, ids, config)", got, want)


def test_a_huge_list_is_shown_by_its_first_items():
    text = short(list(range(10**6)))
    assert text.startswith("[0, 1, 2, ") and text.endswith(", ... (1000000 items)]")
    assert len(text) <= 160


def test_explain_names_the_type_when_the_value_reads_the_same():
    got = explain("greedy(x)", np.int64(1), 1)
    assert got.startswith("greedy(x) returned 1 (numpy.int64, not int), expected 1.")
    assert explain("f()", 2, 1).startswith("f() returned 2, expected 1.")


# -- raises --------------------------------------------------------------------------------------
def _top_k(logits, k):
    if k == 0:
        return np.array([-np.inf, -np.inf])
    if k == -1:
        raise IndexError("index -1 is out of bounds")
    if k == -2:
        raise NotImplementedError("lesson 2.3: top_k_filter is not written yet")
    raise ValueError(f"k must be at least 1, got {k}")


def test_raises_returns_the_exception():
    exc = raises(ValueError, _top_k, np.array([1.0, 2.0]), 5)
    assert isinstance(exc, ValueError) and "got 5" in str(exc)


def test_raises_names_the_call_and_what_came_back():
    with pytest.raises(AssertionError) as info:
        raises(ValueError, _top_k, np.array([1.0, 2.0]), 0, hint="k < 1 keeps nothing.")
    assert str(info.value) == (
        "_top_k(array([1., 2.]), 0) returned array([-inf, -inf]), expected it to raise "
        "ValueError. Hint: k < 1 keeps nothing."
    )


@pytest.mark.parametrize(
    "returned, named",
    [
        (float("nan"), True),
        (np.array([[0.5, np.nan]]), True),
        ([0.25, float("nan")], True),
        (np.array([-np.inf, -np.inf]), False),  # masking with -inf: not an unchecked division
        (np.array([0.5, 0.5]), False),
        ("nan", False),  # text is not a number
        (np.array([1, 2]), False),
    ],
)
def test_a_nan_where_an_error_was_wanted_names_the_unchecked_input(returned, named):
    def cosine(a, b):
        return returned

    with pytest.raises(AssertionError) as info:
        raises(ValueError, cosine, [0.0, 0.0], [1.0, 2.0])
    with pytest.raises(AssertionError) as other:
        expect_raises(ValueError, cosine, [0.0, 0.0], [1.0, 2.0])
    for message in (str(info.value), str(other.value)):
        assert (
            "Likely mistake: this input is not checked before the arithmetic" in message
        ) is named


def test_raises_names_another_exception_without_the_hint():
    with pytest.raises(AssertionError) as info:
        raises(ValueError, _top_k, [1.0], -1, call_text="top_k_filter([1.0], -1)", hint="no")
    assert str(info.value) == (
        "top_k_filter([1.0], -1) raised IndexError: index -1 is out of bounds, expected "
        "ValueError. Likely mistake: this input is not checked before it is used: the "
        "IndexError comes from an index outside the sequence, not from a check of yours; test "
        "for it first and raise ValueError (the wrong exception type)."
    )
    assert isinstance(info.value.__cause__, IndexError)


def test_raises_lets_an_unwritten_stub_through():
    with pytest.raises(NotImplementedError):
        raises(ValueError, _top_k, [1.0], -2)


def test_raises_as_a_context_manager():
    with raises(KeyError, call_text="vocab['x']") as caught:
        {}["x"]
    assert isinstance(caught.value, KeyError)
    with pytest.raises(AssertionError, match=r"^vocab\['x'\] did not raise KeyError\.$"):
        with raises(KeyError, call_text="vocab['x']"):
            pass


# -- the loop advice --------------------------------------------------------------------------------
LOOPS = {
    "counter": (
        "def merge(ids, pair, new_id):\n"
        "    out, i = [], 0\n"
        "    while i < len(ids):\n"
        "        if ids[i:i + 2] == list(pair):\n"
        "            out.append(new_id)\n"
        "            i += 2\n"
        "        else:\n"
        "            out.append(ids[i])\n"
        "    return out\n",
        8,
        ("Check that every branch advances `i`", 3),
    ),
    "while_true": (
        "def f(x):\n    while True:\n        x = x + 1\n",
        3,
        ("Check that every path through the `while True` loop reaches a `break` or `return`", 2),
    ),
    "shrinking": (
        "def encode(ids):\n    while len(ids) >= 2:\n        pass\n    return ids\n",
        3,
        ("Check that every pass through the loop changes `ids`, or leaves with `break`", 2),
    ),
    "growing_for": (
        "def f(out):\n    for x in out:\n        out.append(x)\n",
        3,
        (
            "The for loop over `out` adds to `out` as it goes: loop over a copy, or build a new "
            "list",
            2,
        ),
    ),
    "no_loop": ("def f(x):\n    return sum(range(x))\n", 2, None),
}


@pytest.mark.parametrize("case", sorted(LOOPS))
def test_loop_advice_names_what_keeps_the_loop_going(tmp_path, case):
    source, line, want = LOOPS[case]
    path = tmp_path / "lesson.py"
    path.write_text(source, encoding="utf-8")
    linecache.checkcache(str(path))
    assert guard.loop_advice(str(path), line) == want


def test_pytest_assertion_noise_is_dropped_only_after_a_message():
    exc = AssertionError(
        "f(1) returned 2, expected 1.\nassert False\n +  where False = <function array_equal "
        "at 0x7f00>(2, 1)"
    )
    guard.strip_rewrite(exc)
    assert exc.args == ("f(1) returned 2, expected 1.",)
    bare = AssertionError("assert 2 == 1\n +  where 2 = f(1)")
    guard.strip_rewrite(bare)
    assert bare.args == ("assert 2 == 1\n +  where 2 = f(1)",), "a bare assert keeps pytest's"


def test_the_watchdog_thread_stops_python_code_where_there_is_no_alarm_signal():
    timer = guard._Timer(0.2)
    timer._signal = False  # as on Windows, or off the main thread
    timer.active = True
    started = time.monotonic()
    with pytest.raises(guard.CheckTimeout):
        timer.start()
        while True:
            pass
    timer.cancel()
    assert time.monotonic() - started < 5


@pytest.mark.skipif(not hasattr(signal, "pthread_kill"), reason="no signals to wake a sleep")
def test_code_that_waits_is_stopped_by_the_wall_clock_backstop():
    timer = guard._Timer(60.0, wall=0.3)
    timer.active = True
    started = time.monotonic()
    with pytest.raises(guard.CheckTimeout):
        timer.start()
        time.sleep(30)
    timer.cancel()
    assert timer.kind == "wall" and time.monotonic() - started < 10


def test_busy_code_is_stopped_by_its_cpu_time_not_the_wall_clock():
    timer = guard._Timer(0.3, wall=60.0)
    timer.active = True
    with pytest.raises(guard.CheckTimeout):
        timer.start()
        while True:
            pass
    timer.cancel()
    cpu, _ = timer.used()
    expected = "cpu" if timer._clock is not None else "wall"
    assert timer.kind == expected and (timer._clock is None or cpu >= 0.3)


# -- the progress block ---------------------------------------------------------------------------
def test_a_long_message_is_cut_at_a_sentence_and_keeps_its_hint_whole():
    hint = "Hint: masked scores must be -inf before the softmax, so the kept weights sum to 1."
    message = (
        "attention(" + ", ".join(["array([[1., 0.], [0., 1.]])"] * 12) + ") returned "
        "array([[0.5, 0.5]]), expected array([[1., 0.]]). (2 of 2 values differ.) " + hint
    )
    lines = fit(message, width=95, max_lines=4)
    assert len(lines) <= 4
    assert " ".join(lines).endswith(hint)
    assert "..." in " ".join(lines)
    short_message = "merge([5, 5, 5], (5, 5), 256) returned [256, 256], expected [256, 5]."
    assert fit(short_message) == [short_message]


def test_the_learners_exception_text_is_inert_in_the_progress_block():
    """The first failing message holds the learner's own exception text: its escape sequences
    and bidi overrides are shown escaped, never obeyed by the terminal."""
    from grader.results import LessonOutcome, TestOutcome, TestStatus

    entry = COURSE.get("1.3")
    evil = "merge([1, 2], (1, 2), 256) raised ValueError: \x1b[31mEVIL\x1b[0m\u202e<img src=x>"
    failed = TestOutcome("tests/ch1_tokens/test_l03_bpe.py::test_a", "1.3", TestStatus.FAILED, evil)
    lines = [
        text
        for text, _ in render_block(COURSE, [LessonOutcome("1.3", entry.title, 10.0, [failed])])
    ]
    block = "\n".join(lines)
    assert "\x1b" not in block and "\u202e" not in block
    assert "\\x1b[31mEVIL" in block and "\\u202e" in block


# -- an nbgrader notebook's test cell ------------------------------------------------------------
def _notebook_outcome(monkeypatch, source: str, cell: str):
    """The outcome of 1.3's `merge` test in a notebook whose cell `cell` defines `source`."""
    from grader.integrations.nbgrader import export as nbgrader_export
    from grader.integrations.nbgrader import runtime as notebook

    entry = COURSE.get("1.3")
    spec = nbgrader_export.setup_spec(entry, {})
    spec["course"] = {"name": COURSE.name, "version": COURSE.version}
    linecache.cache[cell] = (len(source), None, source.splitlines(True), cell)
    namespace: dict = {}
    exec(compile(source, cell, "exec"), namespace)
    state = notebook.NotebookState(spec=spec, namespace=namespace, folder=ROOT)
    monkeypatch.setattr(notebook, "_STATE", state)
    run = notebook.run_tests(
        "def test_merge(bpe):\n    assert bpe.merge([1, 2], (1, 2), 256) == [256]\n", 10
    )
    (outcome,) = run.outcomes.values()
    return outcome


def test_a_hanging_check_in_a_notebook_is_one_line(monkeypatch):
    source = (
        "def merge(ids, pair, new_id):\n"
        "    out, i = [], 0\n"
        "    while i < len(ids):\n"
        "        out.append(ids[i])\n"
        "    return out\n"
    )
    outcome = _notebook_outcome(monkeypatch, source, "<ipython-input-3-0123456789ab>")
    assert outcome.status == "failed"
    # on a busy machine the head also says how long it took on the clock (see the next test)
    assert calm(outcome.message) == (
        "`merge` ran for more than 3 s: an infinite loop? Check that every branch advances `i` "
        "(the loop at a cell of this notebook, line 3). The call: merge([1, 2], (1, 2), 256)."
    )


def test_a_crash_in_a_notebook_cell_shows_the_call_and_the_cell_line(monkeypatch):
    source = "def merge(ids, pair, new_id):\n    first = ids[5]\n    return [first]\n"
    outcome = _notebook_outcome(monkeypatch, source, "<ipython-input-4-0123456789ab>")
    assert outcome.status == "failed"
    assert outcome.message == (
        "merge([1, 2], (1, 2), 256) raised IndexError: list index out of range "
        "(in a cell of this notebook, line 2: `first = ids[5]`)"
    )


def test_a_check_stopped_far_past_its_cpu_limit_on_the_clock_says_the_machine_is_busy(
    monkeypatch,
):
    """The learner's code gets a fifth of the CPU (it computes 10 ms, then sleeps 40 ms), as on
    a machine that other work keeps busy: 0.4 s of CPU take about 2 s on the clock."""
    from grader.integrations.nbgrader import export as nbgrader_export
    from grader.integrations.nbgrader import runtime as notebook

    assert guard.busy(3.0, 14.0) and not guard.busy(3.0, 3.4) and not guard.busy(0.4, 1.2)
    stop = guard.Stop()
    stop.function = "merge"
    again = stop.timeout_message(0.5, again=True, clock=6.0)
    assert again.startswith(
        "`merge` ran for more than 0.5 s of CPU (a shorter limit: an earlier check of this lesson "
        "hung; 6 s on the clock: the machine is busy): an infinite loop?"
    ), again
    calm = stop.timeout_message(0.5, again=True, clock=0.6)
    assert calm.startswith("`merge` ran for more than 0.5 s (a shorter limit: "), calm
    entry = COURSE.get("1.3")
    spec = nbgrader_export.setup_spec(entry, {})
    spec["course"] = {"name": COURSE.name, "version": COURSE.version, "words_per_minute": 200}
    source = (
        "import time\n"
        "def merge(ids, pair, new_id):\n"
        "    while True:\n"
        "        start = time.perf_counter()\n"
        "        while time.perf_counter() - start < 0.01:\n"
        "            pass\n"
        "        time.sleep(0.04)\n"
    )
    cell = "<ipython-input-4-0123456789ab>"
    linecache.cache[cell] = (len(source), None, source.splitlines(True), cell)
    namespace: dict = {}
    exec(compile(source, cell, "exec"), namespace)
    state = notebook.NotebookState(spec=spec, namespace=namespace, folder=ROOT)
    monkeypatch.setattr(notebook, "_STATE", state)
    run = notebook.run_tests(
        "import pytest\n"
        "@pytest.mark.timeout(0.4)\n"
        "def test_merge(bpe):\n    assert bpe.merge([1, 2], (1, 2), 256) == [256]\n",
        10,
    )
    (outcome,) = run.outcomes.values()
    assert outcome.status == "failed"
    found = re.match(
        r"`merge` ran for more than 0\.4 s of CPU \((\d+) s on the clock: the machine is busy\): "
        r"an infinite loop\?",
        outcome.message,
    )
    assert found and int(found.group(1)) >= 1, outcome.message


# -- make and an unsupported Python ----------------------------------------------------------------
FAKE_PYTHON = """#!/bin/sh
# a stand-in for python{version}: answers --version, the version check, venv and pip
case "$1" in
  --version) echo "Python {version}" ;;
  -c) exit {check} ;;
  -m) if [ "$2" = venv ]; then mkdir -p .venv/bin && cp "$0" .venv/bin/python; else echo "pip $*"; fi ;;
esac
"""


def _fake_python(path: Path, version: str) -> Path:
    check = 0 if tuple(int(p) for p in version.split(".")[:2]) >= (3, 10) else 1
    path.write_text(FAKE_PYTHON.format(version=version, check=check), encoding="utf-8")
    path.chmod(0o755)
    return path


@pytest.mark.skipif(shutil.which("make") is None or os.name != "posix", reason="needs make")
def test_make_rebuilds_a_venv_left_by_an_unsupported_python(tmp_path):
    for name in ("Makefile", "pyproject.toml"):
        shutil.copy(ROOT / name, tmp_path / name)
    old, new = _fake_python(tmp_path / "py39", "3.9.18"), _fake_python(tmp_path / "py312", "3.12.1")

    def make(python: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["make", "setup", f"PYTHON={python}"],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
        )

    refused = make(old)  # a failed `make PYTHON=python3.9` leaves nothing behind
    assert refused.returncode != 0
    assert "HexaHype needs Python 3.10 or newer" in refused.stdout + refused.stderr
    assert not (tmp_path / ".venv").exists()
    (tmp_path / ".venv" / "bin").mkdir(parents=True)  # a .venv an older kit let python3.9 make
    shutil.copy(old, tmp_path / ".venv" / "bin" / "python")
    rebuilt = make(new)
    assert rebuilt.returncode == 0, rebuilt.stdout + rebuilt.stderr
    assert ".venv was made by an unsupported Python (Python 3.9.18): making it again" in (
        rebuilt.stdout
    )
    version = subprocess.run(
        [str(tmp_path / ".venv" / "bin" / "python"), "--version"], capture_output=True, text=True
    )
    assert version.stdout.strip() == "Python 3.12.1"
    assert (tmp_path / ".venv" / ".installed").exists()


@pytest.mark.parametrize(
    "exc, named",
    [
        (KeyError(7), "a lookup of a key that is not there"),
        (IndexError("list index out of range"), "an index outside the sequence"),
        (ZeroDivisionError("division by zero"), "a division by zero"),
        (TypeError("unsupported operand"), None),  # many causes: none named
    ],
)
def test_python_s_own_error_where_a_check_was_wanted_names_the_unchecked_input(exc, named):
    def decode(ids):
        raise exc

    with pytest.raises(AssertionError) as info:
        raises(ValueError, decode, [0, 7])
    message = str(info.value)
    assert message.startswith(f"decode([0, 7]) raised {type(exc).__name__}")
    if named is None:
        assert "Likely mistake" not in message
    else:
        assert f"comes from {named}, not from a check of yours" in message


def test_a_cached_step_that_does_not_see_the_cache_is_named_on_two_inputs():
    """sees_earlier_probe: the last position's output, fed after the others were cached, on
    two inputs that differ at one cached position. Unchanged: it does not see the cache."""
    from grader.testing import leak_or_blind, sees_earlier_probe

    ids, other = np.array([3, 1, 4]), np.array([3, 2, 4])

    def sees(z):
        return np.array([[float(sum(z)), 1.0]])

    def blind(z):  # only the new position itself
        return np.array([[float(z[-1]), 1.0]])

    def broken(z):
        raise IndexError("the learner's code")

    assert sees_earlier_probe(sees, ids, other, 1e-6, 1e-6) == ""
    text = sees_earlier_probe(blind, ids, other, 1e-6, 1e-6)
    assert "the new position does not see the cached ones" in text
    assert leak_or_blind(lambda: text) == f" Diagnosis: {text}."
    assert leak_or_blind(lambda: sees_earlier_probe(broken, ids, other, 1e-6, 1e-6)) == ""
    assert leak_or_blind(lambda: "") == ""
