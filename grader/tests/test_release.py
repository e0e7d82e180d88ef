"""What a release may hold: no solution body and no reference computation (a forward pass, the
oracles, the capstone's reference Llama) anywhere in the template, not even renamed; visible tests
that run on recorded values inside it; never the working tree's solved exercises or quiz
answers; and the instructor's verbs answer in one line inside a template."""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from grader import manifest, template
from grader.authoring import release

from .conftest import copy_course, venv_with_kit_packages

KIT = Path(__file__).resolve().parents[2]
MIN_NODES = 25  # a statement run this large is no coincidence
WINDOW = 3  # statements in a run


class _Canon(ast.NodeTransformer):
    """Every local name, argument and function name becomes `_`: renaming hides nothing."""

    def visit_Name(self, node: ast.Name) -> ast.AST:
        return ast.copy_location(ast.Name(id="_", ctx=node.ctx), node)

    def visit_arg(self, node: ast.arg) -> ast.AST:
        return ast.copy_location(ast.arg(arg="_"), node)

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.AST:
        node.name = "_"
        self.generic_visit(node)
        return node


def _body(stmts: list[ast.stmt]) -> list[ast.stmt]:
    if stmts and isinstance(stmts[0], ast.Expr) and isinstance(stmts[0].value, ast.Constant):
        return stmts[1:]  # the docstring
    return stmts


def _size(stmts: list[ast.stmt]) -> int:
    return sum(1 for s in stmts for _ in ast.walk(s))


def fingerprints(tree: ast.AST) -> set[str]:
    """Canonical dumps of every function body and of every run of WINDOW statements in any
    block, large enough to mean something."""
    out: set[str] = set()
    # each statement is measured and made canonical once, whatever windows it is in (the
    # tree holds every node while this runs, so an id names one node)
    dumps: dict[int, str] = {}
    sizes: dict[int, int] = {}

    def dump(s: ast.stmt) -> str:
        if id(s) not in dumps:
            dumps[id(s)] = ast.dump(_Canon().visit(ast.parse(ast.unparse(s)).body[0]))
        return dumps[id(s)]

    def size(run: list[ast.stmt]) -> int:
        return sum(
            sizes[id(s)] if id(s) in sizes else sizes.setdefault(id(s), _size([s])) for s in run
        )

    for node in ast.walk(tree):
        for field in ("body", "orelse", "finalbody"):
            block = getattr(node, field, None)
            if not isinstance(block, list) or not block or not isinstance(block[0], ast.stmt):
                continue
            stmts = _body(block) if isinstance(node, (ast.FunctionDef, ast.ClassDef)) else block
            runs = [stmts] + [stmts[i : i + WINDOW] for i in range(len(stmts) - WINDOW + 1)]
            for run in runs:
                if run and size(run) >= MIN_NODES:
                    out.add("\n".join(dump(s) for s in run))
    return out


def _python_sources(folder: Path) -> dict[str, str]:
    """Every Python source in a folder: .py files, and the python blocks of markdown files."""
    out: dict[str, str] = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.suffix == ".py":
            out[rel] = path.read_text(encoding="utf-8")
        elif path.suffix == ".md":
            text = path.read_text(encoding="utf-8")
            for i, block in enumerate(re.findall(r"```python\n(.*?)```", text, re.S)):
                out[f"{rel}#block{i}"] = block
    return out


def _parse(source: str) -> ast.AST | None:
    try:
        return ast.parse(source)
    except SyntaxError:
        return None


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("release") / "template"
    release.build(manifest.load(KIT), out)
    return out


def _prints(path: Path) -> set[str]:
    tree = _parse(path.read_text(encoding="utf-8")) if path.is_file() else None
    return fingerprints(tree) if tree is not None else set()


