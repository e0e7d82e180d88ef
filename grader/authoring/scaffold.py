"""`hexahype new-lesson 2.8 --title "..."`: add a lesson, every file of it a failing stub.

It writes, and never overwrites:

    course.toml                                      the entry (no hints yet)
    docs/API.md                                      the lesson's section: one signature per task
    lessons/<chapter>/<id>-<slug>.md                 the text: title line and the three sections
    exercises/<chapter>/lNN_<name>.py                the stub: one function per task
    solutions/<chapter>/lNN_<name>.py                the solution: same docstrings, not written
    tests/<chapter>/test_lNN_<name>.py               one failing visible test per task
    tests/hidden/<chapter>/test_lNN_<name>.py        one failing hidden test per task
    grader/tests/misconceptions/<chapter>/lNN_<name>/todo_1.py ... todo_8.py (4 in an optional chapter)

Every placeholder says `TODO(<id>)`, and `hexahype verify` refuses each one that is left (in a
docstring, the text, the API section, a misconception, a test), so `verify <id>` is the list of
what is left to write. CONTRIBUTING.md ("Add a lesson") is the checklist.

Where the lesson goes: the id must be the next free number of its chapter, which appends the
lesson at the chapter's end, or the id of the chapter's quiz when the quiz closes the chapter:
then the lesson takes the quiz's place and the quiz moves one number up (its id in course.toml
and docs/API.md, and the name of its questions file). Quiz answer keys and quiz tests do not
depend on the quiz's id, so nothing else of the quiz changes.
"""

from __future__ import annotations

import argparse
import json
import keyword
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from .. import lessontext, manifest
from ..manifest import Course, Lesson
from ..usage import UsageError
from .verify import MIN_MISCONCEPTIONS, MIN_OPTIONAL_MISCONCEPTIONS

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[import-not-found, no-redef, unused-ignore]

API_PATH = Path("docs") / "API.md"
# Fixture names a lesson's module cannot take: the plugin's and pytest's own.
RESERVED = {
    "course",
    "lesson_module",
    "request",
    "tmp_path",
    "capsys",
    "monkeypatch",
    "pytestconfig",
}


@dataclass(frozen=True)
class Plan:
    """What `new-lesson` will write, decided and validated before anything is written."""

    lesson_id: str
    title: str
    slug: str
    name: str  # the module's own name, `l08_running_averages`
    package: str
    summary: str
    minutes: int
    points: int
    tasks: tuple[str, ...]
    requires: tuple[str, ...]
    quiz: Lesson | None  # the quiz that moves one number up, if the lesson takes its place
    quiz_id: str  # the quiz's new id ("" when it stays)

    @property
    def module(self) -> str:
        return f"{self.package}.{self.name}"

    @property
    def fixture(self) -> str:
        return self.name.split("_", 1)[1]


# -- deciding -----------------------------------------------------------------------------------
def slugify(title: str) -> str:
    return "-".join(re.findall(r"[a-z0-9]+", title.lower()))


def _split(value: str | None) -> list[str] | None:
    if value is None:
        return None
    return [v.strip() for v in value.split(",") if v.strip()]


