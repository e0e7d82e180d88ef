"""The diagnosis of wrong answers (grader.diagnosis): every generic detector fires on the shape
it names and stays silent otherwise, results that a learner would call the same compare as the
same (floats by closeness, never by their last bits), and the differential diagnosis names a bank
entry only for an output close to the one that entry produces."""

from __future__ import annotations

import json

import numpy as np
import pytest

from grader import testing
from grader.diagnosis import arrays, describe, diagnose, known, outputs
from grader.diagnosis.outputs import call_key, close, encode

RNG = np.random.default_rng(0)
M = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 7.0]])


def says(got, expected, *words, quantity=None):
    text = describe(got, expected, quantity)
    for word in words:
        assert word.lower() in text.lower(), f"{word!r} not in {text!r}"
    return text


# -- the detectors, each on the shape it names -------------------------------------------------
def test_transposed():
    says(M.T, M, "transposed")
    says([[1, 4], [2, 5], [3, 7]], [[1, 2, 3], [4, 5, 7]], "transposed")  # lists too


def test_shifted_by_one_position():
    says([9, 1, 2, 3], [1, 2, 3, 4], "shifted by one", "before it")
    says(
        np.array([2.0, 3.0, 4.0, 0.0]), np.array([1.0, 2.0, 3.0, 4.0]), "shifted by one", "after it"
    )
    rows = np.arange(8.0).reshape(4, 2)
    says(rows[[1, 2, 3, 0]], rows, "shifted by one along axis 0")
    says(["b", "c", "d", "x"], ["a", "b", "c", "d"], "one position earlier")


def test_reversed():
    says([5, 1, 4, 2], [2, 4, 1, 5], "reverse order")
    says(np.flip(M, axis=1), M, "reverse order along axis 1")
    says(["c", "b", "a"], ["a", "b", "c"], "reverse order")
    says([2, 1], [1, 2], "swapped")


def test_normalised_along_the_wrong_axis():
    x = np.array([[1.0, 2.0], [3.0, 4.0]])
    e = np.exp(x)
    says(e / e.sum(0), e / e.sum(1, keepdims=True), "sum to 1 along axis 0 instead of axis 1")
    rows = x / np.linalg.norm(x, axis=1, keepdims=True)
    says(x / np.linalg.norm(x, axis=0), rows, "length 1 along axis 0 instead of axis 1")


def test_missing_normalisation_per_row_and_per_row_and_column():
    x = np.array([[1.0, 2.0, 3.0], [2.0, 2.0, 5.0]])
    says(x, x / x.sum(1, keepdims=True), "each row is the expected row times its own factor")
    a, b = np.array([[1.0, 2.0], [3.0, 1.0]]), np.array([[1.0, 1.0], [2.0, -1.0], [0.5, 3.0]])
    unit = (a / np.linalg.norm(a, axis=1, keepdims=True)) @ (
        b / np.linalg.norm(b, axis=1, keepdims=True)
    ).T
    says((a @ b.T) / (np.linalg.norm(a) * np.linalg.norm(b)), unit, "row and its column")


@pytest.mark.parametrize(
    "factor, words",
    [
        (2.0, ["2 times"]),
        (0.5, ["divided by 2"]),
        (np.sqrt(8), ["√8", "sqrt"]),
        (1 / np.sqrt(64 + 1), ["divided by √65"]),
        (1 / np.log(2), ["base 2"]),
        (1.37, ["same factor 1.37"]),
    ],
)
def test_off_by_a_constant_factor(factor, words):
    says(M * factor, M, *words)


def test_a_large_ratio_is_a_whole_number_or_a_root_only_to_float32_rounding():
    """sqrt(d) in float32 is named; a ratio 3e-5 away from some sqrt(n) or whole number, which
    large ratios are by chance, is only a factor."""
    d = 896  # a model width
    scaled = (M * np.float32(np.sqrt(d))).astype(np.float32)
    says(scaled.astype(np.float64), M, f"√{d}")
    for near in (np.sqrt(d) * (1 + 3e-5), 517 * (1 + 3e-5)):
        said = describe(M * near, M)
        assert "√" not in said and "exactly" not in said and "same factor" in said, said


def test_text_cut_into_words_where_characters_are_expected_and_the_reverse():
    vocab = describe({"hello": 0}, {"e": 0, "h": 1, "l": 2, "o": 3})
    assert "in the keys: pieces of several characters ('hello')" in vocab, vocab
    words = describe(["t", "h", "e", "c", "a", "t"], ["the", "cat"])
    assert "single characters where longer pieces (words or tokens) are expected" in words, words
    # other characters, or pieces that are not text: no such finding
    assert "several characters" not in describe({"xy": 0}, {"a": 0, "b": 1})
    assert "single characters" not in describe([1, 2], [12])


def test_constant_factor_on_scalars_only_when_it_is_a_nice_one():
    says(0.98, 0.49, "2 times")
    says(1280, 3840, "divided by 3", quantity=True)
    assert describe(3.7, 1.0) == ""  # any two numbers have a ratio: say nothing
    assert describe(3, 9, True) == "" and describe(2, 1, True) == ""  # small integers
    says(4, 8, "divided by 2", quantity=True)


def test_wrong_sign():
    says(-M, M, "opposite sign")
    says(np.array([1.0, -2.0, 3.0]), np.array([1.0, 2.0, 3.0]), "1 of 3 values have the wrong sign")


def test_right_values_in_the_wrong_order():
    says([3, 1, 2, 5], [1, 2, 3, 5], "wrong order")
    says([1, 5, 3, 2], [1, 2, 3, 5], "positions 1 and 3 are swapped")
    says(["b", "a", "c", "d"], ["a", "b", "c", "d"], "swapped")
    cols = np.array([[0.0, 1.0, 2.0, 3.0], [4.0, 5.0, 6.0, 7.0]])
    says(cols[:, [0, 2, 1, 3]], cols, "right columns in the wrong order")


def test_one_element_missing_or_extra():
    says([1, 2, 4], [1, 2, 3, 4], "one element is missing", "index 2")
    says([1, 2, 3, 4, 9], [1, 2, 3, 4], "one element too many, at the end")
    says(["a", "c"], ["a", "b", "c"], "one item is missing", "'b'")
    says({"a": 1}, {"a": 1, "b": 2}, "key 'b' is missing")
    says({"a": 1, "b": 2, "z": 0}, {"a": 1, "b": 2}, "extra key 'z'")
    rows = np.arange(6.0).reshape(3, 2)
    says(rows[:1], rows, "only the first 1 of the 3 expected rows")
    says([9, 9, 1, 2], [1, 2], "preceded by 2 more")


