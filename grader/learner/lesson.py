"""`hexahype lesson ID`: render a lesson's text in the terminal."""

from __future__ import annotations

import argparse
import re

from ..manifest import Course
from ..usage import UsageError, lesson_arg


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("lesson", help="a lesson id such as 1.3")
    parser.add_argument("--plain", action="store_true", help="print the markdown as it is")


def run(args: argparse.Namespace, course: Course) -> int:
    entry = lesson_arg(course, args.lesson)
    if entry.is_quiz:
        raise UsageError(
            f"hexahype lesson: {entry.id} is a quiz; run hexahype quiz {entry.chapter.number}"
        )
    if not entry.text_path.exists():
        raise UsageError(f"hexahype lesson: lesson {entry.id} has no text yet")
    text = entry.text_path.read_text(encoding="utf-8")
    # Terminals cannot show the figures: name the file instead.
    text = re.sub(
        r"!\[([^\]]*)\]\(([^)]+)\)",
        lambda m: f"*[figure: {m.group(1)} — lessons/{entry.package}/{m.group(2)}]*",
        text,
    )
    if args.plain:
        print(text)
        return 0
    from rich.console import Console
    from rich.markdown import Markdown

    console = Console()
    console.print(Markdown(text, code_theme="ansi_dark"))
    console.print(
        f"\nYour code: {entry.exercise_path.relative_to(course.root).as_posix()}"
        f" · check it: hexahype check {entry.id}"
    )
    return 0
