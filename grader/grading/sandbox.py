"""How the worker process is started: under bubblewrap when it works, else as a plain process.

Always: resource limits (memory, CPU time, processes, file size, open files) set before exec,
`python -I -B` (no bytecode written), a scrubbed environment, a new session so the whole
tree can be killed.

Isolation levels, reported on screen and in the gradebook:

- `bwrap`: no network, new PID/IPC/UTS namespaces killed as a whole with the grader, no /proc,
  a read-only system (/usr and the loader's files), the interpreter, its site-packages and the
  kit's runtime (`grader/__init__.py`, `assets.py`, `data/` and the worker's modules, never
  `grader/tests`, solutions or test suites) read-only at neutral paths (/opt/python,
  /opt/hexahype), the staged submission at /submission, a passwd file that names no one of the
  host, and a small private tmpfs at /tmp as the only writable place. Nothing inside tells the
  instructor's paths, user name or layout. As root, the worker drops to a user of its own.
- `process-uid` (the grader is root): a plain process as a user of its own, one per concurrent
  worker (`UidPool`); when it stops, every process of that user is killed and the files and
  IPC objects it left in the world-writable places are removed.

At the process levels, where the machine allows namespaces (`namespaces_work`: root, or an
unprivileged user namespace), the worker also gets (`confine`) network and IPC namespaces of its
own (no network, not even the host's loopback) and a root of its own in a mount namespace: the
system folders, /dev, the interpreter and its packages, and its private folder (0700, its user's:
the kit's runtime and the submission's copy), all read-only, and one tmpfs of `TMPFS_BYTES` at
/tmp, /var/tmp and /dev/shm as its only writable place and home. Nothing else of the host: not
the course, the kit's checkout, other submissions or /proc. Without namespaces none of this
holds, and `hexahype grade` says so.

Caps, also reported: the worker's memory, processes and CPU are capped for the submission as a
whole, not per process, where the machine allows it:

- `cgroup2` / `cgroup1`: a control group per worker (memory without swap, a process count, one
  CPU's worth of time, and the CPU seconds used, checked after every call);
- `one-process`: a user of its own with RLIMIT_NPROC = 1: the worker can start no process or
  thread, so the per-process limits are the submission's;
- `per-process`: only per-process limits (a submission with N processes may use N times them);
  `hexahype grade` says so.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import functools
import os
import pwd
import shutil
import signal
import subprocess
import sys
import sysconfig
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

NOBODY = 65534
KIT_MOUNT = "/opt/hexahype"
PYTHON_MOUNT = "/opt/python"
SITE_MOUNT = "/opt/site"
SUB_MOUNT = "/submission/exercises"
TMPFS_BYTES = 32 * 1024 * 1024
RUNTIME = (
    "__init__.py",
    "assets.py",
    "boundary.py",
    "data",
    "grading/__init__.py",
    "grading/wire.py",
    "grading/worker.py",
)
LEVELS = ("bwrap", "process-uid", "process-same-user", "process-as-root")
SHARED_LEVELS = ("process-same-user", "process-as-root")  # no user of the worker's own
CAPS = ("cgroup2", "cgroup1", "one-process", "per-process")
SYSTEM_DIRS = ("usr", "bin", "sbin", "lib", "lib32", "lib64", "libx32")
ETC_FILES = ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime")
UID_RANGE = range(59000, 59999)  # users for the workers: never in the passwd file
WRITABLE = ("/tmp", "/var/tmp", "/dev/shm", "/run/lock", "/dev/mqueue")
PASSWD = "root:x:0:0::/:/usr/sbin/nologin\nstudent:x:{uid}:{uid}::/tmp:/usr/sbin/nologin\n"
GROUP = "root:x:0:\nstudent:x:{uid}:\n"


@dataclass(frozen=True)
class Limits:
    memory_mb: int = 2048
    cpu_seconds: int = 600
    file_mb: int = 16
    processes: int = 16
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
    caps: str = "per-process"  # one of CAPS


def grader_dir() -> Path:
    return Path(__file__).resolve().parents[1]


def _bootstrap(kit: str, uid: int | None, site: list[str]) -> str:
    drop = (
        f"os.setgroups([]); os.setgid({uid}); os.setuid({uid}); " if uid is not None else ""
    ) + "os.umask(0o077); "
    paths = "".join(f"sys.path.insert(0, {p!r}); " for p in reversed([kit, *site]))
    return (
        f"import os, sys; {drop}{paths}from grader.grading import worker; worker.main(sys.argv[1:])"
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


# -- the interpreter at neutral paths -----------------------------------------------------------
def _real(path: str | Path) -> Path:
    return Path(os.path.realpath(path))


def _interpreter() -> tuple[Path, Path]:
    """(the real interpreter, its installation prefix)."""
    exe = _real(sys.executable)
    return exe, _real(sys.base_prefix)


def _site_dirs() -> list[Path]:
    """The site-packages the worker needs (numpy, tiktoken) that are not in the base
    installation: a virtualenv's."""
    base = _real(sys.base_prefix)
    out: list[Path] = []
    for key in ("purelib", "platlib"):
        path = _real(sysconfig.get_paths()[key])
        if path.is_dir() and base not in path.parents and path not in out:
            out.append(path)
    return out


