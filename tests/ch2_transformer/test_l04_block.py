"""Visible tests for lesson 2.4, Inside the transformer block: tiny cases first, then the pinned
conventions, then properties. The `block` fixture is your exercises/ch2_transformer/l04_block.py.

Expected values, and the outputs of the known mistakes that the hints name, were recorded from
an independent reference written one head and one query at a time (never the lesson's own
code): grader/data/recorded/, read through grader.assets.recorded."""

import numpy as np

from grader.assets import recorded
from grader.calltrace import calls_probe
from grader.testing import (
    call,
    causal_probe,
    close,
    explain,
    leak_or_blind,
    localise,
    raises,
    short,
    shown,
)

CASES = recorded("ch2_transformer/l04_block")


def attention_hint(case, got):
    """A diagnosis when `got` matches a known wrong attention of this recorded case."""
    if matches(got, case["unscaled"]):
        return "the scores were not scaled: divide q @ k.T by sqrt(dh)."
    if matches(got, case["over_queries"]):
        return (
            "the softmax ran over the queries (axis 0); each query's "
            "weights over the keys (the last axis) must sum to 1."
        )
    return ""


def mask_hint(case, q, k, v, mask, got):
    """A diagnosis when `got` matches attention with the mask applied a known wrong way."""
    s = q @ k.T / np.sqrt(q.shape[1])

    def softmax(z):
        w = np.exp(z - z.max(axis=-1, keepdims=True))
        return w / w.sum(axis=-1, keepdims=True)

    for alts, hint in (
        (
            (softmax(s), softmax(np.where(mask, s, 0.0))),
            "a masked key still gets weight: where the mask is False the score must become "
            "-inf (not 0) before the softmax.",
        ),
        (
            (softmax(s) * mask,),
            "the mask was applied after the softmax; masked scores must be -inf before it, "
            "so the kept weights still sum to 1.",
        ),
        (
            (softmax(np.where(mask, -1e9, s)),),
            "the mask was read the wrong way round: True means the key may be seen.",
        ),
    ):
        if any(matches(got, alt @ v) for alt in alts):
            return hint
    return attention_hint(case, got)


def check(call_text, got, want, hint="", leak=None):
    """`leak`: a causal probe, run only when the check fails (its cause, confirmed on two
    inputs, is added)."""
    problem = close(got, want, atol=1e-6)
    assert not problem, explain(call_text, got, want, hint, detail=problem) + (
        leak_or_blind(leak) if leak is not None else ""
    )


def matches(got, alt):
    return (
        isinstance(got, np.ndarray) and got.shape == alt.shape and np.allclose(got, alt, atol=1e-6)
    )


# -- gelu ---------------------------------------------------------------------------------
def test_gelu_known_values(block):
    x = np.array([-3.0, 0.0, 1.0, 3.0])
    want = np.array([-0.0036373920, 0.0, 0.8411919906, 2.9963626080])
    got = block.gelu(x)
    hint = ""
    if isinstance(got, np.ndarray) and got.shape == (4,) and abs(got[2] - 0.8413447) < 1e-6:
        hint = "that is the exact erf GELU; GPT-2 uses the tanh approximation."
    elif matches(got, np.maximum(x, 0.0)):
        hint = "that is ReLU; GELU is 0.5 * x * (1 + tanh(sqrt(2/pi) * (x + 0.044715 * x**3)))."
    check(call("gelu", x), got, want, hint)


def test_gelu_keeps_the_shape(block):
    case = CASES["gelu_shape"]
    check(call("gelu", case["x"]), block.gelu(case["x"]), case["want"])


# -- causal_mask --------------------------------------------------------------------------
def test_causal_mask_of_three(block):
    got = block.causal_mask(3)
    want = np.array([[True, False, False], [True, True, False], [True, True, True]])
    hint = ""
    if matches(np.asarray(got, dtype=float), np.tril(np.ones((3, 3)), -1)):
        hint = "the diagonal must be True: position i may attend to itself (j <= i, not j < i)."
    elif matches(np.asarray(got, dtype=float), np.triu(np.ones((3, 3)))):
        hint = "that is the upper triangle; row i is the query, so True where j <= i."
    assert isinstance(got, np.ndarray) and got.dtype == bool, (
        f"causal_mask(3) returned {short(got)}, expected a boolean numpy array."
        + (f" Hint: {hint}" if hint else "")
    )
    check("causal_mask(3)", got, want, hint)


