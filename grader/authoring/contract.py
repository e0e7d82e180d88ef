"""The course's contract, checked by `hexahype verify` (all structural, no test runs):

- `docs/API.md` and the stubs agree: the `python` block of each lesson's section lists exactly
  the stub's signatures (names, parameters, defaults, annotations, return types) and at least
  every task of the lesson;
- a stub and its solution carry the same docstrings (the module's, every function's and
  method's): docstrings are the contract as the learner reads it;
- no placeholder of `hexahype new-lesson` is left (`TODO(<id>)` in a stub docstring, the lesson
  text, its API section or a misconception; a summary starting with `TODO`);
- `requires` in course.toml is true: a lesson module (stub or solution) imports, relatively or
  absolutely, only lessons in its `requires` closure. The one exception is a forward reference:
  an import inside a function of a later lesson that itself builds on this one (2.2's
  `forward` runs 2.4's `transformer_block`, and 2.4 requires 2.2). Such an import runs only when
  called, so lesson modules never import each other at load time, and `requires` still orders
  what a learner must write first.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from ..manifest import Course, Lesson

API_PATH = Path("docs") / "API.md"
PLACEHOLDER = "TODO("

_FENCE = re.compile(r"^(```+)\s*([\w+-]*)[^\n]*\n(.*?)^\1\s*$", re.S | re.M)
_SECTION = re.compile(r"^(#{2,3})\s+(.*)$", re.M)
_SECTION_ID = re.compile(r"^(\d+\.\d+)\b")
_FILE = re.compile(r"`([A-Za-z0-9_]+\.py)`")


class Problems(Protocol):
    def add(self, where: str, problem: str) -> None: ...


def _where(entry: Lesson) -> str:
    return f"{entry.id} {entry.title}"


# -- signatures --------------------------------------------------------------------------------
_DEF = (ast.FunctionDef, ast.AsyncFunctionDef)


def _function_signature(node: ast.FunctionDef | ast.AsyncFunctionDef) -> str:
    ret = f" -> {ast.unparse(node.returns)}" if node.returns else ""
    return f"({ast.unparse(node.args)}){ret}"


def _public_methods(node: ast.ClassDef) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    return [
        m
        for m in node.body
        if isinstance(m, _DEF) and (not m.name.startswith("_") or m.name in ("__init__", "__len__"))
    ]


def signature(node: ast.AST) -> str:
    """A definition's full signature as text; a class lists its public methods (with
    `__init__` and `__len__`), each with its return annotation."""
    if isinstance(node, ast.ClassDef):
        return "; ".join(f"{m.name}{_function_signature(m)}" for m in _public_methods(node))
    assert isinstance(node, _DEF)
    return _function_signature(node)


@dataclass
class Interface:
    """The top-level definitions and type aliases of a module or of an API block."""

    defs: dict[str, ast.AST] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, tree: ast.Module) -> Interface:
        out = cls()
        for node in tree.body:
            if isinstance(node, (*_DEF, ast.ClassDef)):
                out.defs[node.name] = node
            elif (
                isinstance(node, ast.Assign)
                and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name)
            ):
                out.aliases[node.targets[0].id] = ast.unparse(node.value)
        return out


# -- docs/API.md -------------------------------------------------------------------------------
@dataclass
class Section:
    id: str
    heading: str
    line: int
    code: list[tuple[int, str]] = field(default_factory=list)  # (line, source) per block
    text: str = ""


def api_sections(markdown: str) -> dict[str, Section]:
    """The lesson sections of API.md (`### 1.3 ...`), each with its ```python blocks."""
    heads = list(_SECTION.finditer(markdown))
    fences = list(_FENCE.finditer(markdown))
    inside = [(f.start(), f.end()) for f in fences]
    heads = [h for h in heads if not any(a <= h.start() < b for a, b in inside)]
    out: dict[str, Section] = {}
    for i, head in enumerate(heads):
        m = _SECTION_ID.match(head.group(2).strip())
        if len(head.group(1)) != 3 or not m:
            continue
        end = heads[i + 1].start() if i + 1 < len(heads) else len(markdown)
        line = markdown.count("\n", 0, head.start()) + 1
        section = Section(
            m.group(1), head.group(2).strip(), line, text=markdown[head.start() : end]
        )
        for f in fences:
            if head.end() <= f.start() < end and f.group(2).lower() in ("python", "py"):
                section.code.append((markdown.count("\n", 0, f.start()) + 2, f.group(3)))
        out.setdefault(section.id, section)
    return out


def check_api(course: Course, authored: Iterable[Lesson], report: Problems) -> None:
    """docs/API.md against the stubs. The kit (it has solutions/) must have the file."""
    path = course.root / API_PATH
    lessons = [e for e in authored if e.is_lesson and e.exercise_path.exists()]
    if not path.exists():
        if lessons and (course.root / "solutions").is_dir():
            report.add("API", f"{API_PATH.as_posix()} is missing: it is the course's contract")
        return
    sections = api_sections(path.read_text(encoding="utf-8"))
    api = API_PATH.as_posix()
    for sid, found in sections.items():
        try:
            course.get(sid)
        except KeyError:
            report.add("API", f"{api} line {found.line}: section {sid} is no entry of course.toml")
    for entry in lessons:
        where = _where(entry)
        section = sections.get(entry.id)
        if section is None:
            report.add(where, f"{api} has no section `### {entry.id} {entry.title}`")
            continue
        named = _FILE.findall(section.heading)
        if named and named != [f"{entry.name}.py"]:
            report.add(where, f"{api} names {named[0]} for {entry.id}; the stub is {entry.name}.py")
        if PLACEHOLDER in section.text:
            report.add(where, f"{api} section {entry.id} still holds a TODO placeholder")
        if not section.code:
            report.add(where, f"{api} section {entry.id} has no ```python block of signatures")
            continue
        documented = Interface()
        for line, source in section.code:
            try:
                part = Interface.of(ast.parse(source))
            except SyntaxError as exc:
                report.add(
                    where,
                    f"{api} line {line + (exc.lineno or 1) - 1}: the signatures do not parse "
                    f"({exc.msg})",
                )
                continue
            documented.defs.update(part.defs)
            documented.aliases.update(part.aliases)
        try:
            stub = Interface.of(ast.parse(entry.exercise_path.read_text(encoding="utf-8")))
        except SyntaxError:
            continue  # check_structure reports it
        for task in entry.tasks:
            if task not in documented.defs:
                report.add(where, f"{api} does not list the task {task}")
        for name, node in documented.defs.items():
            if name not in stub.defs:
                report.add(where, f"{api} lists {name}, which the stub does not define")
                continue
            want, got = signature(node), signature(stub.defs[name])
            if want != got:
                report.add(where, f"{name}: {api} says {name}{want}, the stub has {name}{got}")
        for name, value in documented.aliases.items():
            if stub.aliases.get(name) != value:
                report.add(
                    where,
                    f"{api} defines {name} = {value}, the stub "
                    + (f"has {name} = {stub.aliases[name]}" if name in stub.aliases else "not"),
                )