def _install_records(site: Path) -> list[str]:
    """Files of a site-packages folder that name host paths: .pth files, editable-install
    finders, and the direct_url.json of installed distributions."""
    out: list[str] = []
    for pattern in ("*.pth", "__editable__*", "*.dist-info/direct_url.json"):
        out += sorted(p.relative_to(site).as_posix() for p in site.glob(pattern) if p.is_file())
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


def _identity_files(scratch: Path, uid: int) -> tuple[Path, Path]:
    """A passwd and a group file for the sandbox that name no user of the host."""
    scratch.mkdir(parents=True, exist_ok=True)
    passwd, group = scratch / "passwd", scratch / "group"
    passwd.write_text(PASSWD.format(uid=uid), encoding="utf-8")
    group.write_text(GROUP.format(uid=uid), encoding="utf-8")
    for f in (passwd, group):
        f.chmod(0o644)
    return passwd, group


def bwrap_command(spec: Spec, uid: int | None = None) -> list[str]:
    """The bubblewrap command of one worker; `uid` is the user it drops to (the grader is
    root), else it keeps the grader's user inside a user namespace."""
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
    inside = uid if uid is not None else 1000
    if uid is None:
        cmd += ["--unshare-user", "--uid", str(inside), "--gid", str(inside)]
    mounts = _system_binds()
    for name in ETC_FILES:
        if (Path("/etc") / name).exists():
            mounts += ["--ro-bind", f"/etc/{name}", f"/etc/{name}"]
    passwd, group = _identity_files(spec.scratch, inside)
    mounts += ["--ro-bind", str(passwd), "/etc/passwd", "--ro-bind", str(group), "/etc/group"]
    exe, prefix = _interpreter()
    if str(exe).startswith("/usr/"):
        python = str(exe)
    else:  # an interpreter elsewhere (pyenv, a toolcache) is seen at /opt/python
        mounts += ["--ro-bind", str(prefix), PYTHON_MOUNT]
        python = f"{PYTHON_MOUNT}/{exe.relative_to(prefix).as_posix()}"
    site = []
    for i, path in enumerate(_site_dirs()):
        site.append(f"{SITE_MOUNT}/{i}")
        mounts += ["--ro-bind", str(path), site[-1]]
        for rel in _install_records(path):  # they name the folders things came from
            mounts += ["--ro-bind", "/dev/null", f"{site[-1]}/{rel}"]
    kit = grader_dir()
    for rel in RUNTIME:
        mounts += ["--ro-bind", str(kit / rel), f"{KIT_MOUNT}/grader/{rel}"]
    mounts += ["--ro-bind", str(spec.impl), SUB_MOUNT]
    # No /proc: nothing of the host's processes (not even bwrap's own command line) or mounts.
    # The private /tmp comes first: the interpreter may itself live under /tmp (a CI clone),
    # and binds made after the tmpfs show through it.
    cmd += ["--dev", "/dev"]
    cmd += ["--perms", "1777", "--size", str(TMPFS_BYTES), "--tmpfs", "/tmp"]
    cmd += [*_parents(mounts), *mounts, "--chdir", "/tmp"]
    if uid is not None:
        cmd += ["--cap-drop", "ALL", "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
    cmd += ["--", python, *_python_flags()]
    return [*cmd, "-c", _bootstrap(KIT_MOUNT, uid, site), SUB_MOUNT, *spec.preload]


def process_command(spec: Spec) -> list[str]:
    kit = str(spec.scratch / "kit")
    return [
        sys.executable,
        *_python_flags(),
        "-c",
        _bootstrap(kit, None, []),
        str(spec.impl),
        *spec.preload,
    ]


def scratch_base() -> Path | None:
    """Where the process levels' private folders go: as root, a folder of root's that others
    may cross but not list, outside the places a worker's private tmpfs covers; else None (the
    grader's own temporary folder)."""
    if not _is_root():
        return None
    for base in ("/run", "/var/lib", "/var/cache"):
        folder = Path(base) / "hexahype-scratch"
        try:
            folder.mkdir(mode=0o711, exist_ok=True)
            os.chown(folder, 0, 0)
            folder.chmod(0o711)
            return folder
        except OSError:
            continue
    return None


def prepare_process_scratch(spec: Spec) -> None:
    """A plain process sees the kit's runtime through a copy in its scratch folder, and gets a
    home of its own there. The folder itself stays private (0700): `start` gives it to the
    worker's user."""
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
    for path in spec.scratch.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    spec.scratch.chmod(0o700)


# -- users of the workers' own ------------------------------------------------------------------
def _lock_dir() -> Path:
    for base in ("/run", "/var/lock", tempfile.gettempdir()):
        folder = Path(base) / "hexahype-workers"
        try:
            folder.mkdir(mode=0o700, exist_ok=True)
            return folder
        except OSError:
            continue
    raise OSError("no folder for the workers' user locks")


def _processes_of(uid: int) -> list[int]:
    pids: list[int] = []
    try:
        entries = [e.name for e in os.scandir("/proc") if e.name.isdigit()]
    except OSError:
        return pids
    for pid in entries:
        try:
            if os.stat(f"/proc/{pid}").st_uid == uid:
                pids.append(int(pid))
        except OSError:
            continue
    return pids


class UidSlot:
    """A user of one worker's own, held (by a lock file) for as long as the worker runs, so
    that concurrent workers, of this batch or another, never share one."""

    def __init__(self, uid: int, fd: int) -> None:
        self.uid, self._fd = uid, fd

    @classmethod
    def acquire(cls) -> UidSlot:
        folder = _lock_dir()
        for uid in UID_RANGE:
            try:
                pwd.getpwuid(uid)
                continue  # a real account
            except KeyError:
                pass
            fd = os.open(folder / f"{uid}.lock", os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                os.close(fd)
                continue
            slot = cls(uid, fd)
            slot.purge()  # whatever an earlier, killed grader left behind
            return slot
        raise OSError("every worker user is in use")

    def purge(self) -> int:
        """Kill every process of this user, and remove what it left in the world-writable
        places (files, folders, System V IPC objects). Returns how many processes died."""
        killed = 0
        for _ in range(50):
            pids = _processes_of(self.uid)
            if not pids:
                break
            for pid in pids:
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)
                    killed += 1
            time.sleep(0.02)
        for top in WRITABLE:
            try:
                entries = list(os.scandir(top))
            except OSError:
                continue
            for entry in entries:
                try:
                    if entry.stat(follow_symlinks=False).st_uid != self.uid:
                        continue
                    if entry.is_dir(follow_symlinks=False):
                        shutil.rmtree(entry.path, ignore_errors=True)
                    else:
                        os.unlink(entry.path)
                except OSError:
                    continue
        _remove_ipc(self.uid)
        return killed

    def release(self) -> None:
        self.purge()
        with contextlib.suppress(OSError):
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)


