"""The causes that the observations of order, length, text, keys and shape wait for (a
`Finding`'s `would`). Each is shown only when a probe confirms it: the learner's function
differs the same way on another input of the lesson's checks, and in no other way on any
(`grader.diagnosis.probes.holds_elsewhere`); never on one answer alone. None names a detail of
one input (a position, a count), so that the same mistake on a longer input gives the same
cause."""

from __future__ import annotations

SWAPPED = (
    "two values are put in each other's place (check the order of two arguments, assignments "
    "or returned values)"
)
REORDERED = (
    "the items come out in the wrong order (check the order of the loop, of a sort, or of how "
    "the pieces are put together)"
)
MISSING = {
    "first": "something starts one position too late (a range or a slice that begins one step "
    "off, or a window one too short)",
    "last": "something stops one position too early (range(n - 1), a slice [:-1], or < where <= "
    "is wanted), or the last piece is never added once the loop ends",
    "inner": "one item is skipped (a condition or an index that passes over it)",
}
EXTRA = {
    "first": "something starts one position too early, or adds an item at the start",
    "last": "something runs one position too far (an end that is one step off), or adds an item "
    "at the end",
    "inner": "one item is added or repeated (a condition that lets it through)",
}
ONLY_LAST = "the first items are dropped (a window or a slice that starts too late)"
PRECEDED = (
    "items at the start are kept that should be dropped (a window or a slice that starts too early)"
)
CAPITALS = (
    "the case of some letters is changed (a lower(), upper() or title() too many, or one missing)"
)
CAPITALS_LOST = (
    "capital letters are lost: the text is lowercased (or its capitals dropped) before the "
    "vocabulary is built"
)
SPACES = "spaces are added, dropped or moved (check where the text is split, stripped or joined)"
INTEGER_DTYPE = (
    "the array that holds the result is integer: np.empty_like, np.zeros_like and np.asarray "
    "keep the dtype of whole-number input; make it float first (dtype=float)"
)
KEY_MISSING = "one key is left out (check the loop or the condition that builds the dict)"
KEY_EXTRA = "one key too many (check the loop or the condition that builds the dict)"
WRONG_KEYS = "the values are paired with the wrong keys (check how keys and values are matched)"
DROPPED = {
    "punctuation": "punctuation is dropped (a pattern, a split or a filter that keeps only "
    "letters, digits and words; punctuation marks are pieces of their own)",
    "whitespace": "the spaces are dropped (a split or a strip that throws them away, where they "
    "are pieces of their own)",
    "number": "the numbers are dropped (a pattern or a filter that keeps only letters)",
}
UNCHANGED = (
    "the work never changes anything: a condition that should hold never does (a list compared "
    "with a tuple is never equal: [1, 2] == (1, 2) is False; or the wrong variable is "
    "compared), or a changed copy is made but the original is returned"
)
INVERTED = (
    "the mask is inverted: True and False the other way round (the other convention, True for "
    "what is left out instead of what is kept; or `~mask`, or a comparison turned around)"
)
PIECEWISE = (
    "the bytes are decoded piece by piece (a byte or a token at a time), so a character whose "
    "bytes are split across pieces cannot be decoded: join all the bytes, then decode once"
)
SHAPE = "the values are laid out in another shape (check a reshape, a stack, or the axis of a concatenation)"
ONE_ROW = "keep every row"
NESTED = (
    "lists are put in whole where their items belong (append where extend or += is wanted, or "
    "an extra [ ] around a result)"
)
FLATTENED = (
    "the items are added one by one where each group should stay one list (extend or += where "
    "append is wanted)"
)
# also the cause of integers moved by one in two or more values (arrays.integer_shift)
OFF_BY_ONE = (
    "an off-by-one (numbering from 1 instead of 0, < instead of <=, or a range that ends one step "
    "off)"
)


def edge(i: int, n: int) -> str:
    """Which end of a sequence of n an index i is at: 'first', 'last' or 'inner'."""
    return "first" if i == 0 else ("last" if i == n - 1 else "inner")
