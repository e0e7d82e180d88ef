"""Visible tests for lesson 3.2, The Llama block and the full model: grouped-query attention by
hand first, then the block and the forward pass of a tiny seeded Llama (6 query heads sharing 2
key-value heads, as SmolLM2's 9 share 3), float32 throughout. The `llama` fixture is your
exercises/ch3_real_model/l02_llama.py.

The weights come from grader/capstone/tiny.py; the expected values were recorded from an
independent reference (a loop over heads, never the lesson's own code): grader/data/recorded/,
read through grader.assets.recorded. The real SmolLM2 is checked by `hexahype chat --check`."""

import numpy as np

from grader.assets import recorded
from grader.calltrace import calls_probe
from grader.capstone.tiny import recorded_llama
from grader.testing import call, causal_probe, close, explain, localise, raises

CASES = recorded("ch3_real_model/l02_llama")
CFG, P = recorded_llama(CASES["model"])


def f32(a):
    return np.asarray(a, dtype=np.float32)


def float_hint(got):
    if isinstance(got, np.ndarray) and got.dtype == np.float64:
        return (
            "the result is float64, from float32 inputs. Common causes: dividing by np.sqrt(hd) "
            "(a float64 scalar, which numpy 2 lets win: use math.sqrt(hd)), or a mask added as "
            "a float64 array (use np.where(mask, scores, -np.inf))."
        )
    return ""


# -- grouped_query_attention --------------------------------------------------------------------
def test_gqa_query_heads_share_their_kv_head_in_order(llama):
    # 4 query heads, 2 KV heads: heads 0 and 1 read KV head 0 (values 1), heads 2 and 3 KV head 1
    q = f32(np.random.default_rng(0).normal(size=(4, 1, 2)))
    k = f32(np.ones((2, 1, 2)))
    v = f32([[[1.0, 1.0]], [[2.0, 2.0]]])  # (KV=2, Tk=1, hd=2)
    got = llama.grouped_query_attention(q, k, v)
    want = f32([[[1, 1]], [[1, 1]], [[2, 2]], [[2, 2]]])
    hint = ""
    if isinstance(got, np.ndarray) and got.shape == (4, 1, 2):
        if np.allclose(got[:, 0, 0], [1, 2, 1, 2]):
            hint = (
                "that maps head h to KV head h % KV (np.tile). Query head h reads KV head "
                "h // (H // KV): neighbours share, like np.repeat(k, H // KV, axis=0)."
            )
    problem = close(got, want, atol=1e-6)
    assert not problem, explain(call("grouped_query_attention", q, k, v), got, want, hint) + (
        f" ({problem})"
    )


def test_gqa_matches_head_by_head_attention_with_a_causal_mask(llama):
    case = CASES["gqa_causal"]
    q, k, v = case["q"], case["k"], case["v"]  # 6 query heads, 2 KV heads, T = 5, hd = 4
    mask = np.tril(np.ones((5, 5), dtype=bool))
    got = llama.grouped_query_attention(q, k, v, mask)
    want = case["want"]
    problem = close(got, want, atol=1e-5)
    assert not problem, explain(call("grouped_query_attention", q, k, v, mask), got, want) + (
        f" ({problem})"
    )


def test_gqa_without_a_mask_sees_every_key(llama):
    case = CASES["gqa_no_mask"]
    q, k, v = case["q"], case["k"], case["v"]  # 3 query heads, 1 KV head, 2 queries, 3 keys
    got = llama.grouped_query_attention(q, k, v)
    want = case["want"]
    problem = close(got, want, atol=1e-5)
    assert not problem, (
        explain(call("grouped_query_attention", q, k, v), got, want) + f" ({problem})"
    )


def test_gqa_keeps_float32(llama):
    rng = np.random.default_rng(3)
    q, k, v = (
        f32(rng.normal(size=(6, 3, 8))),
        f32(rng.normal(size=(2, 3, 8))),
        f32(rng.normal(size=(2, 3, 8))),
    )
    mask = np.tril(np.ones((3, 3), dtype=bool))
    got = llama.grouped_query_attention(q, k, v, mask)
    assert isinstance(got, np.ndarray) and got.dtype == np.float32, explain(
        call("grouped_query_attention", q, k, v, mask),
        f"dtype {getattr(got, 'dtype', type(got).__name__)}",
        expected_text="float32",
        hint=float_hint(got),
    )


