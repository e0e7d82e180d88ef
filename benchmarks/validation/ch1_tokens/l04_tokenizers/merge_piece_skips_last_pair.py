"""The merge loop scans the pairs with range(len(parts) - 2) instead of range(len(parts) - 1),
so the last adjacent pair of a piece is never considered (a two-byte piece is never merged).

Basis: an off-by-one when counting pairs: n parts have n - 1 adjacent pairs, and range's end
is already exclusive.
"""

EXPECT = ["off by one", "off-by-one", "last pair", "len(parts) - 1"]


def _merge_piece(piece, ranks):
    parts = [bytes([b]) for b in piece]
    while len(parts) > 1:
        best_rank, best_i = None, -1
        for i in range(len(parts) - 2):
            rank = ranks.get(parts[i] + parts[i + 1])
            if rank is not None and (best_rank is None or rank < best_rank):
                best_rank, best_i = rank, i
        if best_rank is None:
            break
        parts[best_i : best_i + 2] = [parts[best_i] + parts[best_i + 1]]
    return [ranks[p] for p in parts]
