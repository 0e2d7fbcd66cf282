"""XXH3-64 (seed 0) of many short byte strings at once, with numpy.

MinHash signatures hash every distinct token of every file with ``xxhash.xxh3_64_intdigest``;
doing that one Python call per token was a third of the signature time. Tokens are short
(identifiers and numbers), and XXH3's short-input paths (1-3, 4-8, 9-16 and 17-128 bytes)
are a handful of 64-bit multiplies and shifts, so they vectorise: this module computes the
same 64-bit values for all tokens of a batch of files with a few dozen array operations.
Longer strings (rare: base64 blobs, long hex literals) go through the ``xxhash`` package.

The constants and formulas are XXH3's reference implementation (``xxhash.h`` 0.8,
``XXH3_len_*_64b`` with the default secret); tests compare every length from 1 to 200 with
the ``xxhash`` package.
"""

from __future__ import annotations

import numpy as np
import xxhash

_U64 = np.uint64

#: The first 128 bytes of XXH3's default secret (``XXH3_kSecret``): all the short paths read.
_SECRET = bytes.fromhex(
    "b8fe6c3923a44bbe7c01812cf721ad1cded46de9839097db7240a4a4b7b3671f"
    "cb79e64eccc0e578825ad07dccff7221b8084674f743248ee03590e6813a264c"
    "3c2852bb91c300cb88d0658b1b532ea371644897a20df94e3819ef46a9deacd8"
    "a8fa763fe39c343ff9dcbbc7c70b4f1d8a51e04bcdb45931c89f7ec9d9787364"
)
_PRIME64_1 = _U64(0x9E3779B185EBCA87)
_PRIME64_2 = _U64(0xC2B2AE3D27D4EB4F)
_PRIME64_3 = _U64(0x165667B19E3779F9)
_PRIME_MX1 = _U64(0x165667919E3779F9)
_PRIME_MX2 = _U64(0x9FB21C651E98DF25)
_LOW32 = _U64(0xFFFFFFFF)

#: Strings longer than this are hashed by the ``xxhash`` package, one call each.
MAX_VECTOR_LENGTH = 128
_SLICE = 1 << 14  # spans hashed together: their temporaries stay around a megabyte


def _secret64(offset: int) -> np.uint64:
    return _U64(int.from_bytes(_SECRET[offset : offset + 8], "little"))


def _secret32(offset: int) -> int:
    return int.from_bytes(_SECRET[offset : offset + 4], "little")


_BITFLIP_1TO3 = _U64(_secret32(0) ^ _secret32(4))
_BITFLIP_4TO8 = _secret64(8) ^ _secret64(16)
_BITFLIP_9TO16 = (_secret64(24) ^ _secret64(32), _secret64(40) ^ _secret64(48))


def _shr(values: np.ndarray, bits: int) -> np.ndarray:
    return values >> _U64(bits)


def _xxh64_avalanche(h: np.ndarray) -> np.ndarray:
    h = h ^ _shr(h, 33)
    h *= _PRIME64_2
    h ^= _shr(h, 29)
    h *= _PRIME64_3
    return h ^ _shr(h, 32)


def _xxh3_avalanche(h: np.ndarray) -> np.ndarray:
    h = h ^ _shr(h, 37)
    h *= _PRIME_MX1
    return h ^ _shr(h, 32)


def _rrmxmx(h: np.ndarray, length: np.ndarray) -> np.ndarray:
    h = h ^ ((h << _U64(49)) | _shr(h, 15)) ^ ((h << _U64(24)) | _shr(h, 40))
    h *= _PRIME_MX2
    h ^= _shr(h, 35) + length
    h *= _PRIME_MX2
    return h ^ _shr(h, 28)


