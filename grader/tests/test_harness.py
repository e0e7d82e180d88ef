"""The harness's bytecode cache: a batch rewrites each instructor test module once. The
collection writes the rewritten modules to the grader's private folder, later harness runs read
them from there (checked by the source's hash), and a run whose worker could write to the
grader's files never uses the folder."""

from __future__ import annotations

import importlib.util
import json
import marshal
from pathlib import Path

import pytest

from grader.grading import harness

KIT = Path(__file__).resolve().parents[2]
TEST_FILE = KIT / "tests" / "ch1_tokens" / "test_l01_numbers.py"


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "pyc"
    folder.mkdir(mode=0o700)
    monkeypatch.setattr(harness, "_PYC", folder)
    return folder


def test_the_collection_fills_the_cache_and_the_next_run_reads_it(
    cache: Path, tmp_path: Path
) -> None:
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
    first = harness.collect(KIT, [TEST_FILE], tmp_path / "a").ids
    assert first and all(i.startswith("tests/ch1_tokens/test_l01_numbers.py::") for i in first)
    written = list(cache.rglob("test_l01_numbers*.pyc"))
    assert len(written) == 1, sorted(p.name for p in cache.rglob("*"))
    # Replace the cached code (same source hash) with code that has one more test: a run that
    # collects it has read the cache instead of rewriting the module.
    raw = written[0].read_bytes()
    source = TEST_FILE.read_text(encoding="utf-8") + "\n\ndef test_from_the_cache():\n    pass\n"
    forged = compile(source, str(TEST_FILE), "exec", dont_inherit=True)
    assert raw[8:16] == importlib.util.source_hash(TEST_FILE.read_bytes())[:8]
    written[0].write_bytes(raw[:16] + marshal.dumps(forged))
    second = harness.collect(KIT, [TEST_FILE], tmp_path / "b").ids
    assert second == [*first, "tests/ch1_tokens/test_l01_numbers.py::test_from_the_cache"]


@pytest.mark.parametrize(
    ("level", "root", "shared"),
    [
        ("bwrap", False, True),
        ("bwrap", True, True),
        ("process", True, True),
        ("process", False, False),
        ("process-as-root", True, False),
    ],
)
def test_only_a_worker_that_cannot_write_there_shares_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, level: str, root: bool, shared: bool
) -> None:
    config = tmp_path / "worker.json"
    config.write_text(json.dumps({"level": level}), encoding="utf-8")
    monkeypatch.setattr(harness.os, "geteuid", lambda: 0 if root else 1000)
    assert harness._cache_safe(config) is shared
    assert harness._cache_safe(None) is False  # the harness itself imports the student code
    cmd = harness.command(
        KIT, [TEST_FILE], tmp_path, tmp_path / "r.json", harness.Limits(), tmp_path, config
    )
    assert any(a.startswith("--hexahype-bytecode=") for a in cmd) is shared


PROBE = """
import json, os, resource

def test_probe():
    out = {
        "env": {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")},
        "cwd": os.getcwd(),
        "own_session": os.getsid(0) == os.getpid(),
        "memory": resource.getrlimit(resource.RLIMIT_AS)[0],
        "stdin": os.read(0, 100).decode(),
    }
    with open(os.environ["PROBE_OUT"], "w") as fh:
        json.dump(out, fh)
"""


def test_a_forked_harness_has_only_its_own_environment_limits_and_session(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A fork of the server starts from none of the grader's environment (a canary set in the
    grader never reaches it), with the run's working folder, limits and a session of its own;
    its exit code and output come back like a child process's."""
    from grader.prefork import client as forked

    monkeypatch.setenv("HEXAHYPE_GRADER_SECRET", "CANARY-" + tmp_path.name)
    root = tmp_path / "root"
    root.mkdir()
    (root / "test_probe.py").write_text(PROBE, encoding="utf-8")
    env = {**harness.environment(tmp_path), "PROBE_OUT": str(tmp_path / "probe.json")}
    log = tmp_path / "log.txt"
    args = ["-q", "-p", "no:cacheprovider", "test_probe.py"]
    run = forked.spawn(root, args, env, log, [16, 3000, 60])
    assert run is not None, "the fork server did not start"
    try:
        assert run.wait(120) == 0, log.read_text()
        got = json.loads((tmp_path / "probe.json").read_text())
        assert got["env"] == {k: v for k, v in env.items() if not k.startswith("PYTEST_")}
        assert got["cwd"] == str(root) and got["own_session"] and got["stdin"] == ""
        assert got["memory"] == 3000 * 1024 * 1024
        assert "1 passed" in log.read_text()
        failing = forked.spawn(root, [*args, "-k", "nothing"], env, log, [16, 3000, 60])
        assert failing is not None and failing.wait(120) == 5  # pytest: no test ran
    finally:
        server = forked._SERVERS.pop(root.resolve(), None)
        if server is not None:
            server.close()
    monkeypatch.setenv("HEXAHYPE_FORKSERVER", "0")
    assert forked.spawn(root, args, env, log, [16, 3000, 60]) is None  # a plain child then
