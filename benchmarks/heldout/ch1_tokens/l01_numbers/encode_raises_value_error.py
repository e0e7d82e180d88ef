"""encode_chars raises ValueError for a character that is not in the vocab, where the contract
says KeyError (it is a failed dictionary lookup).

Basis: "invalid argument -> ValueError" is the habit the rest of the course teaches; the
exception type of a missing key is a frequent slip.
"""

EXPECT = ["KeyError"]


def encode_chars(text, vocab):
    out = []
    for ch in text:
        if ch not in vocab:
            raise ValueError(f"character {ch!r} is not in the vocab")
        out.append(vocab[ch])
    return out
