"""The pytest plugin, tested with pytest's own `pytester` on a tiny course of two lessons."""

from __future__ import annotations

import json
import sys

import pytest

from .conftest import calm

pytest_plugins = ["pytester"]

COURSE = """
[course]
name = "Mini"
version = "0.0.1"

[[chapters]]
number = 1
package = "ch1_tokens"
title = "Mini chapter"

[[chapters.lessons]]
id = "1.1"
slug = "adding"
title = "Adding"
summary = "Add two numbers."
minutes = 1
module = "ch1_tokens.l01_add"
tasks = ["add"]
points = 10
hints = ["Use +.", "return a + b"]
requires = []

[[chapters.lessons]]
id = "1.2"
slug = "doubling"
title = "Doubling"
summary = "Double a number."
minutes = 1
module = "ch1_tokens.l02_double"
tasks = ["double"]
points = 4
hints = ["Use *.", "return 2 * x"]
requires = []
"""

STUB_ADD = """
def add(a, b):
    raise NotImplementedError("lesson 1.1: add is not written yet")
"""
STUB_DOUBLE = """
def double(x):
    raise NotImplementedError("lesson 1.2: double is not written yet")
"""
TESTS_ADD = """
def test_add_small(add):
    got = add.add(2, 3)
    assert got == 5, f"add(2, 3) returned {got!r}, expected 5."

def test_add_negative(add):
    got = add.add(-2, -3)
    assert got == -5, f"add(-2, -3) returned {got!r}, expected -5."
"""
TESTS_DOUBLE = """
def test_double(double):
    got = double.double(4)
    assert got == 8, f"double(4) returned {got!r}, expected 8."

def test_double_zero(double):
    assert double.double(0) == 0, "double(0) should be 0"
"""


