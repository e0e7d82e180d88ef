"""`hexahype similarity SUBMISSION... --out OUT/`: pairs of submissions, lesson by lesson, that
share more code than the course hands everyone.

Fingerprints come from copydetect (winnowing over a token stream in which every name becomes
the same symbol, so renaming variables changes nothing; comments are dropped and every string,
docstrings too, is one symbol). Everything a student was given is starter code and never counts
as shared: the released stub, the code blocks of the lesson text and the code in the lesson's
hints. What is left is a submission's own code.

The score rule: a pair's score is the larger of two shares, each measured on the *smaller*
side, so that nothing added to a copy (dead functions, comments, huge docstrings, dead code
inside the functions, reordering) can lower it:
- `whole`: the share of the smaller submission's own code that the other one also holds;
- `per_task`: per task function (a function or method the lesson's stub defines, compared by
  name with the other submission's), the share of the smaller of the two functions' own code
  found in the other, summed over the task functions both wrote and weighted by that size.
A side with less than MIN_OWN (150) normalised characters of own code scores 0: a one-line
answer that matches a classmate's is no evidence of copying. So a whole copied solution scores
near 1 however it is padded, and two independent solutions of a lesson stay below the
threshold (grader/tests/test_insight.py checks both).

Why copydetect and not compare50: compare50 (CS50, GPLv3, released 2026) is the more active
project, but its current release pins attrs<21 and termcolor<2 and needs lib50 (requests,
pexpect, cryptography): pip cannot install compare50 1.2.15 beside nbgrader, which the kit's
dev tools need (jsonschema wants attrs>=22.2), and its Python API ranks whole submission
folders through a CLI-shaped pipeline. copydetect (MIT) is older (0.5.0, 2024) but small, has a
plain API on strings (CodeFingerprint, compare_files) with boilerplate removal, and the
algorithm it implements (Schleimer, Wilkerson and Aiken, SIGMOD 2003) does not age.

Output: OUT/index.html (ranked pairs per lesson, the matched regions side by side) and
OUT/pairs.json. Nothing in a submission is run or imported; code is read from git objects (the
graded commit when the gradebook knows it) or from the folder, by grading's rule: only a private
copy of the submission's own repository is read, and a repository that reaches outside its
folder (`sources.Redirected`) is flagged and compared from the folder's own files.
"""

from __future__ import annotations

import argparse
import ast
import io
import itertools
import json
import re
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ... import lessontext
from ...manifest import Course, Lesson
from ..gradebook import DEFAULT_PATH
from ..sources import (
    Redirected,
    Source,
    SourceError,
    discover,
    full_commit,
    has_repository,
    head,
    own_repository,
)
from ..staging import MAX_FILE_BYTES
from . import book as books
from .safe import html_code, html_text, term

NOISE = 25  # the shortest run of normalised code that counts as shared (characters)
GUARANTEE = 30  # runs this long are always found
THRESHOLD = 0.6
MIN_OWN = 6 * NOISE  # a smaller side with less own code than this scores 0 (too short to tell)
TOP = 10


class SimilarityUnavailable(RuntimeError):
    """copydetect is not installed."""


@dataclass
class Pair:
    lesson: str
    a: str
    b: str
    score: float  # max(whole, per_task): see the module docstring
    share_a: float
    share_b: float
    overlap: int  # normalised code characters in common
    regions_a: list[tuple[int, int]] = field(default_factory=list)
    regions_b: list[tuple[int, int]] = field(default_factory=list)
    whole: float = 0.0  # share of the smaller file's own code found in the other
    per_task: float = 0.0  # the same over the task functions both wrote, by size

    def to_json(self) -> dict[str, Any]:
        return {
            "lesson": self.lesson,
            "a": self.a,
            "b": self.b,
            "score": round(self.score, 4),
            "share_a": round(self.share_a, 4),
            "share_b": round(self.share_b, 4),
            "overlap": self.overlap,
            "whole": round(self.whole, 4),
            "per_task": round(self.per_task, 4),
        }


@dataclass
class LessonResult:
    lesson: Lesson
    code: dict[str, str]  # student -> the lesson's file
    pairs: list[Pair]  # ranked, best first
    skipped: list[str] = field(default_factory=list)  # students with nothing beyond the stub


def _copydetect() -> Any:
    try:
        import copydetect
    except ImportError:  # pragma: no cover - the insight extra is missing
        raise SimilarityUnavailable(
            "the similarity check needs copydetect: pip install -e '.[insight]'"
        ) from None
    return copydetect