# -- attention ----------------------------------------------------------------------------
def test_attention_scales_by_sqrt_dh(block):
    # scores (2, 0) / sqrt(4) = (1, 0); softmax -> (e/(e+1), 1/(e+1)) = (0.7311, 0.2689)
    case = CASES["scales_by_sqrt_dh"]
    q, k, v = case["q"], case["k"], case["v"]
    got = block.attention(q, k, v)
    e = np.e
    want = np.array([[e / (e + 1), 1 / (e + 1)]])
    check(call("attention", q, k, v), got, want, attention_hint(case, got))


def test_attention_with_equal_scores_averages_the_values(block):
    case = CASES["equal_scores"]
    q, k, v = case["q"], case["k"], case["v"]
    got = block.attention(q, k, v)
    want = np.array([[1.0, 1.0], [1.0, 1.0]])  # every weight is 1/3
    check(call("attention", q, k, v), got, want, attention_hint(case, got))


def test_attention_softmax_runs_over_the_keys(block):
    case = CASES["softmax_over_keys"]
    q, k, v = case["q"], case["k"], case["v"]
    got = block.attention(q, k, v)
    check(call("attention", q, k, v), got, case["want"], attention_hint(case, got))


def test_attention_mask_gives_masked_keys_no_weight(block):
    case = CASES["masked_keys"]  # v's key 1 is (100, -100): it must not reach query 0
    q, k, v, mask, want = case["q"], case["k"], case["v"], case["mask"], case["want"]
    got = block.attention(q, k, v, mask)
    check(call("attention", q, k, v, mask), got, want, mask_hint(case, q, k, v, mask, got))


def test_attention_rejects_a_query_that_may_see_nothing(block):
    q = k = v = np.ones((2, 2))
    mask = np.array([[False, False], [True, True]])
    raises(ValueError, block.attention, q, k, v, mask)


def test_attention_of_huge_scores_has_no_nan(block):
    # query 0 scores +-707107 (huge); query 1 scores +-1/sqrt(2) (small, far below query 0's
    # max): the max to subtract is each query's own
    q = np.array([[1000.0, 0.0], [0.001, 0.0]])
    k = np.array([[1000.0, 0.0], [-1000.0, 0.0]])
    v = np.array([[1.0, 0.0], [0.0, 1.0]])
    with np.errstate(all="ignore"):
        got = block.attention(q, k, v)
    w = 1.0 / (1.0 + np.exp(-2.0 / np.sqrt(2.0)))  # softmax(s, -s) with s = 1/sqrt(2)
    want = np.array([[1.0, 0.0], [w, 1.0 - w]])
    hint = ""
    if isinstance(got, np.ndarray) and not np.isfinite(got).all():
        hint = "exp of a huge score overflows: subtract each row's max score before np.exp."
    check(call("attention", q, k, v), got, want, hint)


# -- multi_head_attention, feed_forward -----------------------------------------------------
def test_multi_head_attention_splits_contiguous_columns(block):
    case, H = CASES["mha_contiguous"], 2
    p, x, mask, want = case["p"], case["x"], case["mask"], case["want"]
    got = block.multi_head_attention(x, p, H, mask)
    hint = ""
    if matches(got, case["interleaved"]):
        hint = "head h uses the contiguous columns h*dh:(h+1)*dh, not every n_heads-th column."
    later = x.copy()
    later[-1] += np.linspace(-3.0, 3.0, x.shape[1])  # only the last position, unevenly

    def sees_later():
        run = lambda z: block.multi_head_attention(z, p, H, mask)  # noqa: E731
        return causal_probe(run, x, later, 1e-6, 1e-5)

    check(
        call("multi_head_attention", x, shown(p, "<seeded block>"), H, mask),
        got,
        want,
        hint,
        sees_later,
    )


def test_multi_head_attention_without_mask_sees_everything(block):
    case, H = CASES["mha_no_mask"], 3
    p, x, want = case["p"], case["x"], case["want"]
    got = block.multi_head_attention(x, p, H, None)
    check(
        call("multi_head_attention", shown(x, "<(4, 6) x>"), shown(p, "<seeded block>"), H, None),
        got,
        want,
    )


def test_feed_forward_widens_then_narrows(block):
    case = CASES["feed_forward"]
    p, x = case["p"], case["x"]
    got = block.feed_forward(x, p)
    check(call("feed_forward", x, shown(p, "<seeded block>")), got, case["want"])


