"""Token counters: the regex estimate and Hugging Face tokenizer files."""

from __future__ import annotations

import pickle
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tokenizers import Tokenizer

from codepack.examples.tokens import (
    ApproximateCounter,
    HFTokenizerCounter,
    RangeCounts,
    TokenCounter,
    count_joined,
    joinable,
    load_counter,
)
from tokenizer_fixture import CODEGEMMA_SPECIALS, train_tiny_tokenizer


@pytest.fixture(scope="module")
def tiny_tokenizer(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Knows the CodeGemma sentinels as special tokens."""
    return train_tiny_tokenizer(tmp_path_factory.mktemp("tiny"), CODEGEMMA_SPECIALS)


@pytest.fixture(scope="module")
def tiny_tokenizer_without_specials(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same training without special tokens: sentinels count as their pieces."""
    return train_tiny_tokenizer(tmp_path_factory.mktemp("tiny_plain"))


PYTHON = (
    "import os\n\n\ndef read_config(path: str) -> dict[str, int]:\n"
    '    """Read a config file."""\n    with open(path) as handle:\n'
    "        return {line.split('=')[0]: int(line.split('=')[1]) for line in handle}\n"
)


def test_approximate_counter_is_a_token_counter() -> None:
    counter = load_counter(None)
    assert isinstance(counter, ApproximateCounter)
    assert isinstance(counter, TokenCounter)
    assert counter.exact is False
    assert counter.name == "approximate-v1"


def test_approximate_counts_code_near_three_and_a_half_characters_per_token() -> None:
    tokens = ApproximateCounter().count(PYTHON)
    # byte-level BPE code tokenizers average ~3-4 characters per token on Python
    assert len(PYTHON) / 4.5 < tokens < len(PYTHON) / 2.5


def test_approximate_pieces() -> None:
    counter = ApproximateCounter()
    assert counter.count("") == 0
    assert counter.count(" return") == 1  # a word with its leading space
    assert counter.count("12345") == 5  # digits one by one
    assert counter.count("\n        ") == 1  # newline plus indentation
    assert counter.count(" ==") == 1
    assert counter.count("中文") == 2  # one per non-ASCII character
    assert counter.count("a" * 80) == 10  # long words cost one token per 8 letters


@given(st.lists(st.text(max_size=60), max_size=8))
@settings(max_examples=100, deadline=None)
def test_approximate_batch_equals_single_counts(texts: list[str]) -> None:
    counter = ApproximateCounter()
    assert counter.count_batch(texts) == [counter.count(t) for t in texts]


@given(st.text(max_size=80), st.text(max_size=80))
@settings(max_examples=200, deadline=None)
def test_approximate_is_close_to_additive(left: str, right: str) -> None:
    """A join adds at most one token, so summed estimates of parts never run far under."""
    counter = ApproximateCounter()
    joined = counter.count(left + right)
    assert joined <= counter.count(left) + counter.count(right) + 1


def test_hf_counter_matches_the_tokenizer(tiny_tokenizer: Path) -> None:
    counter = load_counter(str(tiny_tokenizer))
    reference = Tokenizer.from_file(str(tiny_tokenizer))
    texts = [PYTHON, "", "x = 1\n", "héllo 中文 🙂"]
    expected = [len(reference.encode(t, add_special_tokens=False).ids) for t in texts]
    assert counter.exact is True
    assert [counter.count(t) for t in texts] == expected
    assert counter.count_batch(texts) == expected
    assert counter.count_batch([]) == []


def test_sentinels_count_one_each_only_when_the_tokenizer_has_them(
    tiny_tokenizer: Path, tiny_tokenizer_without_specials: Path
) -> None:
    with_specials = HFTokenizerCounter(tiny_tokenizer)
    without = HFTokenizerCounter(tiny_tokenizer_without_specials)
    for sentinel in CODEGEMMA_SPECIALS:
        assert with_specials.count(sentinel) == 1
        assert without.count(sentinel) > 1
    joined = "a.py\nx = 1\n<|file_separator|>b.py\ny = 2\n"
    assert with_specials.count(joined) < without.count(joined)


def test_truncation_in_the_file_is_ignored(tmp_path: Path) -> None:
    path = train_tiny_tokenizer(tmp_path, truncate_to=8)
    assert HFTokenizerCounter(path).count(PYTHON * 3) > 8


def test_folder_holding_tokenizer_json_is_accepted(tiny_tokenizer: Path) -> None:
    by_folder = load_counter(str(tiny_tokenizer.parent))
    by_file = load_counter(str(tiny_tokenizer))
    assert by_folder.count(PYTHON) == by_file.count(PYTHON)


def test_name_identifies_the_vocabulary(
    tiny_tokenizer: Path, tiny_tokenizer_without_specials: Path
) -> None:
    first = HFTokenizerCounter(tiny_tokenizer).name
    assert first.startswith("hf:")
    assert first == HFTokenizerCounter(tiny_tokenizer).name
    assert (
        first.split("@")[1]
        != HFTokenizerCounter(tiny_tokenizer_without_specials).name.split("@")[1]
    )


def test_loaded_counters_are_cached_per_file(tiny_tokenizer: Path) -> None:
    assert load_counter(str(tiny_tokenizer)) is load_counter(str(tiny_tokenizer))


def test_hf_counter_pickles(tiny_tokenizer: Path) -> None:
    """Process pools and Ray ship the counter to workers."""
    counter = HFTokenizerCounter(tiny_tokenizer)
    clone = pickle.loads(pickle.dumps(counter))
    assert clone.count(PYTHON) == counter.count(PYTHON)
    assert clone.name == counter.name


def test_missing_tokenizer_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="tokenizer file not found"):
        load_counter(str(tmp_path / "nope.json"))
    with pytest.raises(FileNotFoundError, match="tokenizer file not found"):
        HFTokenizerCounter(tmp_path)  # a folder without tokenizer.json


