"""Benchmark: the mistakes that the hidden suites catch and the visible tests do not.

    python benchmarks/visible_gaps.py [--jobs 2] [--only 2.5 2.6] [--json OUT]

Every generated variant of each lesson's reference (grader/authoring/variants.py: one typical
change, such as `<=` for `<`, a copy left out, a reduction along another axis) is appended to
the reference solution and run against the lesson's visible *and* hidden tests, as `hexahype
verify` runs the bank. A variant that some hidden check fails is a real mistake (it is not an
equivalent rewrite of the reference); when no visible check fails it, a learner who makes it
sees every visible test pass and loses points only at grading. The report lists those
variants, lesson by lesson: each one is an input regime that the visible tests do not reach
(issue: feedback that names mistakes the kit has never seen, "discriminating visible inputs").

Variants that neither suite catches are counted, and listed with `--survivors`: most are
equivalent to the reference (a boundary that no valid input reaches, a change to an error
message's wording), which no test can catch. Read them one by one: a survivor that is a real
mistake is an input regime that neither suite reaches. Of the 47 survivors before the visible
checks of 2026-12-07, 12 were real (a two-id text that still merges, a negative id in a
gradient, a cosine matrix just past 1, rows of logits 1000 apart, probabilities adding up to a
hair under 1, a full context, attention heads of very different scale); each now has a
visible check. The 35 left are equivalent rewrites, an error message's wording, checks of
inputs the contract leaves open (`d_model` 0, `T` 0, no layers), an extra cached step after
the last token (its result unused), 2.3's `top_k_filter` returning its own float64 input
(not a copy) when k is at least V, or 2.2's `forward` skipping its blocks, a mistake that
only the later lessons' tests can see (2.2's own tests cannot run a block before lesson 2.4
exists). The `projection`, `bias`, `residual`, `transposed` and `activation` families (528
variants in all) add two survivors, both equivalent: the bias of the keys adds q . b_k to
every score of a query, and a softmax does not change when one constant is added to its row.

It runs each variant in a forked pytest (grader.runs.run_suite), about 0.3 s each: some 460
variants take under 3 minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import ast
import json
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from grader import manifest, runs  # noqa: E402
from grader.authoring import variants, verify  # noqa: E402
from grader.manifest import Lesson  # noqa: E402

MAINTAINER_PLUGINS = ["-p", "no:randomly", "-p", "no:hypothesispytest"]


def jobs_of(course: manifest.Course, only: list[str]) -> list[tuple[Lesson, variants.Variant]]:
    lessons = [
        e for e in course.lessons if e.authored and not e.is_quiz and e.solution_path.exists()
    ]
    local = variants.defined_functions([e.solution_path.read_text("utf-8") for e in lessons])
    jobs = []
    for entry in lessons:
        if only and entry.id not in only:
            continue
        source = entry.solution_path.read_text("utf-8")
        tasks = [
            n.name
            for n in ast.parse(source).body
            if isinstance(n, ast.FunctionDef) and not n.name.startswith("_")
        ]
        jobs += [(entry, v) for v in variants.generate(source, tasks, local)]
    return jobs


def run(job: tuple[Lesson, variants.Variant]) -> dict[str, Any]:
    """The variant's failing checks: visible and hidden (None: pytest did not run)."""
    entry, variant = job
    with tempfile.TemporaryDirectory(prefix="hexahype-gap-") as tmp:
        impl = verify.appended_solutions(entry, variant.source, Path(tmp))
        _, doc, _ = runs.run_suite(
            entry.root,
            runs.test_files([entry], hidden=True),
            impl,
            extra=MAINTAINER_PLUGINS,
            timeout=600,
            fork=True,
        )
    row = {"lesson": entry.id, "variant": variant.key, "change": variant.explanation}
    if doc is None:
        return {**row, "visible": None, "hidden": None}
    failing = [t for t in doc.tests if not t.passed]
    return {
        **row,
        "visible": sum(1 for t in failing if not t.hidden),
        "hidden": sum(1 for t in failing if t.hidden),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--only", nargs="*", default=[], help="only these lessons")
    ap.add_argument("--json", type=Path, help="write every variant's row here")
    ap.add_argument("--survivors", action="store_true", help="also list what neither suite catches")
    args = ap.parse_args()
    course = manifest.load(ROOT)
    jobs = jobs_of(course, args.only)
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        rows = list(pool.map(run, jobs))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1), encoding="utf-8")
    gaps = [r for r in rows if r["visible"] == 0 and r["hidden"]]
    neither = sum(1 for r in rows if r["visible"] == 0 and r["hidden"] == 0)
    broken = sum(1 for r in rows if r["visible"] is None)
    print(f"variants: {len(rows)}")
    print(f"caught by a visible test: {sum(1 for r in rows if r['visible'])}")
    print(f"caught by the hidden suites only: {len(gaps)}")
    print(f"caught by neither (mostly equivalent to the reference): {neither}")
    if broken:
        print(f"pytest did not run: {broken}")
    for r in gaps:
        print(
            f"  {r['lesson']} {r['variant']}: {r['change']} (hidden checks failing: {r['hidden']})"
        )
    if args.survivors:
        print("caught by neither:")
        for r in rows:
            if r["visible"] == 0 and r["hidden"] == 0:
                print(f"  {r['lesson']} {r['variant']}: {r['change']}")


if __name__ == "__main__":
    main()
