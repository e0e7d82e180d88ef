"""Stub + reference solution -> nbgrader answer cells.

`answer_cells(stub, solution)` cuts a lesson module into cells: one for its imports and one per
top-level function or class of the stub. Each holds the stub's signature and docstring, the
reference body between the solution markers, then the stub's own body (`# TODO` and
`raise NotImplementedError(...)`), which the reference body never reaches.
"""

from __future__ import annotations

import ast

from .markers import SOLUTION_BEGIN, SOLUTION_END

_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
_FUNCS = (ast.FunctionDef, ast.AsyncFunctionDef)


def _is_def(node: ast.stmt) -> bool:
    return isinstance(node, _DEFS)


def _docstring(body: list[ast.stmt]) -> ast.stmt | None:
    first = body[0] if body else None
    if (
        isinstance(first, ast.Expr)
        and isinstance(first.value, ast.Constant)
        and isinstance(first.value.value, str)
    ):
        return first
    return None


def _start(node: ast.stmt) -> int:
    decorators = getattr(node, "decorator_list", [])
    return int(min([node.lineno, *(d.lineno for d in decorators)]))


def _text(node: ast.stmt, lines: list[str]) -> str:
    return "".join(lines[_start(node) - 1 : node.end_lineno])


def _ends(stmts: list[ast.stmt]) -> bool:
    """True when running `stmts` can never fall off their end."""
    if not stmts:
        return False
    last = stmts[-1]
    if isinstance(last, (ast.Return, ast.Raise)):
        return True
    if isinstance(last, ast.If):
        return _ends(last.body) and _ends(last.orelse)
    if isinstance(last, (ast.With, ast.AsyncWith)):
        return _ends(last.body)
    return False


def _group(names: list[str], stmts: list[ast.stmt]) -> dict[str, list[ast.stmt]]:
    """Statements by answer cell, keeping the module's order: the statements before the first
    of the stub's definitions (up to the first helper function) are the header; a definition
    of a stub name opens that name's cell, and the statements after it (helpers, constants) go
    with the next such definition, trailing ones with the last. A name defined again later
    (say `_old = f` then a new `def f`) stays where it is in that flow, as Python runs it."""
    first: dict[str, int] = {}
    for i, s in enumerate(stmts):
        if _is_def(s) and s.name in names:  # type: ignore[attr-defined]
            first.setdefault(s.name, i)  # type: ignore[attr-defined]
    groups: dict[str, list[ast.stmt]] = {"header": [], **{n: [] for n in names}}
    pending: list[ast.stmt] = []
    key = "header"
    for i, s in enumerate(stmts):
        name = getattr(s, "name", None) if _is_def(s) else None
        if name is not None and first.get(name) == i:
            if key == "header":  # imports and constants are the header; helpers go with name
                cut = next((k for k, n in enumerate(pending) if _is_def(n)), len(pending))
                groups["header"] += pending[:cut]
                pending = pending[cut:]
            groups[name] += pending
            groups[name].append(s)
            pending = []
            key = name
        else:
            pending.append(s)
    groups[key] += pending
    return groups


def _region(body: list[str], indent: str) -> list[str]:
    return [f"{indent}{SOLUTION_BEGIN}\n", *body, f"{indent}{SOLUTION_END}\n"]


def _reindent(lines: list[str], old: int, new: int) -> list[str]:
    if old == new:
        return lines
    out = []
    for line in lines:
        if line.strip() and line[:old].strip() == "":
            out.append(" " * new + line[old:])
        else:
            out.append(line)
    return out


def _merge_function(s: ast.stmt, i: ast.stmt, slines: list[str], ilines: list[str]) -> list[str]:
    assert isinstance(s, _FUNCS) and isinstance(i, _FUNCS)
    if s.body[0].lineno == s.lineno or i.body[0].lineno == i.lineno:
        return _region(_text(i, ilines).splitlines(keepends=True), "")  # one-liners: whole def
    sdoc, idoc = _docstring(s.body), _docstring(i.body)
    head = slines[_start(s) - 1 : s.body[0].lineno - 1]
    doc = slines[sdoc.lineno - 1 : sdoc.end_lineno] if sdoc is not None else []
    tail_from = sdoc.end_lineno if sdoc is not None else s.body[0].lineno - 1
    tail = slines[tail_from : s.end_lineno]
    ibody_stmts = i.body[1:] if idoc is not None else i.body
    if not ibody_stmts:
        ibody: list[str] = []
    else:
        first = idoc.end_lineno if idoc is not None else ibody_stmts[0].lineno - 1
        ibody = ilines[first : i.end_lineno]
    indent = " " * s.body[0].col_offset
    ibody = _reindent(ibody, ibody_stmts[0].col_offset if ibody_stmts else 0, len(indent))
    if tail and not _ends(ibody_stmts):
        ibody.append(f"{indent}return None  # the stub's lines below are never reached\n")
    return head + doc + _region(ibody, indent) + tail


