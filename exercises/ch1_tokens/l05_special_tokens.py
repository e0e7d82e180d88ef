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
    # TODO(1.5): walk i over the text; at each i, find the longest special that starts there
    # (text.startswith(s, i)); flush the plain text before it, emit the special, jump past it.
    raise NotImplementedError("lesson 1.5: split_on_special is not written yet")


def encode_with_special(
    text: str, ranks, pattern: str, specials: dict[str, int], allowed: set[str] | str = "none"
) -> list[int]:
    """Encode `text`, turning each allowed special string into its single id (tiktoken's rules).

    allowed is a set of special strings, "all" or "none". A special string that is not allowed
    but appears in the text raises ValueError naming it.
    With specials {"<|eot|>": 300}: encode_with_special("hi<|eot|>", ranks, pattern, specials,
    "all")  ->  encode_with_ranks("hi", ...) + [300]
    """
    # TODO(1.5): turn "all"/"none" into a set (any other string: ValueError); raise ValueError
    # if a special that is not allowed is in the text; split on the allowed ones; a special
    # segment becomes specials[segment], a plain one goes through encode_with_ranks (lesson 1.4).
    raise NotImplementedError("lesson 1.5: encode_with_special is not written yet")


def add_bos_eos(ids: list[int], bos: int | None, eos: int | None) -> list[int]:
    """A new list: `bos` in front and `eos` at the end, each only if it is not None.

    add_bos_eos([5, 6], 1, 2)     ->  [1, 5, 6, 2]
    add_bos_eos([5, 6], None, 2)  ->  [5, 6, 2]
    """
    # TODO(1.5): careful, 0 is a valid id: test `is not None`, not truthiness.
    raise NotImplementedError("lesson 1.5: add_bos_eos is not written yet")


def pad_batch(
    seqs: list[list[int]], pad_id: int, side: str = "right"
) -> tuple[np.ndarray, np.ndarray]:
    """Pad sequences to one length; return (ids, attention_mask), both of shape (B, T_max).

    The mask is 1 for real tokens and 0 for padding. side is "right" or "left".
    pad_batch([[1, 2, 3], [4]], 0)          ->  ids [[1, 2, 3], [4, 0, 0]], mask [[1, 1, 1], [1, 0, 0]]
    pad_batch([[1, 2, 3], [4]], 0, "left")  ->  ids [[1, 2, 3], [0, 0, 4]], mask [[1, 1, 1], [0, 0, 1]]
    An empty batch gives two arrays of shape (0, 0).
    """
    # TODO(1.5): np.full((B, T_max), pad_id) and np.zeros for the mask; copy each sequence to
    # the start ("right") or the end ("left") of its row. Any other side raises ValueError.
    raise NotImplementedError("lesson 1.5: pad_batch is not written yet")