def _remove_ipc(uid: int) -> None:
    """Remove the System V shared memory, queues and semaphores `uid` owns (they outlive
    processes)."""
    ipcrm = shutil.which("ipcrm")
    if ipcrm is None:
        return
    for kind, flag in (("shm", "-m"), ("msg", "-q"), ("sem", "-s")):
        try:
            lines = Path(f"/proc/sysvipc/{kind}").read_text().splitlines()
        except OSError:
            continue
        if not lines:
            continue
        head = lines[0].split()
        for line in lines[1:]:
            row = dict(zip(head, line.split()))
            ident = row.get("shmid") or row.get("msqid") or row.get("semid")
            if ident is not None and row.get("uid") == str(uid):
                subprocess.run([ipcrm, flag, ident], capture_output=True, check=False)


# -- control groups -----------------------------------------------------------------------------
V1 = Path("/sys/fs/cgroup")


def _own_v1(controller: str) -> Path | None:
    """This process's folder in the cgroup v1 hierarchy of `controller`."""
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        _, names, path = line.split(":", 2)
        if controller in names.split(","):
            folder = V1 / names.split(",")[0].replace("name=", "") / path.lstrip("/")
            if not folder.is_dir():
                folder = V1 / controller / path.lstrip("/")
            return folder if folder.is_dir() else None
    return None


