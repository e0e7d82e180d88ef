"""token_tax counts tokens per UTF-8 byte instead of tokens per character, which hides most of
the tax on non-Latin scripts (their characters are 2 to 4 bytes each).

Basis: the byte-level view of lesson 1.3 carried over; the lesson's measure is per character.
"""

EXPECT = ["per character", "characters"]


def token_tax(encoding, texts):
    if "en" not in texts:
        raise ValueError('token_tax needs an "en" text')

    def per_byte(text):
        if not text:
            raise ValueError("empty text")
        return len(encoding.encode(text)) / len(text.encode("utf-8"))

    english = per_byte(texts["en"])
    return {lang: per_byte(t) / english for lang, t in texts.items()}
