"""_merge_piece starts from list(piece), which for a bytes object is a list of ints, not of
one-byte bytes objects, so parts[i] + parts[i + 1] adds two numbers, no pair is ever found in
the ranks, and looking up an int in the bytes-keyed ranks fails.

Basis: a well-known Python 3 trap: iterating or indexing bytes gives ints (list(b"hi") is
[104, 105]); [bytes([b]) for b in piece] is needed, as in tiktoken's educational BPE.
"""

EXPECT = ["integers", "bytes([b])", "iterating", "ints, not bytes"]


def _merge_piece(piece, ranks):
    parts = list(piece)
    while len(parts) > 1:
        best_rank, best_i = None, -1
        for i in range(len(parts) - 1):
            rank = ranks.get(parts[i] + parts[i + 1])
            if rank is not None and (best_rank is None or rank < best_rank):
                best_rank, best_i = rank, i
        if best_rank is None:
            break
        parts[best_i : best_i + 2] = [parts[best_i] + parts[best_i + 1]]
    return [ranks[p] for p in parts]
