"""Visible tests for lesson 1.3, Byte pair encoding: tiny cases first, then the pinned
conventions, then properties. The `bpe` fixture is your exercises/ch1_tokens/l03_bpe.py."""

from grader.testing import (
    call,
    expect_raises,
    expect_unchanged,
    explain,
    first_difference,
    shown,
)

WIKI = "aaabdaaabac"  # the classic example, small enough to follow by hand
WIKI_MERGES = [((97, 97), 256), ((256, 97), 257), ((257, 98), 258)]


# -- count_pairs ----------------------------------------------------------------------------
def test_count_pairs_counts_adjacent_pairs(bpe):
    ids = [1, 2, 3, 1, 2]
    got = bpe.count_pairs(ids)
    want = {(1, 2): 2, (2, 3): 1, (3, 1): 1}
    hint = ""
    if isinstance(got, dict) and (2, 1) in got:
        hint = "pairs are (ids[i], ids[i+1]) in that order."
    assert got == want, explain(call("count_pairs", ids), got, want, hint)


def test_count_pairs_keys_follow_first_appearance(bpe):
    ids = [3, 1, 1, 2, 3, 1]
    got = bpe.count_pairs(ids)
    want = [(3, 1), (1, 1), (1, 2), (2, 3)]
    hint = ""
    if list(got) == sorted(want):
        hint = "insert keys the first time you meet a pair; do not sort them."
    assert list(got) == want, explain(
        call("count_pairs", ids) + " key order", list(got), want, hint
    )


def test_count_pairs_of_short_input_is_empty(bpe):
    for ids in ([], [7]):
        got = bpe.count_pairs(ids)
        assert got == {}, explain(call("count_pairs", ids), got, {})


# -- merge --------------------------------------------------------------------------------
def test_merge_replaces_every_occurrence(bpe):
    ids = [1, 2, 3, 1, 2]
    got = bpe.merge(ids, (1, 2), 256)
    hint = "keep scanning after the first match." if got == [256, 3, 1, 2] else ""
    assert got == [256, 3, 256], explain(call("merge", ids, (1, 2), 256), got, [256, 3, 256], hint)


def test_merge_does_not_overlap(bpe):
    ids = [5, 5, 5]
    got = bpe.merge(ids, (5, 5), 256)
    hint = ""
    if got == [256, 256]:
        hint = "after a match, jump past both halves (i += 2) so a byte is never used twice."
    assert got == [256, 5], explain(call("merge", ids, (5, 5), 256), got, [256, 5], hint)


def test_merge_leaves_input_unchanged(bpe):
    expect_unchanged(bpe.merge, [1, 2, 1, 2], (1, 2), 256)


def test_merge_keeps_a_trailing_half_pair(bpe):
    ids = [1, 2, 1]
    got = bpe.merge(ids, (1, 2), 256)
    hint = "the last element has no partner; append it as it is." if got == [256] else ""
    assert got == [256, 1], explain(call("merge", ids, (1, 2), 256), got, [256, 1], hint)


# -- train_bpe ----------------------------------------------------------------------------
def test_train_bpe_on_the_worked_example(bpe):
    got = bpe.train_bpe(WIKI, 259)
    hint = ""
    if isinstance(got, list) and got and got[0] == ((97, 97), 257):
        hint = "the first new id is 256, not 257."
    elif isinstance(got, list) and got[:1] == WIKI_MERGES[:1] and got != WIKI_MERGES:
        hint = (
            "after the first merge, (256, 97) and (97, 98) both occur twice: "
            "ties go to the pair that appears first in the current sequence."
        )
    assert got == WIKI_MERGES, explain(call("train_bpe", WIKI, 259), got, WIKI_MERGES, hint)


def test_train_bpe_breaks_ties_by_first_appearance(bpe):
    # "bc" (98, 99), "ca" (99, 97) and "ab" (97, 98) each occur twice: a three-way tie. "bc"
    # appears first; the last-seen pair is "ab" (also the smallest), the largest is "ca".
    text = "bcabcab"
    got = bpe.train_bpe(text, 257)
    want = [((98, 99), 256)]
    hint = ""
    if got in ([((97, 98), 256)], [((99, 97), 256)]):
        hint = "ties go to the pair that appears first, not to the smallest, largest or last pair."
    assert got == want, explain(call("train_bpe", text, 257), got, want, hint)


def test_train_bpe_stops_when_no_pair_repeats(bpe):
    text = "abcd"
    got = bpe.train_bpe(text, 300)
    hint = "stop as soon as the best count is below 2." if got else ""
    assert got == [], explain(call("train_bpe", text, 300), got, [], hint)


def test_train_bpe_rejects_vocab_below_256(bpe):
    expect_raises(
        ValueError,
        bpe.train_bpe,
        "hello",
        255,
        hint="the 256 byte values are always in the vocabulary.",
    )