class Group:
    """One worker's control group: memory (no swap), processes, CPU."""

    def __init__(self, kind: str, folders: dict[str, Path]) -> None:
        self.kind, self.folders = kind, folders

    @staticmethod
    def create(kind: str, name: str, limits: Limits) -> Group:
        memory = limits.memory_mb * 1024 * 1024
        if kind == "cgroup2":
            root = V1 / "hexahype"
            root.mkdir(exist_ok=True)
            with contextlib.suppress(OSError):
                (V1 / "cgroup.subtree_control").write_text("+memory +pids +cpu")
            with contextlib.suppress(OSError):
                (root / "cgroup.subtree_control").write_text("+memory +pids +cpu")
            folder = root / name
            folder.mkdir()
            group = Group(kind, {"all": folder})
            group._write("all", "memory.max", str(memory))
            group._write("all", "memory.swap.max", "0", optional=True)
            group._write("all", "pids.max", str(limits.processes))
            group._write("all", "cpu.max", "100000 100000", optional=True)
            return group
        folders: dict[str, Path] = {}
        for controller in ("memory", "pids", "cpu", "cpuacct"):
            base = _own_v1(controller)
            if base is None:
                continue
            folder = base / f"hexahype-{name}"
            folder.mkdir(exist_ok=True)
            folders[controller] = folder
        group = Group(kind, folders)
        if "memory" not in folders or "pids" not in folders:
            group.remove()
            raise OSError("no memory or pids control group")
        group._write("memory", "memory.limit_in_bytes", str(memory))
        group._write("memory", "memory.memsw.limit_in_bytes", str(memory), optional=True)
        group._write("memory", "memory.swappiness", "0", optional=True)
        group._write("pids", "pids.max", str(limits.processes))
        group._write("cpu", "cpu.cfs_period_us", "100000", optional=True)
        group._write("cpu", "cpu.cfs_quota_us", "100000", optional=True)
        return group

    def _write(self, which: str, name: str, value: str, optional: bool = False) -> None:
        folder = self.folders.get(which)
        try:
            if folder is None:
                raise OSError(errno.ENOENT, which)
            (folder / name).write_text(value)
        except OSError:
            if not optional:
                raise

    def join(self, pid: int = 0) -> None:
        """Move `pid` (0: the calling process) into the group; runs between fork and exec."""
        me = str(pid or os.getpid())
        for folder in dict.fromkeys(self.folders.values()):
            (folder / "cgroup.procs").write_text(me)

    def pids(self) -> list[int]:
        out: set[int] = set()
        for folder in self.folders.values():
            with contextlib.suppress(OSError, ValueError):
                out.update(int(x) for x in (folder / "cgroup.procs").read_text().split())
        return sorted(out)

    def cpu_seconds(self) -> float:
        try:
            if self.kind == "cgroup2":
                for line in (self.folders["all"] / "cpu.stat").read_text().splitlines():
                    if line.startswith("usage_usec"):
                        return int(line.split()[1]) / 1e6
                return 0.0
            folder = self.folders.get("cpuacct")
            return int((folder / "cpuacct.usage").read_text()) / 1e9 if folder else 0.0
        except (OSError, ValueError, KeyError):
            return 0.0

    def memory_peak(self) -> int:
        """The most memory the group held at once, in bytes (0 if unknown)."""
        name, which = (
            ("memory.peak", "all")
            if self.kind == "cgroup2"
            else ("memory.max_usage_in_bytes", "memory")
        )
        try:
            return int((self.folders[which] / name).read_text())
        except (OSError, ValueError, KeyError):
            return 0

    def kill(self) -> None:
        if self.kind == "cgroup2":
            with contextlib.suppress(OSError):
                (self.folders["all"] / "cgroup.kill").write_text("1")
        for _ in range(100):
            pids = self.pids()
            if not pids:
                return
            for pid in pids:
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)
            time.sleep(0.02)

    def remove(self) -> None:
        self.kill()
        for folder in dict.fromkeys(self.folders.values()):
            for _ in range(50):
                try:
                    folder.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    time.sleep(0.02)


