"""How the worker process is started: under bubblewrap when it works, else as a plain process.

Always: resource limits (memory, CPU time, processes, file size, open files) set before exec,
`python -I -B` (no bytecode written), a scrubbed environment, a new session so the whole
tree can be killed, and a separate unprivileged user (nobody) when the grader runs as root.

With bubblewrap (`bwrap`): no network, new PID/IPC/UTS namespaces killed as a whole with the
grader, a read-only view of the system and of the Python installation, the kit's runtime files
(`grader/__init__.py`, `assets.py`, `data/`, and the worker's own modules, never `grader/tests`,
solutions or test suites) read-only at /opt/hexahype, the staged submission read-only at
/submission, and a small private tmpfs at /tmp as the only writable place.

The isolation level is reported as "bwrap", "process" (a separate user or an unprivileged
grader) or "process-as-root" (the interpreter is unreadable to nobody: no user separation).
"""

from __future__ import annotations

import functools
import os
import shutil
import signal
import subprocess
import sys
import sysconfig
from dataclasses import dataclass
from pathlib import Path

NOBODY = 65534
KIT_MOUNT = "/opt/hexahype"
SUB_MOUNT = "/submission/exercises"
TMPFS_BYTES = 32 * 1024 * 1024
RUNTIME = (
    "__init__.py",
    "assets.py",
    "data",
    "grading/__init__.py",
    "grading/wire.py",
    "grading/worker.py",
)
LEVELS = ("bwrap", "process", "process-as-root")
SYSTEM_DIRS = ("usr", "bin", "sbin", "lib", "lib32", "lib64", "libx32")
ETC_FILES = ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "passwd", "group")


@dataclass(frozen=True)
class Limits:
    memory_mb: int = 2048
    cpu_seconds: int = 600
    file_mb: int = 16
    processes: int = 64
    open_files: int = 256


@dataclass(frozen=True)
class Spec:
    """Everything the proxy needs to start workers for one staged submission."""

    level: str  # one of LEVELS
    impl: Path  # the staged exercises/ folder (on the host)
    scratch: Path  # a private folder for the worker (process levels)
    limits: Limits
    token: str  # a marker in the worker's environment, to find strays
    preload: tuple[str, ...] = ()  # tokenizers to build before the first request


def grader_dir() -> Path:
    return Path(__file__).resolve().parents[1]


def _bootstrap(kit: str, uid: int | None) -> str:
    drop = (
        f"os.setgroups([]); os.setgid({uid}); os.setuid({uid}); " if uid is not None else ""
    ) + "os.umask(0o077); "
    return (
        f"import os, sys; {drop}sys.path.insert(0, {kit!r}); "
        "from grader.grading import worker; worker.main(sys.argv[1:])"
    )


def _python_flags() -> list[str]:
    """Isolated mode (no environment variables, no user site, no script folder on sys.path)
    and no bytecode written. Nothing of the submission has bytecode: staging copies sources
    only, onto a read-only mount."""
    return ["-I", "-B"]


def environment(home: str, token: str) -> dict[str, str]:
    return {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": home,
        "TMPDIR": home,
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "HEXAHYPE_WORKER": token,
    }


def _is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def _python_roots() -> list[Path]:
    """The folders the interpreter needs: its prefixes and every path on a fresh sys.path."""
    roots = {Path(sys.prefix), Path(sys.base_prefix), Path(sys.exec_prefix)}
    roots.add(Path(os.path.realpath(sys.executable)).parent.parent)
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        roots.add(Path(sysconfig.get_paths()[key]))
    return sorted({Path(os.path.realpath(r)) for r in roots if Path(r).exists()})


def _minimal(paths: list[Path]) -> list[Path]:
    out: list[Path] = []
    for p in sorted(paths, key=lambda x: len(x.parts)):
        if not any(p == q or q in p.parents for q in out):
            out.append(p)
    return out


