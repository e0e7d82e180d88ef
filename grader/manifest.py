"""The course model: `course.toml` read into typed objects, with every path derived by convention.

Everything in the kit reads the course through this module, and this module imports nothing of
the kit. A lesson entry holds only what cannot be derived; file paths follow from the chapter
package, the lesson id, slug and module name:

    lessons/ch1_tokens/1.3-byte-pair-encoding.md      lesson text
    exercises/ch1_tokens/l03_bpe.py                   learner stub
    solutions/ch1_tokens/l03_bpe.py                   reference solution
    tests/ch1_tokens/test_l03_bpe.py                  visible tests
    tests/hidden/ch1_tokens/test_l03_bpe.py           hidden tests

Quizzes (`kind = "quiz"`) keep their questions next to the lesson texts
(`lessons/ch1_tokens/1.10-chapter-quiz.toml`) and the learner's answers in
`exercises/ch1_tokens/q10_quiz.json`.

A chapter with `optional = true` is a capstone: its lessons are shown apart and stay out of the
course's lesson count ("N of 15"), and they are worth their `points` only when the chapter also
says `graded = true` (an instructor's choice); otherwise each is worth 0.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[import-not-found, no-redef, unused-ignore]

MANIFEST_NAME = "course.toml"
_ID = re.compile(r"^(\d+)\.(\d+)$")
_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class ManifestError(ValueError):
    """course.toml is missing, unreadable, or breaks one of its rules."""


@dataclass(frozen=True)
class Lesson:
    id: str
    slug: str
    title: str
    summary: str
    minutes: int
    module: str
    tasks: tuple[str, ...]
    points: int
    hints: tuple[str, ...]
    requires: tuple[str, ...]
    kind: str
    chapter: Chapter = field(repr=False, compare=False)
    root: Path = field(repr=False, compare=False)

    @property
    def is_quiz(self) -> bool:
        return self.kind == "quiz"

    @property
    def optional(self) -> bool:
        """Part of an optional (capstone) chapter: outside the course's lesson count."""
        return self.chapter.optional

    @property
    def name(self) -> str:
        """The module's own name, for example `l03_bpe`."""
        return self.module.split(".")[-1]

    @property
    def package(self) -> str:
        return self.module.split(".")[0]

    @property
    def fixture(self) -> str:
        """The pytest fixture that hands a test this lesson's module: `l03_bpe` -> `bpe`."""
        return self.name.split("_", 1)[1] if self.is_lesson else f"quiz{self.chapter.number}"

    @property
    def is_lesson(self) -> bool:
        return not self.is_quiz

    @property
    def _ext(self) -> str:
        return ".json" if self.is_quiz else ".py"

    # -- paths, all derived ------------------------------------------------------------------
    @property
    def text_path(self) -> Path:
        return self.root / "lessons" / self.package / f"{self.id}-{self.slug}.md"

    @property
    def quiz_path(self) -> Path:
        """The quiz's questions: the authoring TOML, or the sealed JSON that the student
        template ships instead (no answer key in clear text)."""
        toml = self.root / "lessons" / self.package / f"{self.id}-{self.slug}.toml"
        sealed = toml.with_suffix(".json")
        return sealed if sealed.exists() and not toml.exists() else toml

    @property
    def exercise_path(self) -> Path:
        return self.root / "exercises" / self.package / f"{self.name}{self._ext}"

    @property
    def solution_path(self) -> Path:
        return self.root / "solutions" / self.package / f"{self.name}{self._ext}"

    @property
    def test_path(self) -> Path:
        return self.root / "tests" / self.package / f"test_{self.name}.py"

    @property
    def hidden_test_path(self) -> Path:
        return self.root / "tests" / "hidden" / self.package / f"test_{self.name}.py"

    def files(self) -> dict[str, Path]:
        """Every file this entry must have once it is authored, by role."""
        out = {
            "lesson text": self.quiz_path if self.is_quiz else self.text_path,
            "exercise": self.exercise_path,
            "solution": self.solution_path,
            "visible tests": self.test_path,
        }
        if self.is_lesson:
            out["hidden tests"] = self.hidden_test_path
        return out

    @property
    def authored(self) -> bool:
        """An entry is authored as soon as any of its files exists."""
        return any(p.exists() for p in self.files().values())