def _sweep_stale_groups(age: float = 3600.0) -> None:
    """Remove empty worker groups over an hour old (left by a grader that was killed)."""
    parents = [V1 / "hexahype"] + [
        p for c in ("memory", "pids", "cpu", "cpuacct") if (p := _own_v1(c))
    ]
    for parent in parents:
        for folder in parent.glob("hexahype-*") if parent.is_dir() else []:
            with contextlib.suppress(OSError, ValueError):
                idle = not (folder / "cgroup.procs").read_text().split()
                if idle and time.time() - folder.stat().st_mtime > age:
                    folder.rmdir()


@functools.lru_cache(maxsize=4)
def caps_level(level: str) -> str:
    """How a worker at `level` is capped on this machine (one of CAPS): a control group where
    one can be made here, else one process, else per-process limits only."""
    if _is_root():
        for kind in ("cgroup2", "cgroup1"):
            if kind == "cgroup2" and not (V1 / "cgroup.controllers").is_file():
                continue
            if kind == "cgroup1" and (V1 / "cgroup.controllers").is_file():
                continue
            try:
                group = Group.create(kind, f"probe-{os.getpid()}", Limits())
            except OSError:
                continue
            group.remove()
            _sweep_stale_groups()
            return kind
        if level in ("bwrap", "process-uid"):
            return "one-process"
    return "per-process"


def network_open(level: str) -> bool:
    """Whether student code at `level` can reach the network (the host's loopback included)."""
    return level != "bwrap" and not namespaces_work()


def recorded(level: str) -> str:
    """The isolation as the gradebook records it: the level, and the network left open."""
    return f"{level} (network open)" if network_open(level) else level


def weaker(level: str, caps: str) -> list[str]:
    """One line for each way this machine's isolation falls short of the full sandbox."""
    notes = []
    if level == "process-uid" and namespaces_work():
        notes.append(
            "no bubblewrap: each worker runs as a user of its own in namespaces of its own (no "
            "network, a root with only what it needs), but sees the interpreter and its "
            "virtualenv at their real paths, and shares the host's process IDs"
        )
    elif level == "process-uid":
        notes.append(
            "no bubblewrap: each worker runs as a user of its own, but sees the host "
            "(its paths, users and processes)"
        )
    if network_open(level):
        notes.append(
            "no namespaces here: student code can reach the network (this machine's "
            "loopback services included), shares /tmp, and its disk use is capped per file only"
        )
    elif level == "process-same-user" and namespaces_work():
        notes.append(
            "no bubblewrap and not root: workers run as your own user in namespaces of their "
            "own (no network, a root with only what they need), but can signal your "
            "processes; submissions are graded one at a time"
        )
    elif level == "process-same-user":
        notes.append(
            "no bubblewrap and not root: workers run as your own user, can read and change "
            "your files and see the host; submissions are graded one at a time"
        )
    elif level == "process-as-root":
        notes.append(
            "no bubblewrap, and the interpreter is unreadable to other users: workers run as "
            "root, with no separation from the grader; submissions are graded one at a time"
        )
    if caps == "per-process":
        notes.append(
            "no control group: the memory and CPU caps apply to each process of a submission, "
            "not to all of them together"
        )
    return notes


