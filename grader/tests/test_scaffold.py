"""Adding a lesson, as CONTRIBUTING.md's "Add a lesson" checklist describes it: on a temporary
copy of the course, `hexahype new-lesson` writes every file of a synthetic lesson as a failing
stub, `verify` names what is left, the lesson is filled in step by step, and `verify 2.8` passes.
Only the new lesson's slow checks run, so this stays a few seconds."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from grader import cli, manifest, quizbank
from grader import workflow as classroom
from grader.authoring import verify

from .conftest import ROOT, copy_course

PARTS = ("course.toml", "pyproject.toml", "exercises", "solutions", "tests", "lessons", "docs")
LESSON = "2.8"
MODULE = "l08_running_averages"
PKG = "ch2_transformer"


@pytest.fixture
def kit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """What verify reads of the kit: the course files, the API contract, the workflow's source
    copy and an empty misconception bank (only the new lesson's bank is checked)."""
    root = copy_course(tmp_path / "kit", PARTS)
    workflow = root / classroom.SOURCE_COPY
    workflow.parent.mkdir(parents=True)
    shutil.copy(ROOT / classroom.SOURCE_COPY, workflow)
    (root / "grader" / "tests" / "misconceptions").mkdir(parents=True)
    monkeypatch.setenv("HEXAHYPE_ROOT", str(root))
    monkeypatch.setenv("COLUMNS", "300")
    return root


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text.lstrip("\n"), encoding="utf-8")


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{path.name}: {old!r}"
    path.write_text(text.replace(old, new), encoding="utf-8")


# -- the synthetic lesson, as its author writes it ----------------------------------------------
DOC_MODULE = '''"""Lesson 2.8 - Running averages.

A list of numbers in, the average so far at every position out. In scope: the plain running
mean and the exponential moving average. Left out: windows and weighted means.
Read lessons/ch2_transformer/2.8-running-averages.md first.
Check your work with:  hexahype check 2.8
"""
'''
DOC_MEAN = '''"""The mean of values[:i + 1] at every position i; [] for no values.

    running_mean([2.0, 4.0, 9.0])  ->  [2.0, 3.0, 5.0]
    """'''
DOC_EMA = '''"""out[0] = values[0], then out[i] = alpha * values[i] + (1 - alpha) * out[i - 1].

    An alpha outside (0, 1] raises ValueError.
    ema([1.0, 3.0, 3.0], 0.5)  ->  [1.0, 2.0, 2.5]
    """'''

STUB = f"""{DOC_MODULE}
from __future__ import annotations


def running_mean(values: list[float]) -> list[float]:
    {DOC_MEAN}
    # TODO(2.8): keep a running total; divide it by the count so far.
    raise NotImplementedError("lesson 2.8: running_mean is not written yet")


def ema(values: list[float], alpha: float) -> list[float]:
    {DOC_EMA}
    # TODO(2.8): check alpha first; the first output is the first value.
    raise NotImplementedError("lesson 2.8: ema is not written yet")
"""

SOLUTION = f"""{DOC_MODULE}
from __future__ import annotations


def running_mean(values: list[float]) -> list[float]:
    {DOC_MEAN}
    out, total = [], 0.0
    for i, v in enumerate(values):
        total += v
        out.append(total / (i + 1))
    return out


def ema(values: list[float], alpha: float) -> list[float]:
    {DOC_EMA}
    if not 0.0 < alpha <= 1.0:
        raise ValueError(f"alpha must be in (0, 1], not {{alpha}}")
    out: list[float] = []
    for v in values:
        out.append(v if not out else alpha * v + (1 - alpha) * out[-1])
    return out
"""

API = """### 2.8 Running averages: `l08_running_averages.py`

```python
def running_mean(values: list[float]) -> list[float]: ...
def ema(values: list[float], alpha: float) -> list[float]: ...
```

- `running_mean`: the mean of `values[:i + 1]` at every position; `[]` for no values.
- `ema`: the first output is the first value; an `alpha` outside (0, 1] raises `ValueError`.
"""

