"""vocab_bytes builds a merged token's bytes from the two ids themselves (bytes([a, b])) instead
of joining the bytes of the two ids (vocab[a] + vocab[b]), so any merge built on an earlier merge
(an id of 256 or more) fails.

Basis: a merged token thought of as "the pair of ids" rather than expanded recursively to bytes;
it works for the first merges of raw bytes, which hides it (minbpe's vocab is
vocab[p0] + vocab[p1]).
"""

EXPECT = ["vocab[a] + vocab[b]", "recursive", "nested", "bytes of its pair"]


def vocab_bytes(merges):
    vocab = {i: bytes([i]) for i in range(256)}
    for (a, b), new_id in merges:
        vocab[new_id] = bytes([a, b])
    return vocab
