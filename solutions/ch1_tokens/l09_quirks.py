"""Lesson 1.9 - Why LLMs act the way they do.

Six everyday quirks of language models, each made measurable with a tokenizer. The lesson passes
in the real `cl100k_base`, the visible tests a toy tokenizer you can follow by hand; both are
tiktoken encodings (`encode`, `decode`, `decode_single_token_bytes`). In scope: what the model
receives. Left out: the model itself.
Read lessons/ch1_tokens/1.9-why-llms-act-the-way-they-do.md first.
Check your work with:  hexahype check 1.9
"""

from __future__ import annotations


def _pieces(encoding, text: str) -> list[str]:
    # One token's bytes can be half of a character, so decode each piece on its own, tolerantly.
    return [
        encoding.decode_single_token_bytes(t).decode("utf-8", errors="replace")
        for t in encoding.encode(text)
    ]


def letters_hidden(encoding, word: str) -> list[str]:
    """The token pieces of `word`, as text.

    letters_hidden(cl100k, "strawberry")  ->  ["str", "aw", "berry"]
    The model sees three ids, not ten letters: counting the r's means knowing how each piece
    is spelled.
    """
    return _pieces(encoding, word)


def digit_groups(encoding, number: str) -> list[str]:
    """How a number, written as a string, is chunked into tokens.

    digit_groups(cl100k, "1234567")  ->  ["123", "456", "7"]
    """
    return _pieces(encoding, number)


def whitespace_variants(encoding, word: str) -> dict[str, list[int]]:
    """The ids of four spellings of the same word.

    Keys: "plain" (word), "leading_space" (" " + word), "capitalized" (word.capitalize())
    and "upper" (word.upper()).
    """
    return {
        "plain": encoding.encode(word),
        "leading_space": encoding.encode(" " + word),
        "capitalized": encoding.encode(word.capitalize()),
        "upper": encoding.encode(word.upper()),
    }


def token_tax(encoding, texts: dict[str, str]) -> dict[str, float]:
    """Tokens per character of each text, divided by that of the "en" text.

    texts maps a language code to a text, e.g. {"en": "...", "de": "..."}; "en" maps to 1.0,
    and 2.0 would mean twice as many tokens per character as English. A missing "en" raises
    ValueError.
    """
    if "en" not in texts:
        raise ValueError('token_tax needs an "en" text to compare with')

    def per_char(text: str) -> float:
        if not text:
            raise ValueError("an empty text has no tokens per character")
        return len(encoding.encode(text)) / len(text)

    english = per_char(texts["en"])
    return {lang: per_char(text) / english for lang, text in texts.items()}


def trailing_space_effect(encoding, prompt: str) -> tuple[list[int], list[int]]:
    """The ids of `prompt` and of `prompt + " "`.

    In training text a space almost always arrives glued to the next word (" Paris"), so a
    prompt ending in a lone space token is unusual input.
    """
    return encoding.encode(prompt), encoding.encode(prompt + " ")


def reversal_cost(encoding, word: str) -> tuple[int, int]:
    """The number of tokens of `word` and of the word spelled backwards, `word[::-1]`.

    reversal_cost(cl100k, "strawberry")  ->  (3, 3)   ("yrrebwarts": "yr", "reb", "warts")
    """
    return len(encoding.encode(word)), len(encoding.encode(word[::-1]))