VISIBLE = '''
"""Visible tests for lesson 2.8, Running averages."""

from grader.testing import call, expect_raises, explain


def test_running_mean_by_hand(running_averages):
    got = running_averages.running_mean([2.0, 4.0, 9.0])
    want = [2.0, 3.0, 5.0]
    hint = "divide by the count so far, not by the length." if got[:1] == [2.0 / 3] else ""
    assert got == want, explain(call("running_mean", [2.0, 4.0, 9.0]), got, want, hint)


def test_running_mean_of_nothing(running_averages):
    got = running_averages.running_mean([])
    assert got == [], explain(call("running_mean", []), got, [])


def test_ema_by_hand(running_averages):
    got = running_averages.ema([1.0, 3.0, 3.0], 0.5)
    want = [1.0, 2.0, 2.5]
    assert got == want, explain(call("ema", [1.0, 3.0, 3.0], 0.5), got, want)


def test_ema_weighs_the_new_value_by_alpha(running_averages):
    got = running_averages.ema([1.0, 3.0, 3.0], 0.25)
    want = [1.0, 1.5, 1.875]
    assert got == want, explain(call("ema", [1.0, 3.0, 3.0], 0.25), got, want)


def test_ema_rejects_alpha_outside_0_1(running_averages):
    for alpha in (0.0, 1.5):
        expect_raises(ValueError, running_averages.ema, [1.0], alpha)
'''

HIDDEN = '''
"""Hidden tests for lesson 2.8: seeded random lists, with oracles written here."""

import random

import pytest

from grader.testing import call, explain


def _lists():
    rng = random.Random(8)
    return [[rng.uniform(-5, 5) for _ in range(rng.randint(1, 30))] for _ in range(20)]


def test_running_mean_matches_sum_over_count(running_averages):
    for values in _lists():
        want = [sum(values[: i + 1]) / (i + 1) for i in range(len(values))]
        got = running_averages.running_mean(values)
        assert got == pytest.approx(want), explain(call("running_mean", values), got, want)


def test_ema_matches_the_recursion(running_averages):
    for values in _lists():
        want = [values[0]]
        for v in values[1:]:
            want.append(0.3 * v + 0.7 * want[-1])
        got = running_averages.ema(values, 0.3)
        assert got == pytest.approx(want), explain(call("ema", values, 0.3), got, want)
'''

MISCONCEPTIONS = {
    "mean_over_length": '''
"""running_mean divides every running total by the length of the whole list."""

EXPECT = "divide by the count so far"


def running_mean(values):
    out, total = [], 0.0
    for v in values:
        total += v
        out.append(total / len(values))
    return out
''',
    "mean_total_not_kept": '''
"""running_mean sets the total to the new value instead of adding the value to it."""


def running_mean(values):
    out, total = [], 0.0
    for i, v in enumerate(values):
        total = v
        out.append(total / (i + 1))
    return out
''',
    "mean_returns_totals": '''
"""running_mean returns the running totals, never divided by the count."""


def running_mean(values):
    out, total = [], 0.0
    for v in values:
        total += v
        out.append(total)
    return out
''',
    "mean_of_whole_list": '''
"""running_mean repeats the mean of the whole list at every position."""


def running_mean(values):
    return [sum(values) / len(values)] * len(values) if values else []
''',
    "ema_weights_swapped": '''
"""ema gives alpha to the past and 1 - alpha to the new value."""


def ema(values, alpha):
    if not 0.0 < alpha <= 1.0:
        raise ValueError("alpha")
    out = []
    for v in values:
        out.append(v if not out else (1 - alpha) * v + alpha * out[-1])
    return out
''',
    "ema_starts_at_zero": '''
"""ema starts its average at 0 instead of at the first value."""


def ema(values, alpha):
    if not 0.0 < alpha <= 1.0:
        raise ValueError("alpha")
    out, prev = [], 0.0
    for v in values:
        prev = alpha * v + (1 - alpha) * prev
        out.append(prev)
    return out
''',
    "ema_mixes_previous_value": '''
"""ema mixes the new value with the previous value instead of the previous average."""


def ema(values, alpha):
    if not 0.0 < alpha <= 1.0:
        raise ValueError("alpha")
    return [v if i == 0 else alpha * v + (1 - alpha) * values[i - 1] for i, v in enumerate(values)]
''',
    "ema_accepts_any_alpha": '''
"""ema accepts an alpha outside (0, 1] instead of raising ValueError."""


def ema(values, alpha):
    out = []
    for v in values:
        out.append(v if not out else alpha * v + (1 - alpha) * out[-1])
    return out
''',
}