def test_gqa_rejects_heads_that_do_not_divide(llama):
    q, k = f32(np.zeros((4, 1, 2))), f32(np.zeros((3, 1, 2)))
    with raises(ValueError, call_text="grouped_query_attention(q, k, k)"):
        llama.grouped_query_attention(q, k, k)


# -- llama_block --------------------------------------------------------------------------------
def test_llama_block_matches_the_reference(llama):
    case = CASES["block"]
    x, cos, sin = case["x"], case["cos"], case["sin"]  # T = 5, the tables of positions 0..4
    got = llama.llama_block(x, P["blocks"][0], CFG, cos, sin)
    want = case["want"]
    hint = ""
    if isinstance(got, np.ndarray) and got.shape == x.shape:
        if np.allclose(got, want - x, atol=1e-3):
            hint = "the block adds its two results to x (residuals): x = x + ..., twice."
    problem = close(got, want, atol=1e-4, rtol=1e-4)
    assert not problem, (
        explain(call("llama_block", x, "blocks[0]", "CFG", "cos", "sin"), got, want, hint)
        + f" ({problem}) "
        + block_steps(llama, case)
    )
    assert got.dtype == np.float32, explain(
        "llama_block on float32 weights",
        f"dtype {got.dtype}",
        expected_text="float32",
        hint=float_hint(got),
    )


def block_steps(llama, case):
    """Your own parts of the block, each on the reference's input to it, in the block's order:
    where the difference starts."""
    t, b, eps = case["trace"], P["blocks"][0], CFG["norm_eps"]
    cos, sin = case["cos"], case["sin"]
    causal = np.tril(np.ones((len(case["x"]),) * 2, dtype=bool))
    steps = [
        ("rms_norm(x, attn_norm)", lambda: llama.rms_norm(case["x"], b["attn_norm"], eps)),
        ("apply_rope on the query heads", lambda: llama.apply_rope(t["q"], cos, sin)),
        ("apply_rope on the key heads", lambda: llama.apply_rope(t["k"], cos, sin)),
        (
            "grouped_query_attention(q, k, v, causal mask)",
            lambda: llama.grouped_query_attention(t["att_q"], t["att_k"], t["v"], causal),
        ),
        ("rms_norm(x, mlp_norm)", lambda: llama.rms_norm(t["mid"], b["mlp_norm"], eps)),
        (
            "swiglu(h, w_gate, w_up, w_down)",
            lambda: llama.swiglu(t["mlp_in"], b["w_gate"], b["w_up"], b["w_down"]),
        ),
    ]
    wants = ["attn_norm", "q_rot", "k_rot", "att", "mlp_norm", "mlp"]
    joined = (
        "llama_block's docstring: q, k and v from the normed x, split into heads; RoPE on q and "
        "k; the causal mask np.tril(np.ones((T, T), dtype=bool)); x + the heads side by side "
        "@ w_o; then x + swiglu(rms_norm(x, mlp_norm), ...)"
    )
    x = case["x"]
    later = x.copy()
    later[-1] += np.linspace(-3.0, 3.0, x.shape[1], dtype=np.float32)  # only the last position

    def sees_later():
        return causal_probe(lambda z: llama.llama_block(z, b, CFG, cos, sin), x, later, 1e-4, 1e-4)

    steps = [(name, run, t[w]) for (name, run), w in zip(steps, wants)]
    calls = calls_probe(
        llama,
        "llama_block",
        lambda: llama.llama_block(x, b, CFG, cos, sin),
        [
            ("rms_norm", (x, b["attn_norm"], eps)),
            ("apply_rope", (t["q"], cos, sin)),
            ("apply_rope", (t["k"], cos, sin)),
            ("grouped_query_attention", (t["att_q"], t["att_k"], t["v"], causal)),
            ("rms_norm", (t["mid"], b["mlp_norm"], eps)),
            ("swiglu", (t["mlp_in"], b["w_gate"], b["w_up"], b["w_down"])),
        ],
        known(block=0) | {"the causal mask": causal, "cos": cos, "sin": sin},
        1e-4,
        1e-4,
    )
    return localise(steps, 1e-4, 1e-4, joined, probes=(calls, sees_later))


