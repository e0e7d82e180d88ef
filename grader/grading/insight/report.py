"""`hexahype report OUT/`: where the class stands, as one self-contained HTML page (index.html,
plots inline as SVG, no script, nothing fetched), a markdown summary (summary.md) and the
numbers behind both (report.json).

It shows the score distribution; per lesson the share of students done, failing and not started
and, when the gradebook holds several graded commits of a student, the median number of graded
submissions until full marks; per test function the pass rate; the most common first failure
of a lesson, by message shape; and how many students' failures match each known mistake of the
misconception bank. `--class-view` writes a version to show the class: no student is named,
no commit id appears, and a hidden test shows only its function name, never its message.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ...files import write_json
from ...manifest import Course
from ...results import Status, TestStatus, is_hidden
from ..gradebook import DEFAULT_PATH, Gradebook, TestRow
from . import late, misconceptions, plots, scores
from .book import BookError, open_book
from .safe import html_text, md_text, number
from .shapes import shape

STATUSES = (Status.DONE, Status.FAILING, Status.NOT_STARTED, Status.ERROR)
FIRST_FAILURE = (TestStatus.CANNOT_LOAD.value, TestStatus.FAILED.value, TestStatus.MISSING.value)
TOP_FAILURES = 15


@dataclass
class LessonStats:
    id: str
    title: str
    counts: dict[Status, int]
    median_attempts: float | None = None
    reached: int = 0  # students with full marks in some graded submission

    @property
    def students(self) -> int:
        return sum(self.counts.values())

    def share(self, status: Status) -> float:
        return self.counts.get(status, 0) / self.students if self.students else 0.0


@dataclass
class TestStats:
    lesson: str
    name: str  # the test function, without parameters
    hidden: bool
    cases: int = 0
    passed: int = 0

    @property
    def rate(self) -> float:
        return self.passed / self.cases if self.cases else 0.0


@dataclass
class Failure:
    lesson: str
    shape: str
    students: int


@dataclass
class Mistake:
    lesson: str
    name: str
    doc: str
    hits: int


@dataclass
class ClassData:
    course: str
    class_view: bool
    policy: str
    students: list[scores.StudentScore]
    max_points: float
    lessons: list[LessonStats] = field(default_factory=list)
    tests: list[TestStats] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    mistakes: list[Mistake] = field(default_factory=list)
    history: bool = False
    bank: str = ""  # why there are no mistakes, if there are none


def _base(name: str) -> str:
    return name.split("::")[-1].split("[", 1)[0]


def collect(
    book: Gradebook,
    course: Course,
    class_view: bool = False,
    signatures: Iterable[misconceptions.Signature] | None = None,
) -> ClassData:
    policy = late.load(course)
    everyone = scores.for_course(book, course, policy)
    latest = [s for s in book.latest() if s["commit_sha"]]
    data = ClassData(
        course=f"{course.name} {course.version}",
        class_view=class_view,
        policy=policy.describe(),
        students=everyone,
        max_points=max((s.max_points for s in everyone), default=0.0),
    )
    rows = {s["id"]: book.lessons(s["id"]) for s in latest}
    tests = {s["id"]: [_row(t) for t in book.tests(s["id"])] for s in latest}
    history: dict[str, list[dict[str, str]]] = {}
    for sub in book.history():
        if sub["commit_sha"]:
            history.setdefault(sub["student"], []).append(
                {r["lesson"]: r["status"] for r in book.lessons(sub["id"])}
            )
    data.history = any(len(h) > 1 for h in history.values())
    for lesson_id, title in book.lesson_columns():
        counts: Counter[Status] = Counter()
        for sub in latest:
            for r in rows[sub["id"]]:
                if r["lesson"] == lesson_id:
                    counts[_status(r["status"])] += 1
        stats = LessonStats(lesson_id, title, {s: counts.get(s, 0) for s in STATUSES})
        attempts = [
            next(i for i, h in enumerate(seq, 1) if h.get(lesson_id) == Status.DONE.value)
            for seq in history.values()
            if any(h.get(lesson_id) == Status.DONE.value for h in seq)
        ]
        stats.reached = len(attempts)
        if data.history and attempts:
            stats.median_attempts = float(statistics.median(attempts))
        data.lessons.append(stats)
    by_test: dict[tuple[str, bool, str], TestStats] = {}
    shapes: Counter[tuple[str, str]] = Counter()
    for sub in latest:
        done = {r["lesson"] for r in rows[sub["id"]] if r["status"] == Status.DONE.value}
        first: dict[str, str] = {}
        for t in tests[sub["id"]]:
            key = (t.lesson, t.hidden, _base(t.name))
            item = by_test.setdefault(key, TestStats(t.lesson, key[2], t.hidden))
            item.cases += 1
            item.passed += t.status == TestStatus.PASSED.value
            if t.lesson in done or t.lesson in first or t.status not in FIRST_FAILURE:
                continue
            if t.hidden and class_view:
                first[t.lesson] = f"hidden check {_base(t.name)} fails"
            else:
                first[t.lesson] = shape(t.message) or t.status
        for lesson_id, text in first.items():
            shapes[(lesson_id, text)] += 1
    order = {lid: i for i, (lid, _) in enumerate(book.lesson_columns())}
    data.tests = sorted(
        by_test.values(), key=lambda t: (order.get(t.lesson, 0), t.hidden, t.rate, t.name)
    )
    data.failures = [
        Failure(lesson, text, n)
        for (lesson, text), n in sorted(
            shapes.items(), key=lambda kv: (-kv[1], order.get(kv[0][0], 0), kv[0][1])
        )[:TOP_FAILURES]
    ]
    if signatures is not None:
        sigs = list(signatures)
        for sig in sigs:
            hits = 0
            for sub in latest:
                mine = [t for t in tests[sub["id"]] if t.lesson == sig.lesson]
                hits += sig.matches(misconceptions.failures(mine))
            data.mistakes.append(Mistake(sig.lesson, sig.name, sig.doc, hits))
        data.mistakes.sort(key=lambda m: (-m.hits, order.get(m.lesson, 0), m.name))
        if not sigs:
            data.bank = "this checkout has no misconception bank for the graded lessons"
    else:
        data.bank = "not computed (--no-misconceptions)"
    return data


def _status(text: str) -> Status:
    try:
        status = Status(text)
    except ValueError:
        return Status.ERROR
    return status if status in STATUSES else Status.ERROR


def _row(t: object) -> TestRow:
    r = t  # a sqlite3.Row
    return TestRow(
        name=r["name"],  # type: ignore[index]
        lesson=r["lesson"],  # type: ignore[index]
        hidden=bool(r["hidden"]) or is_hidden(r["name"]),  # type: ignore[index]
        status=r["status"],  # type: ignore[index]
        message=r["message"],  # type: ignore[index]
        doc=r["doc"],  # type: ignore[index]
        duration=float(r["duration"]),  # type: ignore[index]
    )


# -- markdown -----------------------------------------------------------------------------------
def _pct(x: float) -> str:
    return f"{x:.0%}"


def markdown(data: ClassData) -> str:
    finals = [s.final for s in data.students]
    view = "class view: no student is named" if data.class_view else "instructor view"
    lines = [
        f"# Class report: {md_text(data.course)}",
        "",
        f"{len(data.students)} students graded ({view}). Late policy: {md_text(data.policy)}.",
        "",
        "## Scores",
        "",
    ]
    if finals:
        lines += [
            f"- median {number(statistics.median(finals))} of {number(data.max_points)} points; "
            f"lowest {number(min(finals))}, highest {number(max(finals))}",
            f"- full marks: {sum(f >= data.max_points for f in finals)} students",
        ]
    lines += ["", "## Lessons", ""]
    lines += ["| Lesson | Done | Failing | Not started | Error | Median attempts to full marks |"]
    lines += ["|---|---:|---:|---:|---:|---:|"]
    for ls in data.lessons:
        attempts = number(ls.median_attempts) if ls.median_attempts is not None else "no history"
        lines.append(
            f"| {ls.id} {md_text(ls.title)} | {_pct(ls.share(Status.DONE))} | "
            f"{_pct(ls.share(Status.FAILING))} | {_pct(ls.share(Status.NOT_STARTED))} | "
            f"{_pct(ls.share(Status.ERROR))} | {attempts} |"
        )
    lines += ["", "## Most common first failures", ""]
    if data.failures:
        lines += ["| Lesson | Students | Message shape |", "|---|---:|---|"]
        lines += [f"| {f.lesson} | {f.students} | {md_text(f.shape)} |" for f in data.failures]
    else:
        lines.append("No lesson fails for anyone.")
    lines += ["", "## Known mistakes", ""]
    if data.mistakes:
        lines += ["| Lesson | Mistake | Students |", "|---|---|---:|"]
        lines += [f"| {m.lesson} | {md_text(m.doc)} | {m.hits} |" for m in data.mistakes]
    else:
        lines.append(f"No misconception signatures: {md_text(data.bank)}.")
    lines += ["", "## Tests", "", "| Lesson | Test | Cases | Pass rate |", "|---|---|---:|---:|"]
    for t in data.tests:
        kind = "hidden " if t.hidden else ""
        lines.append(f"| {t.lesson} | {kind}{md_text(t.name)} | {t.cases} | {_pct(t.rate)} |")
    if not data.class_view:
        lines += ["", "## Students", "", "| Student | Raw | Late days | Penalty | Final |"]
        lines += ["|---|---:|---:|---:|---:|"]
        for s in data.students:
            lines.append(
                f"| {md_text(s.student)} | {number(s.raw)} | {s.late_days} | {number(s.penalty)} | "
                f"{number(s.final)} |"
            )
    return "\n".join(lines) + "\n"


# -- HTML ---------------------------------------------------------------------------------------
CSS = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem auto;
max-width:62rem;padding:0 1rem;color:#1b1b1b}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ddd}
.meta{color:#555}table{border-collapse:collapse;width:100%;margin:.5rem 0}
th,td{padding:.25rem .5rem;border-bottom:1px solid #eee;text-align:left;vertical-align:top}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
code{font-size:.85rem;background:#f5f5f5;padding:.05rem .25rem;border-radius:3px;word-break:break-word}
.bar{display:inline-block;height:.7rem;background:#2e7d32;vertical-align:middle}
.barbg{display:inline-block;width:6rem;height:.7rem;background:#eceff1;margin-right:.4rem}
figure{margin:1rem 0}svg{max-width:100%;height:auto}
.tag{font-size:.75rem;color:#6a1b9a;border:1px solid #ce93d8;border-radius:3px;padding:0 .2rem}
"""


