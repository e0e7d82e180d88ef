"""encode merges the leftmost known pair instead of the pair with the lowest merge index."""

EXPECT = "lowest merge index first"


def encode(text, merges):
    table = {pair: new_id for pair, new_id in merges}
    ids = list(text.encode("utf-8"))
    changed = True
    while changed:
        changed = False
        for i in range(len(ids) - 1):
            if (ids[i], ids[i + 1]) in table:
                ids = ids[:i] + [table[(ids[i], ids[i + 1])]] + ids[i + 2 :]
                changed = True
                break
    return ids
