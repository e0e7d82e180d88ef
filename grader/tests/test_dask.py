"""The Dask executor on a real cluster: a `LocalCluster` of separate worker processes (two, one
thread each, no dashboard), the way a real deployment embeds its workers.

- A mixed batch (solutions, stubs, a known mistake, a syntax error, a binary file) graded
  through `hexahype grade --executor dask` gives the gradebook rows of the local executor, bit
  for bit apart from timings and dates; a second run skips everything (a coordinator resumes).
- A worker process killed while it grades a submission loses that attempt only: the attempt
  runs again on another worker, and the gradebook gets every submission once, whole.
- A node whose sandbox is weaker than `--require-isolation` gets no submission.
- The red-team corpus graded through Dask: grader/tests/test_redteam.py (both executors).
- The Slurm example (scripts/slurm_cluster.py, docs/slurm-jobqueue.yaml) builds a real
  dask-jobqueue job script, without submitting it.
"""

from __future__ import annotations

import os
import secrets
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from grader import manifest
from grader.grading import batch, executors, harness, tamper
from grader.grading.gradebook import Gradebook
from grader.grading.sources import discover

from .conftest import gradebook_points
from .test_redteam import (
    git,
    grade_env,
    make_course,
    strays,
    write_submission,
)

KIT = Path(__file__).resolve().parents[2]
LESSONS = ["1.1", "1.3"]
DASK_TAG = "dk" + secrets.token_hex(6)  # in the environment of every process these batches start
KILL_TAG = "kill" + secrets.token_hex(6)
SLOW = "import time as _t\n_t.sleep(4)\n"  # at import: the attempt is surely under way when killed


def _solutions(dest: Path) -> None:
    write_submission(dest, [], None, 0)


def mixed_batch(folder: Path, lessons: list[manifest.Lesson]) -> Path:
    """solutions, stubs of the graded lessons, a known 1.3 mistake, a 1.1 syntax error and a
    1.3 file that is binary."""
    live = manifest.load(KIT)
    bpe = "exercises/ch1_tokens/l03_bpe.py"
    numbers = "exercises/ch1_tokens/l01_numbers.py"
    _solutions(folder / "solutions")
    write_submission(folder / "control-stubs", lessons, None, 0)
    _solutions(folder / "mistake")
    mistake = KIT / "grader/tests/misconceptions/ch1_tokens/l03_bpe/merge_overlapping.py"
    with open(folder / "mistake" / bpe, "a", encoding="utf-8") as fh:
        fh.write("\n\n" + mistake.read_text(encoding="utf-8"))
    _solutions(folder / "syntax")
    (folder / "syntax" / numbers).write_text("def build_char_vocab(:\n", encoding="utf-8")
    _solutions(folder / "binary")
    (folder / "binary" / bpe).write_bytes(b"\x00\x01binary")
    for changed in ("mistake", "syntax", "binary"):  # submissions are graded at their commit
        git(folder / changed, "Student", None, "commit", "-q", "-a", "-m", "the changed file")
    assert live.get("1.3").exercise_path.name == "l03_bpe.py"
    return folder


def grade_cli(root: Path, batch_dir: Path, db: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "grader.cli", "grade", str(batch_dir), "--gradebook", str(db)]
        + ["--timeout", "10", "--jobs", "2", *extra],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=900,
        env=grade_env(root.parent / "tmp", DASK_TAG),
    )


def rows(db: Path) -> dict[str, list[tuple]]:
    """Every row of the gradebook but its timings, dates and row ids, by table, sorted."""
    with sqlite3.connect(db) as con:
        subs = con.execute(
            "SELECT student, repository, commit_sha, grader_version, course, course_version, "
            "points, max_points, problem, tampered, tamper_detail, isolation FROM submissions"
        ).fetchall()
        lessons = con.execute(
            "SELECT s.student, l.lesson, l.title, l.position, l.status, l.passed, l.total, "
            "l.points, l.max_points, l.message FROM lessons l JOIN submissions s "
            "ON s.id = l.submission_id"
        ).fetchall()
        tests = con.execute(
            "SELECT s.student, t.name, t.lesson, t.hidden, t.status, t.message, t.doc "
            "FROM tests t JOIN submissions s ON s.id = t.submission_id"
        ).fetchall()
    return {"submissions": sorted(subs), "lessons": sorted(lessons), "tests": sorted(tests)}


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[manifest.Lesson]]:
    root = tmp_path_factory.mktemp("dask") / "course"
    lessons = make_course(root, LESSONS)
    (root.parent / "tmp").mkdir()
    return root, lessons


