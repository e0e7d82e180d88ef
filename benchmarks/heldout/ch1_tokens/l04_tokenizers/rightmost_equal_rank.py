"""encode_with_ranks compares ranks with <=, so when the same pair occurs twice the rightmost
occurrence is merged first instead of the leftmost ("aaa" -> "a", "aa" instead of "aa", "a").

Basis: tiktoken's merge loop keeps the first minimum; a <= in a hand-written scan keeps the
last.
"""

EXPECT = ["leftmost", "strict"]


def _merge_piece(piece, ranks):
    parts = [bytes([b]) for b in piece]
    while len(parts) > 1:
        best_rank, best_i = None, -1
        for i in range(len(parts) - 1):
            rank = ranks.get(parts[i] + parts[i + 1])
            if rank is not None and (best_rank is None or rank <= best_rank):
                best_rank, best_i = rank, i
        if best_rank is None:
            break
        parts[best_i : best_i + 2] = [parts[best_i] + parts[best_i + 1]]
    return [ranks[p] for p in parts]
