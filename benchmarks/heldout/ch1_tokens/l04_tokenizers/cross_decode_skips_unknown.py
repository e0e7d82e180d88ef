"""cross_decode skips an id the encoding does not have, instead of raising ValueError.

Basis: wrapping the lookup in `try/except: continue` to "make it robust".
"""

EXPECT = ["ValueError"]


def cross_decode(ids, encoding):
    chunks = []
    for i in ids:
        try:
            chunks.append(encoding.decode_single_token_bytes(i))
        except (KeyError, OverflowError, TypeError, ValueError):
            continue
    return b"".join(chunks).decode("utf-8", errors="replace")