@functools.lru_cache(maxsize=1)
def _bwrap_test_cmd() -> list[str]:
    exe = shutil.which("bwrap") or "bwrap"
    return [exe, "--unshare-net", "--unshare-pid", "--die-with-parent", *_system_binds()] + [
        "--dev",
        "/dev",
        "true",
    ]


def limit(
    limits: Limits,
    caps: str,
    group: Group | None,
    uid: int | None,
    own_user: bool,
    private: Private | None = None,
) -> None:
    """Runs in the child between fork and exec: join the control group, set the resource
    limits, enter namespaces of its own (`private`, the process levels), then drop to `uid`
    (None: bubblewrap drops inside, or no user to drop to). `own_user`: the worker gets a user
    of its own, so RLIMIT_NPROC counts only its processes."""
    import resource

    if group is not None:
        group.join()

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
    if caps == "one-process":
        cap(resource.RLIMIT_NPROC, 1)  # the worker's user runs this one process, no other
    elif own_user:
        cap(resource.RLIMIT_NPROC, limits.processes)
    else:
        cap(resource.RLIMIT_NPROC, _process_budget(limits.processes))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    _die_with_parent()
    if private is not None:
        confine(private)
    if uid is not None:
        os.setgroups([])
        os.setgid(uid)
        os.setuid(uid)


def _process_budget(extra: int) -> int:
    """RLIMIT_NPROC counts every process of the user: allow what the user runs now, plus
    `extra`."""
    uid = os.getuid()
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


# -- namespaces of the worker's own, at the process levels --------------------------------------
CLONE_NEWNS, CLONE_NEWIPC, CLONE_NEWUSER, CLONE_NEWNET = 0x20000, 0x8000000, 0x10000000, 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_REMOUNT, MS_BIND = 1, 2, 4, 32, 4096
MS_REC, MS_PRIVATE = 1 << 14, 1 << 18
SKELETON = "/tmp"  # where the worker's new root is built, in its own mount namespace


@dataclass(frozen=True)
class Private:
    """What `confine` gives a process-level worker: a root of its own holding the system's
    folders and `keep`, read-only, and a private /tmp of `tmp_bytes`."""

    tmp_bytes: int = TMPFS_BYTES
    keep: tuple[str, ...] = ()  # host folders the worker needs, at their own paths


def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(None, use_errno=True)


def _mount(
    libc: ctypes.CDLL, source: str | None, target: str, kind: str | None, flags: int, data: str = ""
) -> None:
    got = libc.mount(
        source.encode() if source else None,
        target.encode(),
        kind.encode() if kind else None,
        ctypes.c_ulong(flags),
        data.encode() if data else None,
    )
    if got != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"mount {target}: {os.strerror(err)}")


def _bind(libc: ctypes.CDLL, source: str, target: str, is_dir: bool = True) -> None:
    """Bind `source` (a path, or /proc/self/fd/N) at `target` in the new root, read-only."""
    if is_dir:
        os.makedirs(target, mode=0o755, exist_ok=True)
    else:
        os.makedirs(os.path.dirname(target), mode=0o755, exist_ok=True)
        with open(target, "a", encoding="utf-8"):
            pass
    _mount(libc, source, target, None, MS_BIND | MS_REC)
    _mount(libc, None, target, None, MS_REMOUNT | MS_BIND | MS_RDONLY)


