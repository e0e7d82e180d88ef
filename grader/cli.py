"""The `hexahype` command. It parses the verb and delegates to one module per verb.

Each verb module exposes `add_arguments(parser)` and `run(args, course) -> int`. Only the module
of the verb being run is imported, so every command starts fast.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

from . import __version__, manifest
from .usage import UsageError, lesson_arg

__all__ = ["VERBS", "UsageError", "lesson_arg", "main"]

# verb -> (module, one-line description), in the order `hexahype --help` lists them
VERBS: dict[str, tuple[str, str]] = {
    "dashboard": (
        "grader.learner.dashboard",
        "chapters, lessons, status and the next step (default)",
    ),
    "list": ("grader.learner.listing", "every lesson with its id, reading time and status"),
    "check": ("grader.learner.check", "run one lesson's tests: hexahype check 1.3"),
    "hint": ("grader.learner.hint", "show the next hint for a lesson: hexahype hint 1.3"),
    "lesson": ("grader.learner.lesson", "read a lesson in the terminal: hexahype lesson 1.3"),
    "watch": ("grader.learner.watch", "re-run the current lesson's tests whenever you save"),
    "quiz": ("grader.learner.quiz", "take a chapter quiz: hexahype quiz 1"),
    "generate": ("grader.learner.generate", "generate text with your chapter 2 code"),
    "chat": ("grader.learner.chat", "ask SmolLM2 a question, answered by your chapter 3 code"),
    "notebook": ("grader.learner.notebooks_verb", "write lessons as Jupyter notebooks"),
    "site": ("grader.authoring.site.command", "the course as a web site: hexahype site --serve"),
    "verify": ("grader.authoring.verify", "maintainers: check the whole course"),
    "new-lesson": (
        "grader.authoring.scaffold",
        "maintainers: add a lesson, every file a failing stub: hexahype new-lesson 2.8",
    ),
    "release": ("grader.authoring.release", "instructors: build the student template"),
    "collect": (
        "grader.grading.collect",
        "instructors: record each repository's head now (deadline evidence)",
    ),
    "grade": ("grader.grading.grade", "instructors: grade submissions with the hidden suites"),
    "gradebook": (
        "grader.grading.export",
        "instructors: export grades (CSV, Canvas, Moodle), overrides and feedback",
    ),
    "report": (
        "grader.grading.insight.report",
        "instructors: the class report: hexahype report OUT/",
    ),
    "similarity": (
        "grader.grading.insight.similarity",
        "instructors: pairs of submissions that share more than the starter code",
    ),
    "solutions": (
        "grader.grading.insight.solutions",
        "instructors: reference solutions for students past the deadline or done",
    ),
    "nbgrader": ("grader.integrations.nbgrader.export", "instructors: write an nbgrader course"),
    "classroom50": (
        "grader.integrations.classroom50",
        "instructors: a Classroom 50 template and autograder",
    ),
    "gradescope": ("grader.integrations.gradescope", "instructors: a Gradescope autograder zip"),
}


# Verbs that need the instructor's checkout (solutions, hidden tests): in a student template they
# say so in one line.
INSTRUCTOR_VERBS = ("verify", "release", "grade", "collect", "nbgrader")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line, exit 2
        raise UsageError(f"{self.prog}: {message}")


def _top_help() -> str:
    width = max(map(len, VERBS))
    lines = [
        f"hexahype {__version__}: the HexaHype course kit",
        "",
        "usage: hexahype [VERB] [ARGS]    (no verb: the dashboard)",
        "",
        "verbs:",
    ]
    lines += [f"  {verb:<{width}}  {desc}" for verb, (_, desc) in VERBS.items()]
    lines += ["", "hexahype VERB --help shows a verb's options."]
    return "\n".join(lines)


def _student_template(course: manifest.Course) -> bool:
    from .template import is_student_template

    return is_student_template(course)


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in ("-h", "--help", "help"):
        print(_top_help())
        return 0
    if args and args[0] == "--version":
        print(f"hexahype {__version__}")
        return 0
    verb = args.pop(0) if args and not args[0].startswith("-") else "dashboard"
    if verb not in VERBS:
        print(f"hexahype: unknown verb {verb!r}; known verbs: {', '.join(VERBS)}", file=sys.stderr)
        return 2
    module_name, desc = VERBS[verb]
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name == module_name:
            print(
                f"hexahype {verb}: this verb is not available in this copy of the kit",
                file=sys.stderr,
            )
            return 2
        raise
    parser = _Parser(prog=f"hexahype {verb}", description=desc)
    module.add_arguments(parser)
    try:
        ns = parser.parse_args(args)
        course = manifest.load()
        if verb in INSTRUCTOR_VERBS and _student_template(course):
            raise UsageError(
                f"hexahype {verb}: this is a student template; run this in the instructor's "
                "checkout (it has solutions/ and tests/hidden/)"
            )
        code = int(module.run(ns, course) or 0)
        sys.stdout.flush()  # a closed pipe shows here, where it is handled, not at exit
        return code
    except UsageError as exc:
        msg = str(exc)
        print(msg if msg.startswith("hexahype") else f"hexahype {verb}: {msg}", file=sys.stderr)
        return 2
    except manifest.ManifestError as exc:
        print(f"hexahype: {exc}", file=sys.stderr)
        return 2
    except KeyError as exc:  # unknown lesson ids from Course.get
        print(f"hexahype {verb}: {exc.args[0]}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return _reader_gone()


def _reader_gone() -> int:
    """The reader of stdout went away (`hexahype list | head`): stop quietly, as a Unix tool
    does. Later writes, and the flush at exit, go to devnull instead of raising again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
