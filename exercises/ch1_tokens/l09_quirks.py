"""Lesson 1.9 - Why LLMs act the way they do.

Six everyday quirks of language models, each made measurable with a tokenizer. The lesson passes
in the real `cl100k_base`, the visible tests a toy tokenizer you can follow by hand; both are
tiktoken encodings (`encode`, `decode`, `decode_single_token_bytes`). In scope: what the model
receives. Left out: the model itself.
Read lessons/ch1_tokens/1.9-why-llms-act-the-way-they-do.md first.
Check your work with:  hexahype check 1.9
"""

from __future__ import annotations


def letters_hidden(encoding, word: str) -> list[str]:
    """The token pieces of `word`, as text.

    letters_hidden(cl100k, "strawberry")  ->  ["str", "aw", "berry"]
    The model sees three ids, not ten letters: counting the r's means knowing how each piece
    is spelled.
    """
    # TODO(1.9): encode the word, then turn each id back into text on its own.
    raise NotImplementedError("lesson 1.9: letters_hidden is not written yet")


def digit_groups(encoding, number: str) -> list[str]:
    """How a number, written as a string, is chunked into tokens.

    digit_groups(cl100k, "1234567")  ->  ["123", "456", "7"]
    """
    # TODO(1.9): the same as letters_hidden: one piece of text per token id.
    raise NotImplementedError("lesson 1.9: digit_groups is not written yet")


def whitespace_variants(encoding, word: str) -> dict[str, list[int]]:
    """The ids of four spellings of the same word.

    Keys: "plain" (word), "leading_space" (" " + word), "capitalized" (word.capitalize())
    and "upper" (word.upper()).
    """
    # TODO(1.9): encode the four spellings; build the dict with the four keys.
    raise NotImplementedError("lesson 1.9: whitespace_variants is not written yet")


def token_tax(encoding, texts: dict[str, str]) -> dict[str, float]:
    """Tokens per character of each text, divided by that of the "en" text.

    texts maps a language code to a text, e.g. {"en": "...", "de": "..."}; "en" maps to 1.0,
    and 2.0 would mean twice as many tokens per character as English. A missing "en" raises
    ValueError.
    """
    # TODO(1.9): len(encoding.encode(text)) / len(text) per language, divided by the "en" value.
    raise NotImplementedError("lesson 1.9: token_tax is not written yet")


def trailing_space_effect(encoding, prompt: str) -> tuple[list[int], list[int]]:
    """The ids of `prompt` and of `prompt + " "`.

    In training text a space almost always arrives glued to the next word (" Paris"), so a
    prompt ending in a lone space token is unusual input.
    """
    # TODO(1.9): encode prompt, and prompt + " ".
    raise NotImplementedError("lesson 1.9: trailing_space_effect is not written yet")


def reversal_cost(encoding, word: str) -> tuple[int, int]:
    """The number of tokens of `word` and of the word spelled backwards, `word[::-1]`.

    reversal_cost(cl100k, "strawberry")  ->  (3, 3)   ("yrrebwarts": "yr", "reb", "warts")
    """
    # TODO(1.9): count the tokens of word and of word[::-1].
    raise NotImplementedError("lesson 1.9: reversal_cost is not written yet")
