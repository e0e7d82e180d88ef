"""Shared fixtures of the kit's own tests."""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import sys
import sysconfig
from pathlib import Path
from typing import Any

import pytest

from grader import manifest

# One BLAS thread per process, set before anything imports numpy (the test processes inherit it):
# pytest-xdist already runs a process per core, and on a busy machine two OpenBLAS threads per
# process spin against each other; the capstone's real-model tests ran 7 times slower so.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

ROOT = Path(__file__).resolve().parents[2]
COURSE_PARTS = ("course.toml", "pyproject.toml", "exercises", "solutions", "tests", "lessons")


def venv_with_kit_packages(folder: Path) -> Path:
    """A fresh virtualenv in `folder` that sees the kit's installed dependencies (not the kit's
    own install), like `--system-site-packages` would, without downloading anything."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(folder)], check=True)
    python = folder / "bin" / "python"
    site = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    )
    view = folder / "kit-packages"
    view.mkdir()
    for entry in sorted(Path(sysconfig.get_paths()["purelib"]).iterdir()):
        low = entry.name.lower()
        if low.startswith(("hexahype", "__editable__", "_hexahype")) or low == "__pycache__":
            continue
        (view / entry.name).symlink_to(entry)
    (site / "_kit_packages.pth").write_text(f"{view}\n")
    return python


# How pytest-xdist shares the work (`make test` runs `-n auto --dist loadgroup`): each module is
# one unit of work, so its module-scoped fixtures (a graded batch, a built bundle) are set up
# once, on one worker, rather than once per worker and again whenever a worker's queue runs dry.
# The modules in GROUPS share a unit (they run one after the other on one worker). The units
# that grade whole batches go first, the slowest first, so that the two workers of a 2-core
# machine start on them at once and the cheap modules fill the gaps.
# The grouping is done by the scheduler below, from the test ids: pytest-xdist's own
# `xdist_group` marks rename test ids through an attribute that pytest 9 no longer reads, so
# with pytest 9 they silently group nothing.
GROUPS = {
    # the red-team batches, the Dask tests and the worker tests: test_worker.py says why
    "test_redteam": "graded-batches",
    "test_dask": "graded-batches",
    "test_worker": "graded-batches",
}
SLOWEST_FIRST = (
    "test_redteam", "test_dask", "test_worker", "test_parity", "test_nbgrader", "test_platforms",
    "test_scaffold", "test_site", "test_insight", "test_instructor", "test_course", "test_release",
)  # fmt: skip


def _module_name(nodeid: str) -> str:
    return Path(nodeid.split("::", 1)[0]).stem


def unit_of(nodeid: str) -> str:
    """The unit of work of a test id: its module's group, else its module."""
    module = _module_name(nodeid)
    return GROUPS.get(module, module)


def pytest_configure(config: pytest.Config) -> None:
    if hasattr(config.option, "loadscopereorder"):  # keep the order below, not "most tests first"
        config.option.loadscopereorder = False


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """With `--dist loadgroup`: one unit of work per module (or GROUPS group)."""
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class ModuleUnits(LoadScopeScheduling):  # type: ignore[misc]
        def _split_scope(self, nodeid: str) -> str:
            return unit_of(nodeid)

    return ModuleUnits(config, log)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The slowest modules first (a stable sort: the order within a module stays pytest's)."""
    rank = {name: i for i, name in enumerate(SLOWEST_FIRST)}
    items.sort(key=lambda item: rank.get(_module_name(item.nodeid), len(rank)))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens",
        action="store_true",
        help="rewrite grader/tests/goldens/*/expected.json from the current behaviour",
    )


@pytest.fixture(scope="session")
def real_course() -> manifest.Course:
    """The course of this repository."""
    return manifest.load(ROOT)


def calm(message: str) -> str:
    """A message without the note a busy machine adds to a timeout ("of CPU (14 s on the clock:
    the machine is busy)"): it depends on the load of the machine that runs the tests."""
    message = re.sub(r"; \d+ s on the clock: the machine is busy\)", ")", message)
    message = re.sub(r" \(\d+ s on the clock: the machine is busy\)", "", message)
    return message.replace(" s of CPU", " s")


def copy_course(dest: Path, parts: tuple[str, ...] = COURSE_PARTS) -> Path:
    """A copy of this repository's course (no state, no caches) at dest."""
    dest.mkdir(parents=True, exist_ok=True)
    ignore = shutil.ignore_patterns("__pycache__", ".pytest_cache")
    for part in parts:
        src = ROOT / part
        if src.is_dir():
            shutil.copytree(src, dest / part, ignore=ignore)
        elif src.exists():
            shutil.copy2(src, dest / part)
    return dest


def copy_file(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dst)


def kit_snapshot(dest: Path, lessons: list[manifest.Lesson]) -> Path:
    """A small course at dest, as an instructor's checkout holds it: course.toml,
    pyproject.toml, the kit's `grader` package without its own tests, the chapters' packages,
    and every file of these lessons of this repository (stub, solution, tests, text)."""
    for name in ("course.toml", "pyproject.toml"):
        copy_file(ROOT / name, dest / name)
    shutil.copytree(
        ROOT / "grader",
        dest / "grader",
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "tests"),
    )
    live = manifest.load(ROOT)
    for chapter in live.chapters:
        for top in ("exercises", "solutions"):
            init = ROOT / top / chapter.package / "__init__.py"
            if init.exists():
                copy_file(init, dest / top / chapter.package / "__init__.py")
    for lesson in lessons:
        for path in live.get(lesson.id).files().values():
            if path.exists():
                copy_file(path, dest / path.relative_to(ROOT))
    return dest


@pytest.fixture
def course_copy(tmp_path: Path) -> Path:
    """A throw-away copy of the course, safe to write into."""
    return copy_course(tmp_path / "course")


def gradebook_points(db: Path) -> dict[str, dict[str, float]]:
    """Every lesson row of a gradebook, as {student: {lesson: points}} (raw SQL, so the tests do
    not trust the gradebook module they check)."""
    with sqlite3.connect(db) as con:
        rows = con.execute(
            "SELECT s.student, l.lesson, l.points FROM lessons l JOIN submissions s "
            "ON s.id = l.submission_id"
        ).fetchall()
    out: dict[str, dict[str, float]] = {}
    for student, lesson, pts in rows:
        out.setdefault(student, {})[lesson] = pts
    return out
