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
    first = harness.collect(KIT, [TEST_FILE], tmp_path / "a")
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
    second = harness.collect(KIT, [TEST_FILE], tmp_path / "b")
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
