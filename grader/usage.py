"""Usage errors and argument parsing that every verb shares."""

from __future__ import annotations

from .manifest import Course, Lesson


class UsageError(Exception):
    """A bad argument: one clear line, exit status 2."""


def lesson_arg(course: Course, value: str) -> Lesson:
    """Resolve a lesson id argument or raise UsageError with the known ids."""
    try:
        return course.get(value)
    except KeyError as exc:
        raise UsageError(str(exc.args[0])) from None  # main() adds "hexahype VERB: "
