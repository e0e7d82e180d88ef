"""vocab_bytes builds a merged token as bytes([a, b]) from the two ids, instead of joining the
bytes of the two tokens (vocab[a] + vocab[b]).

Basis: the merge is stored as a pair of ids, and bytes() of that pair looks right for the
first merges of plain ASCII.
"""

EXPECT = ["vocab[a] + vocab[b]", "join the bytes", "concatenat"]


def vocab_bytes(merges):
    vocab = {i: bytes([i]) for i in range(256)}
    for (a, b), new_id in merges:
        vocab[new_id] = bytes([a % 256, b % 256])
    return vocab