@dataclass(frozen=True)
class Chapter:
    number: int
    package: str
    title: str
    lessons: list[Lesson] = field(default_factory=list, compare=False)
    optional: bool = False  # a capstone: shown apart, not counted in "N of 15 lessons"
    graded: bool = True  # an optional chapter's points count only when this is true


@dataclass(frozen=True)
class Course:
    name: str
    version: str
    root: Path
    chapters: tuple[Chapter, ...]

    @cached_property
    def entries(self) -> tuple[Lesson, ...]:
        """Every entry, lessons and quizzes, in teaching order."""
        return tuple(lesson for ch in self.chapters for lesson in ch.lessons)

    @property
    def lessons(self) -> tuple[Lesson, ...]:
        return tuple(e for e in self.entries if e.is_lesson)

    @property
    def core_lessons(self) -> tuple[Lesson, ...]:
        """The lessons that the course's "N of M lessons done" counts: not the optional ones."""
        return tuple(e for e in self.lessons if not e.optional)

    @property
    def quizzes(self) -> tuple[Lesson, ...]:
        return tuple(e for e in self.entries if e.is_quiz)

    @cached_property
    def _by_id(self) -> dict[str, Lesson]:
        return {e.id: e for e in self.entries}

    def get(self, lesson_id: str) -> Lesson:
        """The entry with this id; a chapter number alone ("1") names that chapter's quiz."""
        key = lesson_id.strip()
        if key.isdigit():
            for q in self.quizzes:
                if q.chapter.number == int(key):
                    return q
        try:
            return self._by_id[key]
        except KeyError:
            known = ", ".join(e.id for e in self.entries)
            raise KeyError(f"unknown lesson id {lesson_id!r} (known ids: {known})") from None

    def by_module(self, name: str) -> Lesson | None:
        """The entry whose module is `name` (`ch1_tokens.l03_bpe` or just `l03_bpe`)."""
        for e in self.entries:
            if name in (e.module, e.name):
                return e
        return None

    @cached_property
    def _by_test_file(self) -> dict[str, Lesson | None]:
        return {}

    def for_test_file(self, path: str | os.PathLike[str]) -> Lesson | None:
        """The entry a visible or hidden test file belongs to, from its name and folder (asked
        for every test's every phase: remembered per path)."""
        key = os.fspath(path)
        if key in self._by_test_file:
            return self._by_test_file[key]
        p = Path(key)
        found = None
        if p.name.startswith("test_"):
            entry = self.by_module(p.stem[len("test_") :])
            if entry is not None and p.parent.name == entry.package:
                found = entry
        self._by_test_file[key] = found
        return found


def find_root(start: str | os.PathLike[str] | None = None) -> Path:
    """The course root: the nearest folder at or above `start` (or the working dir) holding
    course.toml. HEXAHYPE_ROOT overrides the search."""
    env = os.environ.get("HEXAHYPE_ROOT")
    if env:
        root = Path(env).resolve()
        if (root / MANIFEST_NAME).is_file():
            return root
        raise ManifestError(f"HEXAHYPE_ROOT={env} has no {MANIFEST_NAME}")
    here = Path(start or os.getcwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / MANIFEST_NAME).is_file():
            return folder
    raise ManifestError(
        f"no {MANIFEST_NAME} in {here} or any folder above it: run hexahype inside the course"
    )


def _need(entry: dict[str, Any], key: str, kind: type | tuple[type, ...], where: str) -> Any:
    if key not in entry:
        raise ManifestError(f"{where}: missing key {key!r}")
    value = entry[key]
    if not isinstance(value, kind) or isinstance(value, bool) and kind is int:
        raise ManifestError(f"{where}: {key!r} has the wrong type ({type(value).__name__})")
    return value


