"""Lesson 1.4 - Tokenizers in practice.

Production tokenizers such as GPT-4's `cl100k_base` are byte-level BPE plus a regex that splits
the text into pieces first, so that no token crosses a word, number or space boundary. In scope:
counting and inspecting real tokens, the production encoding algorithm (split, then merge by
lowest rank) and decoding ids with the wrong tokenizer. Left out: special tokens (lesson 1.5).
Read lessons/ch1_tokens/1.4-tokenizers-in-practice.md first.
Check your work with:  hexahype check 1.4

`encoding` is a tiktoken Encoding, such as grader.assets.cl100k(). You need three of its methods:
encode_ordinary(text) -> ids, decode_single_token_bytes(id) -> bytes, and its `name`.
"""

from __future__ import annotations

import regex


def pieces(encoding, text: str) -> list[bytes]:
    """The bytes of each token that `encoding` produces for `text` (special strings are text).

    pieces(cl100k, "Hello world")  ->  [b"Hello", b" world"]
    """
    return [encoding.decode_single_token_bytes(t) for t in encoding.encode_ordinary(text)]


def count_tokens(encoding, text: str) -> int:
    """How many tokens `encoding` turns `text` into (special strings count as text).

    count_tokens(cl100k, "Hello world")  ->  2
    """
    # encode() would raise on "<|endoftext|>" in user text; encode_ordinary treats it as text.
    return len(encoding.encode_ordinary(text))


def _merge_piece(piece: bytes, ranks: dict[bytes, int]) -> list[int]:
    parts = [bytes([b]) for b in piece]
    while len(parts) > 1:
        best_rank, best_i = None, -1
        for i in range(len(parts) - 1):
            rank = ranks.get(parts[i] + parts[i + 1])
            # strict "<": on equal ranks the leftmost pair wins, as in tiktoken
            if rank is not None and (best_rank is None or rank < best_rank):
                best_rank, best_i = rank, i
        if best_rank is None:
            break  # no adjacent pair is a token: this piece is done
        parts[best_i : best_i + 2] = [parts[best_i] + parts[best_i + 1]]
    return [ranks[p] for p in parts]


def encode_with_ranks(text: str, ranks: dict[bytes, int], pattern: str) -> list[int]:
    """Encode like tiktoken's encode_ordinary: split with `pattern`, then merge by lowest rank.

    With ranks {b"a": 0, b"b": 1, b"c": 2, b"bc": 3, b"ab": 4} and pattern r"\\S+|\\s+":
    encode_with_ranks("abc", ranks, pattern)  ->  [0, 3]    ("bc" has the lower rank)
    """
    ids: list[int] = []
    for piece in regex.findall(pattern, text):
        ids.extend(_merge_piece(piece.encode("utf-8"), ranks))
    return ids


def cross_decode(ids: list[int], encoding) -> str:
    """Decode `ids` with `encoding`, as tiktoken's decode does: invalid UTF-8 becomes U+FFFD.

    An id that `encoding` does not have raises ValueError.
    cross_decode(cl100k.encode_ordinary("Hello"), cl100k)  ->  "Hello"
    """
    chunks: list[bytes] = []
    for i in ids:
        try:
            chunks.append(encoding.decode_single_token_bytes(i))
        except (KeyError, OverflowError, TypeError):
            raise ValueError(f"token id {i!r} is not in the encoding {encoding.name!r}") from None
    return b"".join(chunks).decode("utf-8", errors="replace")
