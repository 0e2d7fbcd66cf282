"""Byte ranges of JSON Lines files, plain or compressed, without decompressing from the top.

Discovery records each repository's rows of a JSON Lines file as byte ranges of its
decompressed stream; reading a repository then needs those ranges back. A plain file seeks,
a gzip file starts from the nearest decompressor snapshot (any order is cheap), and zstd, bz2
and xz streams are read forward (cheap in increasing order). Kept apart from ``records`` so
the compression handling can be read, and tuned, on its own.
"""

from __future__ import annotations

import bisect
import io
import json
import zlib
from collections.abc import Iterator
from typing import Any

import pyarrow as pa

from codepack.inputs.listing import READ_CHUNK

COMPRESSION_SUFFIXES = ("", ".gz", ".bz2", ".xz", ".zst")


class ForwardReader:
    """A forward reader over a compressed stream (zstd, bz2, xz), kept open between reads.

    These streams cannot seek back cheaply, so a read before the current position reopens
    the file; reads in increasing order (a dataset sorted by repository name) cost one
    decompression pass in total, any other order costs one per repository (discovery warns).
    """

    def __init__(self, file: str) -> None:
        self.file = file
        self.stream: Any = None
        self.position = 0

    def read(self, start: int, length: int) -> bytes:
        if self.stream is None or start < self.position:
            self.close()
            self.stream = open_stream(self.file)
            self.position = 0
        while self.position < start:
            skipped = len(self.stream.read(min(READ_CHUNK, start - self.position)))
            if not skipped:
                raise ValueError("file ended before a listed record")
            self.position += skipped
        data = self.stream.read(length)
        self.position = start + len(data)
        return data

    def close(self) -> None:
        if self.stream is not None:
            self.stream.close()
            self.stream = None


class PlainReader:
    """Reads byte ranges of an uncompressed file."""

    def __init__(self, file: str) -> None:
        self.file = file

    def read(self, start: int, length: int) -> bytes:
        with open(self.file, "rb") as handle:
            handle.seek(start)
            return handle.read(length)

    def close(self) -> None:
        """Nothing stays open between reads."""


class GzipReader:
    """Random access into a gzip file through decompressor snapshots.

    One first pass copies the zlib state every ``_GZIP_CHECKPOINT`` decompressed bytes (a copy
    is the 32 KiB window plus a little state); a read then starts from the nearest snapshot
    before it, so repositories can be read in any order at a cost of at most one checkpoint
    interval of decompression each, instead of decompressing from the top every time.
    Concatenated gzip members (bgzip, parallel writers) are followed.
    """

    def __init__(self, file: str) -> None:
        self.file = file
        start = zlib.decompressobj(_GZIP_WBITS)
        self.offsets: list[int] = [0]  # decompressed offset of each snapshot
        self.points: list[tuple[int, Any]] = [(0, start.copy())]  # (compressed offset, state)
        with open(file, "rb") as raw:
            out, mark = 0, _GZIP_CHECKPOINT
            for piece, boundary in _gunzip(raw, start, 0):
                if boundary is not None and out >= mark:
                    self.offsets.append(out)
                    self.points.append((boundary[0], boundary[1].copy()))
                    mark = out + _GZIP_CHECKPOINT
                out += len(piece)

    def read(self, start: int, length: int) -> bytes:
        index = bisect.bisect_right(self.offsets, start) - 1
        out = self.offsets[index]
        position, state = self.points[index]
        inflater = state.copy()
        stop = start + length
        kept = bytearray()
        with open(self.file, "rb") as raw:
            raw.seek(position)
            for piece, _ in _gunzip(raw, inflater, position):
                lo, hi = max(start - out, 0), min(stop - out, len(piece))
                if lo < hi:
                    kept += piece[lo:hi]
                out += len(piece)
                if out >= stop:
                    break
        return bytes(kept)

    def close(self) -> None:
        """Nothing stays open between reads."""


_GZIP_WBITS = zlib.MAX_WBITS | 16  # expect a gzip header
_GZIP_CHECKPOINT = 1024 * 1024
_GZIP_INPUT_CHUNK = 16 * 1024


def _gunzip(raw: Any, inflater: Any, position: int
            ) -> Iterator[tuple[bytes, tuple[int, Any] | None]]:
    """Decompressed pieces of a gzip stream (at most ``READ_CHUNK`` each: a bomb cannot
    blow memory up). After each input chunk is fully consumed it also yields
    ``(b"", (compressed offset, inflater))``: the only places a snapshot is valid."""
    while True:
        chunk = raw.read(_GZIP_INPUT_CHUNK)
        if not chunk:
            return
        position += len(chunk)
        while chunk:
            if inflater.eof:
                if not chunk.strip(b"\0"):
                    break  # zero padding after the last member
                inflater = zlib.decompressobj(_GZIP_WBITS)
            piece = inflater.decompress(chunk, READ_CHUNK)
            chunk = inflater.unused_data if inflater.eof else inflater.unconsumed_tail
            if piece:
                yield piece, None
        yield b"", (position, inflater)


def compression_of(file: str) -> str:
    name = file.lower()
    for suffix in COMPRESSION_SUFFIXES[1:]:
        if name.endswith(suffix):
            return suffix
    return ""


def open_stream(file: str) -> Any:
    """A binary stream over a file's decompressed bytes."""
    if not compression_of(file):
        return open(file, "rb")  # the caller owns and closes the handle
    return io.BufferedReader(pa.input_stream(file, compression="detect"), READ_CHUNK)


def json_object(line: bytes) -> dict[str, Any] | None:
    """One JSON Lines record as a dict, or None for a line that is not a JSON object
    (discovery counts those, reading reports them: both must agree on what a record is)."""
    try:
        record = json.loads(line)
    except ValueError:
        return None
    return record if isinstance(record, dict) else None
