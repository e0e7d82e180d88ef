"""The wire format and the worker proxy on their own: values round-trip as data (tuples, dicts
with tuple keys, arrays of every plain dtype, numpy scalars, bytes, sets), what is not plain data
is refused, exceptions come back as their built-in type, objects the API creates are handles, and
a worker that dies fails only the call it was given."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from grader import manifest
from grader.grading import proxy, sandbox, wire
from grader.learner.plugin import failure_message
from grader.loader import LessonLoadError

KIT = Path(__file__).resolve().parents[2]
# Beside the graded batches, a sandboxed worker of these tests was seen killed (SIGKILL) while
# the red-team corpus ran in another xdist worker: they run in one worker, one after another
# (conftest.GROUPS).


def roundtrip(value: object) -> object:
    return wire.decode(json.loads(json.dumps(wire.encode(value))))


@pytest.mark.parametrize(
    "value",
    [
        {(1, 2): 3, (2, 3): 1},
        [(1, "a"), b"\x00\xff", None, True, 1.5, float("inf")],
        {"blocks": [{"w": np.arange(6.0).reshape(2, 3)}], "n": np.int64(3)},
        {frozenset({1, 2}): {3, 4}},
        np.array([[True, False]]),
        np.array(["ab", "c"]),
        np.float32(0.5),
    ],
)
def test_plain_values_round_trip_exactly(value: object) -> None:
    got = roundtrip(value)
    assert type(got) is type(value)
    assert repr(got) == repr(value)


def test_what_is_not_plain_data_is_refused() -> None:
    class Liar(int):
        def __eq__(self, other: object) -> bool:
            return True

    for bad in (Liar(3), np.array([object()]), [lambda: 1], {1: object()}):
        with pytest.raises(wire.WireError):
            wire.encode(bad)
    for message in ({"x": 1}, {"a": ["<O", [1], ""]}, {"a": ["<f8", [2], "AAAA"]}, {"h": 1}):
        with pytest.raises(wire.WireError):
            wire.decode(message)


def test_large_values_are_sent_once() -> None:
    sent, cache = wire.Sent(), {}
    ranks = {bytes([i, j]): i * 256 + j for i in range(40) for j in range(40)}
    arr = np.random.default_rng(0).normal(size=(64, 64))
    first = wire.decode(json.loads(json.dumps(wire.encode([ranks, arr], known=sent))), cache=cache)
    again = wire.encode([ranks, arr], known=sent)
    assert all(set(item) == {"r"} for item in again)
    second = wire.decode(again, cache=cache)
    assert first[0] == second[0] == ranks and np.array_equal(second[1], arr)
    second[0].clear()  # the worker hands out copies: a mutation never reaches the cache
    assert wire.decode(again, cache=cache)[0] == ranks


# A hostile function: it finds the worker's protocol descriptor and the request's id in the
# frames above it, and writes the answer itself: a dict of `n` int keys that all hash to 0.
FORGE = """

def forge_colliding(n):
    import json, sys
    frame = sys._getframe()
    while frame is not None and not {"rid", "out_fd"} <= set(frame.f_locals):
        frame = frame.f_back
    rid, fd = frame.f_locals["rid"], frame.f_locals["out_fd"]
    p = (1 << 61) - 1
    line = json.dumps({"id": rid, "ok": {"d": [[i * p, 0] for i in range(1, n)]}}).encode()
    view = memoryview(line + b"\\n")
    while view:
        view = view[os.write(fd, view):]
"""
# Hostile functions for the properties of the sandbox: what they can write, read and reach.
SNOOP = """

def flood(megabytes):
    total, block = 0, b"x" * (1 << 20)
    places = ["/tmp", "/var/tmp", "/dev/shm", os.path.expanduser("~"), os.getcwd()]
    for n, folder in enumerate(places):
        for i in range(megabytes):
            try:
                with open(os.path.join(folder, f"flood-{n}-{i}"), "wb") as fh:
                    fh.write(block)
                total += len(block)
            except OSError:
                break
    return total


def snoop(paths):
    found = {}
    for path in paths:
        try:
            with open(path, "rb") as fh:
                found[path] = fh.read(64)
        except OSError:
            pass
    return found


