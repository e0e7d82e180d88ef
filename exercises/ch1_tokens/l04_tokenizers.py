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
    # TODO(1.4): encode_ordinary, then the bytes of every id (a token may be half a character).
    raise NotImplementedError("lesson 1.4: pieces is not written yet")


def count_tokens(encoding, text: str) -> int:
    """How many tokens `encoding` turns `text` into (special strings count as text).

    count_tokens(cl100k, "Hello world")  ->  2
    """
    # TODO(1.4): the length of encode_ordinary's result. encode() would refuse "<|endoftext|>".
    raise NotImplementedError("lesson 1.4: count_tokens is not written yet")


def encode_with_ranks(text: str, ranks: dict[bytes, int], pattern: str) -> list[int]:
    """Encode like tiktoken's encode_ordinary: split with `pattern`, then merge by lowest rank.

    With ranks {b"a": 0, b"b": 1, b"c": 2, b"bc": 3, b"ab": 4} and pattern r"\\S+|\\s+":
    encode_with_ranks("abc", ranks, pattern)  ->  [0, 3]    ("bc" has the lower rank)
    """
    # TODO(1.4): for each piece of regex.findall(pattern, text): start from its UTF-8 bytes, one
    # bytes object each; merge the adjacent pair whose joined bytes have the lowest rank; repeat
    # until no adjacent pair is in ranks; emit the rank of every part.
    raise NotImplementedError("lesson 1.4: encode_with_ranks is not written yet")


def cross_decode(ids: list[int], encoding) -> str:
    """Decode `ids` with `encoding`, as tiktoken's decode does: invalid UTF-8 becomes U+FFFD.

    An id that `encoding` does not have raises ValueError.
    cross_decode(cl100k.encode_ordinary("Hello"), cl100k)  ->  "Hello"
    """
    # TODO(1.4): join the bytes of every id (turn tiktoken's KeyError into ValueError), then
    # decode them with errors="replace".
    raise NotImplementedError("lesson 1.4: cross_decode is not written yet")