def starter_code(lesson: Lesson) -> list[str]:
    """What every student was given for a lesson: the stub, the lesson text's code blocks and
    the code spans of its hints."""
    parts = (
        [lesson.exercise_path.read_text(encoding="utf-8")] if lesson.exercise_path.is_file() else []
    )
    if lesson.text_path.is_file():
        parts += [b.code for b in lessontext.blocks(lesson.text_path.read_text(encoding="utf-8"))]
    parts += [span for hint in lesson.hints for span in re.findall(r"`([^`\n]+)`", hint)]
    return parts


def task_names(lesson: Lesson) -> list[str]:
    """The lesson's task functions: the functions (and methods, as `Class.method`) its stub
    defines at the top level."""
    if not lesson.exercise_path.is_file():
        return []
    try:
        tree = ast.parse(lesson.exercise_path.read_text(encoding="utf-8"))
    except SyntaxError:
        return []
    return list(_defs(tree))


def _defs(tree: ast.Module) -> dict[str, ast.FunctionDef | ast.AsyncFunctionDef]:
    """Top-level functions and class methods by name (`f`, `Class.method`); a name defined
    twice is its last definition, as Python binds it."""
    out: dict[str, ast.FunctionDef | ast.AsyncFunctionDef] = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            out[node.name] = node
        elif isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    out[f"{node.name}.{item.name}"] = item
    return out


def functions(text: str, names: list[str]) -> dict[str, str]:
    """The source of each task function `text` defines (by name; empty when it does not
    parse)."""
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return {}
    defs = _defs(tree)
    lines = text.splitlines(keepends=True)
    out = {}
    for name in names:
        node = defs.get(name)
        if node is not None:
            start = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            out[name] = "".join(lines[start - 1 : node.end_lineno or node.lineno])
    return out


def _matched(fp_a: Any, fp_b: Any, cd: Any) -> tuple[int, float, float, Any, Any]:
    overlap, (share_a, share_b), (slices_a, slices_b) = cd.compare_files(fp_a, fp_b)
    return int(overlap), float(share_a), float(share_b), slices_a, slices_b


def _smaller_share(cover_a: int, share_a: float, cover_b: int, share_b: float) -> float:
    """The share of the smaller side's own code found in the other (0 when it is too small
    to tell a copy from a coincidence)."""
    cover, share = min((cover_a, share_a), (cover_b, share_b))
    return share if cover >= MIN_OWN else 0.0


def compare(lesson: Lesson, code: dict[str, str]) -> LessonResult:
    """Every pair of submissions of one lesson, ranked by score (see the module docstring:
    the larger of the whole-file and the per-task-function share of the smaller side)."""
    cd = _copydetect()
    import numpy as np

    boiler: list[int] = []
    for text in starter_code(lesson):
        boiler.extend(cd.CodeFingerprint("starter.py", NOISE, 1, fp=io.StringIO(text)).hashes)
    boilerplate = np.unique(np.array(boiler, dtype=np.int64))
    window = GUARANTEE - NOISE + 1

    def fingerprint(name: str, text: str) -> Any:
        return cd.CodeFingerprint(
            f"{name}.py", NOISE, window, boilerplate=boilerplate, fp=io.StringIO(text)
        )

    names = task_names(lesson)
    prints = {}
    parts: dict[str, dict[str, Any]] = {}
    skipped = []
    for student, text in sorted(code.items()):
        fp = fingerprint(student, text)
        if fp.token_coverage == 0:
            skipped.append(student)
            continue
        prints[student] = fp
        parts[student] = {
            name: f
            for name, body in functions(text, names).items()
            if (f := fingerprint(student, body)).token_coverage > 0
        }
    pairs = []
    for a, b in itertools.combinations(sorted(prints), 2):
        fa, fb = prints[a], prints[b]
        overlap, share_a, share_b, slices_a, slices_b = _matched(fa, fb, cd)
        whole = _smaller_share(fa.token_coverage, share_a, fb.token_coverage, share_b)
        matched = own = 0.0
        for name in sorted(parts[a].keys() & parts[b].keys()):
            pa, pb = parts[a][name], parts[b][name]
            _, sa, sb, _, _ = _matched(pa, pb, cd)
            cover, share = min((pa.token_coverage, sa), (pb.token_coverage, sb))
            matched += cover * share
            own += cover
        per_task = matched / own if own >= MIN_OWN else 0.0
        pairs.append(
            Pair(
                lesson.id,
                a,
                b,
                max(whole, per_task),
                share_a,
                share_b,
                overlap,
                _regions(slices_a),
                _regions(slices_b),
                whole=whole,
                per_task=per_task,
            )
        )
    pairs.sort(key=lambda p: (-p.score, -p.overlap, p.a, p.b))
    return LessonResult(lesson, code, pairs, skipped)