def reach(port):
    import socket
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False
"""
COLLIDING = 60_000  # keys: about a minute of one C call for an unguarded harness


def _crafted(n: int) -> dict[str, object]:
    return {"d": [[i * wire.HASH_MODULUS, 0] for i in range(1, n)]}


def test_crafted_colliding_answers_are_refused_before_any_container_is_built() -> None:
    """Values a student can make collide by hash (ints beyond 2**61 - 1, tuples, frozensets)
    are counted before a dict or set holds them: the crafted answer that kept an unguarded
    harness busy (quadratic in its keys, in one uninterruptible C call) fails in well under a
    second, with a one-line reason; honest answers with the same shapes decode as before."""
    small = 4_000
    began = time.perf_counter()
    wire.decode(_crafted(small))  # unguarded: every insertion walks the whole chain
    slow = time.perf_counter() - began
    burn = "while True: pass"  # under load: two busy processes on this machine's cores
    load = [subprocess.Popen([sys.executable, "-c", burn]) for _ in range(2)]
    try:
        began = time.perf_counter()
        with pytest.raises(wire.WireError, match="share one hash"):
            wire.decode(_crafted(COLLIDING), guard=wire.Guard())
        fast = time.perf_counter() - began
    finally:
        for proc in load:
            proc.kill()
            proc.wait()
    # the unguarded cost grows with the square of the keys: 60,000 keys cost 225 times 4,000
    assert fast < 2.0 and fast * 20 < slow * (COLLIDING / small) ** 2, (fast, slow)
    for crafted in (
        {"set": [i * wire.HASH_MODULUS for i in range(1, 100)]},
        [i * wire.HASH_MODULUS + 7 for i in range(100)],  # a list a test may turn into a set
        [{"t": [i * wire.HASH_MODULUS]} for i in range(100)],
        [{"fset": [i * wire.HASH_MODULUS]} for i in range(100)],
    ):
        with pytest.raises(wire.WireError, match="share one hash"):
            wire.decode(crafted, guard=wire.Guard())
    honest = {"d": [[{"t": [i, i + 1]}, i] for i in range(50_000)]}
    assert len(wire.decode(honest, guard=wire.Guard())) == 50_000
    assert wire.decode([2**62, 3, -(2**70)], guard=wire.Guard()) == [2**62, 3, -(2**70)]
    with pytest.raises(wire.WireError, match="more than"):
        wire.loads(b'{"ok": [' + b"0," * 100 + b"0]}", max_items=100)


@pytest.fixture(params=["auto", "process"])
def client(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[proxy.Client]:
    """A client for the reference solutions plus a few hostile functions, under the best
    sandbox here (auto) and as a plain process with limits (process)."""
    course = manifest.load(KIT)
    impl = tmp_path / "exercises"
    for lesson in course.entries:
        if lesson.is_lesson and lesson.solution_path.exists():
            target = impl / lesson.package / lesson.exercise_path.name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(lesson.solution_path, target)
    for chapter in course.chapters:
        (impl / chapter.package).mkdir(parents=True, exist_ok=True)
        (impl / chapter.package / "__init__.py").write_text("")
    bpe = impl / "ch1_tokens" / "l03_bpe.py"
    bpe.write_text(
        bpe.read_text()
        + "\n\nimport os\n\ndef die():\n    os._exit(3)\n\n"
        + "def fail(kind, text):\n    raise {'v': ValueError, 'k': KeyError, "
        + "'n': NotImplementedError, 'r': RuntimeError}[kind](text)\n"
        + "\ndef smallest(xs):\n    return min(x for x in xs if x > 10)\n"
        + "\ndef bounded(xs, top):\n    if len(xs) >= top:\n        raise ValueError('too long')\n"
        + "\ndef draw(us, n):\n    out = []\n    while len(out) <= n:\n"
        + "        out.append(us[len(out)])\n    return out\n"
        + "\ndef lookup(ranks, text):\n    return [ranks[p] for p in text]\n"
        + "\ndef kth(values, k):\n    ordered = sorted(values)[::-1]\n    return ordered[k - 1]\n"
        + "\ndef size_then_wreck(ranks):\n    n = (len(ranks), ranks[b'hello'])\n"
        + "    ranks.clear()\n    return n\n"
        + FORGE
        + SNOOP
    )
    for path in [tmp_path, *tmp_path.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    spec = sandbox.Spec(
        sandbox.choose(request.param),
        impl,
        tmp_path / "scratch",
        sandbox.Limits(),
        "t-" + tmp_path.name,
    )
    spec.scratch.mkdir()
    made = proxy.Client(spec, call_timeout=20)
    yield made
    made.close()


def test_calls_exceptions_handles_and_restarts(client: proxy.Client) -> None:
    course = manifest.load(KIT)
    bpe = proxy.ModuleProxy(client, course.get("1.3"))
    assert bpe.count_pairs([1, 2, 1, 2]) == {(1, 2): 2, (2, 1): 1}
    ids = [1, 2, 1, 2]
    assert bpe.merge(ids, (1, 2), 256) == [256, 256] and ids == [1, 2, 1, 2]
    for kind, exc in (("v", ValueError), ("k", KeyError), ("n", NotImplementedError)):
        with pytest.raises(exc) as info:
            bpe.fail(kind, "lesson 1.3: not written yet")
        assert "lesson 1.3: not written yet" in str(info.value)
    with pytest.raises(proxy.WorkerError, match="RuntimeError"):
        bpe.fail("r", "boom")
    kv = proxy.ModuleProxy(client, course.get("2.6"))
    cache = kv.KVCache(2, 4, 3)
    cache.append(0, np.ones((2, 3)), np.zeros((2, 3)))
    cache.append(1, np.ones((2, 3)), np.zeros((2, 3)))
    assert len(cache) == 2 and kv.kv_cache_bytes(2, 3, 4) == 192
    assert np.array_equal(cache.keys(0), np.ones((2, 3)))
    with pytest.raises(ValueError):
        cache.append(0, np.ones((3, 3)), np.zeros((3, 3)))
    with pytest.raises(proxy.WorkerError, match="ended the worker"):
        bpe.die()
    with pytest.raises(proxy.WorkerError, match="lost"):
        len(cache)
    assert bpe.merge([1, 2], (1, 2), 9) == [9]  # a fresh worker for the next call
    with pytest.raises(AttributeError):
        bpe.no_such_function  # noqa: B018


def test_a_crash_in_the_worker_reads_like_a_local_one(client: proxy.Client) -> None:
    # the failure message of a check that grading runs: the call as the test made it, the
    # exception in one line, and the learner's line that raised, which the worker reports
    course = manifest.load(KIT)
    bpe = proxy.ModuleProxy(client, course.get("1.3"))
    with pytest.raises(ValueError) as info:
        bpe.fail("v", "no merges yet")
    line = next(
        n
        for n, text in enumerate(
            (client.spec.impl / "ch1_tokens/l03_bpe.py").read_text().split("\n"), 1
        )
        if text.startswith("    raise {")
    )
    message = failure_message(info, client.spec.impl)
    assert message.startswith("fail('v', 'no merges yet') raised ValueError: no merges yet (in ")
    assert message.endswith(
        f"exercises/ch1_tokens/l03_bpe.py, line {line}: `raise {{'v': ValueError, 'k': KeyError, 'n': NotImplementedError, 'r': RuntimeError}}[kind](text)`)"
    )
    # an exception that names its mechanism gets its usual mistake, graded as locally
    with pytest.raises(ValueError) as info:
        bpe.smallest([1, 2])
    message = failure_message(info, client.spec.impl)
    assert message.startswith("smallest([1, 2]) raised ValueError: min() arg is an empty sequence")
    assert message.endswith(
        "`return min(x for x in xs if x > 10)`) Likely mistake: min() or max() got an empty "
        "sequence: the case with nothing left to choose from (an input too short, or everything "
        "already merged or filtered out) needs its own branch before the call."
    )

    # the learner's own check, decided at its edge: the worker evaluates the `if` again and
    # sends only its operator and the number at the edge
    with pytest.raises(ValueError) as info:
        bpe.bounded([1, 2, 3], 3)
    assert failure_message(info, client.spec.impl).endswith(
        "`raise ValueError('too long')`) Likely mistake: your check decides at its edge: both "
        "sides of its `>=` are 3, and `>` would let this input through, which the task accepts "
        "(an off-by-one in the bound)."
    )
    with pytest.raises(IndexError) as info:
        bpe.draw([0.5, 0.25, 0.75], 3)
    assert failure_message(info, client.spec.impl).endswith(
        "`out.append(us[len(out)])`) Likely mistake: an off-by-one: index 3 of 3 items, which "
        "run from 0 to 2 (a loop that runs once too often, or positions counted from 1)."
    )
    # a KeyError: the worker reads the dict on the failing line and sends only the two type
    # names (from a fixed list), never a key or a dict
    with pytest.raises(KeyError) as info:
        bpe.lookup({b"a": 0, b"b": 1}, b"ab")
    assert failure_message(info, client.spec.impl).endswith(
        "`return [ranks[p] for p in text]`) Likely mistake: the key is of type int, but every "
        "key of the dict is of type bytes: build the key the way the dict's keys were built "
        "(iterating over bytes gives ints: bytes([b]) is the one-byte key)."
    )
    # an index that an argument drives past the end: the argument's name (an identifier) and
    # the length are all the worker sends
    with pytest.raises(IndexError) as info:
        bpe.kth([1, 3, 2], 10)
    assert failure_message(info, client.spec.impl).endswith(
        "`return ordered[k - 1]`) Likely mistake: the index, computed from the "
        "argument `k`, falls outside the 3 items it indexes: a `k` beyond the number of items "
        "needs its own case (clamp it with min(k, n), or check it first)."
    )


@pytest.mark.parametrize(
    "edge",
    [
        ["==", 3],
        [">=", "3"],
        [">=", 3.0],
        [">=", 3, 4],
        ">= 3",
        [">", 10**13],
        None,
        ["{int:\x1b[31mbytes}", 0],
        ["{Evil:bytes}", 0],
        ["{int:bytes}x", 0],
        [["{}"], 0],
        ["[>k\x1b[31m]", 3],
        ["[>a b]", 3],
        ["[>" + "k" * 40 + "]", 3],
    ],
)
def test_a_forged_edge_from_the_worker_is_left_out(edge: object) -> None:
    assert proxy.edge_of({"file": "exercises/x.py", "line": 1, "edge": edge}) is None
    assert proxy.edge_of({"edge": ["<=", 7]}) == ("<=", 7)
    assert proxy.edge_of({"edge": ["[]", 7]}) == ("[]", 7)
    assert proxy.edge_of({"edge": ["{int:bytes}", 0]}) == ("{int:bytes}", 0)
    assert proxy.edge_of({"edge": ["{}", 0]}) == ("{}", 0)
    assert proxy.edge_of({"edge": ["[>k]", 3]}) == ("[>k]", 3)


@pytest.mark.parametrize(
    "where",
    [
        None,
        "exercises/ch1_tokens/l03_bpe.py",
        {"file": "/etc/passwd", "line": 1, "code": "x"},
        {"file": "exercises/../../secret.py", "line": 1, "code": "x"},
        {"file": "exercises/ch1_tokens/l03_bpe.py", "line": "1", "code": "x"},
        {"file": "exercises/ch1_tokens/l03_bpe.py", "line": -4, "code": "x"},
    ],
)
def test_a_forged_line_report_from_the_worker_is_left_out(where: object) -> None:
    assert proxy.where_text(where) == ""


def test_a_reported_line_is_inert() -> None:
    got = proxy.where_text(
        {"file": "exercises/ch1_tokens/l03_bpe.py", "line": 7, "code": "x = `\x1b[31m`\n<b>"}
    )
    assert got == "exercises/ch1_tokens/l03_bpe.py, line 7: `x = '\\x1b[31m' <b>`"


def test_a_module_that_cannot_load(client: proxy.Client) -> None:
    course = manifest.load(KIT)
    lesson = course.get("1.1")
    (client.spec.impl / lesson.package / lesson.exercise_path.name).write_text("def broken(:\n")
    with pytest.raises(LessonLoadError, match="syntax error"):
        proxy.ModuleProxy(client, lesson).build_char_vocab("ab")


def test_cl100k_ranks_cross_by_name_and_every_call_gets_its_own_copy(
    client: proxy.Client,
) -> None:
    """The ranks of cl100k are not sent: the worker copies those of its own cl100k, and a call
    that empties its copy leaves the next call's intact."""
    from grader import assets

    ranks = assets.cl100k_ranks()
    bpe = proxy.ModuleProxy(client, manifest.load(KIT).get("1.3"))
    want = (len(ranks), ranks[b"hello"])
    before = client.worker.stats.bytes_out
    assert bpe.size_then_wreck(ranks) == want
    assert bpe.size_then_wreck(ranks) == want
    assert client.worker.stats.bytes_out - before < 4096  # 100,000 entries would be megabytes
    assert wire.encode([ranks], known=client.sent) == [{"n": "cl100k_ranks"}]
    changed = dict(ranks)
    changed[b"hello"] = 1
    assert bpe.size_then_wreck(changed) == (len(ranks), 1)  # another dict crosses as itself
    with pytest.raises(wire.WireError):
        wire.decode({"n": "cl100k_ranks"})  # only a worker builds named values


