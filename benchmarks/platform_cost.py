"""What one student push costs on Classroom 50, and one submission on Gradescope.

Every push to a Classroom 50 student repository runs the autograder in that repository's Actions,
on the organisation's minutes. This builds the bundles of this checkout (`hexahype classroom50`,
`hexahype gradescope`) and a fully solved submission from the template, then times, wall clock:

- Classroom 50, cold: a fresh virtualenv of the system Python (as `actions/setup-python` gives
  the runner), then `autograder.py`, which installs requirements.txt and grades; pip's cache
  here is warm, a runner's is not, so a runner spends the download on top (about 40 MB);
- Classroom 50, warm: `autograder.py` again in the same environment, where every requirement is
  installed already and pip is skipped (a runner with a cached environment);
- Gradescope: `setup.sh` once (the image build), then `run_autograder` per submission;

each grading run paired with the floor, `python -c "import pytest, numpy"`, in the same round.

    python benchmarks/platform_cost.py [--repeat 3] [--json benchmarks/results/platforms.json]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from grader import manifest  # noqa: E402
from grader.tests import platform_runs as pr  # noqa: E402


def timed(cmd: list[str], **kw: object) -> float:
    started = time.monotonic()
    subprocess.run(cmd, capture_output=True, check=False, **kw)  # type: ignore[call-overload]
    return time.monotonic() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    course = manifest.load(ROOT)
    with tempfile.TemporaryDirectory(prefix="hexahype-bench-") as tmp:
        work = Path(tmp)
        built = pr.build(ROOT, work)
        repo = pr.make_repos(built, work / "subs", {"solved": pr.solved_files(course)})["solved"]
        floor_cmd = [str(built.venv_python), "-c", "import pytest, numpy"]

        venv = work / "cold"
        started = time.monotonic()
        subprocess.run([pr.base_python(), "-m", "venv", str(venv)], check=True)
        cold_built = pr.Built(built.root, built.course, built.out, built.zip, venv / "bin/python")
        first = pr.run_classroom50(cold_built, built.bundle_dir, repo, work / "c0")
        cold = time.monotonic() - started
        assert first["code"] == 0, first["log"][-2000:]
        warm, floors = [], []
        for i in range(args.repeat):
            floors.append(timed(floor_cmd))
            started = time.monotonic()
            run = pr.run_classroom50(cold_built, built.bundle_dir, repo, work / f"c{i + 1}")
            warm.append(time.monotonic() - started)
            assert run["code"] == 0 and run["doc"]["score"] == run["doc"]["max-score"]

        started = time.monotonic()
        gs = pr.gradescope_setup(built.zip, work / "autograder")
        setup = time.monotonic() - started
        per_sub, gs_floors = [], []
        for _ in range(args.repeat):
            gs_floors.append(timed(floor_cmd))
            started = time.monotonic()
            run = pr.run_gradescope(gs, repo)
            per_sub.append(time.monotonic() - started)
            assert run["code"] == 0, run["log"][-2000:]

    floor = statistics.median(floors + gs_floors)
    out = {
        "classroom50_cold_seconds": round(cold, 1),
        "classroom50_warm_seconds": round(statistics.median(warm), 1),
        "gradescope_setup_seconds": round(setup, 1),
        "gradescope_per_submission_seconds": round(statistics.median(per_sub), 1),
        "floor_seconds": round(floor, 3),
        "warm_over_floor": round(statistics.median(warm) / floor, 1),
        "gradescope_over_floor": round(statistics.median(per_sub) / floor, 1),
        "repeat": args.repeat,
    }
    for key, value in out.items():
        print(f"{key:36} {value}")
    if args.json:
        args.json.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