def _merge_class(
    s: ast.ClassDef, i: ast.ClassDef, slines: list[str], ilines: list[str]
) -> list[str]:
    sdoc = _docstring(s.body)
    sbody = s.body[1:] if sdoc is not None else s.body
    ibody = i.body[1:] if _docstring(i.body) is not None else i.body
    if not sbody or s.body[0].lineno == s.lineno:
        return _region(_text(i, ilines).splitlines(keepends=True), "")
    head = slines[_start(s) - 1 : s.body[0].lineno - 1]
    doc = slines[sdoc.lineno - 1 : sdoc.end_lineno] if sdoc is not None else []
    indent = " " * sbody[0].col_offset
    names = [n.name for n in sbody if isinstance(n, _DEFS)]
    parts = _merge_groups(names, sbody, ibody, slines, ilines, indent)
    out = head + doc
    for key in ["header", *names]:
        if parts[key]:
            if out and out[-1].strip() and key != "header":
                out.append("\n")
            out += parts[key]
    return out


def _merge_groups(
    names: list[str],
    sstmts: list[ast.stmt],
    istmts: list[ast.stmt],
    slines: list[str],
    ilines: list[str],
    indent: str,
) -> dict[str, list[str]]:
    """Per answer key, the merged lines: the stub's other statements, the solution's own
    statements in a solution region, then the stub's definition with the reference body."""
    sgroups, igroups = _group(names, sstmts), _group(names, istmts)
    shared = {ast.dump(n) for n in sstmts if not _is_def(n)}
    out: dict[str, list[str]] = {}
    for key in ["header", *names]:
        lines: list[str] = []
        plain = [n for n in sgroups[key] if not _is_def(n)]
        if plain:
            lines += slines[_start(plain[0]) - 1 : plain[-1].end_lineno]
        own = [n for n in igroups[key] if getattr(n, "name", None) != key or not _is_def(n)]
        own = [n for n in own if ast.dump(n) not in shared]
        if own:
            body: list[str] = []
            for n in own:
                if body:
                    body.append("\n")
                body += _text(n, ilines).splitlines(keepends=True)
            if lines:
                lines.append("\n")
            lines += _region(body, indent)
        sdef = next((n for n in sgroups[key] if _is_def(n)), None)
        idef = next(
            (n for n in igroups[key] if _is_def(n) and getattr(n, "name", None) == key), None
        )
        if sdef is not None:
            if lines:
                lines.append("\n")
            if idef is None:
                lines += _text(sdef, slines).splitlines(keepends=True)
            elif isinstance(sdef, ast.ClassDef) and isinstance(idef, ast.ClassDef):
                lines += _merge_class(sdef, idef, slines, ilines)
            elif isinstance(sdef, _FUNCS) and isinstance(idef, _FUNCS):
                lines += _merge_function(sdef, idef, slines, ilines)
            else:
                lines += _region(_text(idef, ilines).splitlines(keepends=True), indent)
        out[key] = lines
    return out


def _module_body(tree: ast.Module) -> list[ast.stmt]:
    return tree.body[1:] if _docstring(tree.body) is not None else tree.body


def _stub_names(stub_src: str) -> list[str]:
    return [n.name for n in _module_body(ast.parse(stub_src)) if isinstance(n, _DEFS)]


def answer_cells(stub_src: str, impl_src: str, markers: bool = True) -> dict[str, str]:
    """The answer cells of a lesson, keyed `header` and then by the stub's top-level names.

    markers=True (the source notebook): the stub merged with `impl_src` (the reference
    solution) as described in the module docstring. markers=False: `impl_src`'s own code, cut
    into the same cells (how a student's module reads as notebook cells)."""
    names = _stub_names(stub_src)
    ilines = impl_src.splitlines(keepends=True)
    istmts = _module_body(ast.parse(impl_src))
    if markers:
        slines = stub_src.splitlines(keepends=True)
        sstmts = _module_body(ast.parse(stub_src))
        merged = _merge_groups(names, sstmts, istmts, slines, ilines, "")
        return {k: "".join(v).strip("\n") for k, v in merged.items()}
    groups = _group(names, istmts)
    out: dict[str, str] = {}
    for key in ["header", *names]:
        out[key] = "\n\n".join(_text(n, ilines).rstrip("\n") for n in groups[key])
    return out