def test_int_versus_float_and_numpy_scalars():
    says(np.int64(3), 3, "numpy scalar", "int(...)")
    says(np.float64(0.5), 0.5, "numpy scalar", "float(...)")
    says(3, 3.0, "an int where a float is expected")
    says(330.0, 330, "a float (330.0) where an int is expected")
    says(np.array([1, 0]), np.array([1.0, 0.0]), "dtype is int64, expected float64")
    says([(np.int64(1), 0.5)], [(1, 0.5)], "at [0][0]", "numpy scalar")
    says(np.array([1, 2]), [1, 2], "numpy array where a list is expected")
    says(b"hi", [104, 105], "bytes object where a list of ints")


def test_input_mutated_in_place():
    def subtract_max(x):
        x -= x.max()
        return x

    def fine(x):
        return x - x.max()

    with pytest.raises(AssertionError) as info:
        testing.expect_unchanged(subtract_max, np.array([1.0, 3.0]))
    text = str(info.value)
    assert "subtract_max(array([1., 3.])) changed its argument x in place" in text
    assert "the same constant (-3)" in text and "Work on a copy" in text
    got = testing.expect_unchanged(fine, np.array([1.0, 3.0]))
    assert got.tolist() == [-2.0, 0.0]


def test_input_mutated_in_place_is_shown_by_the_labels_it_was_given():
    def extend(params, ids):
        ids.append(params["eos"])
        return ids

    big = {"eos": 9, "weights": list(range(500))}
    with pytest.raises(AssertionError) as info:  # the function gets the values, not labels
        testing.expect_unchanged(extend, testing.shown(big, "<model>"), [1, 2])
    text = str(info.value)
    assert text.startswith("extend('<model>', [1, 2]) changed its argument ids in place")
    assert "weights" not in text
    kept = testing.expect_unchanged(lambda p, n: p["eos"] + n, testing.shown(big, "<model>"), 1)
    assert kept == 10


def test_the_same_object_where_independent_copies_are_expected():
    row = [0, 0]
    says([row, row], [[1, 0], [0, 1]], "item 0 and item 1", "same object")
    block = {"w": np.zeros(2)}
    text = diagnose("init(...)", {"blocks": [block, block]})  # no expected value needed
    assert "['blocks'][0] and ['blocks'][1] of the result are the same object" in text
    assert "same object" not in describe([[0, 0], [0, 0]], [[1, 0], [0, 1]])  # separate rows
    views = np.zeros((2, 3))
    assert "same object" in describe([views, views], [np.ones(3), np.zeros(3)])

    def identity(ids):
        return ids

    with pytest.raises(AssertionError, match="returned the very object it was given as ids"):
        testing.expect_unchanged(identity, [1, 2], fresh=True)


def test_text_detectors():
    says("Hello World", "hello world", "capitals")
    says("h o l e", "hole", "apart from spaces")
    says("hÃ©", "hé", "latin-1")
    says("h", "h\ufffd", "U+FFFD", "missing")
    says(["ab", "c"], ["a", "bc"], "same text cut into different pieces")
    says(["a", "b"], [b"a", b"b"], "a list of str where a list of bytes")


def test_filters_and_masks():
    n = -np.inf
    says(np.array([1.0, 3.0, 5.0, 2.0]), np.array([n, 3.0, n, 2.0]), "keeps too much")
    says(np.array([n, 3.0, n, n]), np.array([n, 3.0, 2.0, 2.0]), "too strict")
    says(np.array([1.0, 3.0, n, 2.0]), np.array([n, 3.0, n, 2.0]), "1 value that should be -inf")
    says(np.tril(np.ones((3, 3)), -1), np.tril(np.ones((3, 3))), "only the diagonal differs")
    says(np.array([1.0, np.nan]), np.array([1.0, 0.0]), "nan")
    assert not arrays.close(np.array([1.0, 2.0]), np.array([-np.inf, 2.0]))
    assert arrays.close(np.array([np.nan, -np.inf]), np.array([np.nan, -np.inf]))


def test_simple_functions_of_the_expected_value():
    says(0.1, 10.0, "1 / the expected value")
    says(np.array([0.1, 0.5]), np.array([10.0, 2.0]), "upside down")
    says(1 - M / 10, M / 10, "1 minus the expected")
    says(np.exp(M), M, "exp()")
    says(np.array([3, 4, 6]), np.array([2, 3, 5]), "every value is one too large", quantity=True)
    says(
        [((97, 97), 257), ((257, 98), 258)],
        [((97, 97), 256), ((256, 98), 257)],
        "one too large",
        quantity=True,
    )
    says(np.array([1.0, 2.0, 3.0]), np.array([1.4, 2.5, 3.2]), "whole numbers")


def test_detectors_stay_silent_when_nothing_matches():
    for _ in range(20):
        a, b = RNG.normal(size=(3, 4)), RNG.normal(size=(3, 4))
        assert describe(a, b) == "", (a, b)
    assert describe([256, 3, 1, 2], [256, 3, 256]) == ""
    assert describe("abc", "xyz") == ""
    assert describe(M, M) == ""  # nothing wrong, nothing said
    assert describe(object(), 3) == ""  # never a crash


def test_explain_puts_the_diagnosis_between_the_values_and_the_hint():
    msg = testing.explain("f(x)", [3, 2, 1], [1, 2, 3], "a hint.", detail="3 values differ")
    assert msg.startswith(
        "f(x) returned [3, 2, 1], expected [1, 2, 3] (3 values differ). Diagnosis:"
    )
    assert msg.endswith("Hint: a hint.")
    assert "Diagnosis" not in testing.explain("f(x)", [4, 1], [1, 2])


# -- the evidence rule: an observation always, a cause only when the numbers confirm it --------
def cause_of(got, expected, call_text="f(x)"):
    """The message's diagnosis: ('cause', text), ('observation', text) or ('', '')."""
    text = diagnose(call_text, got, expected, True)
    if text.startswith("Diagnosis: "):
        return "cause", text
    if text.startswith("How it differs: "):
        return "observation", text
    assert text == "", text
    return "", ""


