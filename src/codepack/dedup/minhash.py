"""MinHash signatures of files' token 5-gram sets (BigCode's near-duplicate recipe).

A file's tokens are the runs of ``[A-Za-z_0-9]``; each distinct token is hashed with XXH3-64,
an n-gram's hash is a polynomial of its tokens' hashes folded to 32 bits, and the signature
is datasketch's ``affine32`` MinHash of the set of those 32-bit values.

Two implementations give the same bits:

* the per-text functions (``code_tokens`` -> ``ngram_hashes`` -> ``shingle_hashes`` ->
  ``minhash_from_hashes``) spell the definition out step by step; and
* :func:`sign_texts`, which the scan uses, signs many files per batch: their UTF-8 bytes are
  joined, tokens are found with a byte table, hashed by :mod:`codepack.dedup.xxh3` and
  combined with array arithmetic, so no Python object is made per token and numpy's per-call
  cost is paid once per batch rather than once per file.

The tests check that both agree on every file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from functools import cache

import numpy as np
import xxhash

from codepack.dedup.xxh3 import xxh3_64_spans

#: Seed of the MinHash permutations (datasketch's default). Signatures made with different
#: seeds cannot be compared, so it is fixed rather than configurable.
MINHASH_SEED = 1
#: Signature dtype: datasketch's default "affine32" scheme, little-endian so packed bytes
#: mean the same on every machine.
SIGNATURE_DTYPE = np.dtype("<u4")
#: Odd 64-bit multiplier of the n-gram polynomial (also mixes LSH band keys).
NGRAM_BASE = np.uint64(0x9E3779B97F4A7C15)

_TOKEN_RE = re.compile(r"[A-Za-z_0-9]+")
_CHUNK = 512  # shingles per block: a (512 x num_perm) uint32 temporary stays in L2 cache
_SLICE = 1 << 16  # shingles per permutation pass of a batch: 256 KiB of uint32, in L2 cache
_BROADCAST_MAX = 4096  # fewer shingles than this: one (num_perm x shingles) broadcast, <= 4 MiB
#: Text bytes signed per batch: large enough that numpy's per-call cost is amortised over
#: many small files (the minhash step runs one permutation at a time over the batch), small
#: enough that its arrays stay a few MB: transient memory no more than the per-file code had.
_BATCH_BYTES = 1 << 18
_U32 = np.uint32
_U64 = np.uint64
_LOW32 = _U64(0xFFFFFFFF)
_U32_MAX = np.iinfo(_U32).max

#: Which bytes belong to a token. ``_TOKEN_RE`` is ASCII-only and every byte of a multi-byte
#: UTF-8 character is >= 0x80, so token runs in the UTF-8 bytes are exactly the regex's.
_TOKEN_BYTE = np.zeros(256, dtype=bool)
_TOKEN_BYTE[list(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_0123456789")] = True


# ---------------------------------------------------------------------------------------------
# the definition, one text at a time


def code_tokens(text: str) -> list[str]:
    """Identifier/number tokens: punctuation and layout do not make files different."""
    return _TOKEN_RE.findall(text)


def has_code_tokens(text: str, count: int) -> bool:
    """Whether ``text`` has at least ``count`` code tokens; stops at the ``count``-th."""
    return count <= 0 or any(i + 1 >= count for i, _ in enumerate(_TOKEN_RE.finditer(text)))


def ngram_hashes(tokens: Sequence[str], ngram: int) -> np.ndarray:
    """64-bit hash of every token ``ngram``-gram, in position order (one per start index).

    Each distinct token is hashed once (xxh3-64); an n-gram's hash is a polynomial of its
    tokens' hashes computed with vectorised uint64 arithmetic, so no n-gram string is built.
    """
    if ngram < 1 or len(tokens) < ngram:
        return np.empty(0, dtype=_U64)
    token_hash = xxhash.xxh3_64_intdigest
    memo = {token: token_hash(token.encode("utf-8", "surrogatepass")) for token in set(tokens)}
    values = np.fromiter(map(memo.__getitem__, tokens), dtype=_U64, count=len(tokens))
    return _polynomial(values, ngram)


def _polynomial(values: np.ndarray, ngram: int) -> np.ndarray:
    """The n-gram hash at every start index of a sequence of token hashes."""
    n_grams = len(values) - ngram + 1
    combined = values[:n_grams].copy()
    for offset in range(1, ngram):
        combined *= NGRAM_BASE
        combined ^= values[offset : offset + n_grams]
    return combined


def _fold32(combined: np.ndarray) -> np.ndarray:
    """64-bit n-gram hashes to 32 bits, the high half folded in before truncating."""
    combined ^= combined >> _U64(32)
    return combined.astype(_U32)


def shingle_hashes(tokens: Sequence[str], ngram: int) -> np.ndarray:
    """Sorted unique 32-bit hashes of the token n-grams: the set MinHash summarises."""
    return np.unique(_fold32(ngram_hashes(tokens, ngram)))


@cache
def _permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """datasketch's affine32 permutation parameters (odd ``a``), bit for bit."""
    gen = np.random.RandomState(seed)
    a = gen.randint(0, 1 << 31, num_perm, dtype=_U32) * _U32(2) + _U32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=_U32)
    return a, b