def test_a_forged_colliding_answer_fails_its_call_fast_and_names_the_lesson(
    client: proxy.Client,
) -> None:
    """Student code that writes a crafted answer straight to the protocol pipe costs the
    harness a bounded moment, counted in the submission's CPU budget: its call fails with one
    line naming the lesson, and the next call gets a fresh worker."""
    bpe = proxy.ModuleProxy(client, manifest.load(KIT).get("1.3"))
    assert bpe.merge([1, 2], (1, 2), 9) == [9]
    before = client.worker.answer_cpu
    began = time.monotonic()
    with pytest.raises(proxy.WorkerError) as info:
        bpe.forge_colliding(COLLIDING)
    assert time.monotonic() - began < 10.0
    message = str(info.value)
    assert message.startswith("lesson 1.3: forge_colliding(...) failed") and "\n" not in message
    assert "share one hash" in message
    assert client.worker.answer_cpu > before
    assert bpe.merge([1, 2], (1, 2), 9) == [9]


def test_student_code_writes_only_a_capped_private_tmp(client: proxy.Client) -> None:
    """Property 4: a submission that writes a gigabyte wherever it can (/tmp, /var/tmp,
    /dev/shm, its home, its folder) hits one cap of its own, and the next call works."""
    bpe = proxy.ModuleProxy(client, manifest.load(KIT).get("1.3"))
    wrote = bpe.flood(1024)
    assert 0 < wrote <= sandbox.TMPFS_BYTES, wrote
    assert bpe.merge([1, 2], (1, 2), 9) == [9]