# -- docstrings --------------------------------------------------------------------------------
def _docstrings(tree: ast.Module) -> dict[str, str | None]:
    """The module's docstring (key "module") and every top-level function's, class's and
    method's (`KVCache.append`)."""
    out: dict[str, str | None] = {"module": ast.get_docstring(tree, clean=False)}
    for node in tree.body:
        if isinstance(node, (*_DEF, ast.ClassDef)):
            out[node.name] = ast.get_docstring(node, clean=False)
            if isinstance(node, ast.ClassDef):
                for m in node.body:
                    if isinstance(m, _DEF):
                        out[f"{node.name}.{m.name}"] = ast.get_docstring(m, clean=False)
    return out


def _first_difference(a: str, b: str) -> str:
    for x, y in zip(a.splitlines(), b.splitlines()):
        if x != y:
            return f"stub {x.strip()!r}, solution {y.strip()!r}"
    la, lb = len(a.splitlines()), len(b.splitlines())
    return f"the stub's has {la} lines, the solution's {lb}"


def check_docstrings(course: Course, authored: Iterable[Lesson], report: Problems) -> None:
    for entry in authored:
        if entry.is_quiz:
            continue
        where = _where(entry)
        if not (entry.exercise_path.exists() and entry.solution_path.exists()):
            continue
        try:
            stub = _docstrings(ast.parse(entry.exercise_path.read_text(encoding="utf-8")))
            sol = _docstrings(ast.parse(entry.solution_path.read_text(encoding="utf-8")))
        except SyntaxError:
            continue  # check_structure reports it
        for name, doc in stub.items():
            label = "the module docstring" if name == "module" else f"the docstring of {name}"
            if doc is not None and PLACEHOLDER in doc:
                report.add(where, f"{label} in the stub still holds a TODO placeholder")
            if name not in sol:
                continue  # a stub-only helper; check_structure covers the tasks
            other = sol[name]
            if doc != other:
                if doc is None or other is None:
                    side = "stub" if doc is None else "solution"
                    detail = f"the {side} has none"
                else:
                    detail = _first_difference(doc, other)
                report.add(
                    where,
                    f"{label} differs between stub and solution ({detail}); they must be the same",
                )