def confine(private: Private) -> None:
    """Runs in the child between fork and exec, before it drops to the worker's user: new
    network (no interface up: no network at all), IPC and mount namespaces (in a user namespace
    when not root), and a new root of its own, like bubblewrap's: the system folders, a few
    files of /etc, /dev, and the folders of `keep` at their own paths, all read-only; one tmpfs
    of `tmp_bytes` at /tmp, /var/tmp and /dev/shm, its only writable place. No /proc, nothing
    else of the host: not the course, the kit's checkout, other submissions, homes or the
    grader's folders. Raises OSError where the machine allows none of it."""
    libc = _libc()
    flags = CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC
    if _is_root():
        if libc.unshare(flags) != 0:
            raise OSError(ctypes.get_errno(), "unshare")
    else:
        uid, gid = os.getuid(), os.getgid()
        if libc.unshare(flags | CLONE_NEWUSER) != 0:
            raise OSError(ctypes.get_errno(), "unshare")
        maps = (("setgroups", "deny"), ("uid_map", f"{uid} {uid} 1"), ("gid_map", f"{gid} {gid} 1"))
        for name, text in maps:
            with open(f"/proc/self/{name}", "w", encoding="ascii") as fh:
                fh.write(text)
    _mount(libc, None, "/", None, MS_REC | MS_PRIVATE)
    keep = [k for k in dict.fromkeys(private.keep) if os.path.isdir(k)]
    fds = {k: os.open(k, os.O_PATH | os.O_DIRECTORY) for k in keep}  # before /tmp is covered
    new = SKELETON
    _mount(libc, "tmpfs", new, "tmpfs", MS_NOSUID | MS_NODEV, "size=1048576,mode=0755")
    for name in SYSTEM_DIRS:
        host = Path("/") / name
        if host.is_symlink():
            os.symlink(os.readlink(host), f"{new}/{name}")
        elif host.is_dir():
            _bind(libc, str(host), f"{new}/{name}")
    for name in ETC_FILES:
        host = Path("/etc") / name
        if host.exists():
            _bind(libc, str(host), f"{new}/etc/{name}", host.is_dir())
    os.makedirs(f"{new}/dev", mode=0o755)
    _mount(libc, "/dev", f"{new}/dev", None, MS_BIND | MS_REC)
    os.makedirs(f"{new}/tmp", mode=0o1777, exist_ok=True)
    mode = f"size={private.tmp_bytes},mode=1777"
    _mount(libc, "tmpfs", f"{new}/tmp", "tmpfs", MS_NOSUID | MS_NODEV, mode)
    for other in ("var/tmp", "dev/shm"):
        os.makedirs(f"{new}/{other}", mode=0o755, exist_ok=True)
        _mount(libc, f"{new}/tmp", f"{new}/{other}", None, MS_BIND)
    for path in keep:  # after /tmp: a folder kept from the host's /tmp shows through it
        _bind(libc, f"/proc/self/fd/{fds[path]}", new + path)
        os.close(fds[path])
    _mount(libc, None, new, None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV)
    os.chroot(new)
    os.chdir("/tmp")


def _probe_private() -> None:
    confine(Private(tmp_bytes=1 << 20, keep=()))


@functools.lru_cache(maxsize=1)
def namespaces_work() -> bool:
    """Whether a process-level worker can have namespaces and a root of its own here
    (`confine`): no network, a private /tmp, nothing of the host but what it needs."""
    if not sys.platform.startswith("linux"):
        return False
    return _succeeds(["/bin/sh", "-c", "exec true"], preexec_fn=_probe_private, cwd="/")


def _succeeds(cmd: list[str], **kwargs: Any) -> bool:
    """Whether a probe command starts and exits 0 within 20 s (output discarded)."""
    try:
        proc = subprocess.run(cmd, capture_output=True, timeout=20, check=False, **kwargs)
    except (OSError, subprocess.SubprocessError):
        return False
    return proc.returncode == 0


