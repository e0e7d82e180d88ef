"""count_parameters leaves the position embeddings wpe out of the total, so it reports the
"non-embedding" count of nanoGPT instead of the number of scalars in all arrays.

Basis: nanoGPT's get_num_params(non_embedding=True) subtracts wpe by default ("the position
embeddings get subtracted"), and the GPT-2 "124M" figure is argued about on forums for exactly
this reason; the lesson counts every array, wte once.
"""

EXPECT = ["wpe", "position embeddings", "non_embedding", "every array"]


def count_parameters(params):
    total = 0
    for name, value in params.items():
        if name == "blocks":
            total += sum(int(np.size(a)) for block in value for a in block.values())
        elif name != "wpe":
            total += int(np.size(value))
    return total
