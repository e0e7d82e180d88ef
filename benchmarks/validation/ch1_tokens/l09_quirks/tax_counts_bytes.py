"""token_tax divides the number of tokens by the number of UTF-8 bytes (len(text.encode())),
not by the number of characters len(text), so languages whose letters take two or more bytes
look far cheaper than they are.

Basis: byte-level BPE works on bytes, so "tokens per byte" seems the natural rate; the lesson
(and the "token tax" comparisons it follows) measures tokens per character.
"""

EXPECT = ["bytes", "characters", "len(text)", "per character"]


def token_tax(encoding, texts):
    if "en" not in texts:
        raise ValueError('token_tax needs an "en" text to compare with')

    def per_char(text):
        if not text:
            raise ValueError("an empty text has no tokens per character")
        return len(encoding.encode(text)) / len(text.encode("utf-8"))

    english = per_char(texts["en"])
    return {lang: per_char(text) / english for lang, text in texts.items()}