def _secrets() -> dict[str, set[str]]:
    """Fingerprints of the reference solutions (less what their stubs give away on purpose,
    such as a helper) and of the instructor-side oracles."""
    out: dict[str, set[str]] = {}
    for path in sorted((KIT / "solutions").rglob("*.py")):
        stub = KIT / "exercises" / path.relative_to(KIT / "solutions")
        out[path.relative_to(KIT).as_posix()] = _prints(path) - _prints(stub)
    for path in sorted((KIT / "grader" / "instructor").rglob("*.py")):
        out[path.relative_to(KIT).as_posix()] = _prints(path)
    return out


def test_no_solution_body_or_reference_pass_anywhere_in_the_template(built: Path) -> None:
    secrets = _secrets()
    assert sum(len(v) for v in secrets.values()) > 100, "the fingerprints found too little"
    for module in ("oracles", "capstone"):
        assert len(secrets[f"grader/instructor/{module}.py"]) > 10, module
    found: list[str] = []
    for rel, source in _python_sources(built).items():
        tree = _parse(source)
        if tree is None:
            continue
        mine = fingerprints(tree)
        for origin, prints in secrets.items():
            if mine & prints:
                found.append(f"{rel} holds code of {origin}")
    assert not found, found[:10]


def test_the_fingerprints_find_a_renamed_copy(built: Path, tmp_path: Path) -> None:
    """The check above can fail: a renamed solution function in a test file is found."""
    course = manifest.load(KIT)
    source = course.get("2.4").solution_path.read_text(encoding="utf-8")
    tree = ast.parse(source)
    fn = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "attention")
    fn.name = "helper"
    leaked = ast.unparse(fn).replace("scores", "s_renamed")
    assert fingerprints(ast.parse(leaked)) & _secrets()["solutions/ch2_transformer/l04_block.py"]
    # The capstone's reference Llama too: its block, renamed, in a test file.
    tree = ast.parse((KIT / "grader" / "instructor" / "capstone.py").read_text(encoding="utf-8"))
    fn = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "ref_block")
    fn.name = "llama_block_by_hand"
    leaked = ast.unparse(fn).replace("att", "attended")
    assert fingerprints(ast.parse(leaked)) & _secrets()["grader/instructor/capstone.py"]