def test_a_single_number_gets_an_observation_never_an_arithmetic_cause():
    assert cause_of(0.98, 0.49) == (
        "observation",
        "How it differs: that is exactly 2 times the expected value.",
    )
    assert cause_of(0.5 * np.sqrt(21), 0.5)[0] == "observation"
    assert cause_of(np.float64(0.25), 0.5)[0] == "observation"  # "divided by 2", no cause
    assert cause_of(np.exp(0.3), 0.3)[0] == "observation"
    assert cause_of(np.array([1.0]), np.array([1.3])) == (
        "observation",
        "How it differs: the values are cut to whole numbers.",
    )
    assert cause_of(np.array([-0.7]), np.array([0.7]))[0] == "observation"  # the sign


def test_a_ratio_is_a_cause_only_on_two_differing_non_equal_values():
    x = np.array([1.0, 2.0, 3.0])
    kind, text = cause_of(2 * x, x)
    assert kind == "cause" and "extra factor of 2" in text
    # one element differs: a ratio of 2 there is no evidence
    assert cause_of(np.array([1.0, 4.0, 3.0]), x)[0] != "cause"
    # every expected value equal: 2 times, 2 more, the square... many explanations fit
    assert cause_of(np.array([2.0, 2.0]), np.array([1.0, 1.0]))[0] == "observation"
    # the sqrt(d) kind of factor needs two rows: one row is one example
    row = np.array([[1.0, 2.0, 3.0]])
    assert cause_of(row * np.sqrt(21), row)[0] == "observation"
    rows = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 7.0]])
    assert cause_of(rows * np.sqrt(21), rows)[0] == "cause"


def test_a_shift_is_a_cause_only_on_two_positions():
    assert cause_of([9.0, 1.0, 2.0, 3.0], [1.0, 2.0, 3.0, 4.0])[0] == "cause"
    # [5, 5, 7]: only one neighbouring pair differs, so a shift is seen at one position only
    assert cause_of(np.array([0.0, 5.0, 5.0]), np.array([5.0, 5.0, 7.0]))[0] == "observation"
    assert cause_of(["x", "a", "a"], ["a", "a", "b"])[0] == "observation"


def test_two_explanations_that_fit_equally_well_name_neither():
    # a halved geometric row is also the row shifted by one: say how, not why
    kind, text = cause_of(np.array([[2.0, 1.0, 0.5]]), np.array([[4.0, 2.0, 1.0]]))
    assert kind == "observation" and "divided by 2" in text
    # 1 more everywhere on an arithmetic sequence is also a shift by one
    kind, text = cause_of(np.array([2.0, 3.0, 4.0, 5.0]), np.array([1.0, 2.0, 3.0, 4.0]))
    assert kind == "observation" and "one too large" in text


def test_truncation_is_a_cause_only_when_every_value_is_the_floor():
    e = np.array([0.5, 1.5, 2.25])
    assert cause_of(np.floor(e), e)[0] == "cause"
    assert cause_of(np.round(e), e) == (
        "observation",
        "How it differs: the values are rounded to whole numbers.",
    )
    # one value differs (a clipped 1.0 next to values that were whole already): no evidence
    one = np.array([1.5, 1.0, 2.0])
    assert cause_of(np.floor(one), one) == (
        "observation",
        "How it differs: the values are cut to whole numbers.",
    )


def test_an_integer_result_is_named_by_its_dtype_on_one_input():
    # a single pair [[0, 0]] for [[0.54, 0.84]]: the dtype itself shows the values were cut
    want = np.array([[0.5403, 0.8415]])
    kind, text = cause_of(np.array([[0, 0]]), want)
    assert kind == "cause" and "integer array (int64)" in text and "dtype=float" in text
    # an integer array whose values are not the cut ones: the dtype is said, no cause
    kind, text = cause_of(np.array([[3, 1]]), want)
    assert kind == "observation" and "integer array" in text
    # the same whole numbers in a float array: no dtype is blamed
    assert "integer array" not in cause_of(np.array([[0.0, 0.0]]), want)[1]
    # whole numbers expected: an integer dtype is not a mistake
    assert "integer array" not in cause_of(np.array([1, 2]), np.array([1.0, 3.0]))[1]


def test_a_vocabulary_with_keys_missing_and_its_ids_closed_up():
    from grader.diagnosis import finding

    want = {" ": 0, "B": 1, "a": 2, "b": 3}
    # 'B' lowercased away: the rest keep their order, their ids closed up over the gap
    text = diagnose("build_char_vocab('ba B')", {" ": 0, "a": 1, "b": 2}, want, True)
    assert "the key 'B' is missing, and the other keys keep their order" in text
    found = finding({" ": 0, "a": 1, "b": 2}, want)
    assert found.would.startswith("capital letters are lost")  # it waits for a probe
    # a key missing that no other case explains: many mistakes do that, so no cause
    other = finding({" ": 0, "B": 1, "b": 2}, want)
    assert other.how.startswith("the key 'a' is missing") and not other.why and not other.would
    # the same keys in another order: not a closed-up vocabulary, nothing is said of it
    assert not finding({" ": 0, "b": 1, "a": 2}, want)


def test_ids_get_no_arithmetic_at_all():
    # token ids: no "divided by", no "one more", no "times", whatever the numbers
    assert diagnose("sample(probs, 0.5)", 4, 8, True) == ""
    assert diagnose("greedy(logits)", 6, 5, True) == ""
    assert diagnose("encode('abc', merges)", [257, 99], [256, 99], True) == ""
    assert diagnose("merge([1, 2, 3], (1, 2), 256)", [257, 4], [256, 3], True) == ""
    assert diagnose("f(x)", np.array([2, 4, 6]), np.array([1, 2, 3]), True) == ""
    merges = {(97, 97): 256, (256, 98): 257}
    assert diagnose("train_bpe('aab', 258)", {(97, 97): 257, (256, 98): 258}, merges, True) == ""
    # order, length and type are not arithmetic: they still apply to ids
    assert "reverse order" in diagnose("encode('abcd', m)", [4, 3, 2, 1], [1, 2, 3, 4], True)
    assert "one element is missing" in diagnose("encode('abc', m)", [1, 3], [1, 2, 3], True)
    assert "numpy scalar" in diagnose("greedy(logits)", np.int64(3), 3, True)
    # float values are quantities, whatever the function
    assert "2 times" in diagnose("sample(probs, 0.5)", [2.0, 4.0, 6.0], [1.0, 2.0, 3.0], True)


