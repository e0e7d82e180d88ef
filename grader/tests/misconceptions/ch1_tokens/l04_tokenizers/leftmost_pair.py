"""Merges the leftmost adjacent pair that is a token, instead of the pair with the lowest rank
(reading BPE as "scan left to right and glue what you can")."""

EXPECT = "lowest rank"


def encode_with_ranks(text, ranks, pattern):
    ids = []
    for piece in regex.findall(pattern, text):
        parts = [bytes([b]) for b in piece.encode("utf-8")]
        merged = True
        while merged and len(parts) > 1:
            merged = False
            for i in range(len(parts) - 1):
                if parts[i] + parts[i + 1] in ranks:
                    parts[i : i + 2] = [parts[i] + parts[i + 1]]
                    merged = True
                    break
        ids.extend(ranks[p] for p in parts)
    return ids
