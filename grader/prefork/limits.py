"""Resource limits for the grading harness: `python -m grader.prefork.limits
[--file-mb N] [--memory-mb N] [--cpu-seconds N] -- COMMAND...` sets them, then replaces itself
with COMMAND.

Files are capped (an output flood fails the writing test with EFBIG rather than filling the
disk), and so are memory and CPU time, where the OS offers `resource`. These caps apply to the
harness; the worker that runs student code gets its own, stricter ones and the sandbox
(`grader.grading.sandbox`).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys


def apply(file_mb: int, memory_mb: int, cpu_seconds: int) -> None:
    try:
        import resource
    except ImportError:  # pragma: no cover - not a Unix
        return

    def cap(kind: int, value: int) -> None:
        try:
            _, hard = resource.getrlimit(kind)
            if hard != resource.RLIM_INFINITY:
                value = min(value, hard)
            resource.setrlimit(kind, (value, value if hard == resource.RLIM_INFINITY else hard))
        except (ValueError, OSError):
            pass

    if file_mb > 0:
        cap(resource.RLIMIT_FSIZE, file_mb * 1024 * 1024)
        if hasattr(signal, "SIGXFSZ"):
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write over the cap fails instead
    if memory_mb > 0:
        cap(resource.RLIMIT_AS, memory_mb * 1024 * 1024)
    if cpu_seconds > 0:
        cap(resource.RLIMIT_CPU, cpu_seconds)
    cap(resource.RLIMIT_CORE, 0)


def die_with_parent() -> None:
    """Linux: get SIGKILL when the grader that started this child dies, so a killed batch
    leaves no test run behind."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)
        if os.getppid() == 1:  # the parent died before prctl: do not run orphaned
            os._exit(137)
    except (OSError, AttributeError):
        pass


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if "--" not in args:
        print("usage: python -m grader.prefork.limits [OPTIONS] -- COMMAND...", file=sys.stderr)
        return 2
    cut = args.index("--")
    parser = argparse.ArgumentParser(prog="python -m grader.prefork.limits")
    parser.add_argument("--file-mb", type=int, default=64)
    parser.add_argument("--memory-mb", type=int, default=4096)
    parser.add_argument("--cpu-seconds", type=int, default=0)
    opts = parser.parse_args(args[:cut])
    command = args[cut + 1 :]
    if not command:
        print("grader.prefork.limits: no command to run", file=sys.stderr)
        return 2
    apply(opts.file_mb, opts.memory_mb, opts.cpu_seconds)
    die_with_parent()
    os.execv(command[0], command)
    return 127  # pragma: no cover - execv does not return


if __name__ == "__main__":
    sys.exit(main())
