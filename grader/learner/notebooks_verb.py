"""`hexahype notebook [ID ...]`: write lessons as Jupyter notebooks into notebooks/ (git-ignored):
the lesson text, its code as runnable cells, and a last cell that checks your exercise."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..manifest import Course


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("lessons", nargs="*", help="lesson ids (default: every lesson)")
    parser.add_argument("--out", default=None, help="folder to write to (default: notebooks/)")


def run(args: argparse.Namespace, course: Course) -> int:
    from ..notebooks import write_learner_notebooks
    from ..usage import lesson_arg

    ids = [lesson_arg(course, i).id for i in args.lessons]
    out = Path(args.out) if args.out else course.root / "notebooks"
    paths = write_learner_notebooks(course, out, ids)
    for p in paths:
        print(p.relative_to(course.root) if p.is_relative_to(course.root) else p)
    print(
        f"{len(paths)} notebooks. Open them with Jupyter, for example: jupyter lab {out.name}/"
        "  (pip install -e '.[notebooks]' brings JupyterLab)"
    )
    return 0
