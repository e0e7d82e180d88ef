"""Benchmark the course site (`hexahype site`): build time and the weight of a lesson page.

- build: wall time of `hexahype site OUT` as a learner runs it (interpreter start-up included),
  and of the build alone, in-process after a warm-up (the median of --repeat runs each);
- weight: what a browser downloads for one lesson page: its HTML, the CSS, the script and the
  icon, without the figures (target: under 300 KB), and the figures it shows on top.

    python benchmarks/site_build.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from grader import manifest  # noqa: E402
from grader.authoring.site import build, model  # noqa: E402

TARGET_KB = 300


def _weights(site: Path, course: manifest.Course) -> list[tuple[str, int, int]]:
    """(lesson id, bytes without figures, bytes of its figures) for every lesson page."""
    assets = sum((site / "assets" / name).stat().st_size for name in build.STATIC)
    rows = []
    for entry in course.lessons:
        page = site / model.page_path(entry)
        html = page.read_text(encoding="utf-8")
        figures = {(page.parent / src).resolve() for src in re.findall(r'<img src="([^"]+)"', html)}
        rows.append(
            (entry.id, page.stat().st_size + assets, sum(f.stat().st_size for f in figures))
        )
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    course = manifest.load(ROOT)
    hexahype = Path(sys.executable).parent / "hexahype"
    cmd = [str(hexahype)] if hexahype.exists() else [sys.executable, "-m", "grader"]
    with tempfile.TemporaryDirectory(prefix="hexahype-site-bench-") as tmp:
        out = Path(tmp) / "site"
        cli_times, lib_times = [], []
        for _ in range(args.repeat):
            start = time.perf_counter()
            subprocess.run([*cmd, "site", str(out)], cwd=ROOT, check=True, capture_output=True)
            cli_times.append(time.perf_counter() - start)
        build.build(course, out)  # warm
        for _ in range(args.repeat):
            start = time.perf_counter()
            result = build.build(course, out)
            lib_times.append(time.perf_counter() - start)
        rows = _weights(out, course)
        total = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    print(f"site: {result.pages} pages, {len(result.files)} files, {total / 1024:.0f} KB in all")
    print(
        f"build, `hexahype site OUT` (median of {args.repeat}): {statistics.median(cli_times):.2f} s"
    )
    print(
        f"build, in-process after a warm-up (median of {args.repeat}): {statistics.median(lib_times):.3f} s"
    )
    print(f"\n{'lesson':<8}{'page + css + js':>17}{'figures':>10}")
    for lid, weight, figs in rows:
        print(f"{lid:<8}{weight / 1024:>14.1f} KB{figs / 1024:>7.1f} KB")
    heaviest = max(rows, key=lambda r: r[1])
    ok = heaviest[1] < TARGET_KB * 1024
    print(
        f"\nheaviest lesson page without figures: {heaviest[0]}, {heaviest[1] / 1024:.1f} KB "
        f"(target < {TARGET_KB} KB: {'met' if ok else 'NOT met'})"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
