"""What a bundle's test suites import, computed from their source, never from a hand-kept list.

A hosted autograder (Classroom 50, Gradescope) carries the kit's grading copy of the course.
Which modules of the `grader` package that copy needs follows from what its test modules import,
directly or through the modules they import: `closure` walks the import statements (top level
and inside functions, absolute and relative) of the suites and of every `grader` module they
reach. `missing` checks a built bundle the same way, against its own files: every `grader`
module a suite reaches must be a file of the bundle, and every other import that runs when
those modules load (not inside a function, not in a `try` or version-guarded block) must be the
standard library or a package of its requirements.txt.

The hidden suites import the instructor-side oracles (`grader/instructor/`), which the student
template never holds; the instructor-only bundles get exactly the modules the suites reach.
"""

from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

PACKAGE = "grader"


def _module_name(rel: str) -> str:
    """The dotted name of a module file of the bundle (`grader/a/b.py` -> `grader.a.b`)."""
    parts = rel[: -len(".py")].split("/")
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


@dataclass(frozen=True)
class Imported:
    """One dotted name a module imports."""

    name: str
    module: bool  # must be a module (`import a.b`, the `a.b` of `from a.b import c`)
    at_load: bool  # imported when the module itself is imported, unguarded


def _guarded(node: ast.stmt) -> bool:
    """A module-level block whose imports may fail on purpose: `try: ... except ImportError`,
    `if sys.version_info ...`, `if TYPE_CHECKING:`."""
    if isinstance(node, ast.Try):
        return True
    if isinstance(node, ast.If):
        test = ast.unparse(node.test)
        return "version_info" in test or "TYPE_CHECKING" in test or "platform" in test
    return False


def _statements(tree: ast.Module) -> list[tuple[ast.AST, bool]]:
    """Every import statement of a module, with whether it runs, unguarded, at import time
    (module level, class bodies and plain blocks; not function bodies or guarded blocks)."""
    out: list[tuple[ast.AST, bool]] = []

    def visit(node: ast.AST, at_load: bool) -> None:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            out.append((node, at_load))
            return
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            at_load = False
        elif isinstance(node, ast.stmt) and _guarded(node):
            at_load = False
        for child in ast.iter_child_nodes(node):
            visit(child, at_load)

    visit(tree, True)
    return out


def imported_names(source: str, module: str, is_package: bool = False) -> list[Imported]:
    """Every dotted name the source imports: `import a.b` gives a.b; `from a.b import c` gives
    a.b and a.b.c (a module only if one exists: c may be a name in a.b). Relative imports are
    resolved against `module`."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    package = module.split(".") if is_package else module.split(".")[:-1]
    out: list[Imported] = []
    for node, at_load in _statements(tree):
        if isinstance(node, ast.Import):
            out += [Imported(alias.name, True, at_load) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1] if node.level > 1 else package
                head = ".".join([*base, *([node.module] if node.module else [])])
            else:
                head = node.module or ""
            if not head:
                continue
            out.append(Imported(head, True, at_load))
            out += [
                Imported(f"{head}.{alias.name}", False, at_load)
                for alias in node.names
                if alias.name != "*"
            ]
    return out


def _file_of(name: str, exists: Callable[[str], bool]) -> str | None:
    """The bundle path of a dotted `grader` module, or None when no such module exists."""
    path = name.replace(".", "/")
    for rel in (f"{path}.py", f"{path}/__init__.py"):
        if exists(rel):
            return rel
    return None


def _packages(rel: str) -> list[str]:
    """The `__init__.py` files of the packages that hold a module file."""
    parts = rel.split("/")[:-1]
    return [f"{'/'.join(parts[: i + 1])}/__init__.py" for i in range(len(parts))]


def closure(
    suites: Iterable[str], read: Callable[[str], str | None], exists: Callable[[str], bool]
) -> set[str]:
    """The `grader` module files (relative paths) that the suite files reach by importing, with
    the `__init__.py` of every package on the way. `read(rel)` gives a file's text (None when
    there is none), `exists(rel)` whether a module file is there."""
    todo = list(suites)
    seen: set[str] = set()
    found: set[str] = set()
    while todo:
        rel = todo.pop()
        if rel in seen:
            continue
        seen.add(rel)
        text = read(rel)
        if text is None:
            continue
        name = _module_name(rel)
        for imported in imported_names(text, name, rel.endswith("/__init__.py")):
            if imported.name.split(".")[0] != PACKAGE:
                continue
            target = _file_of(imported.name, exists)
            if target is None:
                continue
            for file in [*_packages(target), target]:
                if file not in found:
                    found.add(file)
                    todo.append(file)
    return found


def _top_levels(requirements: str) -> set[str]:
    """The import names that the requirements' distributions provide (as installed here)."""
    wanted = set()
    for line in requirements.splitlines():
        m = re.match(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)", line)
        if m and not line.lstrip().startswith("#"):
            wanted.add(re.sub(r"[-_.]+", "-", m.group(1)).lower())
    names: set[str] = set()
    for top, dists in importlib.metadata.packages_distributions().items():
        if any(re.sub(r"[-_.]+", "-", d).lower() in wanted for d in dists):
            names.add(top)
    return names


def missing(
    files: Mapping[str, bytes], suites: Iterable[str], requirements: str, prefix: str = ""
) -> list[str]:
    """What the suites of a built bundle import and the bundle cannot give: one line each,
    naming the suite (or the module on the way) and the import. `files` are the bundle's files
    relative to its root, `prefix` the folder of the kit inside it (`hexahype/`)."""

    def read(rel: str) -> str | None:
        data = files.get(prefix + rel)
        return data.decode("utf-8", "replace") if data is not None else None

    def exists(rel: str) -> bool:
        return prefix + rel in files

    provided = _top_levels(requirements) | set(sys.stdlib_module_names) | {"__future__"}
    problems: list[str] = []
    reached = set(suites) | closure(suites, read, exists)
    for rel in sorted(reached):
        text = read(rel)
        if text is None:
            problems.append(f"{rel} is not in the bundle")
            continue
        name = _module_name(rel)
        for imp in imported_names(text, name, rel.endswith("/__init__.py")):
            top = imp.name.split(".")[0]
            if top == PACKAGE:  # the kit's own modules must be there, even lazily imported
                if imp.module and _file_of(imp.name, exists) is None:
                    problems.append(f"{rel} imports {imp.name}, which the bundle lacks")
            elif imp.at_load and top not in provided and not exists(f"{top}.py"):
                problems.append(f"{rel} imports {top}, which requirements.txt does not install")
    return list(dict.fromkeys(problems))
