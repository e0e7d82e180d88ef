"""`hexahype similarity SUBMISSION... --out OUT/`: pairs of submissions, lesson by lesson, that
share more code than the course hands everyone.

Fingerprints come from copydetect (winnowing over a token stream in which every name becomes
the same symbol, so renaming variables changes nothing). Everything a student was given is
starter code and never counts as shared: the released stub, the code blocks of the lesson text
and the code in the lesson's hints. A pair's score is the share of the *larger* submission's
own code (after starter code) that the other one also holds, so a two-line answer that happens
to match part of a long one scores low, and a whole copied file scores near 1.

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
from .safe import html_text, term

NOISE = 25  # the shortest run of normalised code that counts as shared (characters)
GUARANTEE = 30  # runs this long are always found
THRESHOLD = 0.6
TOP = 10


class SimilarityUnavailable(RuntimeError):
    """copydetect is not installed."""


@dataclass
class Pair:
    lesson: str
    a: str
    b: str
    score: float  # share of the larger submission's own code found in the other
    share_a: float
    share_b: float
    overlap: int  # normalised code characters in common
    regions_a: list[tuple[int, int]] = field(default_factory=list)
    regions_b: list[tuple[int, int]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "lesson": self.lesson,
            "a": self.a,
            "b": self.b,
            "score": round(self.score, 4),
            "share_a": round(self.share_a, 4),
            "share_b": round(self.share_b, 4),
            "overlap": self.overlap,
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


def compare(lesson: Lesson, code: dict[str, str]) -> LessonResult:
    """Every pair of submissions of one lesson, ranked by score."""
    cd = _copydetect()
    import numpy as np

    boiler: list[int] = []
    for text in starter_code(lesson):
        boiler.extend(cd.CodeFingerprint("starter.py", NOISE, 1, fp=io.StringIO(text)).hashes)
    boilerplate = np.unique(np.array(boiler, dtype=np.int64))
    window = GUARANTEE - NOISE + 1
    prints = {}
    skipped = []
    for student, text in sorted(code.items()):
        fp = cd.CodeFingerprint(
            f"{student}.py", NOISE, window, boilerplate=boilerplate, fp=io.StringIO(text)
        )
        if fp.token_coverage == 0:
            skipped.append(student)
        else:
            prints[student] = fp
    pairs = []
    for a, b in itertools.combinations(sorted(prints), 2):
        overlap, (share_a, share_b), (slices_a, slices_b) = cd.compare_files(prints[a], prints[b])
        share_a, share_b = float(share_a), float(share_b)
        pairs.append(
            Pair(
                lesson.id,
                a,
                b,
                min(share_a, share_b),
                share_a,
                share_b,
                int(overlap),
                _regions(slices_a),
                _regions(slices_b),
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
        out.append(html_text(text[at:start]))
        out.append(f"<mark>{html_text(text[start:end])}</mark>")
        at = end
    out.append(html_text(text[at:]))
    return "".join(out)


def html_page(results: list[LessonResult], threshold: float, top: int) -> str:
    e = html_text
    parts = [
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">',
        '<link rel="icon" href="data:,"><title>Similarity</title>',
        f"<style>{CSS}</style></head><body><h1>Similar submissions</h1>",
        f'<p class="meta">Score: the share of the larger submission\'s own code (stub, lesson '
        f"code and hints removed) that the other holds too. Pairs at or above {threshold:.0%} are "
        "marked; names, strings and layout do not matter.</p>",
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