def _fmix32(values: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finalizer (datasketch pre-mixes inputs with it)."""
    values = values ^ (values >> _U32(16))
    values = values * _U32(0x85EBCA6B)
    values = values ^ (values >> _U32(13))
    values = values * _U32(0xC2B2AE35)
    return values ^ (values >> _U32(16))


def minhash_from_hashes(hashes: np.ndarray, num_perm: int, seed: int = MINHASH_SEED) -> np.ndarray:
    """MinHash signature of a set of 32-bit element hashes.

    Same values as ``datasketch.MinHash(num_perm, seed, scheme="affine32")`` fed the same
    hashes, so a signature can be wrapped in ``datasketch.LeanMinHash`` if wanted. Work is
    done in blocks of shingles so memory stays bounded for huge files.
    """
    a, b = _permutations(num_perm, seed)
    signature = np.full(num_perm, _U32_MAX, dtype=_U32)
    mixed = _fmix32(np.asarray(hashes, dtype=_U32))
    for start in range(0, len(mixed), _CHUNK):
        block = mixed[start : start + _CHUNK, None]
        np.minimum(signature, (block * a + b).min(axis=0), out=signature)
    return signature.astype(SIGNATURE_DTYPE, copy=False)


# ---------------------------------------------------------------------------------------------
# many texts at once


def sign_texts(
    texts: Sequence[str],
    num_perm: int = 256,
    ngram: int = 5,
    min_tokens: int = 0,
    seed: int = MINHASH_SEED,
) -> list[tuple[int, np.ndarray | None]]:
    """``(code token count, MinHash signature)`` of every text, in order.

    The signature equals ``minhash_from_hashes(shingle_hashes(code_tokens(text), ngram))``,
    or is ``None`` when the text has fewer than ``ngram`` tokens (too few shingles for a
    meaningful estimate) or fewer than ``min_tokens`` (the caller will not use it, so it is
    not computed). Texts are signed in batches of about ``_BATCH_BYTES`` of UTF-8.
    """
    results: list[tuple[int, np.ndarray | None]] = []
    encoded = (text.encode("utf-8", "surrogatepass") for text in texts)  # one batch at a time
    for batch in _batches(encoded):
        results.extend(_sign_batch(batch, num_perm, ngram, min_tokens, seed))
    return results


def _batches(encoded: Iterable[bytes]) -> Iterator[list[bytes]]:
    """Consecutive runs of texts of at most ``_BATCH_BYTES`` (a larger text goes alone)."""
    batch: list[bytes] = []
    size = 0
    for data in encoded:
        if batch and size + len(data) > _BATCH_BYTES:
            yield batch
            batch, size = [], 0
        batch.append(data)
        size += len(data) + 1
    if batch:
        yield batch


def _sign_batch(
    encoded: list[bytes], num_perm: int, ngram: int, min_tokens: int, seed: int
) -> list[tuple[int, np.ndarray | None]]:
    """``sign_texts`` of one batch: tokens -> token hashes -> unique shingles per text ->
    one signature matrix; texts that will not be signed lose their tokens first."""
    starts, lengths, owners, data = _tokens(encoded)
    counts = np.bincount(owners, minlength=len(encoded))
    signed = counts >= max(ngram, min_tokens, 1)
    signatures: dict[int, np.ndarray] = {}
    if ngram >= 1 and signed.any():
        keep = signed[owners]
        if not keep.all():
            starts, lengths, owners = starts[keep], lengths[keep], owners[keep]
        token_hashes = xxh3_64_spans(data, starts, lengths)
        del starts, lengths, data  # free before the n-gram step's temporaries
        owner_of, shingles = _file_shingles(token_hashes, owners, ngram)
        del token_hashes
        matrix = _segmented_minhash(shingles, owner_of, len(encoded), num_perm, seed)
        signatures = {i: matrix[i] for i in np.flatnonzero(signed).tolist()}
    return [(count, signatures.get(i)) for i, count in enumerate(counts.tolist())]


def _tokens(encoded: list[bytes]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(start, length, owning text) of every token of the batch, and the joined bytes.

    Texts are joined with a newline before, between and after them, so no token spans two
    texts and every token has a non-token byte on both sides.
    """
    data = np.frombuffer(b"\n".join([b"", *encoded, b""]), dtype=np.uint8)
    sizes = np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded))
    text_starts = np.cumsum(sizes + 1) - sizes
    in_token = _TOKEN_BYTE[data]
    edges = np.flatnonzero(in_token[1:] != in_token[:-1])
    edges += 1
    starts = np.ascontiguousarray(edges[0::2])
    lengths = edges[1::2] - starts
    owners = np.searchsorted(text_starts, starts, side="right") - 1
    return starts, lengths, owners, data


