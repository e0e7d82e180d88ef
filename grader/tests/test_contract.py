"""The contract checks of `hexahype verify`: docs/API.md against the stubs, stub and solution
docstrings, and `requires` against the lessons' imports. Each check passes on the course and
fails, naming the problem, on a copy with one deliberate break."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from grader import manifest
from grader.authoring import contract, verify

from .conftest import copy_course

PARTS = ("course.toml", "exercises", "solutions", "docs")


def _problems(root: Path) -> list[str]:
    course = manifest.load(root)
    report = verify.Report()
    contract.check_contract(course, [e for e in course.entries if e.authored], report)
    return report.problems


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{path.name}: {old!r}"
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    return copy_course(tmp_path / "course", PARTS)


def test_the_course_keeps_its_contract(real_course):
    report = verify.Report()
    contract.check_contract(real_course, list(real_course.entries), report)
    assert report.ok, "\n".join(report.problems)


def test_every_lesson_has_an_api_section_listing_its_tasks(real_course):
    text = (real_course.root / contract.API_PATH).read_text(encoding="utf-8")
    sections = contract.api_sections(text)
    assert set(sections) == {e.id for e in real_course.entries}
    for entry in real_course.lessons:
        assert sections[entry.id].code, entry.id


def test_chapter_two_layout_is_named_in_the_stub_and_solution_docstrings(real_course):
    entry = real_course.get("2.2")
    params = {"wte", "wpe", "lnf_g", "lnf_b", "blocks"}
    block = {"ln1_g", "ln1_b", "w_q", "w_k", "w_v", "w_o", "b_q", "b_k", "b_v", "b_o"}
    block |= {"ln2_g", "ln2_b", "w_in", "b_in", "w_out", "b_out"}
    for path in (entry.exercise_path, entry.solution_path):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        init = next(n for n in tree.body if getattr(n, "name", "") == "init_params")
        doc = ast.get_docstring(init) or ""
        for key in params:
            assert f'params["{key}"]' in doc, (path.name, key)
        for key in block:
            assert f'"{key}"' in doc, (path.name, key)
        for shape in ("(V, d)", "(C, d)", "(d,)", "(d, d)", "(d, 4d)", "(4d,)", "(4d, d)"):
            assert shape in doc, (path.name, shape)


def test_api_and_stub_signatures_must_agree(copy):
    api = copy / "docs" / "API.md"
    _edit(
        api,
        "def merge(ids: list[int], pair: tuple[int, int], new_id: int) -> list[int]: ...",
        "def merge(ids: list[int], pair: tuple[int, int], new: int) -> list[int]: ...",
    )
    _edit(api, "def cosine_similarity(a", "def cosine_sim(a")
    _edit(api, "Merges = list[tuple[tuple[int, int], int]]", "Merges = list[tuple[int, int]]")
    _edit(api, "    def __len__(self) -> int: ...\n", "    def __len__(self) -> float: ...\n")
    problems = _problems(copy)
    assert any(
        "merge: docs/API.md says merge(ids: list[int], pair: tuple[int, int], new: int)" in p
        and "the stub has merge(ids: list[int], pair: tuple[int, int], new_id: int)" in p
        for p in problems
    ), problems
    assert any("1.7" in p and "does not list the task cosine_similarity" in p for p in problems)
    assert any("lists cosine_sim, which the stub does not define" in p for p in problems)
    assert any("defines Merges = list[tuple[int, int]]" in p for p in problems), problems
    assert any("KVCache" in p and "__len__(self) -> float" in p for p in problems), problems
    assert len(problems) == 5, problems


def test_a_lesson_without_an_api_section_or_file_fails(copy):
    api = copy / "docs" / "API.md"
    text = api.read_text(encoding="utf-8")
    start = text.index("### 1.9 ")
    api.write_text(text[:start] + text[text.index("### 1.10 ") :], encoding="utf-8")
    assert _problems(copy) == [
        "1.9 Why LLMs act the way they do: docs/API.md has no section "
        "`### 1.9 Why LLMs act the way they do`"
    ]
    api.unlink()
    assert _problems(copy) == ["API: docs/API.md is missing: it is the course's contract"]


def test_stub_and_solution_docstrings_must_be_the_same(copy):
    _edit(
        copy / "solutions/ch1_tokens/l03_bpe.py",
        "Each step merges the most frequent pair; ties go",
        "Each step merges the most frequent pair; ties usually go",
    )
    _edit(copy / "solutions/ch2_transformer/l06_kv_cache.py", "Lesson 2.6 - ", "Lesson 2.6: ")
    problems = _problems(copy)
    assert len(problems) == 2, problems
    assert "the docstring of train_bpe differs between stub and solution" in problems[0]
    assert "ties usually go" in problems[0]
    assert problems[1].startswith("2.6 ") and "the module docstring differs" in problems[1]


def test_a_placeholder_docstring_fails(copy):
    _edit(
        copy / "exercises/ch1_tokens/l01_numbers.py",
        '"""Map each distinct character',
        '"""TODO(1.1): Map each distinct character',
    )
    _edit(
        copy / "solutions/ch1_tokens/l01_numbers.py",
        '"""Map each distinct character',
        '"""TODO(1.1): Map each distinct character',
    )
    problems = _problems(copy)
    assert problems == [
        "1.1 Why models need numbers: the docstring of build_char_vocab in the stub still holds "
        "a TODO placeholder"
    ]