def test_dask_grades_a_mixed_batch_like_the_local_executor(
    course: tuple[Path, list[manifest.Lesson]],
) -> None:
    root, lessons = course
    batch_dir = mixed_batch(root.parent / "mixed", lessons)
    local = grade_cli(root, batch_dir, root.parent / "local.sqlite")
    assert local.returncode == 0, local.stdout + local.stderr
    dask = grade_cli(root, batch_dir, root.parent / "dask.sqlite", "--executor", "dask")
    assert dask.returncode == local.returncode, dask.stdout + dask.stderr
    assert "isolated by" in dask.stdout and " on tls://127.0.0.1:" in dask.stdout, dask.stdout
    want, got = rows(root.parent / "local.sqlite"), rows(root.parent / "dask.sqlite")
    assert len(want["submissions"]) == 5 and len(want["tests"]) > 40
    assert got == want
    points = gradebook_points(root.parent / "dask.sqlite")
    full = {e.id: float(e.points) for e in lessons}
    assert points["solutions"] == full and points["control-stubs"] == dict.fromkeys(full, 0.0)
    assert points["mistake"]["1.3"] < full["1.3"] and points["syntax"]["1.1"] == 0.0
    again = grade_cli(root, batch_dir, root.parent / "dask.sqlite", "--executor", "dask")
    assert again.stdout.count("skipped, already graded") == 5, again.stdout
    assert rows(root.parent / "dask.sqlite") == want


def test_a_worker_killed_mid_submission_is_retried_and_nothing_is_lost(
    course: tuple[Path, list[manifest.Lesson]], monkeypatch: pytest.MonkeyPatch
) -> None:
    root, lessons = course
    folder = root.parent / "kill"
    for name in ("a", "b", "slow", "c"):
        _solutions(folder / name)
    with open(folder / "slow" / "exercises/ch1_tokens/l01_numbers.py", "a") as fh:
        fh.write("\n" + SLOW)
    # committed: the grader grades the submission's last commit, not its working tree
    git(folder / "slow", "Student", None, "commit", "-q", "-am", "slow")
    # The cluster's processes (and multiprocessing's resource tracker, which lives as long as
    # this test process) inherit this tag: one of its own, never the red-team corpus's.
    monkeypatch.setenv("HEXAHYPE_GRADE_TAG", KILL_TAG)
    monkeypatch.chdir(root)
    live = manifest.load(root)
    opts = batch.Options(
        limits=harness.Limits(test_timeout=20), release=tamper.load_release(live, None)
    )
    plan = batch.plan(live, opts)
    subs, _ = discover([str(folder)])
    pool = executors.DaskExecutor(workers=2)
    try:
        pids = pool.client.run(os.getpid)
        killed: list[str] = []

        def kill_the_slow_one() -> None:
            ends = time.monotonic() + 300
            while time.monotonic() < ends:
                started = pool.attempts().get("slow", [])
                if started:
                    time.sleep(1.0)
                    os.kill(pids[started[0]], signal.SIGKILL)
                    killed.append(started[0])
                    return
                time.sleep(0.1)

        killer = threading.Thread(target=kill_the_slow_one, daemon=True)
        killer.start()
        book_path = root.parent / "kill.sqlite"
        with Gradebook(book_path) as book:
            for result in pool.grade(live, subs, opts, set(), plan, None):
                assert result.graded is not None and result.graded.commit, result.line()
                book.record(result.graded)
        killer.join(timeout=10)
        attempts = pool.attempts()
        # a worker that dies while the levels are asked is left out, never an error: kill one,
        # then ask at once (this race once failed a whole run)
        alive = pool.client.run(os.getpid, on_error="return")
        victim, pid = next((w, p) for w, p in alive.items() if isinstance(p, int))
        os.kill(pid, signal.SIGKILL)
        assert victim not in pool.levels("auto")
        weaker = batch.Options(limits=opts.limits, release=opts.release, sandbox_mode="process")
        for require in ("bwrap", None):  # under Dask, bubblewrap is required by default
            with pytest.raises(executors.ExecutorError, match="no Dask worker isolates with bwrap"):
                list(pool.grade(live, subs, weaker, set(), plan, require))
        _refuses_clients_without_the_runs_credentials(pool.cluster.scheduler_address)
    finally:
        pool.close()
    assert killed, "the slow submission never started"
    # retried once by the cluster, or (when the cluster dropped the task) once more by the
    # executor: either way again, and elsewhere
    assert len(attempts["slow"]) >= 2 and attempts["slow"][-1] != killed[0], attempts
    assert all(len(attempts[s]) == 1 for s in ("a", "b", "c")), attempts
    full = {e.id: float(e.points) for e in lessons}
    assert gradebook_points(book_path) == dict.fromkeys(("a", "b", "slow", "c"), full)
    with sqlite3.connect(book_path) as con:
        counts = con.execute(
            "SELECT s.student, COUNT(DISTINCT l.lesson), (SELECT COUNT(*) FROM tests t "
            "WHERE t.submission_id = s.id) FROM submissions s JOIN lessons l "
            "ON l.submission_id = s.id GROUP BY s.id"
        ).fetchall()
    expected_tests = sum(len(v) for v in plan.expected.values())
    assert sorted(counts) == [(s, 2, expected_tests) for s in ("a", "b", "c", "slow")]
    time.sleep(0.5)  # the killed attempt's harness and sandbox died with its worker
    assert gone(f"hexahype-worker-{KILL_TAG}") and gone(f"--rootdir={root}")