def test_counts_are_quantities():
    assert "one more" in diagnose("count_tokens(enc, 'a b')", 5, 4, True)
    assert "divided by 2" in diagnose("kv_cache_bytes(config, 64)", 2048, 4096, True)
    got, want = {(1, 2): 4, (2, 3): 6}, {(1, 2): 2, (2, 3): 3}
    assert "2 times" in diagnose("count_pairs([1, 2, 3])", got, want, True)
    assert diagnose("counts([1, 2, 3])", got, want, True) == ""  # not count-like by name


def test_explain_labels_an_observation_so_it_does_not_read_as_a_cause():
    msg = testing.explain("f(x)", 0.98, 0.49)
    assert (
        msg
        == "f(x) returned 0.98, expected 0.49. How it differs: that is exactly 2 times the expected value."
    )
    assert "Diagnosis:" in testing.explain("f(x)", [3.0, 6.0, 9.0], [1.0, 2.0, 3.0])


# -- results: the same to a learner, floats by closeness ------------------------------------------
def test_results_that_look_alike_are_the_same():
    assert close(encode([256, 3]), encode(np.array([256.0, 3.0])))
    assert close(encode((256, 3)), encode([256, 3]))
    assert close(encode(0.1 + 0.2), encode(0.3))
    assert close(encode(np.array([[1e-17, 1.0]])), encode([[0, 1]]))
    assert close(encode({"b": 1, "a": 2}), encode({"a": 2, "b": 1}))
    assert close(encode(np.int64(7)), encode(7))
    assert close(encode(float("nan")), encode(np.nan))
    # float32 against float64, and noise far below the tolerance, on either side of 6 digits
    x = np.random.default_rng(3).normal(size=(4, 5))
    assert close(encode(x.astype(np.float32)), encode(x))
    assert close(encode(0.1234565 * (1 - 1e-9)), encode(0.1234565 * (1 + 1e-9)))
    assert close(encode(x * (1 + 1e-5)), encode(x))


def test_results_that_differ_are_not_the_same():
    assert not close(encode([1, 2]), encode([2, 1]))
    assert not close(encode(7), encode(8))  # integers are exact
    assert not close(encode(0.1234), encode(0.1236))
    assert not close(encode([1.0, 2.0]), encode([1.0, 2.0, 3.0]))
    assert not close(encode("1"), encode(1)) and not close(encode(b"a"), encode("a"))
    assert not close(encode(float("nan")), encode(0.0))
    assert not close(encode({"a": 1}), encode({"b": 1}))
    # the tolerance is relative to the whole array's scale
    assert not close(encode([1.0, 0.5]), encode([1.0, 0.5 + 3 * outputs.RTOL]))
    with pytest.raises(outputs.Unstable):
        encode(object())  # its repr holds a memory address
    assert call_key("f(1,  2)") == call_key("f(1, 2)")


def test_detectors_compare_float_items_by_closeness():
    # the right items in reverse order, computed in float32: still "reverse order"
    want = [0.1, 0.2, 0.7]
    got = [float(v) for v in np.array(want[::-1], dtype=np.float32)]
    says(got, want, "reverse order")
    assert describe([0.1, 0.2, 0.7 * (1 + 1e-9)], want) == ""
    labels = outputs.Labels().of([1.0, 1, 2, 2.0000001, "a", [1, 2], [1.0, 2.0], 3])
    assert labels is not None
    assert labels[0] == labels[1] and labels[2] == labels[3] and labels[5] == labels[6]
    assert len({labels[0], labels[2], labels[4], labels[5], labels[7]}) == 5


# -- the differential diagnosis -----------------------------------------------------------------
def fake_bank(monkeypatch, tmp_path):
    records = {
        "ch/l01/first_only": [(call_key("merge([1, 2, 1, 2])"), encode([9, 1, 2]))],
        "ch/l01/overlap": [(call_key("merge([1, 2, 1, 2])"), encode([9, 9, 9]))],
        "ch/l01/scaled": [(call_key("scale([1.5])"), encode([3.0000001]))],
    }
    data = known.build(
        records,
        {
            "ch/l01/first_only": "merge replaces only the first pair.",
            "ch/l01/overlap": "x.",
            "ch/l01/scaled": "scale doubles.",
        },
    )
    path = tmp_path / "diagnoses.json"
    known.write(data, path)
    monkeypatch.setattr(known, "load", lambda: json.loads(path.read_text(encoding="utf-8")))
    return data


def test_the_bank_names_the_mistake_only_for_its_output(monkeypatch, tmp_path):
    data = fake_bank(monkeypatch, tmp_path)
    assert known.outputs_of(data, "ch/l01/overlap") == [
        (call_key("merge([1, 2, 1, 2])"), [9, 9, 9])
    ]
    msg = testing.explain("merge([1, 2, 1, 2])", [9, 1, 2], [9, 9])
    assert "Likely mistake: merge replaces only the first pair." in msg
    assert "Likely mistake" not in testing.explain("merge([1, 2, 1, 2])", [9, 1, 3], [9, 9])
    assert "Likely mistake" not in testing.explain("merge([5, 5])", [9, 1, 2], [9, 9])
    # floats: close is enough (float32, another order), a real difference is not
    for got in (np.array([3.0], dtype=np.float32), [3.0 * (1 + 1e-5)], [2.9999999999]):
        assert "Likely mistake: scale doubles." in testing.explain("scale([1.5])", got, [1.5])
    assert "Likely mistake" not in testing.explain("scale([1.5])", [3.01], [1.5])
    monkeypatch.setenv(known.EXCLUDE_ENV, "ch/l01/first_only")  # leave-one-out
    assert "Likely mistake" not in testing.explain("merge([1, 2, 1, 2])", [9, 1, 2], [9, 9])


