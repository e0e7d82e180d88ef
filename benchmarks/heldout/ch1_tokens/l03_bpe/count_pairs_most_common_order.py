"""count_pairs returns its keys in order of frequency (Counter.most_common), not in order of
first appearance, which train_bpe's tie-break relies on.

Basis: minbpe's lecture uses a dict of counts and `max(stats, key=stats.get)`; learners who
reach for `Counter(...).most_common()` lose the first-appearance order
(https://github.com/karpathy/minbpe/issues/93 discusses exactly this tie on "aaabdaaabac").
"""

EXPECT = ["first appearance", "order of first"]

from collections import Counter as _Counter


def count_pairs(ids):
    return dict(_Counter(zip(ids, ids[1:])).most_common())