def _refuses_clients_without_the_runs_credentials(address: str) -> None:
    """The cluster the executor starts speaks TLS, with credentials made for this run: a plain
    client, a TLS client without credentials and one with another run's are all turned away."""
    import distributed
    from distributed.security import Security

    assert address.startswith("tls://127.0.0.1:"), address
    temporary: Any = Security.temporary
    tries: list[tuple[str, Any]] = [
        (address, temporary()),
        (address.replace("tls://", "tcp://"), None),
        (address, None),
    ]
    for where, security in tries:
        with pytest.raises((OSError, TypeError)):
            distributed.Client(where, timeout="3s", security=security)


def test_a_node_without_a_network_namespace_is_refused_unless_forced() -> None:
    opts = batch.Options()
    assert executors.network_refused("process-uid (network open)", opts)
    assert not executors.network_refused("process-uid", opts)
    assert not executors.network_refused("bwrap", opts)
    forced = batch.Options(allow_network=True)
    assert not executors.network_refused("process-uid (network open)", forced)
    assert executors.allowed("process-uid (network open)", "process")
    assert not executors.allowed("process-uid", "bwrap")


def gone(marker: str, seconds: float = 20.0) -> bool:
    """Whether every process holding `marker` has ended within `seconds`."""
    ends = time.monotonic() + seconds
    while strays(marker):
        if time.monotonic() > ends:
            return False
        time.sleep(0.5)
    return True


def test_the_slurm_example_builds_a_job_script() -> None:
    """scripts/slurm_cluster.py with docs/slurm-jobqueue.yaml: a real SLURMCluster (its
    scheduler here, on any free port) whose job script has the example's resources, the check
    for bubblewrap and the worker command. Nothing is submitted (no sbatch is run)."""
    import importlib.util

    import yaml

    spec = importlib.util.spec_from_file_location("slurm_cluster", KIT / "scripts/slurm_cluster.py")
    assert spec is not None and spec.loader is not None
    script_module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script_module)
    example = yaml.safe_load((KIT / "docs/slurm-jobqueue.yaml").read_text(encoding="utf-8"))
    slurm = example["jobqueue"]["slurm"]
    options = {**slurm["scheduler-options"], "port": 0}
    cluster = script_module.make_cluster(scheduler_options=options)
    try:
        script = cluster.job_script()
    finally:
        cluster.close()
    assert script.startswith("#!/usr/bin/env bash")
    assert f"#SBATCH -J {slurm['name']}" in script
    assert f"#SBATCH -p {slurm['queue']}" in script
    assert f"#SBATCH --cpus-per-task={slurm['cores']}" in script
    assert f"#SBATCH -t {slurm['walltime']}" in script
    assert "python -m distributed.cli.dask_worker tcp://" in script
    assert f"--nthreads {slurm['cores']}" in script and "--lifetime 110m" in script
    assert "command -v bwrap" in script  # every node says when it has no sandbox
    assert script.index(".venv/bin/activate") < script.index("dask_worker")
