"""`hexahype generate "PROMPT"`: continue a prompt with the kit's trained GPT, running the
learner's own chapter 2 code (or the reference solutions with `--reference`).

The text is encoded with the kit's BPE, the model's weights come from `grader/data/gpt/`, and the
new tokens come from the learner's `generate_cached` (lesson 2.6) with the chosen sampler. When a
lesson that this needs is not done yet, one line on stderr names it and the exit status is 1.
"""

from __future__ import annotations

import argparse
import re
import sys
import traceback
from pathlib import Path
from typing import Any

from .. import loader
from ..manifest import Course, Lesson
from ..usage import UsageError

# the chapter 2 lessons that generation runs, in teaching order; 2.5 is not needed (no cache)
NEEDED = ("2.1", "2.2", "2.3", "2.4", "2.6")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("prompt", help="the text to continue, in quotes")
    parser.add_argument(
        "-n",
        "--max-new-tokens",
        type=int,
        default=60,
        metavar="N",
        help="how many tokens to generate (default 60)",
    )
    parser.add_argument(
        "--temperature",
        type=float,
        default=0.8,
        help="0 is greedy; higher is more random (default 0.8)",
    )
    parser.add_argument(
        "--top-k",
        type=int,
        default=40,
        metavar="K",
        help="sample only among the K most likely tokens (default 40; 0: off)",
    )
    parser.add_argument(
        "--top-p",
        type=float,
        default=None,
        metavar="P",
        help="sample only from the nucleus of probability P (default: off)",
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=0,
        help="seed of the uniform draws, so a run can be repeated (default 0)",
    )
    parser.add_argument(
        "--reference",
        action="store_true",
        help="run the reference solutions instead of your exercises/",
    )


class LessonNotReady(Exception):
    """A lesson that generation needs cannot run yet; the message is the one line to show."""


def _check_args(args: argparse.Namespace) -> None:
    if not args.prompt:
        raise UsageError("hexahype generate: the prompt is empty")
    if args.max_new_tokens < 1:
        raise UsageError("hexahype generate: -n must be at least 1")
    if args.temperature < 0:
        raise UsageError("hexahype generate: --temperature must be 0 or more")
    if args.top_k is not None and args.top_k < 0:
        raise UsageError("hexahype generate: --top-k must be 0 (off) or more")
    if args.top_p is not None and not 0 < args.top_p <= 1:
        raise UsageError("hexahype generate: --top-p must be in (0, 1]")


def _lesson_of(exc: BaseException, impl_dir: Path, lessons: dict[str, Lesson]) -> Lesson | None:
    """The lesson whose module raised `exc`: named in a NotImplementedError's message, or the
    deepest frame of the traceback that lies in one of the lesson files."""
    m = re.match(r"lesson (\d+\.\d+)\b", str(exc))
    if m and m.group(1) in lessons:
        return lessons[m.group(1)]
    by_file = {loader.lesson_file(e, impl_dir).resolve(): e for e in lessons.values()}
    found = None
    for frame in traceback.extract_tb(exc.__traceback__):
        found = by_file.get(Path(frame.filename).resolve(), found)
    return found


def _where(exc: BaseException, impl_dir: Path) -> str:
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        path = Path(frame.filename).resolve()
        try:
            rel = path.relative_to(impl_dir.resolve().parent)
        except ValueError:
            continue
        return f" ({rel.as_posix()}, line {frame.lineno})"
    return ""


def load_lessons(
    course: Course, impl_dir: Path, needed: tuple[str, ...] = NEEDED
) -> tuple[dict[str, Lesson], dict[str, Any]]:
    """The `needed` lessons and the learner's modules of them; LessonNotReady names the first
    one that does not load."""
    lessons = {lid: course.get(lid) for lid in needed}
    modules = {}
    for lid, lesson in lessons.items():
        try:
            modules[lid] = loader.load(lesson, impl_dir)
        except loader.LessonLoadError as exc:
            raise LessonNotReady(f"{exc}; fix it, then run hexahype check {lid}") from None
    return lessons, modules


