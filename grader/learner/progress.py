"""The closing progress block that `pytest` prints, one line per lesson.

── HexaHype ───────────────────────────────────────────────
1.3  Byte pair encoding           failing ✗   5/14 checks pass
     merge([5, 5, 5], (5, 5), 256) returned [256, 256], expected [256, 5]. ...
     stuck? hexahype hint 1.3
1.4  Tokenizers in practice       not started ·
── 0 of 15 lessons done · next: hexahype check 1.3
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Mapping, Sequence
from typing import Any

from .. import untrusted
from ..manifest import Course
from ..results import MARKS, LessonOutcome, Status

COLOURS: dict[Status, dict[str, bool]] = {
    Status.DONE: {"green": True},
    Status.FAILING: {"red": True},
    Status.NOT_STARTED: {"yellow": True},
    Status.UNKNOWN: {},
    Status.ERROR: {"red": True},
}


def render_block(
    course: Course,
    outcomes: Sequence[LessonOutcome],
    saved: Mapping[str, str] | None = None,
) -> list[tuple[str, dict[str, Any]]]:
    """The block's lines with their terminal markup. `outcomes` are this run's lessons;
    `saved` maps lesson ids to the statuses of earlier runs (the learner's state file), which
    this run's complete outcomes override in the footer."""
    results = {o.id: o for o in outcomes}
    lines: list[tuple[str, dict[str, Any]]] = [
        ("", {}),
        ("── HexaHype progress " + "─" * 50, {"bold": True}),
    ]
    width = max(len(e.title) for e in course.entries) + 2
    for entry in course.entries:
        info = results.get(entry.id)
        if info is None:
            continue
        status = info.status
        status_text = f"{status.value} {MARKS[status.value]}"
        label = f"{entry.id:<5}{entry.title:<{width}}"
        extra = ""
        ran = len(info.tests)
        if not info.complete and info.passed == ran:
            status_text = "partly checked"
            extra = f"   {ran} of {info.total} checks ran, all pass: run every check to finish"
        elif status is Status.FAILING:
            extra = f"   {info.passed}/{info.total} checks pass"
        elif status is Status.DONE:
            extra = f"   {info.total} checks"
        lines.append((f"{label}{status_text}{extra}", COLOURS[status]))
        # the learner's code wrote part of it (an exception's text): inert on the terminal
        message = untrusted.terminal(info.first_message())
        if status is Status.NOT_STARTED:
            lines.append(
                (
                    " " * 5
                    + f"read {entry.text_path.relative_to(course.root).as_posix()}, then fill in {entry.exercise_path.relative_to(course.root).as_posix()}"
                    if entry.is_lesson
                    else " " * 5 + f"run: hexahype quiz {entry.chapter.number}",
                    {},
                )
            )
        elif status is Status.ERROR and message:
            for part in fit(message + " (the course's tests, not your code)"):
                lines.append((" " * 5 + part, {}))
        elif status is Status.FAILING and message:
            for part in fit(message):
                lines.append((" " * 5 + part, {}))
            if entry.hints:
                lines.append((" " * 5 + f"stuck? hexahype hint {entry.id}", {"cyan": True}))
    lines.append(_footer(course, results, saved))
    return lines


def fit(message: str, width: int = 95, max_lines: int = 4) -> list[str]:
    """A message wrapped in at most `max_lines` lines (more only for a long hint), cut at a
    sentence end or, failing that, a word, marked with "...". The hint (`Hint: ...`, at the end of
    the kit's messages) is never cut: it is the part a learner acts on."""
    lines = textwrap.wrap(message, width)
    if len(lines) <= max_lines:
        return lines
    head, sep, hint = message.partition(" Hint: ")
    tail = textwrap.wrap("Hint: " + hint, width) if sep else []
    room = max(1, max_lines - len(tail))
    kept = ""
    for sentence in re.split(r"(?<=[.!?])\s+(?=[A-Z(`])", head):
        trial = f"{kept} {sentence}".strip()
        if len(textwrap.wrap(trial + " ...", width)) > room:
            break
        kept = trial
    if not kept:  # the first sentence alone is too long: cut it at a word
        kept = textwrap.shorten(head, width * room - 8, placeholder="")
    if kept != head.strip():
        kept += " ..."
    return textwrap.wrap(kept, width) + tail


def _footer(
    course: Course, results: Mapping[str, LessonOutcome], saved: Mapping[str, str] | None
) -> tuple[str, dict[str, Any]]:
    if saved is not None:
        statuses = dict(saved)
        statuses.update({lid: o.status.value for lid, o in results.items() if o.complete})
    else:
        statuses = {lid: o.status.value for lid, o in results.items()}
    done = sum(statuses.get(e.id) == Status.DONE for e in course.core_lessons)
    text = f"── {done} of {len(course.core_lessons)} lessons done"
    extra = [e for e in course.lessons if e.optional]
    extra_done = sum(statuses.get(e.id) == Status.DONE for e in extra)
    if extra_done:
        text += f" · capstone: {extra_done} of {len(extra)}"
    quizzes = [q for q in course.quizzes if statuses.get(q.id) == Status.DONE]
    if quizzes:
        text += " · quizzes done: " + ", ".join(q.id for q in quizzes)
    nxt = next(
        (e for e in course.entries if statuses.get(e.id) != Status.DONE and e.authored), None
    )
    if nxt is not None:
        verb = f"hexahype quiz {nxt.chapter.number}" if nxt.is_quiz else f"hexahype check {nxt.id}"
        text += f" · next: {verb}"
    return text, {"bold": True}