def known(block=None):
    """The values a part's argument may be, by the name the docstrings use."""
    names = {f"CFG['{k}']": v for k, v in CFG.items() if isinstance(v, (int, float))}
    names |= {"P['norm']": P["norm"], "P['wte']": P["wte"]}
    for i, b in enumerate(P["blocks"]):
        if block is None or i == block:
            names |= {f"blocks[{i}]['{k}']": v for k, v in b.items()}
    return names


def test_llama_block_is_causal(llama):
    x = f32(np.random.default_rng(5).normal(size=(4, CFG["d_model"])))
    y = x.copy()
    y[3] += 1.0  # change only the last token
    cos, sin = CASES["block_causal"]["cos"], CASES["block_causal"]["sin"]  # positions 0..3
    a = llama.llama_block(x, P["blocks"][1], CFG, cos, sin)
    b = llama.llama_block(y, P["blocks"][1], CFG, cos, sin)
    assert np.allclose(a[:3], b[:3], atol=1e-5), (
        "changing the last token changed the block's output at earlier positions: the "
        "attention needs the causal mask np.tril(np.ones((T, T), dtype=bool))."
    )


# -- forward ------------------------------------------------------------------------------------
def test_forward_matches_the_reference_logits(llama):
    case = CASES["forward"]
    ids = np.array(case["ids"])
    got = llama.forward(P, ids, CFG)
    want = case["want"]
    hint = ""
    if isinstance(got, np.ndarray) and got.shape == want.shape:
        if np.allclose(got, case["half"], atol=1e-3):
            hint = "that is RoPE with pairs (x[i], x[i + hd/2]); the layout pairs (x[2i], x[2i+1])."
        elif np.allclose(got, case["none"], atol=1e-3):
            hint = "that is the model without RoPE: rotate q and k in every block."
    problem = close(got, want, atol=1e-3, rtol=1e-4)
    assert not problem, (
        explain(call("forward", "P", ids, "CFG"), got, want, hint)
        + f" ({problem}) "
        + forward_steps(llama, case["trace"], ids)
    )


def forward_steps(llama, trace, ids):
    """Your own parts, each on the reference's input to it, in forward's order: where the
    difference starts."""
    T, prompt = len(ids), ids
    steps = [
        (
            f"rope_tables(np.arange({T}), ...)",
            lambda: np.stack(llama.rope_tables(np.arange(T), CFG["head_dim"], CFG["rope_base"])),
            trace["rope"],
        )
    ]
    cos, sin = f32(trace["rope"][0]), f32(trace["rope"][1])
    for i, (x, want) in enumerate(zip(trace["blocks_in"], trace["blocks_out"])):
        run = lambda x=x, i=i: llama.llama_block(x, P["blocks"][i], CFG, cos, sin)  # noqa: E731
        steps.append((f"block {i} (your llama_block)", run, want))
    norm = lambda: llama.rms_norm(trace["norm_in"], P["norm"], CFG["norm_eps"])  # noqa: E731
    steps.append(("the final rms_norm", norm, trace["norm_out"]))
    joined = (
        "forward's docstring: wte[ids] with no position table, the RoPE tables of positions "
        "0..T-1, every block in order, the final RMSNorm, then the tied head @ wte.T"
    )
    ids = np.arange(T) % CFG["vocab_size"]
    later = ids.copy()
    later[-1] = (later[-1] + 1) % CFG["vocab_size"]  # only the last id

    def sees_later():
        return causal_probe(lambda z: llama.forward(P, z, CFG), ids, later, 1e-4, 1e-4)

    expected = [("rope_tables", (np.arange(T), CFG["head_dim"], CFG["rope_base"]))]
    expected += [
        ("llama_block", (x, P["blocks"][i], CFG, cos, sin))
        for i, x in enumerate(trace["blocks_in"])
    ]
    expected.append(("rms_norm", (trace["norm_in"], P["norm"], CFG["norm_eps"])))
    names = known() | {f"P['blocks'][{i}]": b for i, b in enumerate(P["blocks"])}
    calls = calls_probe(
        llama, "forward", lambda: llama.forward(P, prompt, CFG), expected, names, 1e-4, 1e-4
    )
    return localise(steps, atol=1e-4, rtol=1e-4, joined=joined, probes=(calls, sees_later))


