"""The shape of a failure message: the same mistake with other numbers, names or strings gives
the same shape, so the report can count messages by what went wrong.

    "merge([5, 5, 5], (5, 5), 256) returned [256, 256], expected [256, 5]"
    -> "merge([N…], (N…), N) returned [N…], expected [N…]"
"""

from __future__ import annotations

import re

_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(?:/[\w.@+-]+){2,}/?"), "PATH"),  # file paths (temporary folders, homes)
    (re.compile(r"\b0x[0-9a-fA-F]+\b"), "ADDR"),  # object addresses
    (re.compile(r"\b[0-9a-f]{12,64}\b"), "HASH"),  # commit ids, hashes
    (re.compile(r"(?<![\w\\])([bBrRuUfF]{0,2})'(?:[^'\\\n]|\\.)*'"), "S"),  # quoted strings
    (re.compile(r'(?<![\w\\])([bBrRuUfF]{0,2})"(?:[^"\\\n]|\\.)*"'), "S"),
    (re.compile(r"(?<![\w.])[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?j?(?![\w.])"), "N"),
    (re.compile(r"\b(?:nan|inf)\b"), "N"),
    (re.compile(r"\b(?:N|S)(?:\s*,\s*(?:N|S|…))+"), "N…"),  # lists of any length alike
    (re.compile(r"\bN…(?:\s*,\s*N…)+"), "N…"),
    (re.compile(r"\s+"), " "),
)
MAX = 240


def shape(message: str) -> str:
    """The message with numbers, strings, paths, addresses and hashes replaced by placeholders
    and lists of any length folded to one, cut to one line."""
    text = message.strip().splitlines()[0] if message.strip() else ""
    for pattern, repl in _RULES:
        text = pattern.sub(repl, text)
    text = text.strip()
    return text if len(text) <= MAX else text[: MAX - 1] + "…"
