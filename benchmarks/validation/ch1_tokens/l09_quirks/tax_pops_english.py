"""token_tax takes the English text out with texts.pop("en"), which removes "en" from the
caller's dict: the input is mutated, and a second call with the same dict raises ValueError
because "en" is gone.

Basis: pop() used to set the baseline aside so it is not divided by itself, without noticing
that it changes the dict passed in; mutating an argument is among the most common Python
surprises.
"""

EXPECT = ["mutat", "in place", "pop", "caller's dict"]


def token_tax(encoding, texts):
    if "en" not in texts:
        raise ValueError('token_tax needs an "en" text to compare with')

    def per_char(text):
        if not text:
            raise ValueError("an empty text has no tokens per character")
        return len(encoding.encode(text)) / len(text)

    english = per_char(texts.pop("en"))
    result = {"en": 1.0}
    for lang, text in texts.items():
        result[lang] = per_char(text) / english
    return result
