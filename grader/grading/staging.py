"""Whitelist staging: copy only the manifest's exercise modules (and quiz answer files) of a
submission, as regular files under a size cap, into a fresh folder laid out like exercises/.

Nothing else of the submission reaches the grader: not its tests, conftest files, pytest.ini,
pyproject, bytecode (`__pycache__`, `.pyc`), stray modules (a `numpy.py` beside the lessons) or
package `__init__` files (those come from the instructor's copy). A staged module must be a
regular file (never a link) under the size cap, and UTF-8 text without NUL bytes (a quiz answer
file: UTF-8 JSON); anything else is a one-line problem for that lesson alone.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from ..manifest import Course, Lesson
from .sources import Source, SourceError

MAX_FILE_BYTES = 256 * 1024


@dataclass
class Staged:
    folder: Path
    copied: list[str] = field(default_factory=list)
    problems: dict[str, str] = field(default_factory=dict)  # lesson id -> one line

    def fingerprint(self) -> str:
        """A content hash of what was staged: the 'commit' of a submission without git."""
        digest = hashlib.sha256()
        for rel in sorted(self.copied):
            digest.update(rel.encode() + b"\0" + (self.folder / rel).read_bytes() + b"\0")
        return "worktree-" + digest.hexdigest()[:16]


def exercise_rel(lesson: Lesson) -> str:
    return lesson.exercise_path.relative_to(lesson.root).as_posix()


def check(rel: str, data: bytes) -> bytes:
    """The file's bytes if they are text that can be staged; SourceError otherwise."""
    if b"\0" in data:
        raise SourceError(f"{rel} is a binary file, not Python source")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SourceError(f"{rel} is not UTF-8 text (byte {exc.start})") from None
    return data


def stage(
    course: Course, lessons: list[Lesson], source: Source, dest: Path, limit: int = MAX_FILE_BYTES
) -> Staged:
    """Stage the course's exercise modules of `source` into `dest/exercises` (created fresh).
    A problem with a module is recorded for a graded lesson (one of `lessons`) only."""
    impl = dest / "exercises"
    impl.mkdir(parents=True, exist_ok=False)
    for folder in (dest, impl):
        folder.chmod(0o755)
    staged = Staged(impl)
    for chapter in course.chapters:
        pkg = impl / chapter.package
        pkg.mkdir(mode=0o755)
        init = course.root / "exercises" / chapter.package / "__init__.py"
        (pkg / "__init__.py").write_bytes(init.read_bytes() if init.is_file() else b"")
    graded = {lesson.id for lesson in lessons}
    source.prefetch([exercise_rel(lesson) for lesson in course.entries], limit)
    for lesson in course.entries:  # every module: a lesson may import an earlier one
        rel = exercise_rel(lesson)
        if lesson.id not in graded and rel not in source.files():
            continue
        try:
            data = check(rel, source.read(rel, limit))
        except SourceError as exc:
            if lesson.id in graded:
                staged.problems[lesson.id] = f"lesson {lesson.id}: {exc}"
            continue
        target = impl / lesson.package / lesson.exercise_path.name
        target.write_bytes(data)
        target.chmod(0o644)
        staged.copied.append(target.relative_to(impl).as_posix())
    return staged
