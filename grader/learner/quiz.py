"""`hexahype quiz N`: take chapter N's quiz in the terminal.

    hexahype quiz 1                         ask the questions not yet answered right
    hexahype quiz 1 --all                   ask every question again
    hexahype quiz 1 --show                  your progress: answered, right, wrong
    hexahype quiz 1 --answer q1=b --answer q2=c    record answers without the prompts

Every answer gets instant feedback: right or wrong, and the explanation of the choice made. A wrong
answer can be tried again or left for later. Answers are saved after each one, atomically, in
`exercises/<chapter>/qNN_quiz.json`, which the quiz's visible tests read; Ctrl-C or the end of
input keeps what was answered so far. The right letter is never printed. Once every answer is
right, the quiz is recorded as done in `.hexahype/state.json`, as a check would record it, so
`hexahype list` and the dashboard show it without a separate `hexahype check`.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from .. import quizbank
from ..manifest import Course, Lesson
from ..quizbank import LETTERS, Question, Quiz, QuizError
from ..usage import UsageError, lesson_arg
from . import state


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("chapter", help="the chapter number (1 or 2), or the quiz id (1.10)")
    parser.add_argument(
        "--answer",
        action="append",
        default=[],
        metavar="QID=LETTER",
        help="record an answer without the prompts, for example --answer q1=b (repeatable)",
    )
    parser.add_argument("--show", action="store_true", help="show your progress and stop")
    parser.add_argument(
        "--all", action="store_true", help="ask every question, also those already right"
    )


def _rich(text: str, style: str = "", plain: bool = False) -> Text:
    """`code` spans in bold cyan, the rest in `style`; `plain` output keeps the backticks."""
    out = Text(style=style)
    for i, part in enumerate(text.split("`")):
        if i % 2:
            out.append(f"`{part}`" if plain else part, style="bold cyan")
        else:
            out.append(part, style=style)
    return out


def _plain(console: Console) -> bool:
    return console.color_system is None


def _status(question: Question, answers: dict[str, Any]) -> str:
    given = answers.get(question.id)
    if given is None:
        return "unanswered"
    letter = str(given).strip().lower()
    return "right" if letter in LETTERS and question.is_right(letter) else "wrong"


def _rel(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.name


def _parse_answers(quiz: Quiz, entry: Lesson, pairs: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for pair in pairs:
        qid, sep, letter = (s.strip() for s in pair.partition("="))
        qid = qid.lower()
        if qid.isdigit():
            qid = f"q{qid}"
        letter = letter.lower()
        if not sep:
            raise UsageError(f"hexahype quiz: --answer {pair!r} must look like q1=b")
        if qid not in quiz.ids:
            raise UsageError(
                f"hexahype quiz: --answer {pair!r}: quiz {entry.id} has no question {qid!r} "
                f"(questions: {', '.join(quiz.ids)})"
            )
        if letter not in LETTERS:
            raise UsageError(
                f"hexahype quiz: --answer {pair!r}: the answer must be one of {', '.join(LETTERS)}"
            )
        out[qid] = letter
    return out


def _feedback(console: Console, question: Question, letter: str) -> bool:
    right = question.is_right(letter)
    head = quizbank.RIGHT if right else quizbank.NOT_QUITE
    console.print(Text(head, style="bold green" if right else "bold red"))
    why = _rich(question.choice(letter).explanation, plain=_plain(console))
    console.print(Padding(why, (0, 0, 0, 2), expand=False))
    return right


def show(console: Console, quiz: Quiz, entry: Lesson, answers: dict[str, Any]) -> None:
    chapter = entry.chapter.number
    console.print(Text(f"Quiz {entry.id} · {quiz.title or entry.chapter.title}", style="bold"))
    marks = {
        "right": ("✓ right", "green"),
        "wrong": ("✗ wrong", "red"),
        "unanswered": ("· unanswered", "yellow"),
    }
    counts = {"right": 0, "wrong": 0, "unanswered": 0}
    for q in quiz.questions:
        status = _status(q, answers)
        counts[status] += 1
        given = answers.get(q.id)
        label, colour = marks[status]
        line = Text(f"  {q.id:<4}{q.topic:<30}")
        line.append(f"{str(given) if given is not None else '-':<3}")
        line.append(label, style=colour)
        console.print(line)
    total = len(quiz.questions)
    summary = quizbank.score_line(counts["right"], counts["wrong"], counts["unanswered"])
    console.print(Text(summary, style="bold"))
    if counts["right"] < total:
        console.print(f"next: hexahype quiz {chapter}")


def _ask(
    console: Console, quiz: Quiz, entry: Lesson, question: Question, n: int, total: int
) -> tuple[str | None, bool]:
    """Ask one question until it is right, skipped or left; return (last answer, quit?)."""
    console.print()
    console.print(Text(f"Question {n} of {total} · {question.topic}", style="bold magenta"))
    plain = _plain(console)
    console.print(_rich(question.prompt, "bold", plain))
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column()
    for c in question.choices:
        grid.add_row(Text(f"  {c.letter})", style="bold"), _rich(c.text, plain=plain))
    console.print(grid)
    prompt = f"Your answer ({', '.join(LETTERS)}; Enter skips, q quits): "
    last: str | None = None
    while True:
        raw = input(prompt).strip().lower()
        if raw in ("q", "quit", "exit"):
            return last, True
        if raw == "":
            return last, False
        if raw not in LETTERS:
            console.print(f"Please type one of {', '.join(LETTERS)}, Enter to move on, or q.")
            continue
        last = raw
        quizbank.record_answers(entry.exercise_path, {question.id: raw})
        if _feedback(console, question, raw):
            return last, False
        prompt = f"Try again ({', '.join(LETTERS)}), or press Enter to move on: "


def interactive(
    console: Console, quiz: Quiz, entry: Lesson, answers: dict[str, Any], ask_all: bool
) -> int:
    chapter = entry.chapter.number
    todo = [q for q in quiz.questions if ask_all or _status(q, answers) != "right"]
    total = len(quiz.questions)
    if not todo:
        console.print(
            f"All {total} answers of quiz {entry.id} are right already. "
            f"To take it again: hexahype quiz {chapter} --all"
        )
        return 0
    console.print(
        Text(
            f"Quiz {entry.id} · {quiz.title or entry.chapter.title}: "
            f"{len(todo)} of {total} questions to answer",
            style="bold",
        )
    )
    where = _rel(entry.exercise_path, entry.root)
    try:
        for n, question in enumerate(todo, 1):
            _, stop = _ask(console, quiz, entry, question, n, len(todo))
            if stop:
                break
    except (EOFError, KeyboardInterrupt) as exc:
        console.print()
        console.print(f"Stopped. Your answers so far are saved in {where}.")
        return 130 if isinstance(exc, KeyboardInterrupt) else 0
    console.print()
    answers = quizbank.read_answers(entry.exercise_path)["answers"]
    show(console, quiz, entry, answers)
    if any(_status(q, answers) != "right" for q in quiz.questions):  # else: done, said next
        console.print(f"Answers saved in {where}; `hexahype check {entry.id}` scores them.")
    return 0


def record_if_done(quiz: Quiz, entry: Lesson) -> bool:
    """When every answer on file is right, record the quiz as done in the learner's state, with
    the answers file's fingerprint (as the plugin records a complete visible run). Returns
    whether it did; anything short of all right is left to the next check."""
    answers = quizbank.read_answers(entry.exercise_path)["answers"]
    if any(_status(q, answers) != "right" for q in quiz.questions):
        return False
    total = len(quiz.questions)
    outcome = {
        "status": state.DONE,
        "passed": total,
        "total": total,
        "message": "",
        "checked_at": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "fingerprint": state.fingerprint(entry.exercise_path),
    }
    try:
        state.update_lessons(entry.root, {entry.id: outcome})
    except OSError:
        return False  # a read-only checkout: the next check records it
    return True


def run(args: argparse.Namespace, course: Course) -> int:
    entry = lesson_arg(course, str(args.chapter))
    if not entry.is_quiz:
        raise UsageError(
            f"hexahype quiz: {entry.id} is a lesson, not a quiz; "
            f"try hexahype quiz {entry.chapter.number}"
        )
    try:
        quiz = quizbank.load_quiz(entry)
        answers = quizbank.read_answers(entry.exercise_path)["answers"]
    except QuizError as exc:
        raise UsageError(f"hexahype quiz: {exc}") from None
    console = Console(highlight=False)
    if args.answer:
        given = _parse_answers(quiz, entry, args.answer)
        quizbank.record_answers(entry.exercise_path, given)
        for qid, letter in given.items():
            console.print(Text(f"{entry.id} {qid}: {letter}", style="bold"))
            _feedback(console, quiz.question(qid), letter)
        console.print(f"Recorded in {_rel(entry.exercise_path, entry.root)}.")
        _report_done(console, quiz, entry)
        return 0
    if args.show:
        show(console, quiz, entry, answers)
        return 0
    code = interactive(console, quiz, entry, answers, args.all)
    _report_done(console, quiz, entry)
    return code


def _report_done(console: Console, quiz: Quiz, entry: Lesson) -> None:
    if record_if_done(quiz, entry):
        total = len(quiz.questions)
        console.print(Text(f"Quiz {entry.id} is done: {total} of {total} right.", style="bold"))
