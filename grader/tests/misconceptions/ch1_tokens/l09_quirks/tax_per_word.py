"""token_tax counts tokens per word (text.split()) instead of tokens per character."""

EXPECT = "per character"


def token_tax(encoding, texts):
    if "en" not in texts:
        raise ValueError("no en")
    rate = {lang: len(encoding.encode(text)) / len(text.split()) for lang, text in texts.items()}
    return {lang: r / rate["en"] for lang, r in rate.items()}