def plan(
    course: Course,
    lesson_id: str,
    title: str,
    *,
    slug: str | None = None,
    name: str | None = None,
    summary: str | None = None,
    minutes: int = 5,
    points: int = 10,
    tasks: list[str] | None = None,
    requires: list[str] | None = None,
) -> Plan:
    """Check the request against the course and return what to write. Raises UsageError."""
    m = re.fullmatch(r"(\d+)\.(\d+)", lesson_id.strip())
    if not m:
        raise UsageError(f"the lesson id must look like 2.8, not {lesson_id!r}")
    number, position = int(m.group(1)), int(m.group(2))
    chapter = next((c for c in course.chapters if c.number == number), None)
    if chapter is None:
        known = ", ".join(str(c.number) for c in course.chapters)
        raise UsageError(f"course.toml has no chapter {number} (chapters: {known})")
    if not title.strip():
        raise UsageError("--title must not be empty")
    entries = chapter.lessons
    taken = {e.id: e for e in entries}
    last = max((int(e.id.split(".")[1]) for e in entries), default=0)
    quiz, quiz_id = None, ""
    if lesson_id in taken:
        entry = taken[lesson_id]
        if not (entry.is_quiz and entries[-1] is entry):
            raise UsageError(
                f"{lesson_id} is taken by {entry.title!r}; the next free id of chapter {number} "
                f"is {number}.{last + 1}"
            )
        quiz, quiz_id = entry, f"{number}.{last + 1}"
    elif position != last + 1:
        raise UsageError(
            f"the next free id of chapter {number} is {number}.{last + 1}"
            + (
                f", or {entries[-1].id} to go before its quiz"
                if entries and entries[-1].is_quiz
                else ""
            )
        )
    slug = slug or slugify(title)
    if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug):
        raise UsageError(f"--slug {slug!r} must be lower-case words joined by '-'")
    base = name or "_".join(slug.split("-")[:3])
    module_name = f"l{position:02d}_{base}"
    if not re.fullmatch(r"[a-z][a-z0-9_]*", base) or keyword.iskeyword(base) or base in RESERVED:
        raise UsageError(
            f"{base!r} cannot name the lesson's module and fixture; pass --name words_like_this"
        )
    if any(e.name.split("_", 1)[-1] == base or e.fixture == base for e in course.entries):
        raise UsageError(f"another entry already uses the name {base!r}; pass --name")
    task_list = tasks if tasks is not None else [base]
    bad = [t for t in task_list if not t.isidentifier() or keyword.iskeyword(t)]
    if not task_list or bad or len(set(task_list)) != len(task_list):
        raise UsageError(f"--tasks must be distinct Python names, comma-separated: {task_list}")
    if requires is None:
        before = [e for e in entries if e.is_lesson and (quiz is None or e is not quiz)]
        requires = [before[-1].id] if before else []
    for r in requires:
        if r not in {e.id for e in course.entries} or r == lesson_id:
            raise UsageError(f"--requires {r}: no earlier entry has that id")
    if minutes <= 0 or points <= 0:
        raise UsageError("--minutes and --points must be positive")
    return Plan(
        lesson_id=lesson_id,
        title=title.strip(),
        slug=slug,
        name=module_name,
        package=chapter.package,
        summary=(summary or f"TODO({lesson_id}): one sentence on what the lesson teaches.").strip(),
        minutes=minutes,
        points=points,
        tasks=tuple(task_list),
        requires=tuple(requires),
        quiz=quiz,
        quiz_id=quiz_id,
    )


