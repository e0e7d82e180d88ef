"""Lesson 1.2 - What is a token?

A token is the unit of text that gets one id. In scope: word tokens (a vocabulary of the most
frequent words, with an `<unk>` id for everything else), how often that vocabulary fails on new
text, and how long the same text is as bytes, characters, words and real subword tokens.
Left out: how subword vocabularies are learned (lesson 1.3).
Read lessons/ch1_tokens/1.2-what-is-a-token.md first.
Check your work with:  hexahype check 1.2
"""

from __future__ import annotations


def split_words(text: str) -> list[str]:
    """Split text into words and symbols.

    A word is a maximal run of characters for which str.isalnum() is True ("abc123" is one word,
    "_" is not part of a word). Every other character that is not whitespace is a token on its
    own, and whitespace is dropped.

    split_words("Hello, world_2!")  ->  ["Hello", ",", "world", "_", "2", "!"]
    """
    # TODO(1.2): collect letters and digits into a run; any other character ends the run and,
    # unless ch.isspace(), is a word of its own. Do not forget the run left at the end.
    raise NotImplementedError("lesson 1.2: split_words is not written yet")


def build_word_vocab(texts: list[str], max_size: int, unk: str = "<unk>") -> dict[str, int]:
    """A word vocabulary: id 0 is `unk`, then the most frequent words of `texts`.

    Ties in frequency are broken alphabetically (Python's string order). The vocab holds at
    most `max_size` entries in total, `unk` included. A max_size below 1 raises ValueError.

    build_word_vocab(["the cat", "the dog"], 3)  ->  {"<unk>": 0, "the": 1, "cat": 2}
    """
    # TODO(1.2): count the words of every text (collections.Counter helps), sort them by
    # (-count, word), and keep max_size - 1 of them after unk.
    raise NotImplementedError("lesson 1.2: build_word_vocab is not written yet")


def encode_words(text: str, vocab: dict[str, int], unk: str = "<unk>") -> list[int]:
    """The id of every word of `text`; a word that is not in the vocab gets the id of `unk`.

    encode_words("the cow", {"<unk>": 0, "the": 1, "cat": 2})  ->  [1, 0]
    """
    # TODO(1.2): split_words, then look every word up, falling back to vocab[unk].
    raise NotImplementedError("lesson 1.2: encode_words is not written yet")


def unknown_rate(text: str, vocab: dict[str, int], unk: str = "<unk>") -> float:
    """The fraction of the words of `text` that map to `unk` (0.0 for a text with no words).

    unknown_rate("the cow", {"<unk>": 0, "the": 1, "cat": 2})  ->  0.5
    """
    # TODO(1.2): encode_words, then count the ids equal to vocab[unk]; divide by the word count.
    raise NotImplementedError("lesson 1.2: unknown_rate is not written yet")


def sequence_lengths(text: str) -> dict[str, int]:
    """How many units the same text is, four ways.

    Keys: "bytes" (UTF-8 bytes), "chars" (characters), "words" (len(split_words(text))) and
    "cl100k" (tokens of GPT-4's real tokenizer, every string treated as plain text).

    sequence_lengths("héllo!")  ->  {"bytes": 7, "chars": 6, "words": 2, "cl100k": 4}
    """
    # TODO(1.2): load the tokenizer inside the function with
    #   from grader.assets import cl100k
    # and count with cl100k().encode_ordinary(text), which treats "<|endoftext|>" as plain text.
    raise NotImplementedError("lesson 1.2: sequence_lengths is not written yet")
