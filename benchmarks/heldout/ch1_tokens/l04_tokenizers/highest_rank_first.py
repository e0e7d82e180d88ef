"""encode_with_ranks merges the adjacent pair with the highest rank first, where the lowest rank
(the earliest, most frequent merge) wins.

Basis: "rank" read as a score to maximise; tiktoken's educational `bpe` merges by min rank.
"""

EXPECT = ["lowest rank"]


def _merge_piece(piece, ranks):
    parts = [bytes([b]) for b in piece]
    while len(parts) > 1:
        best_rank, best_i = None, -1
        for i in range(len(parts) - 1):
            rank = ranks.get(parts[i] + parts[i + 1])
            if rank is not None and (best_rank is None or rank > best_rank):
                best_rank, best_i = rank, i
        if best_rank is None:
            break
        parts[best_i : best_i + 2] = [parts[best_i] + parts[best_i + 1]]
    return [ranks[p] for p in parts]
