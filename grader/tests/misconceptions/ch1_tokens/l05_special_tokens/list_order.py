"""Splits on each special in turn, in the order of the list, instead of taking the earliest
match in the text: an earlier special in the list wins even where it starts later."""

EXPECT = "earliest match"


def split_on_special(text, specials):
    segments = [(text, False)] if text else []
    for s in specials:
        nxt = []
        for seg, special in segments:
            if special or s not in seg:
                nxt.append((seg, special))
                continue
            parts = seg.split(s)
            for k, part in enumerate(parts):
                if part:
                    nxt.append((part, False))
                if k < len(parts) - 1:
                    nxt.append((s, True))
        segments = nxt
    return segments
