"""letters_hidden returns the letters of the word (list(word)) instead of the token pieces the
tokenizer cuts it into, so it shows exactly what the model does not see.

Basis: the "how many r's in strawberry" question: the model receives token pieces such as
"str", "aw", "berry", not single letters.
"""

EXPECT = ["token", "pieces", "letters"]


def letters_hidden(encoding, word):
    return list(word)
