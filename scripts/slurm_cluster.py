"""Start Dask workers as Slurm jobs for `hexahype grade --scheduler ...` (docs/scaling.md).

    python scripts/slurm_cluster.py --jobs 10 [--config docs/slurm-jobqueue.yaml]

Runs on the login node (it needs the `slurm` extra: pip install "hexahype[slurm]"): starts a
Dask scheduler here, asks Slurm for JOBS jobs of the configuration's size (one Dask worker per
job, one submission per core), prints the scheduler's address and waits; grade from another
shell with `hexahype grade REPOS --scheduler ADDRESS --require-isolation bwrap`, then stop it
with Ctrl-C (the jobs end with it). `--print-job-script` shows the job script and submits
nothing.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "docs" / "slurm-jobqueue.yaml"


def settings(path: Path) -> dict[str, Any]:
    """The `jobqueue.slurm` settings of a configuration file, as SLURMCluster's arguments
    (`job-script-prologue` is `job_script_prologue`, `name` the job's name); what they leave
    out comes from dask-jobqueue's defaults."""
    import yaml

    slurm = yaml.safe_load(path.read_text(encoding="utf-8"))["jobqueue"]["slurm"]
    names = {"name": "job_name"}
    return {names.get(key, key.replace("-", "_")): value for key, value in slurm.items()}


def make_cluster(path: Path = EXAMPLE, **overrides: Any) -> Any:
    """A SLURMCluster from the configuration at `path` (no job is submitted yet)."""
    from dask_jobqueue import SLURMCluster

    return SLURMCluster(**{**settings(path), **overrides})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=4, help="Slurm jobs (Dask workers)")
    parser.add_argument("--config", type=Path, default=EXAMPLE)
    parser.add_argument("--print-job-script", action="store_true")
    args = parser.parse_args()
    cluster = make_cluster(args.config)
    try:
        if args.print_job_script:
            print(cluster.job_script())
            return 0
        cluster.scale(jobs=args.jobs)
        print(f"scheduler: {cluster.scheduler_address}", flush=True)
        print(f"grade with: hexahype grade REPOS --scheduler {cluster.scheduler_address}")
        while True:
            time.sleep(60)
    except KeyboardInterrupt:
        return 0
    finally:
        cluster.close()


if __name__ == "__main__":
    sys.exit(main())