def _mul128_fold64(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Low XOR high half of the 128-bit product (XXH_mult64to128, portable version)."""
    a_lo, a_hi = a & _LOW32, _shr(a, 32)
    b_lo, b_hi = b & _LOW32, _shr(b, 32)
    lo_lo = a_lo * b_lo
    hi_lo = a_hi * b_lo
    cross = _shr(lo_lo, 32) + (hi_lo & _LOW32) + a_lo * b_hi
    upper = _shr(hi_lo, 32) + _shr(cross, 32) + a_hi * b_hi
    lower = (cross << _U64(32)) | (lo_lo & _LOW32)
    return lower ^ upper


class _Reader:
    """Unaligned little-endian loads at arbitrary byte offsets of one buffer."""

    def __init__(self, data: np.ndarray) -> None:
        # Views with a one-byte stride: element i is the word starting at byte i.
        padded = np.concatenate((data, np.zeros(8, dtype=np.uint8)))
        self.bytes = padded
        self.u64 = np.ndarray((len(padded) - 7,), dtype="<u8", buffer=padded, strides=(1,))
        self.u32 = np.ndarray((len(padded) - 3,), dtype="<u4", buffer=padded, strides=(1,))

    def le64(self, offsets: np.ndarray, secret_offset: int = -1) -> np.ndarray:
        words = self.u64[offsets].astype(_U64)
        return words if secret_offset < 0 else words ^ _secret64(secret_offset)


def _len_1to3(read: _Reader, start: np.ndarray, length: np.ndarray) -> np.ndarray:
    c1 = read.bytes[start].astype(_U64)
    c2 = read.bytes[start + (length >> 1)].astype(_U64)
    c3 = read.bytes[start + length - 1].astype(_U64)
    combined = (c1 << _U64(16)) | (c2 << _U64(24)) | c3 | (length.astype(_U64) << _U64(8))
    return _xxh64_avalanche(combined ^ _BITFLIP_1TO3)


def _len_4to8(read: _Reader, start: np.ndarray, length: np.ndarray) -> np.ndarray:
    first = read.u32[start].astype(_U64)
    last = read.u32[start + length - 4].astype(_U64)
    keyed = (last + (first << _U64(32))) ^ _BITFLIP_4TO8
    return _rrmxmx(keyed, length.astype(_U64))


def _len_9to16(read: _Reader, start: np.ndarray, length: np.ndarray) -> np.ndarray:
    low = read.le64(start) ^ _BITFLIP_9TO16[0]
    high = read.le64(start + length - 8) ^ _BITFLIP_9TO16[1]
    acc = length.astype(_U64) + low.byteswap() + high + _mul128_fold64(low, high)
    return _xxh3_avalanche(acc)


def _mix16(read: _Reader, offsets: np.ndarray, secret_offset: int) -> np.ndarray:
    return _mul128_fold64(read.le64(offsets, secret_offset),
                          read.le64(offsets + 8, secret_offset + 8))


def _len_17to128(read: _Reader, start: np.ndarray, length: np.ndarray) -> np.ndarray:
    acc = length.astype(_U64) * _PRIME64_1
    end = start + length
    # Pairs of 16-byte lanes from both ends; longer strings read more pairs (XXH3 order).
    for reach, min_length in ((0, 0), (16, 32), (32, 64), (48, 96)):
        wide = length > min_length
        if not wide.any():
            break
        rows = np.flatnonzero(wide)
        lane = _mix16(read, start[rows] + reach, 2 * reach)
        lane += _mix16(read, end[rows] - 16 - reach, 2 * reach + 16)
        acc[rows] += lane
    return _xxh3_avalanche(acc)


_PATHS = ((1, 3, _len_1to3), (4, 8, _len_4to8), (9, 16, _len_9to16),
          (17, MAX_VECTOR_LENGTH, _len_17to128))


def xxh3_64_spans(data: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """``xxh3_64_intdigest(data[s:s+n])`` for every ``(s, n)`` of ``starts``/``lengths``.

    ``data`` is a uint8 array; every length must be at least 1. Returns uint64 values equal
    to the ``xxhash`` package's, in the order of the spans.
    """
    hashes = np.empty(len(starts), dtype=_U64)
    if not len(starts):
        return hashes
    read = _Reader(data)
    # Spans in slices: each path makes several temporaries per span, so this bounds memory.
    for first in range(0, len(starts), _SLICE):
        part = slice(first, first + _SLICE)
        part_starts, part_lengths, part_hashes = starts[part], lengths[part], hashes[part]
        for low, high, path in _PATHS:
            rows = np.flatnonzero((part_lengths >= low) & (part_lengths <= high))
            if rows.size:
                part_hashes[rows] = path(read, part_starts[rows], part_lengths[rows])
    long_rows = np.flatnonzero(lengths > MAX_VECTOR_LENGTH)
    if long_rows.size:
        raw = data.tobytes()
        digest = xxhash.xxh3_64_intdigest
        spans = zip(starts[long_rows].tolist(), lengths[long_rows].tolist(), strict=True)
        hashes[long_rows] = [digest(raw[s : s + n]) for s, n in spans]
    return hashes


__all__ = ["MAX_VECTOR_LENGTH", "xxh3_64_spans"]
