"""Lesson 1.3 - a learner's file with a missing colon."""


def count_pairs(ids)
    counts = {}
    for pair in zip(ids, ids[1:]):
        counts[pair] = counts.get(pair, 0) + 1
    return counts
