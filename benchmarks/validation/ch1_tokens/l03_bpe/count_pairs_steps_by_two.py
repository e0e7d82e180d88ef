"""count_pairs steps through the ids two at a time (range(0, len(ids) - 1, 2)), so it counts
only the pairs that start at even positions instead of every adjacent pair.

Basis: "pair" read as cutting the sequence into chunks of two; BPE counts the overlapping
sliding window zip(ids, ids[1:]) (Karpathy's minbpe get_stats).
"""

EXPECT = ["every adjacent pair", "overlapping", "sliding", "step"]


def count_pairs(ids):
    counts = {}
    for i in range(0, len(ids) - 1, 2):
        pair = (ids[i], ids[i + 1])
        counts[pair] = counts.get(pair, 0) + 1
    return counts