def keep_paths(spec: Spec) -> tuple[str, ...]:
    """What a confined worker needs of the host: its private folder (the kit's runtime) and the
    submission's copy, the interpreter's installation, its virtualenv and packages."""
    exe, prefix = _interpreter()
    paths = [spec.scratch, spec.impl, prefix, _real(sys.prefix), exe.parent, *_site_dirs()]
    out: list[str] = []
    for path in sorted({str(_real(p)) for p in paths}, key=len):
        if not any(path == o or path.startswith(o + "/") for o in out):
            out.append(path)  # a folder inside one bound already comes with it
    return tuple(out)


def exposed(paths: list[Path]) -> list[str]:
    """Of `paths`, those another user (a worker's) could read: readable by others, in folders
    they may cross."""
    out = []
    for path in paths:
        try:
            if not path.stat().st_mode & 0o004:
                continue
            if all(p.stat().st_mode & 0o001 for p in _real(path).parents):
                out.append(str(path))
        except OSError:
            continue
    return out


@functools.lru_cache(maxsize=1)
def bwrap_works() -> bool:
    """Whether bubblewrap can start a sandbox here (installed, and namespaces allowed)."""
    if shutil.which("bwrap") is None:
        return False
    return _succeeds(_bwrap_test_cmd())


@functools.lru_cache(maxsize=1)
def others_can_run_python() -> bool:
    """Whether the interpreter can run as another user (its files readable by others)."""
    if not _is_root():
        return True
    return _succeeds(
        [sys.executable, "-I", "-S", "-c", "pass"],
        user=NOBODY,
        group=NOBODY,
        extra_groups=[],
        cwd="/",
    )


def choose(wanted: str = "auto") -> str:
    """The isolation level to use: `wanted` ("auto", "bwrap" or "process")."""
    if wanted in ("auto", "bwrap") and bwrap_works():
        return "bwrap"
    if wanted == "bwrap":
        raise RuntimeError("bubblewrap (bwrap) is not installed or cannot create namespaces")
    if not _is_root():
        return "process-same-user"
    # in namespaces of its own, a worker reaches the interpreter through covers it can cross
    return "process-uid" if others_can_run_python() or namespaces_work() else "process-as-root"


@dataclass
class Started:
    """A running worker and what it holds: its user and its control group."""

    proc: subprocess.Popen[bytes]
    slot: UidSlot | None
    group: Group | None

    def stop(self) -> None:
        if self.group is not None:
            self.group.remove()
            self.group = None
        if self.slot is not None:
            self.slot.release()
            self.slot = None


def start(spec: Spec) -> Started:
    """Start one worker; its stdin and stdout carry the protocol."""
    slot = UidSlot.acquire() if _is_root() and spec.level in ("bwrap", "process-uid") else None
    group = None
    try:
        if spec.caps in ("cgroup1", "cgroup2"):
            group = Group.create(spec.caps, spec.token.replace("/", "-"), spec.limits)
        uid = slot.uid if slot is not None else None
        private = None
        if spec.level == "bwrap":
            cmd, home, cwd, drop = bwrap_command(spec, uid), "/tmp", "/", None
        else:
            if uid is not None:  # the worker's private folder is its own, and no one else's
                os.chown(spec.scratch, uid, uid)
                os.chmod(spec.scratch, 0o700)
            home = str(spec.scratch / "home")
            cmd, cwd, drop = process_command(spec), home, uid
            if namespaces_work():
                private = Private(TMPFS_BYTES, keep_paths(spec))
                home, cwd = "/tmp", "/"
            elif uid is not None:
                os.chown(home, uid, uid)
                os.chmod(home, 0o700)
        proc = subprocess.Popen(
            cmd,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=environment(home, spec.token),
            cwd=cwd,
            start_new_session=True,
            close_fds=True,
            preexec_fn=functools.partial(
                limit, spec.limits, spec.caps, group, drop, slot is not None, private
            ),
        )
    except BaseException:
        if group is not None:
            group.remove()
        if slot is not None:
            slot.release()
        raise
    return Started(proc, slot, group)


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