def test_forward_returns_float32_logits_of_shape_t_by_v(llama):
    ids = np.array([1, 2, 3])
    got = llama.forward(P, ids, CFG)
    assert isinstance(got, np.ndarray) and got.shape == (3, CFG["vocab_size"]), explain(
        call("forward", "P", ids, "CFG"),
        got,
        expected_text=f"logits of shape (3, {CFG['vocab_size']})",
    )
    assert got.dtype == np.float32, explain(
        call("forward", "P", ids, "CFG"),
        f"dtype {got.dtype}",
        expected_text="float32 logits",
        hint=float_hint(got),
    )


def test_forward_rows_do_not_depend_on_later_tokens(llama):
    ids = np.array([4, 9, 2, 33, 8])
    full = llama.forward(P, ids, CFG)
    prefix = llama.forward(P, ids[:3], CFG)
    problem = close(full[:3], prefix, atol=1e-4)
    assert not problem, (
        f"forward(ids)[:3] differs from forward(ids[:3]): {problem}. A position must not see "
        "later tokens."
    )


def test_forward_refuses_more_ids_than_the_context(llama):
    with raises(
        ValueError, call_text="forward(P, np.zeros(CFG['context_length'] + 1, dtype=int), CFG)"
    ):
        llama.forward(P, np.zeros(CFG["context_length"] + 1, dtype=int), CFG)


def test_gqa_rejects_a_mask_row_that_allows_no_key(llama):
    # every query row needs at least one key, row by row: the other rows allowing keys does
    # not make up for an empty one
    q, k = f32(np.zeros((2, 2, 2))), f32(np.zeros((1, 2, 2)))
    mask = np.array([[True, False], [False, False]])
    with raises(ValueError, call_text="grouped_query_attention(q, k, k, <mask with an empty row>)"):
        llama.grouped_query_attention(q, k, k, mask)
    # a row is empty here although every key (column) is allowed somewhere
    mask = np.array([[True, True], [False, False]])
    with raises(ValueError, call_text="grouped_query_attention(q, k, k, [[1, 1], [0, 0]] mask)"):
        llama.grouped_query_attention(q, k, k, mask)


def test_gqa_takes_a_key_that_no_query_may_see(llama):
    # key 1 is masked for every query (a padding key): every row still has key 0, so this is a
    # valid mask, and each query head's output is value 0
    q, k = f32(np.ones((2, 2, 2))), f32(np.ones((1, 2, 2)))
    v = f32([[[1.0, 2.0], [7.0, 9.0]]])
    mask = np.array([[True, False], [True, False]])
    got = llama.grouped_query_attention(q, k, v, mask)
    want = f32(np.broadcast_to([1.0, 2.0], (2, 2, 2)))
    problem = close(got, want, atol=1e-6)
    assert not problem, explain(
        call("grouped_query_attention", q, k, v, mask), got, want, detail=problem
    )


def test_gqa_is_stable_for_heads_of_very_different_scale(llama):
    # head 0's scores are 1000 and 500, head 1's are 1 and 0.5: each row is shifted by its own
    # max, or head 1's weights all underflow to 0 and its output is 0 / 0
    q = f32([[[1000.0]], [[1.0]]])  # (H=2, Tq=1, hd=1)
    k = f32([[[1.0], [0.5]]])  # (KV=1, Tk=2, hd=1)
    v = f32([[[1.0], [3.0]]])
    w = np.exp(np.array([1.0, 0.5]) - 1.0)
    w /= w.sum()
    want = f32([[[1.0]], [[w[0] * 1.0 + w[1] * 3.0]]])
    with np.errstate(all="ignore"):
        got = llama.grouped_query_attention(q, k, v)
    problem = close(got, want, atol=1e-5)
    hint = ""
    if isinstance(got, np.ndarray) and got.shape == want.shape and np.isnan(got[1]).all():
        hint = "shift each row of scores by its own max (axis=-1, keepdims=True), not one max."
    assert not problem, explain(call("grouped_query_attention", q, k, v), got, want, hint) + (
        f" ({problem})"
    )


def test_forward_takes_exactly_context_length_ids(llama):
    ids = np.arange(CFG["context_length"]) % CFG["vocab_size"]
    got = llama.forward(P, ids, CFG)
    want = (CFG["context_length"], CFG["vocab_size"])
    assert isinstance(got, np.ndarray) and got.shape == want, explain(
        call("forward", "P", "<context_length ids>", "CFG"),
        got,
        expected_text=f"logits of shape {want}: a full context is allowed, one more id is not",
    )