def test_malformed_tokenizer_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "tokenizer.json"
    bad.write_text('{"not": "a tokenizer"}')
    with pytest.raises(ValueError, match=r"not a Hugging Face tokenizer\.json"):
        HFTokenizerCounter(bad)


# Characters on both sides of every kind of boundary the approximate pattern knows: spaces,
# tabs, newlines and other (Unicode) whitespace, underscores, letters of both cases,
# digits, punctuation, non-ASCII letters and sentinel-like markup.
BOUNDARY_CHARS = " \t\n\r\x0b\x0c\x1c\xa0\u2028\u3000_aAzZq0<|>()=.:'\"#/\\{}éß中🙂"
FRAGMENTS = (
    "<|file_separator|>", "<|fim_prefix|>", "<|fim_suffix|>", "<|fim_middle|>", "src/a_b.py\n",
    "    ", "\n\n", "\r\n", " __init__", "ReturnValue", "lowercaselongword", "CONST_NAME",
    " ==", "')):", "\t\t", "12", "é",
)
boundary_text = st.lists(
    st.one_of(st.text(alphabet=BOUNDARY_CHARS, max_size=6), st.sampled_from(FRAGMENTS)),
    max_size=12,
).map("".join)


@given(boundary_text)
@settings(max_examples=400, deadline=None)
def test_counts_add_up_at_every_cut_point(text: str) -> None:
    """Where no match can hold both neighbours, the count splits exactly (the lemma behind
    every derived count)."""
    counter = ApproximateCounter()
    whole = counter.count(text)
    for at in range(1, len(text)):
        if not joinable(text, at):
            assert counter.count(text[:at]) + counter.count(text[at:]) == whole, at


@given(
    st.lists(st.one_of(boundary_text, st.just(""), st.text(max_size=20)), max_size=10),
    st.randoms(use_true_random=False),
)
@settings(max_examples=400, deadline=None)
def test_joined_count_equals_a_full_count(segments: list[str], draw: random.Random) -> None:
    """Empty segments, segments without a cut point, joins that merge and joins that do
    not: the derived count is always the count of the joined text."""
    counter = ApproximateCounter()
    counts = [counter.count(s) if draw.random() < 0.8 else None for s in segments]
    assert counter.count_joined(segments, counts) == counter.count("".join(segments))
    assert count_joined(counter, segments, counts) == counter.count("".join(segments))


def test_joins_that_merge_are_corrected() -> None:
    counter = ApproximateCounter()
    cases = [["foo", "bar"], ["x ", "y"], ["a_", "_b"], ["(", "))"], [" ", "return"],
             ["\n", "    ", "\n"], ["Abc", "def"], ["", "ab", "", "cd", ""]]
    for segments in cases:
        naive = sum(counter.count(s) for s in segments)
        joined = counter.count("".join(segments))
        assert counter.count_joined(segments, [None] * len(segments)) == joined
        assert naive > joined  # each case really merges


@given(boundary_text, st.integers(1, 12), st.data())
@settings(max_examples=300, deadline=None)
def test_slice_counts_equal_counting_the_slice(text: str, chunk: int, data: st.DataObject) -> None:
    counter = ApproximateCounter()
    ranges = RangeCounts(counter, text, chunk)
    for _ in range(5):
        start = data.draw(st.integers(0, len(text)))
        end = data.draw(st.integers(0, len(text)))
        assert ranges.count(start, end) == counter.count(text[start:end])


def test_other_counters_count_the_joined_text(tiny_tokenizer: Path) -> None:
    """No proof for a tokenizer's merges: its joined count re-encodes the joined text."""
    counter = HFTokenizerCounter(tiny_tokenizer)
    segments = ["a.py\n", "import os\n", "<|file_separator|>", "b.py\n", "x = 1\n"]
    counts = [counter.count(s) for s in segments]
    assert count_joined(counter, segments, counts) == counter.count("".join(segments))
