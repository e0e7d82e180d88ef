"""Where submissions are graded: the executor seam.

Grading one submission is a pure function, `grade_submission(course root, plan, submission,
options)`: it stages the submission, runs the suites in the sandbox of the machine it runs on
and returns the result rows. It writes nothing but its own temporary folder. An executor maps
it over a batch; the coordinating process receives the rows as they come and is the only writer
of the SQLite gradebook (grader/grading/grade.py), one transaction per submission.

- `LocalExecutor`, the default: `--jobs` submissions at a time on this machine.
- `DaskExecutor` (the optional `dask` extra, `pip install "hexahype[dask]"`): the tasks of a
  Dask distributed cluster, one submission each. `--scheduler tls://HOST:8786` joins a running
  scheduler (started by hand, by dask-jobqueue on Slurm, by Kubernetes...); `--executor dask`
  alone starts a `LocalCluster` of `--jobs` worker processes here.

Every worker node grades in its own sandbox, chosen there (`sandbox.choose`): a node without
bubblewrap reports its level, and `require` ("bwrap", the default under Dask) keeps submissions
off such nodes. Student code must never reach the cluster: the `LocalCluster` started here
authenticates every connection (TLS with credentials made for this run, `Security.temporary`),
and a node whose process level has no network namespace is refused unless the instructor
forces it (`Options.allow_network`, `--allow-network`), which the screen and the gradebook say. Each
node checks that its copy of the course (course.toml and every suite) is the coordinator's, so
no node grades with other hidden tests. A node that dies mid-submission loses that attempt only:
the scheduler runs it again on another worker, once (`allowed-failures` 1 in the cluster this
module starts; a scheduler of your own decides with its `distributed.scheduler.allowed-failures`),
and a submission that failed twice comes back as not graded, which the gradebook never records.
A killed coordinator resumes like a local batch: submissions whose commit is in the gradebook
are skipped on the node.
"""

from __future__ import annotations

import dataclasses
import hashlib
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol, cast

from .. import __version__, manifest
from ..manifest import Course
from . import batch, sandbox
from .sources import Submission

RANK = {  # weakest first
    "process-as-root": 0,
    "process-same-user": 1,
    "process-uid": 1,
    "process": 1,
    "bwrap": 2,
}
DASK_REQUIRES = "bwrap"  # the Dask executor's isolation when none is asked for
EVENT = "hexahype-grade"  # the Dask event topic: one record per attempt started


class ExecutorError(RuntimeError):
    """The executor cannot grade here: no cluster, no node with the isolation asked for."""


class CourseMismatch(RuntimeError):
    """A worker node's copy of the course is not the coordinator's."""


class RefusedNode(RuntimeError):
    """A worker node's sandbox is weaker than the isolation required."""


