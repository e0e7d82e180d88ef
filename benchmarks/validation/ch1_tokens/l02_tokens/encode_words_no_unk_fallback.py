"""encode_words indexes the vocab directly (vocab[word]), so a word that is not in the vocab
raises KeyError instead of getting the id of unk.

Basis: the point of the <unk> entry, often missed on a first implementation: out-of-vocabulary
words are the normal case on new text, not an error.
"""

EXPECT = ["unk", "out-of-vocabulary", "out of vocabulary", "keyerror"]


def encode_words(text, vocab, unk="<unk>"):
    return [vocab[word] for word in split_words(text)]