def test_no_reference_module_or_function_ships(built: Path) -> None:
    files = {p.relative_to(built).as_posix() for p in built.rglob("*") if p.is_file()}
    assert not [f for f in files if f.startswith(("grader/instructor/", "grader/tests/"))]
    assert "grader/oracles.py" not in files
    for rel, source in _python_sources(built).items():
        if rel.startswith("exercises/") or (tree := _parse(source)) is None:
            continue
        defined = {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
        assert not {d for d in defined if d.startswith("ref_")}, rel
        if rel.startswith("tests/"):  # visible tests read recorded values, never the oracles
            imported = {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
            imported |= {
                a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names
            }
            assert not {m for m in imported if "instructor" in m.split(".")}, rel
    recorded = {f for f in files if f.startswith("grader/data/recorded/")}
    for name in ("l04_block", "l05_context", "l06_kv_cache"):
        assert f"grader/data/recorded/ch2_transformer/{name}.json" in recorded
    for name in ("l01_llama_parts", "l02_llama", "l03_chat"):
        assert f"grader/data/recorded/ch3_real_model/{name}.json" in recorded


def test_visible_tests_run_inside_a_template(built: Path, tmp_path: Path) -> None:
    """The visible chapter 2 and 3 tests run on the template's own grader package (in a
    virtualenv without the kit's install), which has no instructor side to import: the
    untouched stubs are not started, the reference solutions pass every test, reading their
    expected values from the template's recorded data."""
    work = tmp_path / "student"
    shutil.copytree(built, work)
    python = str(venv_with_kit_packages(tmp_path / "venv"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "HEXAHYPE_"))}
    env.pop("VIRTUAL_ENV", None)
    env["PYTHONPATH"] = str(work)
    probe = (
        "import importlib.util, pathlib, sys, grader, grader.assets; "
        "root = pathlib.Path(sys.argv[1]).resolve(); "
        "assert pathlib.Path(grader.__file__).resolve().is_relative_to(root), grader.__file__; "
        "assert importlib.util.find_spec('grader.instructor') is None; "
        "assert grader.assets.recorded('ch3_real_model/l02_llama')['forward']['want'].shape"
    )
    proc = subprocess.run(
        [python, "-c", probe, str(work)], cwd=work, env=env, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr

    def pytest_in_template(*folders: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [python, "-m", "pytest", "-q", "-p", "grader.learner.plugin", *folders],
            cwd=work,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )

    visible = sorted(  # the lessons' tests; the chapter quiz is answered with hexahype quiz
        p.relative_to(work).as_posix()
        for folder in ("ch2_transformer", "ch3_real_model")
        for p in (work / "tests" / folder).glob("test_l*.py")
    )
    assert len(visible) == 9, visible
    proc = pytest_in_template(*visible)
    assert proc.returncode != 0 and "not started" in proc.stdout, proc.stdout[-2000:]
    assert " passed" not in proc.stdout.splitlines()[-1], proc.stdout[-2000:]
    for path in sorted((KIT / "solutions").rglob("*.py")):
        target = work / "exercises" / path.relative_to(KIT / "solutions")
        if target.exists():
            shutil.copyfile(path, target)
    proc = pytest_in_template(*visible)
    last = proc.stdout.strip().splitlines()[-1]
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert re.search(r"\b\d{2,} passed", last) and "failed" not in last, last


def _git(repo: Path, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_AUTHOR_NAME="I", GIT_AUTHOR_EMAIL="i@example.org")
    env.update(GIT_COMMITTER_NAME="I", GIT_COMMITTER_EMAIL="i@example.org")
    return subprocess.run(
        ["git", "-c", "init.defaultBranch=main", *args],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def _hexahype(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "HEXAHYPE_"))}
    return subprocess.run(
        [sys.executable, "-m", "grader.cli", *args],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
    )


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_release_refuses_solved_exercises_and_quiz_answers(tmp_path: Path) -> None:
    root = copy_course(tmp_path / "kit", ("course.toml", "pyproject.toml", "exercises"))
    shutil.copytree(KIT / "solutions", root / "solutions")
    course = manifest.load(root)
    lesson, quiz = course.get("1.3"), course.quizzes[0]
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "kit")
    # Solved in the working tree of a git checkout: refused, naming the file.
    shutil.copyfile(lesson.solution_path, lesson.exercise_path)
    with pytest.raises(release.ReleaseError, match=r"differs from its last commit: .*l03_bpe\.py"):
        release.build(course, tmp_path / "out1")
    # Solved and committed (or no git at all): the stub check names the task.
    _git(root, "commit", "-q", "-am", "tried the exercises")
    with pytest.raises(release.ReleaseError, match=r"l03_bpe\.py: count_pairs is not a stub"):
        release.build(course, tmp_path / "out2")
    _git(root, "checkout", "-q", "HEAD~1", "--", "exercises")
    quiz.exercise_path.write_text(json.dumps({"answers": {"q1": "b"}}), encoding="utf-8")
    _git(root, "commit", "-q", "-am", "my quiz answers")
    with pytest.raises(release.ReleaseError, match="holds quiz answers"):
        release.build(course, tmp_path / "out3")
    assert not (tmp_path / "out1").exists() and not (tmp_path / "out3").exists()
    # The untouched stubs release cleanly.
    _git(root, "checkout", "-q", "HEAD~2", "--", "exercises")
    _git(root, "commit", "-q", "-am", "stubs again")
    assert release.build(course, tmp_path / "out4")
    assert template.stub_problems(manifest.load(tmp_path / "out4")) == []


def test_instructor_verbs_in_a_template_say_so_in_one_line(built: Path) -> None:
    for verb in (["release", "elsewhere"], ["grade", "."], ["verify"], ["collect", "."]):
        proc = _hexahype(built, *verb)
        assert proc.returncode == 2, (verb, proc.stdout, proc.stderr)
        assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr, proc.stderr
        assert "this is a student template; run this in the instructor's checkout" in proc.stderr