def _file_shingles(
    token_hashes: np.ndarray, owners: np.ndarray, ngram: int
) -> tuple[np.ndarray, np.ndarray]:
    """(owning text, 32-bit shingle) pairs, unique and grouped by text.

    The n-gram polynomial runs over the whole batch's token stream; n-grams whose first and
    last token belong to different texts are dropped, which leaves exactly each text's own.
    """
    if len(token_hashes) < ngram:
        return np.empty(0, dtype=np.intp), np.empty(0, dtype=_U32)
    n_grams = len(token_hashes) - ngram + 1
    inside = owners[:n_grams] == owners[ngram - 1 :]
    combined = _polynomial(token_hashes, ngram)
    gram_owners = owners[:n_grams]
    if not inside.all():
        combined, gram_owners = combined[inside], gram_owners[inside]
    keys = gram_owners.astype(_U64)
    keys <<= _U64(32)
    keys |= _fold32(combined)  # in place, a few arrays per token: this is the batch's peak
    keys.sort()  # sorting and masking repeats is faster than np.unique's hash table here
    keys = keys[np.concatenate((keys[:1] == keys[:1], keys[1:] != keys[:-1]))]
    return (keys >> _U64(32)).astype(np.intp), (keys & _LOW32).astype(_U32)


def _segmented_minhash(
    shingles: np.ndarray, owners: np.ndarray, n_texts: int, num_perm: int, seed: int
) -> np.ndarray:
    """``(n_texts, num_perm)`` signatures of shingles grouped by owner (rows without any
    shingle stay at the maximum). Same arithmetic as :func:`minhash_from_hashes`.

    One permutation at a time over a slice of up to ``_SLICE`` shingles of several texts:
    a scalar times a contiguous vector, then ``minimum.reduceat`` per text, is about twice
    as fast as the (shingles x permutations) broadcast, whose rows of 256 keep numpy's
    inner loops short. Below ``_BROADCAST_MAX`` shingles (a lone small file, a small batch)
    the 768 calls of that loop cost more than they save: one (permutations x shingles)
    broadcast is used instead.
    """
    a, b = _permutations(num_perm, seed)
    matrix = np.full((n_texts, num_perm), _U32_MAX, dtype=_U32)
    mixed = _fmix32(shingles)
    values = np.empty(min(_SLICE, len(mixed)), dtype=_U32)  # the loop's reused buffer
    for start in range(0, len(mixed), _SLICE):
        part = mixed[start : start + _SLICE]
        part_owners = owners[start : start + _SLICE]
        firsts = np.flatnonzero(np.concatenate(([True], part_owners[1:] != part_owners[:-1])))
        if len(part) < _BROADCAST_MAX:  # few shingles: one call beats 256 short ones
            products = a[:, None] * part
            products += b[:, None]
            minima = np.minimum.reduceat(products, firsts, axis=1)
        else:
            minima = np.empty((num_perm, len(firsts)), dtype=_U32)
            products = values[: len(part)]
            for row, (multiplier, offset) in enumerate(zip(a, b, strict=True)):
                np.multiply(part, multiplier, out=products)
                products += offset
                minima[row] = np.minimum.reduceat(products, firsts)
        who = part_owners[firsts]  # distinct: owners are grouped
        matrix[who] = np.minimum(matrix[who], minima.T)
    return matrix.astype(SIGNATURE_DTYPE, copy=False)


def minhash_signature(
    text: str, num_perm: int = 256, ngram: int = 5, seed: int = MINHASH_SEED
) -> np.ndarray | None:
    """MinHash signature (``num_perm`` little-endian uint32) of the text's token n-grams.

    Returns ``None`` for a file with fewer tokens than ``ngram``: a handful of tokens has too
    few shingles for a meaningful similarity estimate (BigCode skips such files too), so only
    exact dedup applies to it.
    """
    return sign_texts([text], num_perm, ngram, seed=seed)[0][1]


__all__ = [
    "MINHASH_SEED",
    "NGRAM_BASE",
    "SIGNATURE_DTYPE",
    "code_tokens",
    "has_code_tokens",
    "minhash_from_hashes",
    "minhash_signature",
    "ngram_hashes",
    "shingle_hashes",
    "sign_texts",
]