def _system_binds() -> list[str]:
    out: list[str] = []
    for name in SYSTEM_DIRS:
        host = Path("/") / name
        if host.is_symlink():
            out += ["--symlink", os.readlink(host), str(host)]
        elif host.is_dir():
            out += ["--ro-bind", str(host), str(host)]
    return out


def _parents(mounts: list[str]) -> list[str]:
    """`--perms 0755 --dir` for every folder above a mount point (bwrap would make them 0700,
    closed to the unprivileged worker)."""
    dests: set[str] = set()
    for i, arg in enumerate(mounts):
        if arg in ("--ro-bind", "--bind", "--symlink") and i + 2 < len(mounts):
            dests.update(str(p) for p in Path(mounts[i + 2]).parents if str(p) != "/")
    out: list[str] = []
    for folder in sorted(dests, key=lambda d: (d.count("/"), d)):
        out += ["--perms", "0755", "--dir", folder]
    return out


def bwrap_command(spec: Spec) -> list[str]:
    bwrap = shutil.which("bwrap") or "bwrap"
    cmd = [
        bwrap,
        "--unshare-net",
        "--unshare-pid",
        "--unshare-ipc",
        "--unshare-uts",
        "--unshare-cgroup-try",
        "--die-with-parent",
        "--new-session",
        "--hostname",
        "sandbox",
    ]
    mounts = _system_binds()
    for name in ETC_FILES:
        if (Path("/etc") / name).exists():
            mounts += ["--ro-bind", f"/etc/{name}", f"/etc/{name}"]
    for root in _minimal(_python_roots()):
        if not str(root).startswith("/usr/"):
            mounts += ["--ro-bind", str(root), str(root)]
    kit = grader_dir()
    for rel in RUNTIME:
        mounts += ["--ro-bind", str(kit / rel), f"{KIT_MOUNT}/grader/{rel}"]
    mounts += ["--ro-bind", str(spec.impl), SUB_MOUNT]
    # The private /tmp comes first: the interpreter or its virtualenv may itself live under
    # /tmp (a CI clone, say), and binds made after the tmpfs show through it.
    cmd += ["--proc", "/proc", "--dev", "/dev"]
    cmd += ["--perms", "1777", "--size", str(TMPFS_BYTES), "--tmpfs", "/tmp"]
    cmd += [*_parents(mounts), *mounts, "--chdir", "/tmp"]
    uid = None
    if _is_root():
        uid = NOBODY
        cmd += ["--cap-drop", "ALL", "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
    cmd += ["--", sys.executable, *_python_flags()]
    return [*cmd, "-c", _bootstrap(KIT_MOUNT, uid), SUB_MOUNT, *spec.preload]


def process_command(spec: Spec) -> list[str]:
    kit = str(spec.scratch / "kit")
    return [
        sys.executable,
        *_python_flags(),
        "-c",
        _bootstrap(kit, None),
        str(spec.impl),
        *spec.preload,
    ]


def prepare_process_scratch(spec: Spec) -> None:
    """A plain process sees the kit's runtime through a copy in its scratch folder, and gets a
    home of its own there (owned by nobody when the grader is root)."""
    kit = grader_dir()
    for rel in RUNTIME:
        src, dst = kit / rel, spec.scratch / "kit" / "grader" / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, dst, dirs_exist_ok=True)
        else:
            shutil.copyfile(src, dst)
    home = spec.scratch / "home"
    home.mkdir(exist_ok=True)
    for path in [spec.scratch, *spec.scratch.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    if spec.level == "process" and _is_root():
        os.chown(home, NOBODY, NOBODY)
        home.chmod(0o700)


def limit(limits: Limits) -> None:
    """Set the resource limits; runs in the child between fork and exec."""
    import resource

    def cap(kind: int, value: int) -> None:
        try:
            _, hard = resource.getrlimit(kind)
            if hard != resource.RLIM_INFINITY:
                value = min(value, hard)
            resource.setrlimit(kind, (value, value))
        except (ValueError, OSError):
            pass

    cap(resource.RLIMIT_AS, limits.memory_mb * 1024 * 1024)
    cap(resource.RLIMIT_CPU, limits.cpu_seconds)
    cap(resource.RLIMIT_FSIZE, limits.file_mb * 1024 * 1024)
    cap(resource.RLIMIT_NOFILE, limits.open_files)
    cap(resource.RLIMIT_CORE, 0)
    cap(resource.RLIMIT_NPROC, _process_budget(limits.processes))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    _die_with_parent()


def _process_budget(extra: int) -> int:
    """RLIMIT_NPROC counts every process of the user: allow what the user (or nobody) runs now,
    plus `extra`."""
    uid = NOBODY if _is_root() else os.getuid()
    count = 0
    try:
        for entry in os.scandir("/proc"):
            if entry.name.isdigit():
                try:
                    count += entry.stat().st_uid == uid
                except OSError:
                    continue
    except OSError:
        return 4096
    return count + extra


def _die_with_parent() -> None:
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


@functools.lru_cache(maxsize=1)
def bwrap_works() -> bool:
    """Whether bubblewrap can start a sandbox here (installed, and namespaces allowed)."""
    exe = shutil.which("bwrap")
    if exe is None:
        return False
    try:
        proc = subprocess.run(
            [exe, "--unshare-net", "--unshare-pid", "--die-with-parent", *_system_binds()]
            + ["--proc", "/proc", "--dev", "/dev", "true"],
            capture_output=True,
            timeout=20,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return proc.returncode == 0


@functools.lru_cache(maxsize=1)
def nobody_can_run_python() -> bool:
    """Whether the interpreter can run as nobody (its files readable by others)."""
    if not _is_root():
        return True
    try:
        proc = subprocess.run(
            [sys.executable, "-I", "-S", "-c", "pass"],
            user=NOBODY,
            group=NOBODY,
            extra_groups=[],
            capture_output=True,
            timeout=20,
            check=False,
            cwd="/",
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return proc.returncode == 0


def choose(wanted: str = "auto") -> str:
    """The isolation level to use: `wanted` ("auto", "bwrap" or "process")."""
    if wanted in ("auto", "bwrap") and bwrap_works():
        return "bwrap"
    if wanted == "bwrap":
        raise RuntimeError("bubblewrap (bwrap) is not installed or cannot create namespaces")
    return "process" if nobody_can_run_python() else "process-as-root"


def start(spec: Spec) -> subprocess.Popen[bytes]:
    """Start one worker; its stdin and stdout carry the protocol."""
    if spec.level == "bwrap":
        cmd, home, user = bwrap_command(spec), "/tmp", None
    else:
        cmd, home = process_command(spec), str(spec.scratch / "home")
        user = NOBODY if spec.level == "process" and _is_root() else None
    return subprocess.Popen(
        cmd,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=environment(home, spec.token),
        cwd=home if spec.level != "bwrap" else "/",
        start_new_session=True,
        close_fds=True,
        user=user,
        group=user,
        extra_groups=[] if user is not None else None,
        preexec_fn=functools.partial(limit, spec.limits),
    )


def kill_strays(token: str) -> int:
    """Kill every process whose environment or command line holds `token` (the plain-process
    levels: a child that left the worker's session). Returns how many were signalled."""
    needle = token.encode()
    killed = 0
    try:
        entries = [e.name for e in os.scandir("/proc") if e.name.isdigit()]
    except OSError:
        return 0
    for pid in entries:
        if int(pid) == os.getpid():
            continue
        for part in ("environ", "cmdline"):
            try:
                with open(f"/proc/{pid}/{part}", "rb") as fh:
                    data = fh.read(1 << 16)
            except OSError:
                continue
            if needle in data:
                try:
                    os.kill(int(pid), signal.SIGKILL)
                    killed += 1
                except OSError:
                    pass
                break
    return killed