def fingerprint(course: Course) -> str:
    """What a worker node must have to grade like the coordinator: the kit's version, the
    course manifest and every visible and hidden suite, by content."""
    digest = hashlib.sha256(__version__.encode() + b"\0")
    lessons = batch.gradable(course)
    for path in [course.root / manifest.MANIFEST_NAME, *batch.suite_files(lessons)]:
        digest.update(path.relative_to(course.root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:20]


def allowed(level: str, require: str | None) -> bool:
    """Whether `level` (as `node_level` reports it) is at least `require`."""
    return require is None or RANK.get(level.split(" ")[0], -1) >= RANK.get(require, 99)


_COURSES: dict[tuple[str, str], Course] = {}
_LOCK = threading.Lock()


def _course(root: str, expected: str) -> Course:
    """The course at `root` on this node, checked against the coordinator's fingerprint."""
    with _LOCK:
        if (root, expected) not in _COURSES:
            course = manifest.load(Path(root))
            if fingerprint(course) != expected:
                raise CourseMismatch(
                    f"this node's course at {root} differs from the coordinator's (its suites or "
                    "course.toml); every node must grade with the same copy"
                )
            _COURSES[(root, expected)] = course
        return _COURSES[(root, expected)]


def node_level(mode: str) -> str:
    """The isolation this node offers for `--sandbox` mode ("auto", "bwrap", "process"), with
    " (network open)" when its student code could reach the network."""
    try:
        return sandbox.recorded(sandbox.choose(mode))
    except RuntimeError:
        return "none"


def _lost(exc: BaseException) -> bool:
    """The task was lost with its worker (cancelled, or its worker killed), not failed by the
    submission's own code: worth one more attempt."""
    import asyncio
    import concurrent.futures

    names = {"FutureCancelledError", "KilledWorker", "CommClosedError", "CancelledError"}
    cancelled = (asyncio.CancelledError, concurrent.futures.CancelledError)
    return isinstance(exc, cancelled) or type(exc).__name__ in names


def network_refused(level: str, opts: batch.Options) -> bool:
    """A node whose student code could reach the network (and so the cluster) grades only when
    the instructor forces it."""
    return level.endswith("(network open)") and not opts.allow_network


def grade_submission(
    root: str,
    expected: str,
    plan: batch.Plan,
    sub: Submission,
    opts: batch.Options,
    graded_commits: frozenset[str] = frozenset(),
    require: str | None = None,
) -> batch.Result:
    """Grade one submission on this node: a pure function of the course (found at `root` and
    checked against `expected`), the batch's plan, the submission and the options. Commits in
    `graded_commits` are skipped (already in the gradebook). Returns the result rows."""
    course = _course(root, expected)
    level = sandbox.choose(opts.sandbox_mode)
    if not allowed(level, require):
        raise RefusedNode(f"this node isolates with {level}, and {require} is required")
    if network_refused(sandbox.recorded(level), opts):
        raise RefusedNode(
            f"this node isolates with {level} without a network namespace: its student code "
            "could reach the cluster (--allow-network forces it)"
        )
    batch.check_private(course, level)
    here = dataclasses.replace(plan, lessons=[course.get(e.id) for e in plan.lessons], level=level)
    _log_attempt(sub)
    return batch.grade_one(course, here, sub, opts, lambda s, c: c in graded_commits)


def _log_attempt(sub: Submission) -> None:
    """On a Dask worker: record that this attempt started, and where (the coordinator reads the
    records to report retries)."""
    try:
        from distributed import get_worker

        worker = get_worker()
    except (ImportError, ValueError):
        return
    worker.log_event(EVENT, {"student": sub.student, "worker": worker.address})


class Executor(Protocol):
    def levels(self, mode: str) -> dict[str, str]:
        """Where submissions are graded, and with which isolation: {node: level}."""

    def grade(
        self,
        course: Course,
        subs: list[Submission],
        opts: batch.Options,
        done: set[tuple[str, str]],
        plan: batch.Plan,
        require: str | None,
    ) -> Iterator[batch.Result]:
        """Grade `subs`, yielding each result as it arrives."""

    def close(self) -> None: ...


class LocalExecutor:
    """`jobs` submissions at a time, in this process's threads, each in its own harness."""

    def __init__(self, jobs: int) -> None:
        self.jobs = max(1, jobs)

    def levels(self, mode: str) -> dict[str, str]:
        return {"this machine": node_level(mode)}

    def grade(
        self,
        course: Course,
        subs: list[Submission],
        opts: batch.Options,
        done: set[tuple[str, str]],
        plan: batch.Plan,
        require: str | None,
    ) -> Iterator[batch.Result]:
        if not allowed(plan.level, require):
            raise ExecutorError(f"this machine isolates with {plan.level}; {require} is required")
        yield from batch.grade_all(course, subs, opts, self.jobs, done, plan)

    def close(self) -> None:
        pass


class DaskExecutor:
    """The workers of a Dask distributed cluster: the scheduler at `address`, or a LocalCluster
    of `workers` processes (one thread each) started here."""

    def __init__(self, address: str | None = None, workers: int = 1) -> None:
        try:
            import dask
            import distributed
        except ImportError:
            raise ExecutorError(
                'the dask executor needs the dask extra: pip install "hexahype[dask]"'
            ) from None
        self.cluster: Any = None
        self.authenticated = True
        client: Any = distributed.Client  # untyped: as Any
        if address:
            # a cluster of the instructor's own: its TLS settings come from dask's config
            # (distributed.comm.tls.*); a plain tcp:// scheduler authenticates no one
            self.authenticated = address.startswith("tls://")
            try:
                self.client: Any = client(address, timeout="30s")
            except OSError as exc:
                raise ExecutorError(
                    f"cannot reach the Dask scheduler at {address}: {exc}"
                ) from None
        else:
            security = _temporary_security()
            with dask.config.set({"distributed.scheduler.allowed-failures": 1}):
                self.cluster = cast(Any, distributed.LocalCluster)(
                    n_workers=max(1, workers),
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                    protocol="tls://",
                    host="127.0.0.1",
                    security=security,
                )
            self.client = client(self.cluster, security=security)

    def levels(self, mode: str) -> dict[str, str]:
        """Each worker's isolation level (node_level). A worker that dies while it is asked
        (killed, or restarting after a kill) is left out, and so gets no work in this batch:
        one lost worker never stops a batch."""
        found = self.client.run(node_level, mode, on_error="return")
        return {str(k): str(v) for k, v in found.items() if not isinstance(v, BaseException)}

    def attempts(self) -> dict[str, list[str]]:
        """student -> the workers where an attempt at grading it started, in order."""
        out: dict[str, list[str]] = {}
        for _, record in self.client.get_events(EVENT):
            out.setdefault(str(record["student"]), []).append(str(record["worker"]))
        return out

    def grade(
        self,
        course: Course,
        subs: list[Submission],
        opts: batch.Options,
        done: set[tuple[str, str]],
        plan: batch.Plan,
        require: str | None,
    ) -> Iterator[batch.Result]:
        import distributed

        as_completed: Any = distributed.as_completed
        require = require or DASK_REQUIRES
        levels = self.levels(opts.sandbox_mode)
        nodes = [
            w
            for w, level in levels.items()
            if allowed(level, require) and not network_refused(level, opts)
        ]
        if not nodes:
            shown = ", ".join(sorted(set(levels.values()))) or "no worker"
            more = "" if opts.allow_network else " and a network namespace"
            raise ExecutorError(
                f"no Dask worker isolates with {require}{more} (they offer: {shown})"
            )
        root, expected = str(course.root), fingerprint(course)
        [shared] = self.client.scatter([plan], broadcast=True)

        def submit(sub: Submission, on: list[str], again: bool = False) -> Any:
            commits = frozenset(c for s, c in done if s == sub.student)
            key = f"hexahype-grade-{hashlib.sha1(repr(sub).encode()).hexdigest()[:12]}"
            return self.client.submit(
                grade_submission,
                root,
                expected,
                shared,
                sub,
                opts,
                commits,
                require,
                key=key + ("-again" if again else ""),
                pure=False,
                workers=on,
                allow_other_workers=False,
            )

        futures = {submit(sub, nodes): sub for sub in subs}
        retried: set[str] = set()
        pending = as_completed(list(futures))
        for future in pending:
            sub = futures[future]
            try:
                yield future.result()
            except Exception as exc:  # noqa: BLE001 - one submission's failure is its own
                if _lost(exc) and sub.student not in retried:
                    # its worker died and the cluster dropped the task: once more, on the
                    # workers that answer now
                    retried.add(sub.student)
                    live = [
                        w
                        for w, level in self.levels(opts.sandbox_mode).items()
                        if allowed(level, require) and not network_refused(level, opts)
                    ]
                    if live:
                        again = submit(sub, live, again=True)
                        futures[again] = sub
                        pending.add(again)
                        continue
                why = f"{type(exc).__name__}: {exc}"
                yield batch.failed(course, plan, sub, why.strip()[:300])
            finally:
                future.release()

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def _temporary_security() -> Any:
    """TLS credentials made for this run (a certificate authority and a key of its own, in
    memory): the scheduler, its workers and this client accept no connection without them."""
    try:
        from distributed.security import Security
    except ImportError:
        raise ExecutorError(
            'the dask executor needs the dask extra: pip install "hexahype[dask]"'
        ) from None
    temporary: Any = Security.temporary  # untyped: as Any
    try:
        return temporary()
    except ImportError:
        raise ExecutorError(
            "the dask executor authenticates its cluster with TLS and needs the cryptography "
            'package: pip install "hexahype[dask]"'
        ) from None


def make(executor: str, scheduler: str | None, jobs: int) -> LocalExecutor | DaskExecutor:
    """The executor the command line asks for: `--scheduler` implies dask."""
    if scheduler or executor == "dask":
        return DaskExecutor(scheduler, jobs)
    return LocalExecutor(jobs)