def test_student_code_reads_nothing_of_the_host_and_reaches_no_network(
    client: proxy.Client, tmp_path: Path
) -> None:
    """Properties 2 and 3, at every level where the machine gives namespaces: no file of the
    instructor's (solutions, hidden tests, the course manifest, a file beside the submission)
    can be read, no port of this machine can be reached, and the worker's private folder is
    its user's alone (0700)."""
    import socket

    if client.spec.level != "bwrap" and not sandbox.namespaces_work():
        pytest.skip("no namespaces here: the process level shares the host (README)")
    course = manifest.load(KIT)
    lesson = course.get("1.3")
    beside = tmp_path / "beside.txt"
    beside.write_text("a classmate's file")
    beside.chmod(0o644)
    secrets = [lesson.solution_path, lesson.hidden_test_path, KIT / "course.toml", beside]
    bpe = proxy.ModuleProxy(client, lesson)
    assert bpe.snoop([str(p) for p in secrets]) == {}
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        assert bpe.reach(listener.getsockname()[1]) is False
    if client.spec.level == "process-uid":
        info = client.spec.scratch.stat()
        assert info.st_mode & 0o777 == 0o700 and info.st_uid in sandbox.UID_RANGE


def test_without_namespaces_a_course_others_can_read_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Property 3 where a root grader cannot give its workers namespaces: a worker's own user
    sees the host, so grading refuses a course whose solutions or hidden tests that user could
    read, and grades once they are private to the instructor."""
    from grader.grading import batch

    from .test_redteam import make_course

    top = Path(tempfile.mkdtemp(dir="/tmp"))  # a folder others may cross, like a checkout's
    try:
        top.chmod(0o755)
        make_course(top / "course", ["1.1"])
        course = manifest.load(top / "course")
        monkeypatch.setattr(sandbox, "namespaces_work", lambda: False)
        with pytest.raises(RuntimeError, match="readable by other users"):
            batch.check_private(course, "process-uid")
        batch.check_private(course, "bwrap")  # bubblewrap never shows the course
        for private in (top / "course" / "solutions", top / "course" / "tests" / "hidden"):
            private.chmod(0o750)
        batch.check_private(course, "process-uid")
    finally:
        shutil.rmtree(top, ignore_errors=True)