def _str_list(entry: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = _need(entry, key, list, where)
    if not all(isinstance(v, str) and v for v in value):
        raise ManifestError(f"{where}: {key!r} must be a list of non-empty strings")
    return tuple(value)


def parse(data: dict[str, Any], root: Path) -> Course:
    """Build and validate a Course from parsed TOML. Raises ManifestError naming the entry."""
    head = _need(data, "course", dict, MANIFEST_NAME)
    chapters: list[Chapter] = []
    seen: set[str] = set()
    for ch_data in _need(data, "chapters", list, MANIFEST_NAME):
        where = f"{MANIFEST_NAME} chapter {ch_data.get('number', '?')}"
        for flag in ("optional", "graded"):
            if flag in ch_data and not isinstance(ch_data[flag], bool):
                raise ManifestError(f"{where}: {flag!r} must be true or false")
        optional = ch_data.get("optional", False)
        if "graded" in ch_data and not optional:
            raise ManifestError(f"{where}: 'graded' is for optional chapters only")
        chapter = Chapter(
            number=_need(ch_data, "number", int, where),
            package=_need(ch_data, "package", str, where),
            title=_need(ch_data, "title", str, where),
            optional=optional,
            graded=ch_data.get("graded", not optional),
        )
        for raw in _need(ch_data, "lessons", list, where):
            lid = str(raw.get("id", "?"))
            w = f"{MANIFEST_NAME} lesson {lid}"
            m = _ID.match(lid)
            if not m or int(m.group(1)) != chapter.number:
                raise ManifestError(f"{w}: id must look like '{chapter.number}.N'")
            if lid in seen:
                raise ManifestError(f"{w}: duplicate id")
            kind = raw.get("kind", "lesson")
            if kind not in ("lesson", "quiz"):
                raise ManifestError(f"{w}: kind must be 'lesson' or 'quiz', not {kind!r}")
            slug = _need(raw, "slug", str, w)
            if not _SLUG.match(slug):
                raise ManifestError(f"{w}: slug {slug!r} must be lower-case words joined by '-'")
            module = _need(raw, "module", str, w)
            package, _, name = module.partition(".")
            prefix = "q" if kind == "quiz" else "l"
            if package != chapter.package or not re.match(rf"^{prefix}\d\d_[a-z0-9_]+$", name):
                raise ManifestError(
                    f"{w}: module {module!r} must be '{chapter.package}.{prefix}NN_name'"
                )
            tasks = _str_list(raw, "tasks", w)
            bad = [t for t in tasks if not _IDENT.match(t)]
            if bad:
                raise ManifestError(f"{w}: task names must be identifiers: {bad}")
            if kind == "lesson" and not tasks:
                raise ManifestError(f"{w}: a lesson needs at least one task")
            requires = _str_list(raw, "requires", w)
            for r in requires:
                if r not in seen:
                    raise ManifestError(f"{w}: requires {r!r}, which is not an earlier entry")
            minutes = _need(raw, "minutes", int, w)
            points = _need(raw, "points", int, w)
            if minutes <= 0 or points <= 0:
                raise ManifestError(f"{w}: minutes and points must be positive")
            if not chapter.graded:
                points = 0  # an optional chapter the instructor has not made graded
            chapter.lessons.append(
                Lesson(
                    id=lid,
                    slug=slug,
                    title=_need(raw, "title", str, w),
                    summary=_need(raw, "summary", str, w),
                    minutes=minutes,
                    module=module,
                    tasks=tasks,
                    points=points,
                    hints=_str_list(raw, "hints", w),
                    requires=requires,
                    kind=kind,
                    chapter=chapter,
                    root=root,
                )
            )
            seen.add(lid)
        chapters.append(chapter)
    course = Course(
        name=_need(head, "name", str, MANIFEST_NAME),
        version=_need(head, "version", str, MANIFEST_NAME),
        root=root,
        chapters=tuple(chapters),
    )
    modules = [e.module for e in course.entries]
    dupes = {m for m in modules if modules.count(m) > 1}
    if dupes:
        raise ManifestError(f"{MANIFEST_NAME}: modules used twice: {sorted(dupes)}")
    fixtures = [e.fixture for e in course.entries]
    if len(set(fixtures)) != len(fixtures):
        raise ManifestError(f"{MANIFEST_NAME}: two entries derive the same fixture name")
    return course


_CACHE: dict[Path, tuple[float, Course]] = {}


def load(root: str | os.PathLike[str] | None = None) -> Course:
    """Read course.toml at `root` (default: found from the working dir), cached by mtime."""
    base = Path(root).resolve() if root is not None else find_root()
    path = base / MANIFEST_NAME
    try:
        mtime = path.stat().st_mtime
        cached = _CACHE.get(base)
        if cached and cached[0] == mtime:
            return cached[1]
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ManifestError(f"no {MANIFEST_NAME} in {base}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ManifestError(f"{MANIFEST_NAME} is not valid TOML: {exc}") from None
    course = parse(data, base)
    _CACHE[base] = (mtime, course)
    return course
