"""Tokenizes by greedy longest match (take the longest token that starts here, then move on)
instead of BPE merges by rank; the two often agree, which makes this mistake easy to miss."""

EXPECT = "lowest rank"


def encode_with_ranks(text, ranks, pattern):
    longest = max(len(t) for t in ranks)
    ids = []
    for piece in regex.findall(pattern, text):
        raw, i = piece.encode("utf-8"), 0
        while i < len(raw):
            for j in range(min(len(raw), i + longest), i, -1):
                if raw[i:j] in ranks:
                    ids.append(ranks[raw[i:j]])
                    i = j
                    break
    return ids
