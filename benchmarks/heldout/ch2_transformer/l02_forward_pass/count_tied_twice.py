"""count_parameters counts the tied head as a second copy of wte.

Basis: GPT-2's "124M" vs "163M" confusion (Raschka's book, chapter 4, discusses weight tying
and the two counts); the course counts wte once.
"""

EXPECT = ["once", "tied"]


def count_parameters(params):
    total = int(np.size(params["wte"]))  # the head
    for name, value in params.items():
        if name == "blocks":
            total += sum(int(np.size(a)) for block in value for a in block.values())
        else:
            total += int(np.size(value))
    return total