@pytest.fixture
def mini(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makefile(".toml", course=COURSE)
    pytester.makefile(".toml", pyproject='[tool.pytest.ini_options]\ntestpaths = ["tests"]\n')
    for top in ("exercises", "solutions"):
        (pytester.path / top / "ch1_tokens").mkdir(parents=True)
        (pytester.path / top / "ch1_tokens" / "__init__.py").write_text("")
    (pytester.path / "exercises/ch1_tokens/l01_add.py").write_text(STUB_ADD)
    (pytester.path / "exercises/ch1_tokens/l02_double.py").write_text(STUB_DOUBLE)
    (pytester.path / "solutions/ch1_tokens/l01_add.py").write_text(
        "def add(a, b):\n    return a + b\n"
    )
    (pytester.path / "solutions/ch1_tokens/l02_double.py").write_text(
        "def double(x):\n    return 2 * x\n"
    )
    (pytester.path / "tests/ch1_tokens").mkdir(parents=True)
    (pytester.path / "tests/ch1_tokens/test_l01_add.py").write_text(TESTS_ADD)
    (pytester.path / "tests/ch1_tokens/test_l02_double.py").write_text(TESTS_DOUBLE)
    return pytester


def _state(p: pytest.Pytester) -> dict:
    return json.loads((p.path / ".hexahype" / "state.json").read_text())


def test_untouched_stubs_read_not_started_in_one_line(mini):
    result = mini.runpytest_subprocess()
    assert result.ret == 1
    out = result.stdout.str()
    assert "Traceback" not in out and "NotImplementedError" not in out.split("HexaHype progress")[0]
    assert "FAILURES" not in out
    result.stdout.re_match_lines(
        [r"1\.1\s+Adding\s+not started ·", r"1\.2\s+Doubling\s+not started ·"]
    )
    result.stdout.fnmatch_lines(["*0 of 2 lessons done*", "*4 not started*"])
    assert _state(mini)["lessons"]["1.1"]["status"] == "not started"


def test_a_wrong_answer_names_call_expected_and_got(mini):
    (mini.path / "exercises/ch1_tokens/l01_add.py").write_text("def add(a, b):\n    return a - b\n")
    result = mini.runpytest_subprocess()
    assert result.ret == 1
    result.stdout.fnmatch_lines(
        [
            "*1.1*Adding*failing ✗*0/2 checks pass*",
            "*add(2, 3) returned -1, expected 5.*",
            "*stuck? hexahype hint 1.1*",
        ]
    )
    state = _state(mini)["lessons"]["1.1"]
    assert state["status"] == "failing" and "add(2, 3) returned -1" in state["message"]


def test_a_finished_lesson_is_done_and_counted(mini):
    (mini.path / "exercises/ch1_tokens/l02_double.py").write_text(
        "def double(x):\n    return x + x\n"
    )
    result = mini.runpytest_subprocess()
    result.stdout.re_match_lines([r"1\.2\s+Doubling\s+done ✓"])
    result.stdout.fnmatch_lines(["*1 of 2 lessons done*next: hexahype check 1.1*"])
    assert _state(mini)["lessons"]["1.2"]["status"] == "done"


def test_a_syntax_error_is_one_line_naming_file_and_line(mini):
    (mini.path / "exercises/ch1_tokens/l01_add.py").write_text("def add(a, b)\n    return a + b\n")
    result = mini.runpytest_subprocess()
    assert result.ret == 1
    out = result.stdout.str()
    assert "Traceback" not in out
    result.stdout.fnmatch_lines(
        [
            "*1.1*failing ✗*",
            "*lesson 1.1: exercises/ch1_tokens/l01_add.py, line 1 has a syntax error*",
        ]
    )


def test_an_exception_names_the_learner_line(mini):
    (mini.path / "exercises/ch1_tokens/l01_add.py").write_text(
        "def add(a, b):\n    return a + b + [][0]\n"
    )
    result = mini.runpytest_subprocess()
    result.stdout.fnmatch_lines(["*add(2, 3) raised IndexError: list index out of range*"])
    assert _state(mini)["lessons"]["1.1"]["message"] == (
        "add(2, 3) raised IndexError: list index out of range "
        "(in exercises/ch1_tokens/l01_add.py, line 2: `return a + b + [][0]`)"
    )


def test_a_crash_whose_exception_names_its_mechanism_gives_the_usual_mistake(mini):
    (mini.path / "exercises/ch1_tokens/l01_add.py").write_text(
        "def add(a, b):\n    return min(v for v in (a, b) if v > 10)\n"
    )
    mini.runpytest_subprocess()
    assert _state(mini)["lessons"]["1.1"]["message"] == (
        "add(2, 3) raised ValueError: min() arg is an empty sequence "
        "(in exercises/ch1_tokens/l01_add.py, line 2: `return min(v for v in (a, b) if v > 10)`)"
        " Likely mistake: min() or max() got an empty sequence: the case with nothing left to "
        "choose from (an input too short, or everything already merged or filtered out) needs "
        "its own branch before the call."
    )


def test_an_own_check_that_fires_at_its_edge_is_named_as_an_off_by_one(mini):
    (mini.path / "exercises/ch1_tokens/l01_add.py").write_text(
        "def add(a, b):\n    if a >= 2:\n        raise ValueError('too big')\n    return a + b\n"
    )
    mini.runpytest_subprocess()
    assert _state(mini)["lessons"]["1.1"]["message"] == (
        "add(2, 3) raised ValueError: too big (in exercises/ch1_tokens/l01_add.py, line 3: "
        "`raise ValueError('too big')`) Likely mistake: your check decides at its edge: both "
        "sides of its `>=` are 2, and `>` would let this input through, which the task accepts "
        "(an off-by-one in the bound)."
    )
    (mini.path / "exercises/ch1_tokens/l01_add.py").write_text(
        "def add(a, b):\n    xs = [a, b]\n    return xs[0] + xs[len(xs)]\n"
    )
    mini.runpytest_subprocess()
    assert _state(mini)["lessons"]["1.1"]["message"].endswith(
        "`return xs[0] + xs[len(xs)]`) Likely mistake: an off-by-one: index 2 of 2 items, which "
        "run from 0 to 1 (a loop that runs once too often, or positions counted from 1)."
    )


def test_a_crash_shows_the_call_the_exception_and_the_learner_line_that_raised(mini):
    # the exception is raised two calls deep, in a helper of the learner's: the message names
    # the call the test made, the exception in one line and the helper's line (the last frame)
    (mini.path / "exercises/ch1_tokens/l01_add.py").write_text(
        "def _total(values):\n"
        "    out = 0\n"
        "    for v in values:\n"
        "        out = out + v['x']\n"
        "    return out\n"
        "\n"
        "def add(a, b):\n"
        "    return _total([a, b])\n"
    )
    result = mini.runpytest_subprocess()
    assert result.ret == 1
    result.stdout.fnmatch_lines(
        [
            "*1.1*Adding*failing ✗*",
            "*add(2, 3) raised TypeError: 'int' object is not subscriptable*",
        ]
    )
    assert _state(mini)["lessons"]["1.1"]["message"] == (
        "add(2, 3) raised TypeError: 'int' object is not subscriptable "
        "(in exercises/ch1_tokens/l01_add.py, line 4: `out = out + v['x']`)"
    )
    # a stub still reads "not started", not a crash
    assert _state(mini)["lessons"]["1.2"]["status"] == "not started"


def test_a_crash_shows_the_arguments_the_test_passed_not_the_rebound_parameters(mini):
    (mini.path / "exercises/ch1_tokens/l01_add.py").write_text(
        "def add(a, b):\n    a = [a]\n    return a + b\n"
    )
    (mini.path / "tests/ch1_tokens/test_l01_add.py").write_text(
        "def test_add_small(add):\n    x, y = 2, 3\n    assert add.add(x, y) == 5\n"
    )
    mini.runpytest_subprocess()
    message = _state(mini)["lessons"]["1.1"]["message"]
    assert message.startswith("add(2, 3) raised TypeError: can only concatenate list"), message


def test_an_exception_outside_the_learner_code_is_the_exception_alone(mini):
    (mini.path / "exercises/ch1_tokens/l01_add.py").write_text("def add(a, b):\n    return None\n")
    (mini.path / "tests/ch1_tokens/test_l01_add.py").write_text(
        "def test_add_small(add):\n    assert add.add(2, 3) + 0 == 5\n"
    )
    assert mini.runpytest_subprocess().ret == 1
    message = _state(mini)["lessons"]["1.1"]["message"]
    assert message.startswith("TypeError: unsupported operand type(s) for +"), message
    assert " raised " not in message and "(in " not in message


def test_impl_solutions_passes_and_leaves_learner_state_alone(mini):
    result = mini.runpytest_subprocess("--impl", "solutions")
    assert result.ret == 0
    result.stdout.fnmatch_lines(["*2 of 2 lessons done*", "*4 passed*"])
    assert not (mini.path / ".hexahype" / "state.json").exists()


def test_results_json_is_versioned_with_points(mini, tmp_path):
    (mini.path / "exercises/ch1_tokens/l01_add.py").write_text(
        "def add(a, b):\n    return a + b if a > 0 else 0\n"
    )
    out = tmp_path / "results.json"
    mini.runpytest_subprocess(f"--hexahype-results={out}")
    doc = json.loads(out.read_text())
    assert doc["version"] == 1
    lessons = {entry["id"]: entry for entry in doc["lessons"]}
    assert lessons["1.1"]["passed"] == 1 and lessons["1.1"]["total"] == 2
    assert lessons["1.1"]["points"] == 5.0 and lessons["1.1"]["max_points"] == 10
    assert lessons["1.2"]["status"] == "not started" and lessons["1.2"]["points"] == 0
    statuses = {t["name"].split("::")[-1]: t["status"] for t in doc["tests"]}
    assert statuses == {
        "test_add_small": "passed",
        "test_add_negative": "failed",
        "test_double": "not started",
        "test_double_zero": "not started",
    }


def test_a_partial_run_never_marks_a_lesson_done(mini):
    (mini.path / "exercises/ch1_tokens/l01_add.py").write_text("def add(a, b):\n    return 5\n")
    result = mini.runpytest_subprocess("-k", "small")
    result.stdout.fnmatch_lines(["*1.1*partly checked*1 of 2 checks ran, all pass*"])
    path = mini.path / ".hexahype" / "state.json"
    state = json.loads(path.read_text()) if path.exists() else {"lessons": {}}
    assert "1.1" not in state["lessons"], "a -k run saw only part of lesson 1.1"


def test_a_missing_module_is_one_line(mini):
    (mini.path / "exercises/ch1_tokens/l02_double.py").unlink()
    result = mini.runpytest_subprocess()
    result.stdout.fnmatch_lines(["*lesson 1.2: exercises/ch1_tokens/l02_double.py is missing*"])
    assert "Traceback" not in result.stdout.str()


def test_a_collection_error_is_reported_not_crashed(mini):
    (mini.path / "tests/ch1_tokens/test_l02_double.py").write_text("import nonexistent_module\n")
    result = mini.runpytest_subprocess()
    # a grading error of that lesson, not an interrupted session: the other lessons still run
    assert result.ret == 1
    assert "AttributeError" not in result.stdout.str() + result.stderr.str()
    result.stdout.fnmatch_lines(["*ModuleNotFoundError*nonexistent_module*"])
    result.stdout.fnmatch_lines(["*grading error: tests/ch1_tokens/test_l02_double.py*"])
    assert "2 not started" in result.stdout.lines[-1], result.stdout.lines[-1]  # the others ran


def test_plugin_is_inert_outside_a_course(pytester: pytest.Pytester):
    pytester.makepyfile(test_plain="def test_ok():\n    assert 1 + 1 == 2\n")
    result = pytester.runpytest_subprocess()
    assert result.ret == 0
    assert "HexaHype" not in result.stdout.str()


# -- time and memory bounds (grader.learner.guard) ------------------------------------------
LOOPING_ADD = """
def add(a, b):
    out, i = [], 0
    while i < 3:
        out.append(a)
    return a + b
"""


def test_an_infinite_loop_is_one_line_and_the_other_lessons_still_report(mini):
    (mini.path / "exercises/ch1_tokens/l01_add.py").write_text(LOOPING_ADD)
    result = mini.runpytest_subprocess("--hexahype-timeout=1")
    assert result.ret == 1
    out = result.stdout.str()
    assert "Traceback" not in out and "Timeout" not in out and "+++" not in out
    first = (
        "`add` ran for more than 1 s: an infinite loop? Check that every branch advances `i` "
        "(the loop at exercises/ch1_tokens/l01_add.py, line 4). The call: add(2, 3)."
    )
    assert first in calm(out)
    result.stdout.re_match_lines([r"1\.1\s+Adding\s+failing ✗", r"1\.2\s+Doubling\s+not started ·"])
    tests = {t["name"].split("::")[-1]: t for t in _results(mini)["tests"]}
    assert calm(tests["test_add_small"]["message"]) == first
    # the rest of the lesson gets a shorter limit: a hang costs one full limit, not one per test
    assert "more than 0.5 s (a shorter limit" in calm(tests["test_add_negative"]["message"])
    assert tests["test_double"]["status"] == "not started"


def test_the_time_limit_leaves_correct_code_alone(mini):
    result = mini.runpytest_subprocess("--impl", "solutions", "--hexahype-timeout=1")
    assert result.ret == 0
    result = mini.runpytest_subprocess("--impl", "solutions", "-p", "no:timeout")
    assert result.ret == 0, "without pytest-timeout the kit runs, unbounded"
    result.stdout.fnmatch_lines(["*4 passed*"])


def test_an_explicit_timeout_option_wins(mini):
    (mini.path / "exercises/ch1_tokens/l01_add.py").write_text(LOOPING_ADD)
    result = mini.runpytest_subprocess("--timeout=2", "-k", "small")
    assert "`add` ran for more than 2 s: an infinite loop?" in calm(result.stdout.str())


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="RLIMIT_DATA is Linux's")
def test_a_loop_that_fills_the_memory_is_one_line(mini):
    (mini.path / "exercises/ch1_tokens/l01_add.py").write_text(
        "def add(a, b):\n    out = [a]\n    while a < b:\n        out.extend(out)\n    return a\n"
    )
    result = mini.runpytest_subprocess("--hexahype-memory-mb=300", "--hexahype-timeout=60")
    out = result.stdout.str()
    assert "Traceback" not in out and "MemoryError" not in out
    result.stdout.fnmatch_lines(
        [
            "*`add` ran out of memory (a learner run may use about 0.3 GB): an infinite loop? "
            "Check that every branch advances `a`*"
        ]
    )
    # the memory is given back: the lesson after it still runs
    result.stdout.re_match_lines([r"1\.2\s+Doubling\s+not started ·"])


def test_assert_messages_come_without_pytest_assertion_noise(mini):
    (mini.path / "exercises/ch1_tokens/l01_add.py").write_text("def add(a, b):\n    return a - b\n")
    result = mini.runpytest_subprocess()
    out = result.stdout.str()
    result.stdout.re_match_lines([r"E\s+AssertionError: add\(2, 3\) returned -1, expected 5\.$"])
    assert "assert -1 == 5" not in out and "where" not in out


def test_pytest_in_an_exercise_folder_runs_that_chapter(mini, monkeypatch):
    monkeypatch.chdir(mini.path / "exercises" / "ch1_tokens")
    result = mini.runpytest_subprocess()
    result.stdout.fnmatch_lines(
        ["*(ran tests/ch1_tokens/, the tests of this folder*", "*4 not started*"]
    )


def _results(p: pytest.Pytester) -> dict:
    return json.loads((p.path / ".hexahype" / "results.json").read_text())