def _regions(slices: Any) -> list[tuple[int, int]]:
    if getattr(slices, "size", 0) == 0 or len(slices) != 2:
        return []
    return sorted((int(s), int(e)) for s, e in zip(slices[0], slices[1]))


# -- reading submissions ------------------------------------------------------------------------
def read_code(
    course: Course, items: list[str], lessons: list[Lesson], commits: dict[str, str]
) -> tuple[dict[str, dict[str, str]], list[str]]:
    """lesson id -> student -> the lesson's file, and one-line problems."""
    subs, problems = discover(items)
    out: dict[str, dict[str, str]] = {e.id: {} for e in lessons}
    for sub in subs:
        folder = Path(sub.location)
        with tempfile.TemporaryDirectory(prefix="hexahype-similarity-") as tmp:
            try:
                source = _source(folder, commits.get(sub.student), Path(tmp))
            except Redirected as exc:
                # the grading rule: never another repository's code; the folder's own files
                problems.append(f"{sub.student}: flagged: git: {exc}; compared its own files")
                source = Source(folder, None)
            except (SourceError, ValueError) as exc:
                problems.append(f"{sub.student}: {exc}")
                continue
            for lesson in lessons:
                rel = lesson.exercise_path.relative_to(course.root).as_posix()
                try:
                    data = source.read(rel, MAX_FILE_BYTES)
                except SourceError:
                    continue
                out[lesson.id][sub.student] = data.decode("utf-8", "replace")
    return out, problems


def _source(folder: Path, known: str | None, work: Path) -> Source:
    """The submission's files as grading reads them: the commit the gradebook graded, else
    HEAD (never a name the student chose), from a private copy of its own repository."""
    if not has_repository(folder):
        return Source(folder, None)
    repo = own_repository(folder, work)
    return Source(folder, full_commit(known) if known else head(repo), repo=repo)


# -- the page -----------------------------------------------------------------------------------
CSS = """
body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:80rem;padding:0 1rem;color:#1b1b1b}
table{border-collapse:collapse;margin:.5rem 0}th,td{padding:.2rem .6rem;border-bottom:1px solid #eee;text-align:left}
td.n{text-align:right;font-variant-numeric:tabular-nums}tr.flag td{background:#fff3e0}
.pair{display:grid;grid-template-columns:1fr 1fr;gap:1rem;margin:1rem 0 2rem}
pre{background:#fafafa;border:1px solid #e0e0e0;padding:.6rem;overflow:auto;font-size:12px;margin:0}
mark{background:#ffcc80}h2{border-bottom:1px solid #ddd;margin-top:2rem}.meta{color:#555}
"""


def _highlight(text: str, regions: list[tuple[int, int]]) -> str:
    out, at = [], 0
    for start, end in regions:
        start, end = max(start, at), min(end, len(text))
        if end <= start:
            continue
        out.append(html_code(text[at:start]))
        out.append(f"<mark>{html_code(text[start:end])}</mark>")
        at = end
    out.append(html_code(text[at:]))
    return "".join(out)


