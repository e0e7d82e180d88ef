"""count_tokens estimates the count as len(text) / 4 (the "one token is about four characters"
rule of thumb) instead of encoding the text and counting the ids.

Basis: OpenAI's tokenizer page and help articles quote "1 token ~= 4 characters of English";
it is an average for English prose, not the count for a given text.
"""

EXPECT = ["rule of thumb", "estimate", "four characters", "encode"]


def count_tokens(encoding, text):
    return round(len(text) / 4)
