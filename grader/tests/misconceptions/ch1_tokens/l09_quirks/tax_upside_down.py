"""token_tax divides the English rate by each language's rate instead of the other way round,
so an expensive language comes out below 1.0."""

EXPECT = "upside down"


def token_tax(encoding, texts):
    if "en" not in texts:
        raise ValueError('token_tax needs an "en" text to compare with')
    rate = {lang: len(encoding.encode(t)) / len(t) for lang, t in texts.items()}
    return {lang: rate["en"] / r for lang, r in rate.items()}