def test_when_two_entries_return_the_same_the_one_that_fails_first_here_leads(monkeypatch):
    here, earlier = call_key("sort([2, 1])"), call_key("other()")
    records = {
        "a/b/earlier_mistake": [(here, encode([2, 1]))],
        "a/b/this_one": [(here, encode([2.0, 1.0 + 1e-9]))],  # close: one stored result
    }
    texts = {"a/b/earlier_mistake": "A.", "a/b/this_one": "B."}
    data = known.build(records, texts, {"a/b/earlier_mistake": earlier, "a/b/this_one": here})
    assert len(data["checks"][here]) == 1
    monkeypatch.setattr(known, "load", lambda: data)
    assert known.lookup("sort([2, 1])", [2, 1]) == ["B.", "A."]
    assert "Likely mistake: B. Or: A." in testing.explain("sort([2, 1])", [2, 1], [1, 2])


def test_entries_that_a_result_cannot_tell_apart_are_not_named_alone(monkeypatch):
    here = call_key("f()")
    names = ["a/b/one", "a/b/two", "a/b/three"]
    records = {n: [(here, encode([1.0, 2.0]))] for n in names}
    texts = {n: n.rsplit("/", 1)[1] + "." for n in names}
    data = known.build(records, texts, {n: call_key("g()") for n in names})
    monkeypatch.setattr(known, "load", lambda: data)
    assert known.lookup("f()", [1.0, 2.0]) == []  # three, none first here: none is named
    data["first"]["a/b/two"] = here
    assert known.lookup("f()", [1.0, 2.0]) == ["two."]  # the one that fails first here


def test_staleness_is_judged_by_closeness():
    key = call_key("f()")
    stored = [(key, encode([0.5, 0.25]))]
    moved = np.array([0.5, 0.25], np.float32) * 1.00001
    assert known.same_outputs(stored, [(key, encode(moved))])
    assert not known.same_outputs(stored, [(key, encode([0.5, 0.26]))])
    assert not known.same_outputs(stored, [(call_key("g()"), encode([0.5, 0.25]))])
    assert not known.same_outputs(stored, [])


def test_failing_checks_are_recorded_when_asked(monkeypatch, tmp_path):
    out = tmp_path / "records.jsonl"
    monkeypatch.setenv(known.RECORD_ENV, str(out))
    monkeypatch.setenv("PYTEST_CURRENT_TEST", "tests/ch1/test_x.py::test_y (call)")
    testing.explain("f(1)", [1, 2], [2, 1])
    with pytest.raises(AssertionError):
        testing.expect_raises(ValueError, lambda x: x, 1)
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert lines[0] == {
        "call": call_key("f(1)"),
        "out": [1, 2],
        "want": {"value": [2, 1], "same_type": True},
        "test": "tests/ch1/test_x.py::test_y",
    }
    assert lines[1]["call"] == call_key("<lambda>(1) -> raises ValueError")
    assert lines[1]["want"] is None
    assert known.read_records(out) == (lines, call_key("f(1)"))
    hidden = tmp_path / "hidden.jsonl"
    hidden.write_text(json.dumps(dict(lines[0], test="tests/hidden/a.py::t")) + "\n")
    assert known.read_records(hidden) == ([], "")


def test_an_entry_explanation_is_its_first_sentence():
    source = '"""merge replaces only the first occurrence (see np.add.at). It then stops."""\n'
    assert known.explanation(source) == "merge replaces only the first occurrence (see np.add.at)."


def test_localise_names_the_first_part_that_differs_and_where() -> None:
    """A whole-model check is localised on the learner's own parts, each fed the reference's
    input: the first part that differs is named with its positions, the ones before it as
    matching; a raising part names its exception; when every part matches, the difference is
    in how they are joined; a part not started leaves the check's own message alone."""
    import numpy as np

    from grader.testing import localise

    ref = np.arange(12.0).reshape(4, 3)
    later = ref.copy()
    later[2:] += 1.0
    same = ("block 0", lambda: ref.copy(), ref)
    text = localise([same, ("block 1", lambda: later, ref)], atol=1e-4, rtol=1e-4)
    assert text == "Where it first differs: block 1 differs from position 2 on; block 0 matches."
    one = ref.copy()
    one[1, 0] = -5.0
    text = localise([("norm", lambda: one, ref), same], atol=1e-4, rtol=1e-4)
    assert text == "Where it first differs: norm differs at position 1."
    assert localise([same, ("step 2", lambda: ref[:1] + 1, ref[:1])], 1e-4, 1e-4) == (
        "Where it first differs: step 2 differs; block 0 matches."
    )
    assert "at every position" in localise([("head", lambda: ref + 1, ref)], 1e-4, 1e-4)
    close_enough = ("block 0", lambda: ref + 1e-6, ref)  # within the stated tolerance
    joined = localise([close_enough, same], atol=1e-4, rtol=1e-4, joined="wte[ids], then ...")
    assert joined.startswith("Where it first differs: nowhere inside: block 0, block 0 each")
    assert joined.endswith("how they are joined (wte[ids], then ...).")

    def boom():
        raise KeyError("w_q")

    text = localise([same, ("block 1", boom, ref)], atol=1e-4, rtol=1e-4)
    assert text == "Where it first differs: block 1 raised KeyError: 'w_q'; block 0 matches."
    assert "returns (4,)" in localise([("x", lambda: ref[:, 0], ref)], 1e-4, 1e-4)
    many = [(f"step {i}", lambda: ref, ref) for i in range(1, 31)]
    assert "nowhere inside: all 30 of step 1 to step 30 each give" in localise(many, 1e-4, 1e-4)
    text = localise([*many[:6], ("step 7", lambda: ref + 1, ref)], 1e-4, 1e-4)
    assert text.endswith("step 7 differs at every position; all 6 of step 1 to step 6 match.")

    def not_started():
        raise NotImplementedError

    assert localise([("block 0", not_started, ref)], atol=1e-4, rtol=1e-4) == ""