# -- the files ----------------------------------------------------------------------------------
def _toml_str(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a TOML basic string


def _toml_list(values: tuple[str, ...]) -> str:
    return "[" + ", ".join(_toml_str(v) for v in values) + "]"


def entry_toml(p: Plan) -> str:
    return (
        "[[chapters.lessons]]\n"
        f"id = {_toml_str(p.lesson_id)}\n"
        f"slug = {_toml_str(p.slug)}\n"
        f"title = {_toml_str(p.title)}\n"
        f"summary = {_toml_str(p.summary)}\n"
        f"minutes = {p.minutes}\n"
        f"module = {_toml_str(p.module)}\n"
        f"tasks = {_toml_list(p.tasks)}\n"
        f"points = {p.points}\n"
        "hints = []\n"
        f"requires = {_toml_list(p.requires)}\n"
    )


def _blocks(lines: list[str]) -> list[tuple[str, int]]:
    """(kind, line index) of every `[[chapters]]` and `[[chapters.lessons]]` header."""
    out = []
    for i, line in enumerate(lines):
        s = line.strip()
        if s == "[[chapters]]":
            out.append(("chapter", i))
        elif s == "[[chapters.lessons]]":
            out.append(("lesson", i))
    return out


def new_manifest(text: str, p: Plan) -> str:
    """course.toml with the new entry (and the moved quiz), as text: comments and layout stay."""
    lines = text.splitlines(keepends=True)
    heads = _blocks(lines)
    starts = [i for _, i in heads] + [len(lines)]
    chapter_at = None
    for k, (kind, i) in enumerate(heads):
        block = "".join(lines[i : starts[k + 1]])
        if kind == "chapter" and re.search(
            rf'^package\s*=\s*"{re.escape(p.package)}"', block, re.M
        ):
            chapter_at = k
    if chapter_at is None:
        raise UsageError(f"course.toml: no [[chapters]] table with package {p.package!r}")
    end = next((k for k in range(chapter_at + 1, len(heads)) if heads[k][0] == "chapter"), None)
    insert_at = starts[end] if end is not None else len(lines)
    if p.quiz is not None:
        quiz_line = re.compile(rf'^id\s*=\s*"{re.escape(p.quiz.id)}"\s*$')
        for k in range(chapter_at + 1, end if end is not None else len(heads)):
            i = heads[k][1]
            for j in range(i, starts[k + 1]):
                if quiz_line.match(lines[j].strip()):
                    lines[j] = f'id = "{p.quiz_id}"\n'
                    insert_at = i
    # an entry that required the quiz keeps requiring it under its new id
    if p.quiz is not None:
        old = _toml_str(p.quiz.id)
        for j, line in enumerate(lines):
            if line.lstrip().startswith("requires") and old in line:
                lines[j] = line.replace(old, _toml_str(p.quiz_id))
    block = entry_toml(p)
    before = "".join(lines[:insert_at])
    if not before.endswith("\n\n"):
        block = ("\n" if before.endswith("\n") else "\n\n") + block
    after = "".join(lines[insert_at:])
    if after:
        block += "\n"
    return before + block + after


def stub_source(p: Plan, solution: bool = False) -> str:
    lid = p.lesson_id
    text = f"lessons/{p.package}/{lid}-{p.slug}.md"
    out = [
        f'"""Lesson {lid} - {p.title}.\n',
        "\n",
        f"TODO({lid}): two or three lines: the data flow, what is in scope, what is left out.\n",
        f"Read {text} first.\n",
        f"Check your work with:  hexahype check {lid}\n",
        '"""\n',
        "\n",
        "from __future__ import annotations\n",
    ]
    for task in p.tasks:
        out += [
            "\n",
            "\n",
            f"def {task}() -> None:\n",
            f'    """TODO({lid}): what {task} returns, in one line; then its conventions and one\n',
            "    example call, exactly as docs/API.md pins them.\n",
            "\n",
            f"    {task}(...)  ->  ...\n",
            '    """\n',
        ]
        if solution:
            out.append(f"    # TODO({lid}): the reference solution.\n")
        else:
            out.append(f"    # TODO({lid}): the first step, as a hint for the learner.\n")
        out.append(f'    raise NotImplementedError("lesson {lid}: {task} is not written yet")\n')
    return "".join(out)


def test_source(p: Plan, hidden: bool) -> str:
    lid = p.lesson_id
    if hidden:
        head = (
            f'"""Hidden tests for lesson {lid}, {p.title}: the cases the visible tests do not give\n'
            "away (random, multilingual, edge cases, larger sizes), with oracles computed\n"
            'independently inside the test (chapter 2: grader/instructor/oracles.py). Seeded randomness only."""\n'
        )
    else:
        head = (
            f'"""Visible tests for lesson {lid}, {p.title}: tiny hand-checkable cases first, then\n'
            f"every convention docs/API.md pins, then properties. The `{p.fixture}` fixture is the\n"
            'module under test."""\n'
        )
    out = [head, "\n", "import pytest\n"]
    out += [
        "\n",
        "# Messages follow grader.testing: say what was called, what came back, what was expected:\n",
        "#     from grader.testing import call, explain\n",
        f"#     got = {p.fixture}.{p.tasks[0]}(...)\n",
        f'#     assert got == want, explain(call("{p.tasks[0]}", ...), got, want, hint)\n',
    ]
    kind = "hidden" if hidden else "visible"
    for task in p.tasks:
        out += [
            "\n",
            "\n",
            f"def test_{task}{'_hidden_cases' if hidden else ''}({p.fixture}):\n",
            f'    pytest.fail("TODO({lid}): write the {kind} tests of {task}")\n',
        ]
    return "".join(out)


def text_source(p: Plan, course: Course) -> str:
    lid = p.lesson_id
    words = p.minutes * lessontext.PROSE_WORDS_PER_MINUTE
    lines = lessontext.CODE_LINES_PER_MINUTE
    tasks = ", ".join(f"`{t}`" for t in p.tasks)
    return (
        f"# {lid} {p.title}\n"
        "\n"
        f"TODO({lid}): the idea, then a worked example by hand. {p.minutes} minutes of reading is\n"
        f"{words} words of prose, less {lessontext.PROSE_WORDS_PER_MINUTE} words for every {lines}\n"
        f"lines of code and output (within {lessontext.READING_TOLERANCE:.0%}). Every python block\n"
        "runs, in order; a text block right after one is its exact output.\n"
        "\n"
        "```python\n"
        f"from exercises.{p.module} import {', '.join(p.tasks)}\n"
        "```\n"
        "\n"
        "## Your turn\n"
        "\n"
        f"Write {tasks} in `exercises/{p.package}/{p.name}.py`, in this order.\n"
        "\n"
        "## Check\n"
        "\n"
        f"Run `hexahype check {lid}`. Stuck? `hexahype hint {lid}` shows the next hint.\n"
        "\n"
        "## Going further\n"
        "\n"
        f"TODO({lid}): where the idea leads next.\n"
    )


def misconception_source(p: Plan, n: int) -> str:
    return (
        f'"""TODO({p.lesson_id}): one known mistake, in a sentence. Rename this file after it\n'
        "(for example off_by_one.py).\n"
        "\n"
        "This source is appended to the reference solution, so a definition here replaces the\n"
        "right one, and the lesson's visible or hidden tests must fail. EXPECT, if set, is a phrase\n"
        'that the first failing message must contain."""\n'
        "\n"
        'EXPECT = ""\n'
        "\n"
        f"# def {p.tasks[(n - 1) % len(p.tasks)]}(...):\n"
        "#     ...the wrong version...\n"
    )


def api_section(p: Plan) -> str:
    defs = "".join(f"def {t}() -> None: ...\n" for t in p.tasks)
    return (
        f"### {p.lesson_id} {p.title}: `{p.name}.py`\n"
        "\n"
        "```python\n"
        f"{defs}"
        "```\n"
        "\n"
        f"- TODO({p.lesson_id}): the conventions the tests pin, one bullet per task.\n"
    )


def new_api(text: str, p: Plan, chapter_number: int) -> str:
    lines = text.splitlines(keepends=True)
    head = next(
        (i for i, line in enumerate(lines) if line.startswith(f"## Chapter {chapter_number} ")),
        None,
    )
    if head is None:
        raise UsageError(f"{API_PATH.as_posix()} has no '## Chapter {chapter_number} ' heading")
    end = next((i for i in range(head + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    at = end
    while at > head + 1 and lines[at - 1].strip() in ("", "---"):
        at -= 1
    if p.quiz is not None:
        mark = f"### {p.quiz.id} "
        for i in range(head, end):
            if lines[i].startswith(mark):
                lines[i] = f"### {p.quiz_id} " + lines[i][len(mark) :]
                at = i
                break
    section = api_section(p)
    before, after = "".join(lines[:at]), "".join(lines[at:])
    sep = "" if before.endswith("\n\n") else "\n"
    tail = "\n" if after and not after.startswith("\n") else ""
    return before + sep + section + tail + after


def files(p: Plan, course: Course) -> dict[Path, str]:
    """Every new file, by path, with its content."""
    root = course.root
    mis = root / "grader" / "tests" / "misconceptions" / p.package / p.name
    out = {
        root / "lessons" / p.package / f"{p.lesson_id}-{p.slug}.md": text_source(p, course),
        root / "exercises" / p.package / f"{p.name}.py": stub_source(p),
        root / "solutions" / p.package / f"{p.name}.py": stub_source(p, solution=True),
        root / "tests" / p.package / f"test_{p.name}.py": test_source(p, hidden=False),
        root / "tests" / "hidden" / p.package / f"test_{p.name}.py": test_source(p, hidden=True),
    }
    optional = any(c.optional for c in course.chapters if c.package == p.package)
    least = MIN_OPTIONAL_MISCONCEPTIONS if optional else MIN_MISCONCEPTIONS
    for n in range(1, least + 1):  # as many placeholders as verify demands
        out[mis / f"todo_{n}.py"] = misconception_source(p, n)
    return out


def _quiz_moves(p: Plan) -> list[tuple[Path, Path]]:
    if p.quiz is None:
        return []
    toml = p.quiz.root / "lessons" / p.package / f"{p.quiz.id}-{p.quiz.slug}.toml"
    out = []
    for old in (toml, toml.with_suffix(".json")):
        if old.exists():
            out.append((old, old.with_name(old.name.replace(p.quiz.id, p.quiz_id, 1))))
    return out


def apply(p: Plan, course: Course) -> list[Path]:
    """Write the plan; return the paths written or moved (relative to the course root)."""
    root = course.root
    new_files = files(p, course)
    moves = _quiz_moves(p)
    clash = [path for path in new_files if path.exists()] + [
        new for _, new in moves if new.exists()
    ]
    if clash:
        raise UsageError(
            "would overwrite " + ", ".join(c.relative_to(root).as_posix() for c in clash)
        )
    toml_path = root / manifest.MANIFEST_NAME
    toml_text = new_manifest(toml_path.read_text(encoding="utf-8"), p)
    try:
        manifest.parse(tomllib.loads(toml_text), root)
    except (manifest.ManifestError, tomllib.TOMLDecodeError) as exc:
        raise UsageError(f"the new course.toml would not load: {exc}") from None
    api_path = root / API_PATH
    number = int(p.lesson_id.split(".")[0])
    api_text = (
        new_api(api_path.read_text(encoding="utf-8"), p, number) if api_path.exists() else None
    )
    written = [toml_path]
    toml_path.write_text(toml_text, encoding="utf-8")
    if api_text is not None:
        api_path.write_text(api_text, encoding="utf-8")
        written.append(api_path)
    for old, new in moves:
        old.rename(new)
        written.append(new)
    for path, text in new_files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return [w.relative_to(root) for w in written]


# -- the verb -----------------------------------------------------------------------------------
def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("lesson", help="the new id: the chapter's next number, or its quiz's id")
    parser.add_argument("--title", required=True, help="the lesson's title")
    parser.add_argument("--slug", help="the file-name slug (default: from the title)")
    parser.add_argument("--name", help="module name after lNN_ (default: the slug's first words)")
    parser.add_argument("--summary", help="one sentence for the dashboard and the outline")
    parser.add_argument("--minutes", type=int, default=5, help="reading minutes (default 5)")
    parser.add_argument("--points", type=int, default=10, help="points (default 10)")
    parser.add_argument("--tasks", help="the functions to write, comma-separated")
    parser.add_argument(
        "--requires", help="comma-separated ids it builds on (default: the previous lesson)"
    )


def run(args: argparse.Namespace, course: Course) -> int:
    p = plan(
        course,
        args.lesson,
        args.title,
        slug=args.slug,
        name=args.name,
        summary=args.summary,
        minutes=args.minutes,
        points=args.points,
        tasks=_split(args.tasks),
        requires=_split(args.requires),
    )
    written = apply(p, course)
    print(f"new lesson {p.lesson_id} {p.title} ({p.module}), every file a failing stub:")
    for path in written:
        print(f"  {path.as_posix()}")
    if p.quiz is not None:
        print(f"quiz {p.quiz.id} is now {p.quiz_id}, after the new lesson")
    print(
        f'next: fill in every "TODO({p.lesson_id})" (CONTRIBUTING.md, "Add a lesson"); '
        f"`hexahype verify {p.lesson_id}` lists what is left"
    )
    return 0
