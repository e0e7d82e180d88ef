"""add_bos_eos inserts bos into and appends eos to the list it was given (ids.insert(0, bos),
ids.append(eos)) and returns it, so the caller's ids are changed, and calling it twice adds the
markers twice.

Basis: list.insert/append as the natural way to "add" tokens; the docstring asks for a new list
(Hugging Face's build_inputs_with_special_tokens returns a new one).
"""

EXPECT = ["in place", "mutates", "new list", "changed the list"]


def add_bos_eos(ids, bos, eos):
    if bos is not None:
        ids.insert(0, bos)
    if eos is not None:
        ids.append(eos)
    return ids