def _table(head: list[str], rows: list[list[str]], numeric: set[int]) -> str:
    ths = "".join(f"<th{' class=n' if i in numeric else ''}>{h}</th>" for i, h in enumerate(head))
    body = "".join(
        "<tr>"
        + "".join(f"<td{' class=n' if i in numeric else ''}>{c}</td>" for i, c in enumerate(r))
        + "</tr>"
        for r in rows
    )
    return f"<table><thead><tr>{ths}</tr></thead><tbody>{body}</tbody></table>"


def html_page(data: ClassData) -> str:
    e = html_text
    finals = [s.final for s in data.students]
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<link rel="icon" href="data:,">',
        f"<title>Class report: {e(data.course)}</title><style>{CSS}</style></head><body>",
        f"<h1>Class report: {e(data.course)}</h1>",
        f'<p class="meta">{len(data.students)} students graded, '
        f"{'class view: no student is named' if data.class_view else 'instructor view'}. "
        f"Late policy: {e(data.policy)}.</p>",
        "<h2>Scores</h2>",
    ]
    if finals:
        parts.append(
            f"<p>Median {number(statistics.median(finals))} of {number(data.max_points)} points; "
            f"{sum(f >= data.max_points for f in finals)} students with full marks.</p>"
        )
        parts.append(f"<figure>{plots.histogram(finals, data.max_points, 'Final points')}</figure>")
    parts.append("<h2>Lessons</h2>")
    if data.lessons:
        labels = [f"{ls.id} {ls.title}" for ls in data.lessons]
        shares = {str(s): [ls.share(s) for ls in data.lessons] for s in STATUSES}
        if not any(shares[str(Status.ERROR)]):
            shares.pop(str(Status.ERROR))
        parts.append(f"<figure>{plots.stacked_shares(labels, shares, 'Lesson status')}</figure>")
    rows = []
    for ls in data.lessons:
        attempts = number(ls.median_attempts) if ls.median_attempts is not None else "no history"
        rows.append(
            [
                f"{e(ls.id)} {e(ls.title)}",
                _pct(ls.share(Status.DONE)),
                _pct(ls.share(Status.FAILING)),
                _pct(ls.share(Status.NOT_STARTED)),
                _pct(ls.share(Status.ERROR)),
                e(attempts),
            ]
        )
    parts.append(
        _table(
            ["Lesson", "Done", "Failing", "Not started", "Error", "Median attempts to full marks"],
            rows,
            {1, 2, 3, 4, 5},
        )
    )
    parts.append("<h2>Most common first failures</h2>")
    if data.failures:
        parts.append(
            _table(
                ["Lesson", "Students", "Message shape"],
                [
                    [e(f.lesson), str(f.students), f"<code>{e(f.shape)}</code>"]
                    for f in data.failures
                ],
                {1},
            )
        )
    else:
        parts.append("<p>No lesson fails for anyone.</p>")
    parts.append("<h2>Known mistakes</h2>")
    if data.mistakes:
        hit = [m for m in data.mistakes if m.hits][:20]
        if hit:
            parts.append(
                "<figure>"
                + plots.bars(
                    [f"{m.lesson} {m.name}" for m in hit],
                    [m.hits for m in hit],
                    "Students per mistake",
                    "students",
                )
                + "</figure>"
            )
        parts.append(
            _table(
                ["Lesson", "Mistake", "Students"],
                [
                    [e(m.lesson), f"{e(m.doc)} <code>{e(m.name)}</code>", str(m.hits)]
                    for m in data.mistakes
                ],
                {2},
            )
        )
    else:
        parts.append(f"<p>No misconception signatures: {e(data.bank)}.</p>")
    parts.append("<h2>Tests</h2>")
    parts.append(
        _table(
            ["Lesson", "Test", "Cases", "Pass rate"],
            [
                [
                    e(t.lesson),
                    ('<span class="tag">hidden</span> ' if t.hidden else "")
                    + f"<code>{e(t.name)}</code>",
                    str(t.cases),
                    f'<span class="barbg"><span class="bar" style="width:{t.rate * 6:.2f}rem"></span></span>'
                    f"{_pct(t.rate)}",
                ]
                for t in data.tests
            ],
            {2, 3},
        )
    )
    if not data.class_view:
        parts.append("<h2>Students</h2>")
        parts.append(
            _table(
                ["Student", "Commit", "Raw", "Late days", "Penalty", "Final"],
                [
                    [
                        e(s.student),
                        f"<code>{e(s.commit[:12])}</code>",
                        number(s.raw),
                        str(s.late_days),
                        number(s.penalty),
                        number(s.final),
                    ]
                    for s in data.students
                ],
                {2, 3, 4, 5},
            )
        )
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    parts.append(f'<p class="meta">Written by hexahype report on {stamp}.</p></body></html>')
    return "\n".join(parts) + "\n"


