"""digit_groups cuts the number into groups of three from the right, as thousands separators
do ("1", "234", "567"), instead of reporting the tokenizer's own pieces (from the left).

Basis: "GPT-4 groups digits by three" is widely repeated; the direction is the surprise.
"""

EXPECT = ["from the left", "tokenizer's pieces", "decode each"]


def digit_groups(encoding, number):
    head = len(number) % 3
    groups = [number[:head]] if head else []
    return groups + [number[i : i + 3] for i in range(head, len(number), 3)]
