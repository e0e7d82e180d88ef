"""What the learner reads next to the code: every stub and its solution share their docstrings,
and a docstring example that names the real tokenizer (`pieces(cl100k, "Hello world")  ->  ...`)
shows what cl100k_base really gives, so a typed split can never drift from tiktoken."""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest

from grader import assets, lessontext, manifest

ROOT = Path(__file__).resolve().parents[2]
COURSE = manifest.load(ROOT)
LESSONS = [e for e in COURSE.entries if e.is_lesson and e.authored]

# name(cl100k, "text")  ->  value            optionally followed by   ("word": "piece", "piece")
EXAMPLE = re.compile(r'^\s*(\w+)\(cl100k, ("[^"]*")\)\s+->\s+(.+?)(?:\s{2,}\((".*)\))?\s*$')


def _docstrings(path: Path) -> dict[str, str | None]:
    """The docstring of every function and class (methods as Class.name), not the module's."""
    out: dict[str, str | None] = {}

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                out[prefix + child.name] = ast.get_docstring(child)
                visit(child, f"{prefix}{child.name}.")

    visit(ast.parse(path.read_text(encoding="utf-8")), "")
    return out


def _examples() -> list:
    found = []
    for entry in LESSONS:
        for name, doc in _docstrings(entry.exercise_path).items():
            for line in (doc or "").splitlines():
                m = EXAMPLE.match(line)
                if m:
                    found.append(pytest.param(entry, m, id=f"{entry.id}-{name}-{m.group(2)}"))
    return found


def _cl100k_pieces(text: str) -> list[str]:
    enc = assets.cl100k()
    return [enc.decode_single_token_bytes(i).decode("utf-8") for i in enc.encode_ordinary(text)]


@pytest.mark.parametrize("entry", LESSONS, ids=lambda e: e.id)
def test_stub_and_solution_share_their_docstrings(entry):
    stub, solution = _docstrings(entry.exercise_path), _docstrings(entry.solution_path)
    for name, doc in stub.items():
        if name not in solution:
            continue  # a stub-only helper; verify checks that every task exists in both
        assert doc == solution[name], (
            f"{entry.id} {name}: the stub's docstring differs from the solution's; the learner "
            f"reads the stub's.\nstub:\n{doc}\nsolution:\n{solution[name]}"
        )


def test_docstrings_show_real_tokenizer_examples():
    assert len(_examples()) >= 5, "the tokenizer lessons' docstrings lost their cl100k examples"


@pytest.mark.parametrize(("entry", "match"), _examples())
def test_cl100k_docstring_example_is_what_the_tokenizer_gives(entry, match):
    name, arg, shown, split = match.groups()
    text = ast.literal_eval(arg)
    module = importlib.import_module(f"solutions.{entry.module}")
    got = getattr(module, name)(assets.cl100k(), text)
    want = ast.literal_eval(shown)
    assert got == want or (isinstance(got, tuple) and list(got) == want), (
        f"{entry.id} docstring: {name}(cl100k, {arg}) shows {shown}, but cl100k_base gives {got!r}"
    )
    if split:  # ("word": "piece", "piece", ...)
        word, *pieces = ast.literal_eval(f"[{split.replace(':', ',', 1)}]")
        assert pieces == _cl100k_pieces(word), (
            f"{entry.id} docstring of {name}: {word!r} is shown as {'|'.join(pieces)}, but "
            f"cl100k_base splits it {'|'.join(_cl100k_pieces(word))}"
        )


@pytest.mark.parametrize("entry", LESSONS, ids=lambda e: e.id)
def test_lesson_reads_in_its_stated_minutes(entry):
    problem = lessontext.reading_problem(entry.text_path.read_text(encoding="utf-8"), entry.minutes)
    assert problem is None, f"{entry.id} {entry.title}: {problem}"


def test_reading_rule_counts_prose_words_and_code_lines_and_catches_a_padded_text():
    prose = "word " * 200  # one minute of prose
    code = "```python\n" + "x = 1\n\n" * 30 + "```\n"  # 30 non-blank lines: one minute of code
    text = f"# 9.9 T\n\n{prose}\n![a figure of many words](f.svg)\n\n{code}"
    got = lessontext.reading_time(text)
    assert (got.prose_words, got.code_lines) == (202, 30)  # "9.9" and "T" of the title count
    assert got.minutes == pytest.approx(202 / 200 + 1.0)
    assert lessontext.reading_problem(text, 2) is None
    too_long = lessontext.reading_problem(text + prose * 2, 2)
    assert too_long is not None and "4.0 min" in too_long and "1.6 to 2.4" in too_long
    assert lessontext.reading_problem(text, 3) is not None  # 2.0 min is too short for 3