def to_json(data: ClassData) -> dict[str, Any]:
    """The report's numbers (report.json); the class view's holds no student."""
    doc: dict[str, Any] = {
        "course": data.course,
        "class_view": data.class_view,
        "late_policy": data.policy,
        "students": len(data.students),
        "max_points": data.max_points,
        "final_points": sorted(s.final for s in data.students),
        "history": data.history,
        "lessons": [
            {
                "id": ls.id,
                "title": ls.title,
                "counts": {str(k): v for k, v in ls.counts.items()},
                "median_attempts": ls.median_attempts,
                "reached_full_marks": ls.reached,
            }
            for ls in data.lessons
        ],
        "tests": [
            {
                "lesson": t.lesson,
                "name": t.name,
                "hidden": t.hidden,
                "cases": t.cases,
                "passed": t.passed,
            }
            for t in data.tests
        ],
        "first_failures": [vars(f) for f in data.failures],
        "mistakes": [vars(m) for m in data.mistakes],
        "mistakes_note": data.bank,
    }
    if not data.class_view:
        doc["by_student"] = [
            {
                "student": s.student,
                "commit": s.commit,
                "raw": s.raw,
                "late_days": s.late_days,
                "penalty": s.penalty,
                "final": s.final,
            }
            for s in data.students
        ]
    return doc


