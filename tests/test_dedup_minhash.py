"""Batched MinHash signing (codepack.dedup.minhash.sign_texts, codepack.dedup.xxh3) gives the
same bits as the one-text-at-a-time definition."""

from __future__ import annotations

import random

import numpy as np
import pytest
import xxhash
from hypothesis import given, settings
from hypothesis import strategies as st

from codepack.dedup import minhash
from codepack.dedup.minhash import (
    code_tokens,
    minhash_from_hashes,
    shingle_hashes,
    sign_texts,
)
from codepack.dedup.xxh3 import MAX_VECTOR_LENGTH, xxh3_64_spans


def reference(text: str, num_perm: int = 256, ngram: int = 5) -> tuple[int, np.ndarray | None]:
    """The definition, step by step, for one text."""
    tokens = code_tokens(text)
    hashes = shingle_hashes(tokens, ngram)
    return len(tokens), (minhash_from_hashes(hashes, num_perm) if hashes.size else None)


def assert_same(got: list[tuple[int, np.ndarray | None]], texts: list[str], **kwargs) -> None:
    assert len(got) == len(texts)
    for (count, signature), text in zip(got, texts, strict=True):
        expected_count, expected = reference(text, **kwargs)
        assert count == expected_count
        if expected is None:
            assert signature is None
        else:
            assert signature is not None
            assert signature.dtype == minhash.SIGNATURE_DTYPE
            assert signature.tobytes() == expected.tobytes()


def program(seed: int, lines: int = 40) -> str:
    rng = random.Random(seed)
    words = ["def", "return", "self", "value", "x", "i", "for", "in", "range", "_tmp", "42"]
    return "\n".join(" ".join(rng.choice(words) for _ in range(rng.randrange(1, 9)))
                     for _ in range(lines))


@pytest.mark.parametrize("alphabet", [bytes(range(256)), b"abcXYZ_09"])
def test_xxh3_spans_match_the_xxhash_package_at_every_length(alphabet: bytes) -> None:
    rng = random.Random(len(alphabet))
    pieces = [bytes(rng.choice(alphabet) for _ in range(length))
              for length in range(1, 2 * MAX_VECTOR_LENGTH + 40) for _ in range(3)]
    starts = np.cumsum([0] + [len(p) for p in pieces[:-1]])
    lengths = np.array([len(p) for p in pieces])
    data = np.frombuffer(b"".join(pieces), dtype=np.uint8)
    got = xxh3_64_spans(data, starts, lengths).tolist()
    assert got == [xxhash.xxh3_64_intdigest(p) for p in pieces]


def test_xxh3_spans_of_nothing() -> None:
    empty = np.empty(0, dtype=np.int64)
    assert xxh3_64_spans(np.zeros(4, dtype=np.uint8), empty, empty).size == 0


def test_batch_equals_one_text_at_a_time() -> None:
    texts = [
        program(1),
        "",
        "import os",  # fewer tokens than the n-gram size: no signature
        "a b c d e",  # exactly one 5-gram
        "π = naïve + ü_x1 * 3.14; 名前 = 'ü' " * 20,  # non-ASCII separates tokens
        "x" * 300 + " " + "y" * 129 + " z w v u t " + "q" * 17,  # long tokens
        "\ud800 lone surrogate a b c d e f",
        program(2) + "tail",  # ends in a token ...
        "head" + program(3),  # ... and the next text starts with one
        "\r\n".join(["x = 1"] * 50),  # many repeated shingles
    ]
    assert_same(sign_texts(texts), texts)
    assert_same([sign_texts([t])[0] for t in texts], texts)


@pytest.mark.parametrize(("num_perm", "ngram"), [(256, 5), (128, 3), (64, 1), (16, 9)])
def test_other_permutation_counts_and_ngram_sizes(num_perm: int, ngram: int) -> None:
    texts = [program(seed, lines=seed) for seed in range(1, 30)]
    assert_same(sign_texts(texts, num_perm, ngram), texts, num_perm=num_perm, ngram=ngram)


def test_zero_ngram_signs_nothing() -> None:
    assert sign_texts(["a b c d e f"], ngram=0) == [(6, None)]


def test_texts_below_min_tokens_are_counted_but_not_signed() -> None:
    texts = ["a b c d e f", program(4)]
    (short_count, short_sig), (long_count, long_sig) = sign_texts(texts, min_tokens=10)
    assert (short_count, short_sig) == (6, None)
    assert long_count == len(code_tokens(texts[1]))
    assert long_sig is not None and long_sig.tobytes() == reference(texts[1])[1].tobytes()


def test_small_batches_slices_and_broadcast_limits_give_the_same_bits(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Batch, slice and broadcast boundaries fall inside files and between them."""
    texts = [program(seed, lines=5 + seed % 60) for seed in range(80)]
    expected = sign_texts(texts)
    monkeypatch.setattr(minhash, "_BATCH_BYTES", 700)
    monkeypatch.setattr(minhash, "_SLICE", 97)
    for broadcast_max in (0, 50, 10_000):
        monkeypatch.setattr(minhash, "_BROADCAST_MAX", broadcast_max)
        got = sign_texts(texts)
        assert [c for c, _ in got] == [c for c, _ in expected]
        assert [s.tobytes() for _, s in got] == [s.tobytes() for _, s in expected]
    assert_same(expected, texts)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from("ab_Z09 \n\t.é名\ud800"), max_size=120),
                max_size=8))
def test_any_texts(texts: list[str]) -> None:
    assert_same(sign_texts(texts, num_perm=32, ngram=2), texts, num_perm=32, ngram=2)
