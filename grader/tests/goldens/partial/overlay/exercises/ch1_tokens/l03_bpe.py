"""Lesson 1.3 - Byte pair encoding.

Byte-level BPE with no pre-splitting: the base vocabulary is the 256 byte values, and every
merge learned adds one new id (256, 257, ...). In scope: counting pairs, merging, training,
encoding and decoding. Left out: regex pre-splitting and special tokens (lessons 1.4 and 1.5).
Read lessons/ch1_tokens/1.3-byte-pair-encoding.md first.
Check your work with:  hexahype check 1.3
"""

from __future__ import annotations

Merges = list[tuple[tuple[int, int], int]]


def count_pairs(ids: list[int]) -> dict[tuple[int, int], int]:
    """Count adjacent pairs; keys in order of first appearance.

    count_pairs([1, 2, 3, 1, 2])  ->  {(1, 2): 2, (2, 3): 1, (3, 1): 1}
    """
    counts = {}
    for pair in zip(ids, ids[1:]):
        counts[pair] = counts.get(pair, 0) + 1
    return counts


def merge(ids: list[int], pair: tuple[int, int], new_id: int) -> list[int]:
    """Replace every non-overlapping occurrence of `pair`, scanning left to right.

    merge([1, 2, 3, 1, 2], (1, 2), 256)  ->  [256, 3, 256]
    merge([5, 5, 5], (5, 5), 256)        ->  [256, 5]
    """
    out, i = [], 0
    while i < len(ids):
        if i + 1 < len(ids) and (ids[i], ids[i + 1]) == tuple(pair):
            out.append(new_id)
            i += 2
        else:
            out.append(ids[i])
            i += 1
    return out


def train_bpe(text: str, vocab_size: int) -> Merges:
    """Learn `vocab_size - 256` merges (fewer if no pair occurs twice), in order.

    Each step merges the most frequent pair; ties go to the pair that appears first in the
    current sequence. Stop early when the best count is below 2. A vocab_size below 256 raises
    ValueError.

    train_bpe("aaabdaaabac", 259)  ->  [((97, 97), 256), ((256, 97), 257), ((257, 98), 258)]
    """
    # TODO(1.3): start from list(text.encode("utf-8")); count, pick the best pair, merge, repeat.
    raise NotImplementedError("lesson 1.3: train_bpe is not written yet")


def encode(text: str, merges: Merges) -> list[int]:
    """Encode text by applying, again and again, the earliest-learned merge that is present.

    With the merges of "aaabdaaabac" above: encode("aaabdaaabac", merges) -> [258, 100, 258, 97, 99]
    """
    # TODO(1.3): loop: among the pairs present, merge the one learned first; stop when none was.
    raise NotImplementedError("lesson 1.3: encode is not written yet")


def vocab_bytes(merges: Merges) -> dict[int, bytes]:
    """The bytes behind every id, from 0 to the last learned id.

    vocab_bytes([((104, 105), 256)])[256]  ->  b"hi"
    """
    # TODO(1.3): ids 0..255 are single bytes; a merged id is the bytes of its pair, joined.
    raise NotImplementedError("lesson 1.3: vocab_bytes is not written yet")


def decode(ids: list[int], merges: Merges) -> str:
    """Turn ids back into text: join their bytes, decode UTF-8 with errors="replace".

    An id that is not in the vocabulary raises ValueError.
    decode([258, 100, 258, 97, 99], merges)  ->  "aaabdaaabac"
    """
    # TODO(1.3): look every id up in vocab_bytes(merges), join, then .decode(..., errors="replace").
    raise NotImplementedError("lesson 1.3: decode is not written yet")
