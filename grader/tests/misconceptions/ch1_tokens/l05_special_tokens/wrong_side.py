"""Pads on the wrong side: "right" puts the padding in front of the tokens, "left" after them."""

EXPECT = "pad on the side you were asked"

_good_pad_batch = pad_batch


def pad_batch(seqs, pad_id, side="right"):
    if side not in ("right", "left"):
        raise ValueError(side)
    return _good_pad_batch(seqs, pad_id, "left" if side == "right" else "right")