def write(data: ClassData, out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    page, summary, numbers = out / "index.html", out / "summary.md", out / "report.json"
    page.write_text(html_page(data), encoding="utf-8")
    summary.write_text(markdown(data), encoding="utf-8")
    write_json(numbers, to_json(data))
    return [page, summary, numbers]


# -- the verb -----------------------------------------------------------------------------------
def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("out", type=Path, help="the folder to write index.html and summary.md into")
    parser.add_argument(
        "--gradebook",
        type=Path,
        default=DEFAULT_PATH,
        help=f"the SQLite gradebook (default {DEFAULT_PATH})",
    )
    parser.add_argument(
        "--class-view", action="store_true", help="a version to show the class: no student is named"
    )
    parser.add_argument(
        "--no-misconceptions",
        action="store_true",
        help="skip matching failures against the misconception bank (which grades its variants once)",
    )
    parser.add_argument(
        "--jobs", "-j", type=int, default=2, help="variants graded in parallel (default 2)"
    )


def run(args: argparse.Namespace, course: Course) -> int:
    try:
        plots.require()  # before minutes of grading variants, not after
        with open_book(args.gradebook) as book:
            sigs = None
            if not args.no_misconceptions:
                cache = args.gradebook.with_name(args.gradebook.stem + ".misconceptions.json")
                sigs = misconceptions.signatures(
                    course, cache, args.jobs, progress=lambda line: print(line, flush=True)
                )
            data = collect(book, course, args.class_view, sigs)
        files = write(data, args.out)
    except (BookError, late.PolicyError, plots.PlotsUnavailable) as exc:
        print(f"hexahype report: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {', '.join(str(f) for f in files)} ({len(data.students)} students)")
    return 0
