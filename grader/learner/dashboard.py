"""`hexahype` with no arguments: chapters, lessons, reading minutes, status, the count of lessons
done, and the next step."""

from __future__ import annotations

import argparse

from ..manifest import Course
from . import state
from .status import NOT_AUTHORED, EntryStatus, next_step, statuses

STYLE = {
    state.DONE: "green",
    state.FAILING: "red",
    state.NOT_STARTED: "yellow",
    NOT_AUTHORED: "dim",
    state.UNKNOWN: "",
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--no-refresh",
        action="store_true",
        help="show the saved state without re-checking changed exercises",
    )


def label(item: EntryStatus) -> str:
    if item.status == NOT_AUTHORED:
        return NOT_AUTHORED
    return f"{item.status} {state.MARKS.get(item.status, '')}".strip()


def next_text(course: Course, item: EntryStatus | None) -> str:
    if item is None:
        return 'Everything is done, the capstone too. Try: hexahype chat "What is the capital of France?"'
    entry = item.lesson
    if entry.optional and item.status != state.FAILING:
        text = entry.text_path.relative_to(course.root).as_posix()
        return (
            f"All {len(course.core_lessons)} lessons are done. The optional capstone runs a real "
            f"chat model on your code: read {text}, then hexahype check {entry.id}"
        )
    if entry.is_quiz:
        return f"Take the chapter {entry.chapter.number} quiz: hexahype quiz {entry.chapter.number}"
    text = entry.text_path.relative_to(course.root).as_posix()
    code = entry.exercise_path.relative_to(course.root).as_posix()
    if item.status == state.FAILING:
        return (
            f"Fix {code}, then run: hexahype check {entry.id}   (stuck? hexahype hint {entry.id})"
        )
    return f"Read {text} (or: hexahype lesson {entry.id}), fill in {code}, then: hexahype check {entry.id}"


def run(args: argparse.Namespace, course: Course) -> int:
    from rich.console import Console
    from rich.table import Table

    items = statuses(course, fresh=not args.no_refresh)
    console = Console(highlight=False)
    console.print(f"[bold]{course.name}[/bold]  course {course.version}")
    by_id = {i.lesson.id: i for i in items}
    for chapter in course.chapters:
        extra = " (capstone)" if chapter.optional else ""
        table = Table(
            title=f"Chapter {chapter.number} · {chapter.title}{extra}",
            title_justify="left",
            show_edge=False,
            pad_edge=False,
            expand=False,
        )
        table.add_column("id", style="bold")
        table.add_column("lesson")
        table.add_column("read", justify="right")
        table.add_column("status")
        for entry in chapter.lessons:
            item = by_id[entry.id]
            title = entry.title + (
                " (quiz)" if entry.is_quiz and "quiz" not in entry.title.lower() else ""
            )
            table.add_row(
                entry.id,
                title,
                f"{entry.minutes} min",
                f"[{STYLE.get(item.status, '')}]{label(item)}[/]",
            )
        console.print(table)
        if chapter.optional:
            console.print(
                f"[dim]Optional, outside the count of {len(course.core_lessons)} lessons: "
                'your code runs a real chat model (hexahype chat "...").[/dim]'
            )
        console.print()
    lessons = [i for i in items if i.lesson.is_lesson and not i.lesson.optional]
    done = sum(i.status == state.DONE for i in lessons)
    quizzes = [i for i in items if i.lesson.is_quiz]
    qdone = sum(i.status == state.DONE for i in quizzes)
    capstone = [i for i in items if i.lesson.optional and i.lesson.is_lesson]
    cdone = sum(i.status == state.DONE for i in capstone)
    line = f"[bold]{done} of {len(lessons)} lessons done[/bold] · {qdone} of {len(quizzes)} quizzes done"
    if capstone:
        line += f" · capstone: {cdone} of {len(capstone)}"
    console.print(line)
    console.print(f"Next: {next_text(course, next_step(items))}")
    return 0
