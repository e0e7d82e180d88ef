"""Hidden tests for lesson 1.3, Byte pair encoding. Independent oracles only: merge counts are
recomputed here with collections.Counter and a brute-force scan, never with the solution."""

import random
from collections import Counter

import pytest

from grader.testing import call, expect_raises, explain, first_difference

TEXTS = {
    "english": "the quick brown fox jumps over the lazy dog; the dog sleeps. " * 4,
    "german": "Größere Übungen über Äpfel und Öfen: schön, schöner, am schönsten. " * 3,
    "russian": "Привет, мир! Мир большой, а привет короткий. " * 3,
    "greek": "Καλημέρα κόσμε, καλημέρα σε όλους. " * 3,
    "chinese": "我爱自然语言处理。自然语言处理很有趣。" * 3,
    "emoji": "👍🏽 ok 👍🏽 ok 👨‍👩‍👧 family 👨‍👩‍👧 🎉🎉🎉",
    "code": "def f(x):\n    return x * x\n\ndef g(x):\n    return f(x) + f(x)\n" * 2,
}


def _oracle_pair_counts(ids):
    return Counter(zip(ids, ids[1:]))


def _oracle_merge(ids, pair, new_id):
    out, i = [], 0
    while i < len(ids):
        if ids[i : i + 2] == list(pair):
            out.append(new_id)
            i += 2
        else:
            out.append(ids[i])
            i += 1
    return out


def _oracle_train(text, vocab_size):
    ids = list(text.encode("utf-8"))
    merges = []
    for new_id in range(256, vocab_size):
        counts = _oracle_pair_counts(ids)
        if not counts:
            break
        best_count = max(counts.values())
        if best_count < 2:
            break
        # first appearance in the current sequence among the pairs with the best count
        best = next(p for p in zip(ids, ids[1:]) if counts[p] == best_count)
        ids = _oracle_merge(ids, best, new_id)
        merges.append((best, new_id))
    return merges


def test_count_pairs_matches_counter_on_random_ids(bpe):
    rng = random.Random(13)
    for _ in range(20):
        ids = [rng.randrange(6) for _ in range(rng.randrange(0, 60))]
        got = bpe.count_pairs(ids)
        want = _oracle_pair_counts(ids)
        assert dict(got) == dict(want), explain(call("count_pairs", ids), got, dict(want))
        order = list(dict.fromkeys(zip(ids, ids[1:])))
        assert list(got) == order, f"count_pairs({ids}) keys are not in first-appearance order"


def test_merge_matches_oracle_on_random_ids(bpe):
    rng = random.Random(7)
    for _ in range(30):
        ids = [rng.randrange(4) for _ in range(rng.randrange(0, 40))]
        pair = (rng.randrange(4), rng.randrange(4))
        got = bpe.merge(ids, pair, 99)
        want = _oracle_merge(ids, pair, 99)
        assert got == want, explain(call("merge", ids, pair, 99), got, want)


def test_merge_of_a_pair_that_never_occurs_changes_nothing(bpe):
    ids = [1, 2, 3]
    got = bpe.merge(ids, (3, 1), 256)
    assert got == ids, explain(call("merge", ids, (3, 1), 256), got, ids)


@pytest.mark.parametrize("name", sorted(TEXTS))
def test_train_bpe_matches_independent_training(bpe, name):
    text = TEXTS[name]
    got = bpe.train_bpe(text, 300)
    want = _oracle_train(text, 300)
    assert got == want, (
        f"train_bpe(<{name} text>, 300) learned {len(got)} merges, expected {len(want)}; "
        f"{first_difference(got, want)}"
    )


def test_train_bpe_on_empty_text_learns_nothing(bpe):
    got = bpe.train_bpe("", 400)
    assert got == [], explain(call("train_bpe", "", 400), got, [])


def test_train_bpe_larger_vocabulary_on_generated_text(bpe):
    rng = random.Random(5)
    words = ["token", "tokens", "tokenizer", "merge", "merges", "pair", "byte", "bytes"]
    text = " ".join(rng.choice(words) for _ in range(400))
    got = bpe.train_bpe(text, 356)
    want = _oracle_train(text, 356)
    assert got == want, f"train_bpe(<generated words>, 356): {first_difference(got, want)}"


@pytest.mark.parametrize("name", sorted(TEXTS))
def test_round_trip_with_merges_from_another_text(bpe, name):
    merges = _oracle_train(TEXTS["english"] + TEXTS["code"], 320)
    text = TEXTS[name]
    ids = bpe.encode(text, merges)
    back = bpe.decode(ids, merges)
    assert back == text, f"decode(encode(<{name} text>)) did not give the text back: {back[:60]!r}"


def test_encode_matches_training_sequence(bpe):
    # Encoding the training text with its own merges gives exactly the final training sequence.
    text = TEXTS["english"]
    merges = _oracle_train(text, 290)
    ids = list(text.encode("utf-8"))
    for pair, new_id in merges:
        ids = _oracle_merge(ids, pair, new_id)
    got = bpe.encode(text, merges)
    assert got == ids, f"encode(<training text>, <its merges>): {first_difference(got, ids)}"


def test_encode_empty_and_single_character(bpe):
    merges = [((104, 105), 256)]
    for text, want in (("", []), ("h", [104]), ("é", [195, 169])):
        got = bpe.encode(text, merges)
        assert got == want, explain(call("encode", text, merges), got, want)


def test_decode_of_split_emoji_uses_replacement(bpe):
    raw = "😀".encode("utf-8")
    got = bpe.decode(list(raw[:2]) + [33], [])
    assert got.endswith("!") and "\ufffd" in got, explain(
        call("decode", list(raw[:2]) + [33], []), got, expected_text="'\\ufffd!'"
    )


def test_decode_rejects_negative_ids(bpe):
    expect_raises(ValueError, bpe.decode, [-1], [])


def test_vocab_bytes_covers_every_learned_id(bpe):
    text = TEXTS["german"]
    merges = _oracle_train(text, 300)
    got = bpe.vocab_bytes(merges)
    want = {i: bytes([i]) for i in range(256)}
    for (a, b), new_id in merges:
        want[new_id] = want[a] + want[b]
    assert sorted(got) == sorted(want), (
        f"vocab_bytes has ids {min(got)}..{max(got)}, expected 0..{max(want)}"
    )
    bad = [i for i in want if got[i] != want[i]]
    assert not bad, f"vocab_bytes(...)[{bad[0]}] is {got[bad[0]]!r}, expected {want[bad[0]]!r}"