def test_the_forward_reference_is_the_only_import_of_a_later_lesson(real_course):
    entry = real_course.get("2.2")
    imports = contract.lesson_imports(real_course, entry, entry.solution_path)
    assert [(i.target.id, i.deferred) for i in imports] == [("2.4", True)]
    later = real_course.get("2.4")
    assert [
        (i.target.id, i.deferred)
        for i in contract.lesson_imports(real_course, later, later.exercise_path)
    ] == [("2.2", False)]


@pytest.mark.parametrize(
    "lesson, module, line, target",
    [
        ("1.2", "l02_tokens", "from .l03_bpe import merge", "1.3 (l03_bpe) at load time"),
        (
            "2.4",
            "l04_block",
            "from exercises.ch2_transformer.l05_context import prefill",
            "2.5 (l05_context) at load time",
        ),
        ("2.1", "l01_next_token", "from ..ch1_tokens import l03_bpe", "1.3 (l03_bpe) at load"),
        (
            "1.9",
            "l09_quirks",
            "def _later():\n    from ..ch2_transformer.l04_block import gelu\n",
            "2.4 (l04_block) inside a function",
        ),
        (
            "1.1",
            "l01_numbers",
            "import importlib\n_m = importlib.import_module('.l04_tokenizers', __package__)",
            "1.4 (l04_tokenizers) at load time",
        ),
    ],
)
def test_an_import_outside_the_requires_closure_fails(copy, lesson, module, line, target):
    course = manifest.load(copy)
    entry = course.get(lesson)
    path = copy / "solutions" / entry.package / f"{module}.py"
    path.write_text(path.read_text(encoding="utf-8") + "\n" + line + "\n", encoding="utf-8")
    problems = _problems(copy)
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"{lesson} ") and f"imports lesson {target}" in problems[0]
    assert "add" in problems[0] and "to `requires` in course.toml" in problems[0]


def test_dropping_a_requirement_breaks_the_forward_reference_too(copy):
    _edit(copy / "course.toml", 'requires = ["2.2"]', 'requires = ["2.1"]')
    problems = _problems(copy)
    at_load = "imports lesson 2.2 (l02_forward_pass) at load time"
    assert sum(p.startswith("2.4 ") and at_load in p for p in problems) == 2, problems
    assert any(
        p.startswith("2.2 ") and "imports lesson 2.4 (l04_block) inside a function" in p
        for p in problems
    ), problems