def test_evidence_in_rows_and_results_many_mistakes_share(monkeypatch, tmp_path):
    """A ratio confined to one row is one computation's worth of evidence: an observation, no
    cause; a per-row constant names a per-row subtraction only where the expected rows are what
    one makes (centred, or log-probabilities); a non-finite result, or at most one id, names no
    bank entry (a count does)."""
    one_row = np.array([[0.0, 0.0], [11.0, 22.0], [0.0, 0.0]])
    found = describe(one_row / 2, one_row)
    assert "divided by 2" in found and "missing" not in found
    rows = np.array([[1.0, 2.0], [4.0, 7.0]])
    assert "missing" in describe(rows / 2, rows)  # two rows: a cause
    logp = np.log(np.array([[0.2, 0.8], [0.5, 0.5]]))
    shifted = logp + np.array([[1.0], [3.0]])
    assert "log-sum-exp" in describe(shifted, logp)
    plain = np.array([[1.0, 2.0], [3.0, 4.0]])
    found = describe(plain + np.array([[1.0], [3.0]]), plain)
    assert "own constant" in found and "log-sum-exp" not in found
    records = {
        "ch/l01/overflow": [(call_key("loss([1000.0])"), encode(float("inf")))],
        "ch/l01/one_id": [(call_key("keep([3, 1])"), encode([0]))],
        "ch/l01/count": [(call_key("count_pairs([3, 1])"), encode(1))],
    }
    texts = {k: k.rsplit("/", 1)[1] + " mistake." for k in records}
    data = known.build(records, texts, {k: v[0][0] for k, v in records.items()})
    monkeypatch.setattr(known, "load", lambda: data)
    assert "Likely mistake" not in testing.explain("loss([1000.0])", float("inf"), 3.0)
    assert "Likely mistake" not in testing.explain("keep([3, 1])", [0], [0, 1])
    assert "Likely mistake: count mistake." in testing.explain("count_pairs([3, 1])", 1, 2)


def test_generation_steps_feed_the_reference_ids_and_compare_each_last_row() -> None:
    """A cached generation is localised by feeding the reference's ids (the prompt, then each
    chosen id but the last) to the learner's step, one step per chosen id."""
    from grader.testing import generation_steps, localise

    fed: list[list[int]] = []
    logits = np.arange(12.0).reshape(3, 4)

    def step(ids):
        fed.append(ids)
        out = np.zeros((len(ids), 4))
        out[-1] = logits[len(fed) - 1] + (1.0 if len(fed) == 3 else 0.0)  # the third differs
        return out

    steps = generation_steps(step, [5, 6], [7, 8, 9], logits)
    assert [name for name, _, _ in steps] == [
        "step 1 (forward_step at positions 0-1)",
        "step 2 (forward_step at position 2)",
        "step 3 (forward_step at position 3)",
    ]
    text = localise(steps, atol=1e-6, rtol=1e-6)
    assert fed == [[5, 6], [7], [8]]
    assert text == (
        "Where it first differs: step 3 (forward_step at position 3) differs; "
        "step 1 (forward_step at positions 0-1), step 2 (forward_step at position 2) match."
    )


def test_a_causal_probe_confirms_a_cause_on_a_second_input() -> None:
    """When every part matches, a probe re-runs the whole function on an input that differs at
    the last position only: earlier positions that move confirm that a position sees later
    ones (a cause, leading the sentence); a causal function, or a probe that cannot run, adds
    nothing."""
    from grader.testing import causal_probe, localise

    x = np.arange(12.0).reshape(4, 3)
    later = x.copy()
    later[-1] += 1.0

    def causal(z):
        return np.cumsum(z, axis=0)  # row t sees rows 0..t

    def sees_all(z):
        return z + z.sum(axis=0)  # every row sees every row

    assert causal_probe(causal, x, later, 1e-9, 1e-9) == ""
    cause = causal_probe(sees_all, x, later, 1e-9, 1e-9)
    assert cause.startswith("changing only the last position (3) changed the output at every")
    same = ("block 0", lambda: x, x)
    text = localise([same], 1e-9, 1e-9, probes=(lambda: causal_probe(sees_all, x, later, 0, 0),))
    assert text.startswith("Diagnosis: changing only the last position (3)")
    assert "Where it first differs: nowhere inside: block 0" in text

    def broken():
        raise ValueError("no")

    assert localise([same], 1e-9, 1e-9, probes=(broken,)).startswith("Where it first differs")
    differs = ("block 0", lambda: x + 1, x)  # a part differs: no probe runs
    assert "Diagnosis" not in localise([differs], 1e-9, 1e-9, probes=(lambda: "a cause",))


def _raised(f) -> tuple[str, str]:
    try:
        f()
    except Exception as exc:  # noqa: BLE001 - the exception is the value under test
        return type(exc).__name__, str(exc).strip().splitlines()[0]
    raise AssertionError("no exception")


def _unpack3(q):
    H, T, hd = q.shape
    return H * T * hd


@pytest.mark.parametrize(
    "make, line, words",
    [
        (lambda: np.ones((3, 2)) / np.ones(3), "", "keepdims"),
        (lambda: np.ones((4, 3, 2)) - np.ones((4, 3)), "", "keepdims"),
        (lambda: len(np.array(3)), "", "0-d array"),
        (lambda: min([]), "", "empty sequence"),
        (lambda: {(1, 2): 0}[[1, 2]], "", "use a tuple"),
        (lambda: [1.0, 2.0] * 0.5, "", "np.asarray"),
        (lambda: [1.0].shape, "", "np.asarray"),
        (lambda: (lambda: None)()[0], "", "returned nothing"),
        (lambda: np.ones(3)[3], "", "one past the end"),
        (lambda: b"\xc3".decode(), "", "errors='replace'"),
        (lambda: [[0, 1], [2, 3]][np.array([1, 0])], "", "convert it with np.asarray"),
        (lambda: [[0, 1], [2, 3]][list((1, 0))], "", "convert it with np.asarray"),
        (lambda: bytes([97, 300]), "", "a token id is used as a byte"),
        (lambda: range(6 / 2), "", "use `//`"),
        (lambda: [1, 2, 3][0 : 4 / 2], "", "use `//`"),
        (lambda: np.ones(4)[4 / 2], "", "use `//`"),
        (lambda: np.zeros(4 / 2), "", "use `//`"),
        (lambda: np.ones(3).sum(axis=1), "", "the array has 1 axis, fewer"),
        (lambda: np.ones(3)[:, 0], "", "x[..., i] indexes the last axis"),
        (lambda: 3 / len([]), "", "that case needs its own branch"),
        (lambda: _unpack3(np.ones((2, 3))), "H, T, hd = q.shape", "fewer axes than the 3 names"),
        (lambda: _unpack3(np.ones((1, 2, 3, 4))), "H, T, hd = q.shape", "more axes than the 3"),
    ],
)
def test_a_crash_is_explained_when_its_exception_names_the_mechanism(make, line, words):
    from grader.diagnosis import crashes

    kind, detail = _raised(make)
    assert words in crashes.cause(kind, detail, line)