def html_page(results: list[LessonResult], threshold: float, top: int) -> str:
    e = html_text
    parts = [
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">',
        '<link rel="icon" href="data:,"><title>Similarity</title>',
        f"<style>{CSS}</style></head><body><h1>Similar submissions</h1>",
        '<p class="meta">Score: the share of the smaller side\'s own code (stub, lesson code and '
        "hints removed) that the other holds too, for the whole file or task function by task "
        f"function, whichever is larger. Pairs at or above {threshold:.0%} are marked; names, "
        "strings, comments, layout and added code do not lower it.</p>",
    ]
    for res in results:
        lesson = res.lesson
        parts.append(f"<h2>{e(lesson.id)} {e(lesson.title)}</h2>")
        flagged = [p for p in res.pairs if p.score >= threshold]
        parts.append(
            f'<p class="meta">{len(res.code)} submissions, {len(res.pairs)} pairs, '
            f"{len(flagged)} at or above the threshold"
            + (
                f"; nothing beyond the starter code: {e(', '.join(res.skipped))}"
                if res.skipped
                else ""
            )
            + ".</p>"
        )
        shown = res.pairs[: max(top, len(flagged))]
        if not shown:
            continue
        rows = "".join(
            f"<tr{' class=flag' if p.score >= threshold else ''}><td class=n>{i}</td>"
            f"<td>{e(p.a)}</td><td>{e(p.b)}</td><td class=n>{p.score:.0%}</td>"
            f"<td class=n>{p.share_a:.0%} / {p.share_b:.0%}</td><td class=n>{p.overlap}</td></tr>"
            for i, p in enumerate(shown, 1)
        )
        parts.append(
            "<table><thead><tr><th>#</th><th>A</th><th>B</th><th>Score</th><th>Shares A / B</th>"
            f"<th>Shared</th></tr></thead><tbody>{rows}</tbody></table>"
        )
        for i, p in enumerate(flagged or shown[:1], 1):
            parts.append(
                f"<h3>#{i} {e(p.a)} and {e(p.b)}: {p.score:.0%}</h3><div class=pair>"
                f"<pre>{_highlight(res.code[p.a], p.regions_a)}</pre>"
                f"<pre>{_highlight(res.code[p.b], p.regions_b)}</pre></div>"
            )
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def run_check(
    course: Course, code: dict[str, dict[str, str]], lessons: Iterable[Lesson]
) -> list[LessonResult]:
    return [compare(lesson, code.get(lesson.id, {})) for lesson in lessons if code.get(lesson.id)]


def write(results: list[LessonResult], out: Path, threshold: float, top: int = TOP) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    page, data = out / "index.html", out / "pairs.json"
    page.write_text(html_page(results, threshold, top), encoding="utf-8")
    doc = {
        "threshold": threshold,
        "lessons": {
            r.lesson.id: {
                "submissions": sorted(r.code),
                "skipped": r.skipped,
                "pairs": [p.to_json() for p in r.pairs],
            }
            for r in results
        },
    }
    data.write_text(json.dumps(doc, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return [page, data]


# -- the verb -----------------------------------------------------------------------------------
def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "submissions", nargs="+", metavar="SUBMISSION", help="as for hexahype grade"
    )
    parser.add_argument(
        "--out", type=Path, required=True, help="the folder for index.html and pairs.json"
    )
    parser.add_argument(
        "--threshold",
        type=float,
        default=THRESHOLD,
        help=f"the score that marks a pair (default {THRESHOLD})",
    )
    parser.add_argument(
        "--lesson", action="append", default=[], help="only this lesson (repeatable)"
    )
    parser.add_argument(
        "--top", type=int, default=TOP, help=f"pairs listed per lesson (default {TOP})"
    )
    parser.add_argument(
        "--gradebook",
        type=Path,
        default=DEFAULT_PATH,
        help="compare the commits the gradebook graded (default gradebook.sqlite, if it exists)",
    )


def run(args: argparse.Namespace, course: Course) -> int:
    from ...usage import lesson_arg

    lessons = [lesson_arg(course, x) for x in args.lesson] or [
        e for e in course.lessons if e.exercise_path.is_file()
    ]
    commits: dict[str, str] = {}
    if args.gradebook.exists():
        try:
            with books.open_book(args.gradebook) as book:
                commits = {r["student"]: r["commit_sha"] for r in book.latest() if r["commit_sha"]}
        except books.BookError as exc:
            print(f"hexahype similarity: {exc}", file=sys.stderr)
            return 2
    code, problems = read_code(course, args.submissions, lessons, commits)
    for line in problems:
        print(f"hexahype similarity: {term(line)}", file=sys.stderr)
    try:
        results = run_check(course, code, lessons)
    except SimilarityUnavailable as exc:
        print(f"hexahype similarity: {exc}", file=sys.stderr)
        return 2
    files = write(results, args.out, args.threshold, args.top)
    for res in results:
        flagged = [p for p in res.pairs if p.score >= args.threshold]
        top = (
            f"; top {res.pairs[0].a} and {res.pairs[0].b} {res.pairs[0].score:.0%}"
            if res.pairs
            else ""
        )
        print(
            f"{res.lesson.id}: {len(res.code)} submissions, {len(flagged)} pairs at or above {args.threshold:.0%}{top}"
        )
    print(f"wrote {files[0]} and {files[1]} (threshold {args.threshold:.0%})")
    return 0
