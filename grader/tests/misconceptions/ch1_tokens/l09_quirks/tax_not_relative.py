"""token_tax returns the raw tokens per character of each language, not relative to "en"."""

EXPECT = '"en"'


def token_tax(encoding, texts):
    if "en" not in texts:
        raise ValueError("no en")
    return {lang: len(encoding.encode(text)) / len(text) for lang, text in texts.items()}