WORDS = (
    "A running average answers one question at every step of a stream: what is the typical "
    "value so far? Training loops print one for the loss, because a single batch is noisy and "
    "the trend is what matters. "
) * 6
TEXT = f"""# 2.8 Running averages

{WORDS}

The plain running mean keeps a total and divides it by the count so far. The exponential
moving average forgets: each step keeps a share alpha of the new value and 1 - alpha of the
average before it, so old values fade away.

```python
from exercises.ch2_transformer.l08_running_averages import ema, running_mean

print(running_mean([2.0, 4.0, 9.0]))
print(ema([1.0, 3.0, 3.0], 0.5))
```

```text
[2.0, 3.0, 5.0]
[1.0, 2.0, 2.5]
```

## Your turn

Write `running_mean`, then `ema`, in `exercises/ch2_transformer/l08_running_averages.py`.

## Check

Run `hexahype check 2.8`. Stuck? `hexahype hint 2.8` shows the next hint.

## Going further

Adam keeps two exponential moving averages per weight, one of the gradient and one of its
square, and corrects both for starting at zero.
"""


# -- the checklist, step by step ----------------------------------------------------------------
def test_a_new_lesson_from_scaffold_to_a_passing_verify(kit, capsys):
    # 1. Scaffold it: every file, each a failing stub.
    args = ["new-lesson", LESSON, "--title", "Running averages", "--minutes", "2"]
    assert cli.main([*args, "--tasks", "running_mean,ema"]) == 0
    out = capsys.readouterr().out
    course = manifest.load(kit)
    entry = course.get(LESSON)
    assert entry.module == f"{PKG}.{MODULE}" and entry.requires == ("2.6",)
    assert entry.tasks == ("running_mean", "ema") and entry.fixture == "running_averages"
    for path in [*entry.files().values(), kit / "docs/API.md"]:
        assert path.relative_to(kit).as_posix() in out, path
    bank = kit / "grader/tests/misconceptions" / PKG / MODULE
    assert sorted(p.name for p in bank.glob("*.py")) == [f"todo_{n}.py" for n in range(1, 9)]

    # verify names what is left (the structural checks: no test run needed to see it)
    problems = verify.verify(course, only=[LESSON], quick=True).problems
    left = [p.split(": ", 1)[1] for p in problems if p.startswith(f"{LESSON} ")]
    for phrase in (
        "needs at least two progressive hints",
        "the solution still raises NotImplementedError",
        "the text reads in",
        "docs/API.md section 2.8 still holds a TODO placeholder",
        "the module docstring in the stub still holds a TODO placeholder",
        "the docstring of running_mean in the stub still holds a TODO placeholder",
        "its summary in course.toml is still a placeholder",
        "the lesson text still has a placeholder",
        "misconception todo_1 is still a placeholder",
    ):
        assert any(p.startswith(phrase) for p in left), (phrase, left)
    assert any(p.startswith("workflow: ") and "stale" in p for p in problems), problems
    assert all(p.startswith((f"{LESSON} ", "workflow: ")) for p in problems), problems

    # 2. course.toml: a summary and two hints
    toml = kit / "course.toml"
    _replace(
        toml,
        'summary = "TODO(2.8): one sentence on what the lesson teaches."',
        'summary = "A running average summarises a stream of numbers at every step."',
    )
    text = toml.read_text(encoding="utf-8")
    head, tail = text.rsplit("hints = []", 1)
    hints = '["Keep a running total.", "Divide by i + 1, the count so far, not by len(values)."]'
    toml.write_text(f"{head}hints = {hints}{tail}", encoding="utf-8")
    # 3. the contract: the lesson's section of docs/API.md
    api = kit / "docs/API.md"
    text = api.read_text(encoding="utf-8")
    start = text.index(f"### {LESSON} ")
    nxt = re.search(r"^#{2,3} ", text[start + 4 :], re.M)
    end = start + 4 + nxt.start() if nxt else len(text)
    api.write_text(text[:start] + API + ("\n" + text[end:] if nxt else ""), encoding="utf-8")
    # 4.-5. the stub and the solution: the same signatures and docstrings
    _write(kit / "exercises" / PKG / f"{MODULE}.py", STUB)
    _write(kit / "solutions" / PKG / f"{MODULE}.py", SOLUTION)
    # 6. visible and hidden tests
    _write(entry.test_path, VISIBLE)
    _write(entry.hidden_test_path, HIDDEN)
    # 7. eight misconceptions (the minimum of a lesson), each caught
    for old in bank.glob("todo_*.py"):
        old.unlink()
    for name, source in MISCONCEPTIONS.items():
        _write(bank / f"{name}.py", source)
    # 8. the text
    _write(entry.text_path, TEXT)
    # 9. derived files: the Classroom workflow (the goldens live in the kit, not in this copy)
    proc = subprocess.run(
        [sys.executable, "-m", "grader.workflow"],
        cwd=kit,
        capture_output=True,
        text=True,
        check=True,
    )
    (kit / classroom.SOURCE_COPY).write_text(proc.stdout, encoding="utf-8")
    # ...and the differential diagnosis: what each mistake returns on the visible checks, so
    # the first failing message names it (in the copy's own grader/data/diagnoses.json).
    # 10. check: the whole course's structure, and every slow check of the new lesson. The
    # verify that writes the diagnoses runs every check, then runs again the entries whose
    # data it wrote and checks them against it, so its OK is a plain verify's OK.
    code = cli.main(["verify", "--update-diagnoses", LESSON])
    out = capsys.readouterr().out
    assert code == 0, out
    assert out.strip() == f"verify: OK (1 authored entries checked: {LESSON})"
    data = json.loads((kit / "grader/data/diagnoses.json").read_text(encoding="utf-8"))
    assert sorted(data["mistakes"]) == sorted(f"{PKG}/{MODULE}/{n}" for n in MISCONCEPTIONS)
    assert verify.verify(manifest.load(kit), only=[LESSON], quick=True).ok