def check_placeholders(course: Course, authored: Iterable[Lesson], report: Problems) -> None:
    """What `new-lesson` leaves to write outside the stub, the API section and the tests."""
    for entry in authored:
        if entry.is_quiz:
            continue
        where = _where(entry)
        if entry.summary.startswith("TODO"):
            report.add(where, "its summary in course.toml is still a placeholder")
        if entry.text_path.exists():
            for n, line in enumerate(entry.text_path.read_text(encoding="utf-8").splitlines(), 1):
                if PLACEHOLDER in line:
                    report.add(where, f"the lesson text still has a placeholder at line {n}")
                    break
        folder = course.root / "grader" / "tests" / "misconceptions" / entry.package / entry.name
        for path in sorted(folder.glob("*.py")):
            try:
                doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
            except SyntaxError:
                report.add(where, f"misconception {path.stem} has a syntax error")
                continue
            if PLACEHOLDER in doc:
                report.add(where, f"misconception {path.stem} is still a placeholder")


# -- requires ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class LessonImport:
    target: Lesson
    line: int
    deferred: bool  # inside a function: runs only when called


def _closure(course: Course, entry: Lesson) -> set[str]:
    seen: set[str] = set()
    todo = list(entry.requires)
    while todo:
        lid = todo.pop()
        if lid in seen:
            continue
        seen.add(lid)
        todo += list(course.get(lid).requires)
    return seen


def _targets(course: Course, parts: list[str], names: list[str]) -> Iterator[Lesson]:
    """The lessons an import names: `parts` is the dotted module (already resolved against the
    lesson's own package for a relative import), `names` what a from-import takes from it."""
    chapters = {c.package for c in course.chapters}
    for i, part in enumerate(parts):
        if part in chapters:
            if i + 1 < len(parts):
                candidates = [f"{part}.{parts[i + 1]}"]
            else:
                candidates = [f"{part}.{n}" for n in names]
            for module in candidates:
                for e in course.entries:
                    if e.module == module and e.is_lesson:
                        yield e
            return


def _dynamic_import(node: ast.Call) -> str | None:
    """The constant module name of `importlib.import_module("...")` or `__import__("...")`."""
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    if name not in ("import_module", "__import__") or not node.args:
        return None
    arg = node.args[0]
    return arg.value if isinstance(arg, ast.Constant) and isinstance(arg.value, str) else None


def lesson_imports(course: Course, entry: Lesson, path: Path) -> list[LessonImport]:
    """Every import of another lesson in a lesson module, with its line and whether it is
    deferred (inside a function or lambda)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = entry.package
    found: list[LessonImport] = []

    def resolve(level: int, module: str | None) -> list[str] | None:
        parts = module.split(".") if module else []
        if level == 0:
            return parts
        if level == 1:
            return [package, *parts]
        if level == 2:
            return parts  # the folder of all chapters (exercises/, solutions/)
        return None

    def visit(node: ast.AST, deferred: bool) -> None:
        targets: list[Lesson] = []
        if isinstance(node, ast.Import):
            for alias in node.names:
                targets += _targets(course, alias.name.split("."), [])
        elif isinstance(node, ast.ImportFrom):
            parts = resolve(node.level, node.module)
            if parts is not None:
                targets += _targets(course, parts, [a.name for a in node.names])
        elif isinstance(node, ast.Call):
            name = _dynamic_import(node)
            if name is not None:
                level = len(name) - len(name.lstrip("."))
                parts = resolve(level, name.lstrip(".") or None)
                if parts is not None:
                    targets += _targets(course, parts, [])
        for target in targets:
            if target.id != entry.id:
                found.append(LessonImport(target, getattr(node, "lineno", 0), deferred))
        inner = deferred or isinstance(node, (*_DEF, ast.Lambda))
        for child in ast.iter_child_nodes(node):
            visit(child, inner)

    visit(tree, False)
    return found


def check_requires(course: Course, authored: Iterable[Lesson], report: Problems) -> None:
    for entry in authored:
        if entry.is_quiz:
            continue
        closure = _closure(course, entry)
        allowed = ", ".join(sorted(closure, key=_order(course))) or "none"
        for path in (entry.exercise_path, entry.solution_path):
            if not path.exists():
                continue
            try:
                imports = lesson_imports(course, entry, path)
            except SyntaxError:
                continue  # check_structure reports it
            rel = path.relative_to(course.root).as_posix()
            for imp in imports:
                target = imp.target
                if target.id in closure:
                    continue
                if imp.deferred and entry.id in _closure(course, target):
                    continue  # a forward reference to a lesson that builds on this one
                how = "inside a function" if imp.deferred else "at load time"
                report.add(
                    _where(entry),
                    f"{rel} line {imp.line} imports lesson {target.id} ({target.name}) {how}, "
                    f"outside its requires closure ({allowed}); add {target.id} to `requires` "
                    "in course.toml or drop the import",
                )


def _order(course: Course) -> Callable[[str], int]:
    index = {e.id: i for i, e in enumerate(course.entries)}
    return lambda lid: index.get(lid, len(index))


def check_contract(course: Course, authored: list[Lesson], report: Problems) -> None:
    """Every contract check above, for the authored entries."""
    check_api(course, authored, report)
    check_docstrings(course, authored, report)
    check_placeholders(course, authored, report)
    check_requires(course, authored, report)