def test_train_bpe_vocab_of_256_learns_nothing(bpe):
    got = bpe.train_bpe(WIKI, 256)
    assert got == [], explain(call("train_bpe", WIKI, 256), got, [])


# -- encode, decode, vocab_bytes ----------------------------------------------------------
def test_encode_the_worked_example(bpe):
    got = bpe.encode(WIKI, WIKI_MERGES)
    want = [258, 100, 258, 97, 99]
    hint = ""
    if isinstance(got, list) and len(got) > len(want):
        hint = "keep looping until no learned pair is present."
    assert got == want, explain(
        call("encode", WIKI, shown(WIKI_MERGES, "<merges of the worked example>")), got, want, hint
    )


def test_encode_uses_the_lowest_merge_index_first(bpe):
    # 256 = "bc" is learned before 257 = "ab", so "abc" must become [a, bc], not [ab, c].
    merges = [((98, 99), 256), ((97, 98), 257)]
    got = bpe.encode("abc", merges)
    hint = ""
    if got == [257, 99]:
        hint = "merge the pair with the lowest merge index first, not the leftmost pair."
    assert got == [97, 256], explain(call("encode", "abc", merges), got, [97, 256], hint)


def test_encode_repeats_merges_until_none_applies(bpe):
    # "aaaa" -> 256 256 -> 257: merge 256 must be applied again after it was used once.
    merges = [((97, 97), 256), ((256, 256), 257)]
    got = bpe.encode("aaaaaaaa", merges)
    hint = "keep looping until no learned pair is present." if got != [257, 257] else ""
    assert got == [257, 257], explain(call("encode", "aaaaaaaa", merges), got, [257, 257], hint)


def test_encode_merges_the_last_two_ids(bpe):
    # Two ids are still a pair: "aa" is one merge, and "aaaa" ends as [256, 256], which merges.
    merges = [((97, 97), 256), ((256, 256), 257)]
    for text, want in (("aa", [256]), ("aaaa", [257])):
        got = bpe.encode(text, merges)
        hint = ""
        if isinstance(got, list) and len(got) == 2 and got != want:
            hint = "two ids are still a pair that may merge: loop while len(ids) >= 2."
        assert got == want, explain(call("encode", text, merges), got, want, hint)


def test_vocab_bytes_joins_the_pair(bpe):
    got = bpe.vocab_bytes(WIKI_MERGES)
    want = {256: b"aa", 257: b"aaa", 258: b"aaab"}
    for new_id, raw in want.items():
        assert got.get(new_id) == raw, explain(
            f"vocab_bytes(<merges of the worked example>)[{new_id}]", got.get(new_id), raw
        )
    assert len(got) == 259 and got[0] == b"\x00" and got[255] == b"\xff", (
        f"vocab_bytes(...) has {len(got)} entries, expected 259: ids 0..255 are single bytes."
    )


def test_decode_the_worked_example(bpe):
    ids = [258, 100, 258, 97, 99]
    got = bpe.decode(ids, WIKI_MERGES)
    assert got == WIKI, explain(call("decode", ids, shown(WIKI_MERGES, "<merges>")), got, WIKI)


def test_decode_replaces_invalid_utf8(bpe):
    ids = [0xE2, 0x82]  # the first two bytes of "€", cut short
    got = bpe.decode(ids, [])
    hint = "decode with errors='replace'." if not isinstance(got, str) else ""
    assert got == "\ufffd", explain(call("decode", ids, []), got, "\ufffd", hint)


def test_decode_rejects_unknown_ids(bpe):
    expect_raises(
        ValueError,
        bpe.decode,
        [97, 300],
        WIKI_MERGES,
        hint="300 is not in the vocabulary; raise ValueError instead of skipping it.",
    )


# -- properties ---------------------------------------------------------------------------
def test_round_trip_on_mixed_text(bpe):
    text = "low lower lowest, newer newest! héllo wörld 😀😀"
    merges = bpe.train_bpe(text, 280)
    ids = bpe.encode(text, merges)
    back = bpe.decode(ids, merges)
    assert back == text, f"decode(encode(text)) gave {back!r}, expected the text back: {text!r}"
    assert len(ids) < len(text.encode("utf-8")), (
        f"encode(text) gave {len(ids)} ids for {len(text.encode())} bytes; merges should shorten it."
    )


def test_training_ids_are_consecutive_from_256(bpe):
    merges = bpe.train_bpe("the cat sat on the mat with the hat " * 3, 270)
    new_ids = [new_id for _, new_id in merges]
    want = list(range(256, 256 + len(new_ids)))
    assert new_ids == want, (
        f"new ids were {new_ids}, expected {want}: {first_difference(new_ids, want)}"
    )
