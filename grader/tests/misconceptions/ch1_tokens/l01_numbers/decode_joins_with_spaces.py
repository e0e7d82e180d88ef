"""decode_chars joins the characters with " ".join(...) instead of "".join(...), so a space
appears between every two characters."""

EXPECT = "spaces"


def decode_chars(ids, vocab):
    inverse = {i: ch for ch, i in vocab.items()}
    for i in ids:
        if i not in inverse:
            raise ValueError(f"id {i!r} is not in the vocab")
    return " ".join(inverse[i] for i in ids)
