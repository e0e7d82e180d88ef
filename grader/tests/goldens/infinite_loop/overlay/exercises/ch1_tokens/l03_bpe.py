"""Lesson 1.3 - Byte pair encoding (reference solution).

Byte-level BPE with no pre-splitting: the base vocabulary is the 256 byte values, and every
merge learned adds one new id (256, 257, ...). In scope: counting pairs, merging, training,
encoding and decoding. Left out: regex pre-splitting and special tokens (lessons 1.4 and 1.5).
"""

from __future__ import annotations

Merges = list[tuple[tuple[int, int], int]]


def count_pairs(ids: list[int]) -> dict[tuple[int, int], int]:
    """Count adjacent pairs; keys in order of first appearance.

    count_pairs([1, 2, 3, 1, 2])  ->  {(1, 2): 2, (2, 3): 1, (3, 1): 1}
    """
    counts: dict[tuple[int, int], int] = {}
    for pair in zip(ids, ids[1:]):
        counts[pair] = counts.get(pair, 0) + 1
    return counts


def merge(ids: list[int], pair: tuple[int, int], new_id: int) -> list[int]:
    """Replace every non-overlapping occurrence of `pair`, scanning left to right.

    merge([1, 2, 3, 1, 2], (1, 2), 256)  ->  [256, 3, 256]
    merge([5, 5, 5], (5, 5), 256)        ->  [256, 5]
    """
    out: list[int] = []
    i = 0
    while i < len(ids):
        if i + 1 < len(ids) and ids[i] == pair[0] and ids[i + 1] == pair[1]:
            out.append(new_id)
            i += 2  # jump past both halves: this is what stops overlapping merges
        else:
            out.append(ids[i])
    return out


def train_bpe(text: str, vocab_size: int) -> Merges:
    """Learn `vocab_size - 256` merges (fewer if no pair occurs twice), in order.

    train_bpe("aaabdaaabac", 259)  ->  [((97, 97), 256), ((256, 97), 257), ((257, 98), 258)]
    """
    if vocab_size < 256:
        raise ValueError(f"vocab_size must be at least 256 (the byte values), got {vocab_size}")
    ids = list(text.encode("utf-8"))
    merges: Merges = []
    for new_id in range(256, vocab_size):
        stats = count_pairs(ids)
        if not stats:
            break
        # max() returns the first key with the highest count, and the dict keeps
        # first-appearance order: that is exactly the tie-break the course pins.
        best = max(stats, key=stats.__getitem__)
        if stats[best] < 2:
            break
        ids = merge(ids, best, new_id)
        merges.append((best, new_id))
    return merges


def encode(text: str, merges: Merges) -> list[int]:
    """Encode text by applying, again and again, the earliest-learned merge that is present.

    With the merges of "aaabdaaabac" above: encode("aaabdaaabac", merges) -> [258, 100, 258, 97, 99]
    """
    rank = {pair: i for i, (pair, _) in enumerate(merges)}
    new_ids = {pair: new_id for pair, new_id in merges}
    ids = list(text.encode("utf-8"))
    while len(ids) >= 2:
        present = count_pairs(ids)
        pair = min(present, key=lambda p: rank.get(p, float("inf")))
        if pair not in rank:
            break  # no pair in the text was ever learned: encoding is finished
        ids = merge(ids, pair, new_ids[pair])
    return ids


def vocab_bytes(merges: Merges) -> dict[int, bytes]:
    """The bytes behind every id, from 0 to the last learned id.

    vocab_bytes([((104, 105), 256)])[256]  ->  b"hi"
    """
    vocab = {i: bytes([i]) for i in range(256)}
    for (a, b), new_id in merges:
        vocab[new_id] = vocab[a] + vocab[b]
    return vocab


def decode(ids: list[int], merges: Merges) -> str:
    """Turn ids back into text: join their bytes, decode UTF-8 with errors="replace".

    decode([258, 100, 258, 97, 99], merges)  ->  "aaabdaaabac"
    """
    vocab = vocab_bytes(merges)
    unknown = [i for i in ids if i not in vocab]
    if unknown:
        raise ValueError(
            f"unknown token id {unknown[0]} (the vocabulary has ids 0..{len(vocab) - 1})"
        )
    return b"".join(vocab[i] for i in ids).decode("utf-8", errors="replace")
