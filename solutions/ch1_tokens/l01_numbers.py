"""Lesson 1.1 - Why models need numbers.

A model computes with numbers, so text is turned into a list of integers on the way in and
back into text on the way out. In scope: a character vocabulary (every distinct character gets
an id) and UTF-8 bytes (every text is a list of values 0..255). Left out: words and subwords
(lessons 1.2 and 1.3).
Read lessons/ch1_tokens/1.1-why-models-need-numbers.md first.
Check your work with:  hexahype check 1.1
"""

from __future__ import annotations


def build_char_vocab(text: str) -> dict[str, int]:
    """Map each distinct character of `text`, in sorted order, to 0, 1, 2, ...

    build_char_vocab("hello")  ->  {"e": 0, "h": 1, "l": 2, "o": 3}
    """
    # Sorting makes the vocabulary depend only on *which* characters occur, not on where.
    return {ch: i for i, ch in enumerate(sorted(set(text)))}


def encode_chars(text: str, vocab: dict[str, int]) -> list[int]:
    """Turn text into the id of each character.

    encode_chars("hole", build_char_vocab("hello"))  ->  [1, 3, 2, 0]
    A character that is not in the vocab raises KeyError naming it.
    """
    ids: list[int] = []
    for ch in text:
        if ch not in vocab:
            raise KeyError(f"character {ch!r} is not in the vocab")
        ids.append(vocab[ch])
    return ids


def decode_chars(ids: list[int], vocab: dict[str, int]) -> str:
    """Turn ids back into text: the inverse of encode_chars.

    decode_chars([1, 3, 2, 0], build_char_vocab("hello"))  ->  "hole"
    An id that no character has raises ValueError.
    """
    inverse = {i: ch for ch, i in vocab.items()}
    chars: list[str] = []
    for i in ids:
        if i not in inverse:
            raise ValueError(f"id {i!r} is not in the vocab")
        chars.append(inverse[i])
    return "".join(chars)


def utf8_bytes(text: str) -> list[int]:
    """The UTF-8 byte values of `text`, each in 0..255.

    utf8_bytes("hé")  ->  [104, 195, 169]
    """
    return list(text.encode("utf-8"))


def from_utf8_bytes(values: list[int]) -> str:
    """Decode UTF-8 byte values into text; invalid sequences become U+FFFD.

    from_utf8_bytes([104, 195, 169])  ->  "hé"
    from_utf8_bytes([104, 195])       ->  "h\\ufffd"   (a cut-off character)
    A value outside 0..255 raises ValueError: it is not a byte.
    """
    for v in values:
        if not 0 <= v <= 255:
            raise ValueError(f"{v!r} is not a byte value (0..255)")
    # errors="replace": a model can emit any byte sequence, and decoding must never crash.
    return bytes(values).decode("utf-8", errors="replace")
