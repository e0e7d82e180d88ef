"""Load a lesson's module from an implementation folder laid out like `exercises/`.

The same tests run against `exercises/` (the learner's code), `solutions/` (the maintainers'
check), or any folder with the same layout. The folder is mounted as a package, so the lesson
modules' relative imports (`from .l02_forward_pass import layer_norm`) work in all of them.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import re
import sys
import types
from pathlib import Path
from typing import Any

from .manifest import Lesson


class LessonLoadError(Exception):
    """The lesson's module (or quiz answers file) is missing or does not import."""


def package_name(impl_dir: Path) -> str:
    """Mount `impl_dir` as a package and return its name. `exercises/` and `solutions/` keep
    their own names so tracebacks read naturally; other folders get a name from their path."""
    impl_dir = impl_dir.resolve()
    name = impl_dir.name
    if name not in ("exercises", "solutions") or not name.isidentifier():
        name = "_hexahype_impl_" + hashlib.sha1(str(impl_dir).encode()).hexdigest()[:10]
    existing = sys.modules.get(name)
    if existing is not None and list(getattr(existing, "__path__", [])) != [str(impl_dir)]:
        name = "_hexahype_impl_" + hashlib.sha1(str(impl_dir).encode()).hexdigest()[:10]
        existing = sys.modules.get(name)
    if existing is None:
        pkg = types.ModuleType(name, f"Lesson modules from {impl_dir.name}/")
        pkg.__path__ = [str(impl_dir)]
        sys.modules[name] = pkg
    return name


def rel(path: Path | str, root: Path) -> str:
    try:
        return Path(path).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return Path(path).name


def lesson_file(lesson: Lesson, impl_dir: Path) -> Path:
    ext = ".json" if lesson.is_quiz else ".py"
    return impl_dir / lesson.package / f"{lesson.name}{ext}"


def load(lesson: Lesson, impl_dir: Path) -> Any:
    """Import the lesson's module from `impl_dir` (a quiz: parse its answers file).

    Raises LessonLoadError with one clear line naming the lesson and the problem."""
    path = lesson_file(lesson, impl_dir)
    shown = rel(path, lesson.root)
    if not path.is_file():
        raise LessonLoadError(f"lesson {lesson.id}: {shown} is missing")
    if lesson.is_quiz:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            raise LessonLoadError(f"quiz {lesson.id}: {shown} is not valid JSON: {exc}") from None
        if not isinstance(data, dict):
            raise LessonLoadError(f"quiz {lesson.id}: {shown} must hold a JSON object")
        return data
    modname = f"{package_name(impl_dir)}.{lesson.module}"
    try:
        return importlib.import_module(modname)
    except SyntaxError as exc:
        where = f"{shown}, line {exc.lineno}" if exc.lineno else shown
        raise LessonLoadError(
            f"lesson {lesson.id}: {where} has a syntax error: {exc.msg}"
        ) from None
    except Exception as exc:  # noqa: BLE001 - any import-time failure is the learner's to see
        tb = exc.__traceback__
        line = ""
        while tb is not None:
            if Path(tb.tb_frame.f_code.co_filename).resolve() == path.resolve():
                line = f", line {tb.tb_lineno}"
            tb = tb.tb_next
        # ImportError names the file it looked in: a path of this machine, never shown.
        detail = re.sub(r" \((?:/|[A-Za-z]:\\)[^()]*\)", "", str(exc))
        raise LessonLoadError(
            f"lesson {lesson.id}: importing {shown}{line} raised {type(exc).__name__}: {detail}"
        ) from None
