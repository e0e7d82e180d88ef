"""Lesson 1.5 - Special tokens.

Special tokens are ids with a control meaning, such as <|endoftext|>, that the pipeline inserts
on purpose; user text never produces them by accident. In scope: finding special strings in
text, encoding them with tiktoken's allowed/disallowed rules, adding BOS/EOS ids and padding a
batch with an attention mask. Left out: how a model learns what these ids mean.
Read lessons/ch1_tokens/1.5-special-tokens.md first.
Check your work with:  hexahype check 1.5
"""

from __future__ import annotations

import numpy as np

from .l04_tokenizers import encode_with_ranks


def split_on_special(text: str, specials: list[str]) -> list[tuple[str, bool]]:
    """Cut `text` into segments, each flagged True if it is one of `specials`.

    The earliest match wins; at the same position the longer special wins. No empty segments.
    split_on_special("a<|eot|>b", ["<|eot|>"])  ->  [("a", False), ("<|eot|>", True), ("b", False)]
    """
    out: list[tuple[str, bool]] = []
    start = i = 0
    while i < len(text):
        # the longest special that starts exactly here, if any
        found = max((s for s in specials if s and text.startswith(s, i)), key=len, default=None)
        if found is None:
            i += 1
            continue
        if i > start:
            out.append((text[start:i], False))
        out.append((found, True))
        i = start = i + len(found)
    if start < len(text):
        out.append((text[start:], False))
    return out


def encode_with_special(
    text: str, ranks, pattern: str, specials: dict[str, int], allowed: set[str] | str = "none"
) -> list[int]:
    """Encode `text`, turning each allowed special string into its single id (tiktoken's rules).

    allowed is a set of special strings, "all" or "none". A special string that is not allowed
    but appears in the text raises ValueError naming it.
    With specials {"<|eot|>": 300}: encode_with_special("hi<|eot|>", ranks, pattern, specials,
    "all")  ->  encode_with_ranks("hi", ...) + [300]
    """
    if isinstance(allowed, str):
        if allowed == "all":
            allowed = set(specials)
        elif allowed == "none":
            allowed = set()
        else:
            raise ValueError(f'allowed must be a set, "all" or "none", not {allowed!r}')
    allowed = set(allowed)
    # Like tiktoken: any occurrence of a special that is not allowed is an error, because user
    # text must never smuggle in a control token. The earliest occurrence is named.
    found = [(text.find(s), s) for s in specials if s not in allowed and s in text]
    if found:
        name = min(found)[1]
        raise ValueError(
            f"the text contains the special token {name!r}, which is not allowed; pass "
            f"allowed={{{name!r}}} to encode it as its id, or use encode_with_ranks to keep it text"
        )
    segments = split_on_special(text, [s for s in specials if s in allowed])
    ids: list[int] = []
    for segment, is_special in segments:
        if is_special:
            ids.append(specials[segment])
        else:
            ids.extend(encode_with_ranks(segment, ranks, pattern))
    return ids


def add_bos_eos(ids: list[int], bos: int | None, eos: int | None) -> list[int]:
    """A new list: `bos` in front and `eos` at the end, each only if it is not None.

    add_bos_eos([5, 6], 1, 2)     ->  [1, 5, 6, 2]
    add_bos_eos([5, 6], None, 2)  ->  [5, 6, 2]
    """
    # `is not None`, not truthiness: 0 is a perfectly good token id.
    return ([bos] if bos is not None else []) + list(ids) + ([eos] if eos is not None else [])


def pad_batch(
    seqs: list[list[int]], pad_id: int, side: str = "right"
) -> tuple[np.ndarray, np.ndarray]:
    """Pad sequences to one length; return (ids, attention_mask), both of shape (B, T_max).

    The mask is 1 for real tokens and 0 for padding. side is "right" or "left".
    pad_batch([[1, 2, 3], [4]], 0)          ->  ids [[1, 2, 3], [4, 0, 0]], mask [[1, 1, 1], [1, 0, 0]]
    pad_batch([[1, 2, 3], [4]], 0, "left")  ->  ids [[1, 2, 3], [0, 0, 4]], mask [[1, 1, 1], [0, 0, 1]]
    An empty batch gives two arrays of shape (0, 0).
    """
    if side not in ("right", "left"):
        raise ValueError(f'side must be "right" or "left", not {side!r}')
    t_max = max((len(s) for s in seqs), default=0)
    ids = np.full((len(seqs), t_max), pad_id, dtype=np.int64)  # (B, T_max)
    mask = np.zeros((len(seqs), t_max), dtype=np.int64)  # (B, T_max)
    for row, seq in enumerate(seqs):
        n = len(seq)
        if n == 0:
            continue
        # the mask comes from the lengths, never from ids == pad_id: pad_id may be a real token
        cols = slice(0, n) if side == "right" else slice(t_max - n, t_max)
        ids[row, cols] = seq
        mask[row, cols] = 1
    return ids, mask