# -- transformer_block --------------------------------------------------------------------
def test_transformer_block_is_pre_ln_and_causal(block):
    case, H = CASES["block"], 2
    p, x, want = case["p"], case["x"], case["want"]
    got = block.transformer_block(x, p, H)
    hint = ""
    if matches(got, case["post_ln"]):
        hint = "that is post-LN; GPT-2 normalises the input of each sublayer: x + mha(ln1(x))."
    elif matches(got, case["unmasked"]):
        hint = "the block must pass causal_mask(T) to multi_head_attention."
    problem = close(got, want, atol=1e-6)
    assert not problem, (
        explain(
            call("transformer_block", x, shown(p, "<seeded block>"), H),
            got,
            want,
            hint,
            detail=problem,
        )
        + " "
        + block_parts(block, case, H)
    )


def block_parts(block, case, H):
    """Your own parts of the block, each on the reference's input to it, in the block's order:
    where the difference starts."""
    p, x, t = case["p"], case["x"], case["trace"]
    mask = t["mask"].astype(bool)
    steps = [
        ("layer_norm(x, ln1_g, ln1_b)", lambda: block.layer_norm(x, p["ln1_g"], p["ln1_b"])),
        (f"causal_mask({len(x)})", lambda: np.asarray(block.causal_mask(len(x)), dtype=float)),
        (
            "multi_head_attention(h, block, 2, mask)",
            lambda: block.multi_head_attention(t["ln1"], p, H, mask),
        ),
        ("layer_norm(x, ln2_g, ln2_b)", lambda: block.layer_norm(t["mid"], p["ln2_g"], p["ln2_b"])),
        ("feed_forward(h, block)", lambda: block.feed_forward(t["ln2"], p)),
    ]
    wants = ["ln1", "mask", "att", "ln2", "ff"]
    joined = (
        "transformer_block's docstring: x = x + multi_head_attention(layer_norm(x, ln1), ..., "
        "causal_mask(T)), then x = x + feed_forward(layer_norm(x, ln2), ...)"
    )
    later = x.copy()
    later[-1] += np.linspace(-3.0, 3.0, x.shape[1])  # only the last position, unevenly

    def sees_later():
        return causal_probe(lambda z: block.transformer_block(z, p, H), x, later, 1e-6, 1e-5)

    steps = [(n, run, t[w]) for (n, run), w in zip(steps, wants)]
    calls = calls_probe(  # how your transformer_block calls your parts, on the same input
        block,
        "transformer_block",
        lambda: block.transformer_block(x, p, H),
        [
            ("layer_norm", (x, p["ln1_g"], p["ln1_b"])),
            ("causal_mask", (len(x),)),
            ("multi_head_attention", (t["ln1"], p, H, mask)),
            ("layer_norm", (t["mid"], p["ln2_g"], p["ln2_b"])),
            ("feed_forward", (t["ln2"], p)),
        ],
        {f"block['{k}']": v for k, v in p.items()} | {"the causal mask": mask},
        1e-6,
        1e-5,
    )
    return localise(steps, 1e-6, 1e-5, joined, probes=(calls, sees_later))


def test_transformer_block_output_ignores_future_positions(block):
    case, H = CASES["block_future"], 2
    p, x = case["p"], case["x"]
    T = x.shape[0]
    later = x.copy()
    # change only the last position, by a different amount in every feature: LayerNorm would
    # remove the same amount added to every feature, and the change would reach no other row
    later[-1] += np.linspace(-3.0, 3.0, x.shape[1])
    a, b = block.transformer_block(x, p, H), block.transformer_block(later, p, H)
    moved = [i for i in range(T - 1) if not np.allclose(a[i], b[i], atol=1e-9)]
    assert not moved, (
        f"changing only position {T - 1} changed the output at positions {moved}. "
        "Hint: a position may only attend to itself and earlier positions."
    )


def test_multi_head_attention_with_one_head(block):
    # one head is the smallest valid number: the whole of d_model in one attention
    case = CASES["mha_no_mask"]
    p, x = case["p"], case["x"]
    got = block.multi_head_attention(x, p, 1, None)
    shape = getattr(got, "shape", None)
    assert shape == x.shape and np.isfinite(got).all(), explain(
        call("multi_head_attention", shown(x, "<(4, 6) x>"), shown(p, "<seeded block>"), 1, None),
        got,
        expected_text=f"finite values of shape {x.shape}",
    )