def _not_ready(
    exc: BaseException,
    impl_dir: Path,
    lessons: dict[str, Lesson],
    code: str = "your chapter 2 code",
    last: str = "2.6",
) -> LessonNotReady:
    """One line for an exception raised by the learner's code, naming the lesson (`code` and
    the check of lesson `last` when no lesson can be told)."""
    lesson = _lesson_of(exc, impl_dir, lessons)
    if isinstance(exc, NotImplementedError) and lesson is not None:
        detail = re.sub(r"^lesson \d+\.\d+:\s*", "", str(exc)) or "a function is not written"
        return LessonNotReady(
            f"lesson {lesson.id} {lesson.title} is not done yet ({detail}); "
            f"finish it, then run hexahype check {lesson.id}"
        )
    who = f"lesson {lesson.id} {lesson.title}" if lesson else code
    first = str(exc).splitlines()[0] if str(exc) else ""
    return LessonNotReady(
        f"{who} raised {type(exc).__name__}: {first}{_where(exc, impl_dir)}; "
        f"run hexahype check {lesson.id if lesson else last}"
    )


def _probe(
    modules: dict[str, Any], params: dict[str, Any], config: dict[str, Any], ids: list[int]
) -> None:
    """Call each needed lesson once on the prompt, in teaching order, so that the first lesson
    that is not done is the one named (generate_cached alone would name 2.6 first)."""
    import numpy as np

    logits = np.zeros(4)
    modules["2.1"].softmax(logits)
    fp = modules["2.2"]
    x = fp.embed_tokens(params, np.array(ids[:4]))  # (T, d)
    fp.layer_norm(x, params["lnf_g"], params["lnf_b"])
    modules["2.3"].sample(logits, 0.5, 1.0)
    x = modules["2.4"].transformer_block(x, params["blocks"][0], config["n_heads"])  # (T, d)
    fp.lm_head(params, x)


def _generate(args: argparse.Namespace, course: Course, impl_dir: Path) -> tuple[str, str]:
    import numpy as np

    from .. import assets

    lessons, modules = load_lessons(course, impl_dir)
    try:
        params, config = assets.load_model()
    except FileNotFoundError:
        raise LessonNotReady(
            "the kit's trained model (grader/data/gpt/) is missing; reinstall the kit"
        ) from None
    # float64, as in the lessons' tests, so cached and uncached runs agree to about 1e-15
    params = {k: v if k == "blocks" else np.asarray(v, dtype=np.float64) for k, v in params.items()}
    params["blocks"] = [
        {k: np.asarray(v, dtype=np.float64) for k, v in block.items()} for block in params["blocks"]
    ]
    ids = assets.kit_encode(args.prompt)
    C = config["context_length"]
    n_new = min(args.max_new_tokens, C - 1)
    note = ""
    if n_new < args.max_new_tokens:
        note = f"-n is capped at {n_new}: the model sees at most {C} tokens"
    if len(ids) + n_new > C:
        ids = ids[-(C - n_new) :]  # keep the most recent tokens, as fit_context does
        note = f"the prompt was cut to its last {len(ids)} tokens to fit the {C}-token context"
    us = [float(u) for u in np.random.default_rng(args.seed).random(n_new)]
    top_k = args.top_k or None
    try:
        _probe(modules, params, config, ids)
        new = modules["2.6"].generate_cached(
            params,
            ids,
            n_new,
            config,
            us,
            temperature=args.temperature,
            top_k=top_k,
            top_p=args.top_p,
        )
    except Exception as exc:  # noqa: BLE001 - the learner's code: report it in one line
        raise _not_ready(exc, impl_dir, lessons) from None
    bad = [
        t
        for t in list(new)
        if not (isinstance(t, (int, np.integer)) and 0 <= int(t) < config["vocab_size"])
    ]
    if len(list(new)) != n_new or bad:
        raise LessonNotReady(
            f"lesson 2.6 generate_cached returned {len(list(new))} items for {n_new} new tokens"
            + (f", including {bad[0]!r}, which is no token id" if bad else "")
            + "; run hexahype check 2.6"
        )
    return assets.kit_decode([int(t) for t in new]), note


def run(args: argparse.Namespace, course: Course) -> int:
    _check_args(args)
    impl_dir = course.root / ("solutions" if args.reference else "exercises")
    if args.reference and not impl_dir.is_dir():
        raise UsageError(
            "hexahype generate: --reference needs the reference solutions, and this copy of the "
            "kit has none; run it without --reference to use your own code"
        )
    try:
        text, note = _generate(args, course, impl_dir)
    except LessonNotReady as exc:
        print(f"hexahype generate: {exc}", file=sys.stderr)
        return 1
    if note:
        print(f"hexahype generate: {note}", file=sys.stderr)
    print(args.prompt + text)
    return 0