@pytest.mark.parametrize(
    "make, line",
    [
        (lambda: np.ones(3) + np.ones(4), ""),  # sizes that differ: many causes
        (lambda: np.ones(13)[100], ""),  # far past the end: not one step
        (lambda: [][0], ""),  # no numbers to tell
        (lambda: np.ones((2, 3)) @ np.ones((2, 3)), ""),  # a .T, another matrix, another axis
        (lambda: {"a": 1}["b"], "return vocab[word]"),  # a missing key: many causes
        (lambda: int("x"), "return int(text)"),  # not the learner's own raise
        (lambda: int("x"), "raise TypeError('x')"),  # another exception's raise
        (lambda: _unpack3(np.ones((2, 3))), "a, b, c = split(x)"),  # not a shape unpacked
    ],
)
def test_a_crash_whose_exception_does_not_say_gets_no_cause(make, line):
    from grader.diagnosis import crashes

    assert crashes.cause(*_raised(make), line) == ""


def test_the_learners_own_raise_gets_a_note_and_no_cause():
    """The learner's check fired on an input the task accepts: that it was their own check is
    certain, which part of its condition is wrong is not."""
    from grader.diagnosis import crashes

    kind, detail = _raised(lambda: np.ones((3, 2)) / np.ones(3))
    own = "raise ValueError(f'bad {x}')"
    assert crashes.cause(kind, detail, own) == ""
    assert "your own check" in crashes.own_raise(kind, own)
    assert crashes.own_raise("TypeError", own) == ""
    assert crashes.own_raise(kind, "return x / y") == ""


class _Cache:
    def __init__(self) -> None:
        self.capacity, self.n = 4, 1

    def append(self, rows: list[int]) -> None:
        if self.n + len(rows) >= self.capacity or len(rows) == 0:
            raise ValueError("full")


def _at_edge(v: int) -> None:
    if v >= 255:
        raise ValueError("too big")


def _in_range(v: int) -> None:
    if not 0 <= v < 255:
        raise ValueError("not a byte")


def _far(v: int) -> None:
    if v > 100:
        raise ValueError("too big")


def _either(v: int, w: int) -> None:
    if v >= 3 or w > 0:
        raise ValueError("either")


def _called(v: int) -> None:
    if abs(v) >= 3:
        raise ValueError("abs")


@pytest.mark.parametrize(
    "call, expected",
    [
        (lambda: _at_edge(255), (">=", 255)),
        (lambda: _in_range(255), ("<", 255)),
        (lambda: _Cache().append([1, 2, 3]), (">=", 4)),
        (lambda: _either(3, 0), (">=", 3)),
        (lambda: _at_edge(300), None),  # past the edge: the bound is not the question
        (lambda: _far(100 + 1), None),  # a strict bound one past: holds on either side
        (
            lambda: _either(3, 1),
            None,
        ),  # the other clause fires too: moving the edge changes nothing
        (lambda: _called(3), None),  # a call the evaluator does not make
    ],
)
def test_an_own_check_that_fires_at_its_edge_is_named(call, expected):
    """`if v >= 255: raise` on v == 255: the `if` is evaluated again on the learner's frame;
    only when its one comparison holds at the edge, and moving that edge lets the input
    through, is it named."""
    from grader.diagnosis import crashes

    with pytest.raises(ValueError) as info:
        call()
    tb = info.tb
    while tb.tb_next is not None:
        tb = tb.tb_next
    assert crashes.edge(tb.tb_frame, tb.tb_lineno) == expected
    if expected is not None:
        text = crashes.edge_text(*expected)
        assert f"both sides of its `{expected[0]}` are {expected[1]}" in text
    assert crashes.edge_text("==", 3) == "" and crashes.edge_text(">", "3") == ""  # type: ignore[arg-type]


def _draws(us: list[float], n_new: int) -> list[float]:
    new: list[float] = []
    while len(new) <= n_new:
        new.append(us[len(new)])
    return new


def _pairs(xs: list[int]) -> list[tuple[int, int]]:
    return [(xs[i], xs[i + 1]) for i in range(len(xs))]


@pytest.mark.parametrize(
    "call, expected",
    [
        (lambda: _draws([0.5, 0.25, 0.75], 3), 3),  # one draw too many: us[3] of 3
        (lambda: _pairs([1, 2, 3, 4]), 4),  # i + 1 == 4 of 4
        (lambda: [1, 2, 3][100], None),  # far past the end: not one step
        (lambda: (lambda xs: xs[-4])([1, 2, 3]), None),  # before the start
        (lambda: (lambda d, k: d[k])({}, 0), None),  # a dict: a KeyError, never IndexError
    ],
)
def test_an_index_one_past_the_end_is_read_on_the_learners_frame(call, expected):
    """A bare "list index out of range" names no numbers; the learner's frame does: an index
    on the failing line that equals its sequence's length is one past the end."""
    from grader.diagnosis import crashes

    with pytest.raises((IndexError, KeyError)) as info:
        call()
    tb = info.tb
    while tb.tb_next is not None:
        tb = tb.tb_next
    # read as an IndexError: a dict's missing key is never one past the end of a sequence
    assert crashes.explain(tb.tb_frame, tb.tb_lineno, "IndexError") == (
        ("[]", expected) if expected is not None else None
    )
    if expected is not None:
        assert f"index {expected} of {expected} items" in crashes.edge_text("[]", expected)


def _kth_largest(values, k):
    return np.sort(np.asarray(values))[::-1][k - 1]


def _nth(items, n):
    return items[n + 1]