def test_a_lesson_before_the_quiz_moves_the_quiz_and_keeps_its_keys(kit, capsys):
    quiz = manifest.load(kit).get("2.7")
    assert quiz.is_quiz
    assert cli.main(["new-lesson", "2.7", "--title", "Norms compared", "--tasks", "rms"]) == 0
    assert "quiz 2.7 is now 2.8" in capsys.readouterr().out
    course = manifest.load(kit)
    assert [e.id for e in course.chapters[1].lessons][-2:] == ["2.7", "2.8"]
    moved = course.get("2.8")
    assert moved.is_quiz and moved.module == quiz.module and course.get("2").id == "2.8"
    assert moved.quiz_path.name == "2.8-chapter-quiz.toml" and moved.quiz_path.exists()
    assert course.for_test_file(moved.test_path) is moved
    answers = json.loads(moved.solution_path.read_text(encoding="utf-8"))
    for qid in quizbank.QUESTION_IDS:  # the keys still hold: they never named the quiz's id
        quizbank.check_answer(course, "2.8", answers, qid)
    api = (kit / "docs/API.md").read_text(encoding="utf-8")
    assert re.search(r"^### 2\.7 Norms compared: `l07_norms_compared\.py`$", api, re.M)
    assert api.index("### 2.7 Norms compared") < api.index("### 2.8 Chapter quiz")
    problems = verify.verify(course, quick=True).problems
    assert all(p.startswith(("2.7 Norms compared: ", "workflow: ")) for p in problems), problems


@pytest.mark.parametrize(
    "args, phrase",
    [
        (["2.3", "--title", "X"], "2.3 is taken by 'Sampling and decoding'"),
        (["2.9", "--title", "X"], "the next free id of chapter 2 is 2.8, or 2.7 to go before"),
        (["9.1", "--title", "X"], "course.toml has no chapter 9"),
        (["2.8", "--title", "Sampling", "--name", "sampling"], "already uses the name 'sampling'"),
        (["2.8", "--title", "X", "--tasks", "a,a"], "--tasks must be distinct Python names"),
        (["2.8", "--title", "X", "--requires", "9.9"], "--requires 9.9: no earlier entry"),
    ],
)
def test_new_lesson_refuses_in_one_line_and_writes_nothing(kit, capsys, args, phrase):
    before = (kit / "course.toml").read_bytes()
    assert cli.main(["new-lesson", *args]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and phrase in err, err
    assert (kit / "course.toml").read_bytes() == before


def test_new_lesson_never_overwrites_a_file(kit, capsys):
    text = kit / "lessons" / PKG / "2.8-running-averages.md"
    text.write_text("mine\n", encoding="utf-8")
    before = (kit / "course.toml").read_bytes()
    assert cli.main(["new-lesson", LESSON, "--title", "Running averages"]) == 2
    assert (
        "would overwrite lessons/ch2_transformer/2.8-running-averages.md" in capsys.readouterr().err
    )
    assert (kit / "course.toml").read_bytes() == before and text.read_text() == "mine\n"