@pytest.mark.parametrize(
    "call, expected",
    [
        (lambda: _kth_largest([1.0, 3.0, 2.0], 10), ("[>k]", 3)),  # numpy's detail: the size
        (lambda: _nth([1, 2, 3], 7), ("[>n]", 3)),  # a list: its length read on the frame
        (lambda: _nth([1, 2, 3], 2), ("[]", 3)),  # one past the end: the off-by-one instead
        (lambda: (lambda xs: xs[9])([1, 2, 3]), None),  # a constant: no argument drives it
    ],
)
def test_an_index_that_an_argument_drives_past_the_end_is_named(call, expected):
    from grader.diagnosis import crashes

    with pytest.raises(IndexError) as info:
        call()
    tb = info.tb
    while tb.tb_next is not None:
        tb = tb.tb_next
    got = crashes.explain(tb.tb_frame, tb.tb_lineno, "IndexError", None, str(info.value))
    assert got == expected
    if expected is not None and expected[0].startswith("[>"):
        name = expected[0][2:-1]
        text = crashes.edge_text(*expected)
        assert f"computed from the argument `{name}`" in text and f"min({name}, n)" in text
    assert crashes.edge_text("[>a b]", 3) == ""  # not an identifier: nothing is said


def _look_up(table, keys):
    return [table[k] for k in keys]


def _count(pairs):
    counts = {}
    for pair in pairs:
        counts[pair] += 1
    return counts


@pytest.mark.parametrize(
    "call, expected, words",
    [
        (lambda: _look_up({b"a": 0}, b"a"), "{int:bytes}", "bytes([b]) is the one-byte key"),
        (lambda: _look_up({"the": 1}, ["the", "cow"]), "{}", "an unknown word"),
        (lambda: _count([(1, 2)]), "{0}", "the dict is empty when it is read"),
        (lambda: _look_up({"a": 0, 1: 2}, [(1, 2)]), None, ""),  # keys of several types
        (lambda: _look_up({1: 0}, [object()]), None, ""),  # a key of no built-in type
        (lambda: {}.pop("x"), None, ""),  # no subscript on the line
    ],
)
def test_a_missing_key_is_read_on_the_learners_frame(call, expected, words):
    """A KeyError names the key but not the dict; the learner's frame holds the dict that was
    subscripted on the failing line: a key of another type than all of its keys, an absent key
    of the same type, or an empty dict."""
    from grader.diagnosis import crashes

    with pytest.raises(KeyError) as info:
        call()
    tb = info.tb
    while tb.tb_next is not None:
        tb = tb.tb_next
    key = info.value.args[0]
    got = crashes.explain(tb.tb_frame, tb.tb_lineno, "KeyError", key)
    assert got == ((expected, 0) if expected is not None else None)
    if expected is not None:
        assert words in crashes.edge_text(expected, 0)
    assert crashes.edge_text("{evil:bytes}", 0) == ""  # only built-in type names are said


def test_an_answer_that_is_one_of_the_arguments_is_said_so():
    """The function did nothing to its input: an observation (many mistakes do nothing), given
    only when no detector says more."""
    msg = testing.explain(
        testing.call("merge", [1, 2, 3, 1, 2], (1, 2), 256), [1, 2, 3, 1, 2], [256, 3, 256]
    )
    assert "How it differs: that equals the first argument: the function returned its input" in msg
    assert "Likely mistake" not in msg and "Diagnosis" not in msg
    other = testing.explain(testing.call("merge", [1, 2, 3], (1, 2), 256), [1, 2, 4], [256, 3])
    assert "argument" not in other
    swapped = testing.explain(testing.call("flip", [1, 2]), [1, 2], [2, 1])
    assert "swapped" in swapped and "argument" not in swapped
    x = np.array([0.5, 0.25])  # the very array passed in: it may have been changed in place
    same = testing.explain(testing.call("rotate", x), x, np.array([0.1, 0.9]))
    assert "that is the first argument itself: the function returned what it was given" in same


@pytest.mark.parametrize(
    "got, expected, kind",
    [
        (["The", "cat", "sat"], ["The", "cat", "sat", "."], "punctuation"),
        ("Hello world", "Hello, world!", "punctuation"),
        (["Hi", "there"], ["Hi", " ", "there"], "whitespace"),
        (["a", "b"], ["a", "12", "b", "7"], "number"),
        (["a", "b"], ["a", "b", "c"], None),  # a letter missing: another difference
        ([".", "!"], [".", "x", "!"], None),
        ([], ["."], None),  # nothing left to tell a kind by
        (["a", "."], ["a", ",", "."], None),  # one mark kept: not every one is missing
    ],
)
def test_every_piece_of_one_kind_missing_is_said_so_and_waits_for_a_probe(got, expected, kind):
    from grader.diagnosis import causes, finding

    found = finding(got, expected)
    if kind is None:
        assert "every" not in found.how
    else:
        assert found.how.startswith(f"every {kind} ")
        assert found.why == "" and found.would == causes.DROPPED[kind]


def test_an_inverted_mask_is_named_and_bools_get_no_arithmetic():
    from grader.diagnosis import causes, finding

    keep = np.tril(np.ones((3, 3), dtype=bool))
    inverted = finding(~keep, keep)
    assert (
        inverted.how.startswith("every value is the opposite") and inverted.why == causes.INVERTED
    )
    small = finding(np.array([True, False]), np.array([False, True]))
    assert small.why == "" and small.would == causes.INVERTED  # two values: it waits for a probe
    other = finding(np.triu(np.ones((3, 3), dtype=bool)), keep)
    assert "1 minus" not in other.how and "opposite" not in other.how  # not every value flipped
    assert "1 minus" not in finding(np.array([0, 0, 1, 1]) == 0, np.array([0, 0, 1, 1]) == 1).how


@pytest.mark.parametrize(
    "got, expected, piecewise",
    [
        ("h\ufffd\ufffd", "hé", True),
        ("w\ufffd\ufffdrld 😀", "wörld 😀", True),  # one split, one whole
        ("x\ufffd", "ab", False),  # a letter of one byte is lost too
        ("h\ufffd!", "hé", False),  # and something else changed
    ],
)
def test_characters_split_across_pieces_are_told_from_other_replacements(got, expected, piecewise):
    from grader.diagnosis import causes, finding

    found = finding(got, expected)
    assert (found.would == causes.PIECEWISE) is piecewise, found
    if not piecewise:
        assert "U+FFFD" in found.how or not found


def test_an_own_check_in_another_function_says_the_caller_may_be_at_fault():
    from grader.diagnosis import crashes

    line = "raise ValueError('too long')"
    assert "your own check: its condition" in crashes.own_raise("ValueError", line)
    note = crashes.own_raise("ValueError", line, "forward", "generate")
    assert note.startswith("That is your own check in `forward`, reached from `generate`")
    assert "your own check: its condition" in crashes.own_raise("ValueError", line, "f", "f")
