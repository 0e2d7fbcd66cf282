"""Repositories made of dataset rows (Parquet or JSON Lines): reading one repository's rows.

A ``RecordsRepo`` carries, per records file, the spans of rows that belong to it
(``RecordPart``, built by ``datasets_index`` at discovery). Reading turns those rows into
in-memory file members for the shared walker. Parquet row groups and JSON Lines readers are
cached per process, because repositories read one after another often share them.
"""

from __future__ import annotations

import bisect
import lzma
import os
import zlib
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from codepack.config import ScanConfig
from codepack.inputs.base import RepoInput
from codepack.inputs.listing import (
    Listing,
)
from codepack.inputs.memory import rows_listing
from codepack.inputs.streams import (
    ForwardReader,
    GzipReader,
    PlainReader,
    compression_of,
    json_object,
)
from codepack.records import SkippedFile, SkipReason


@dataclass(frozen=True)
class RecordPart:
    """The rows of one records file that belong to one repository.

    ``spans`` are ``[start, stop)`` row ranges for Parquet, byte ranges of the (decompressed)
    stream for JSON Lines: consecutive rows of a repository collapse into one span, so a
    dataset grouped by repository costs one span per file.
    """

    file: str
    format: str  # parquet|jsonl
    path_column: str
    content_column: str
    spans: tuple[tuple[int, int], ...]
    signature: tuple[int, int]  # (size, mtime_ns) at discovery: a changed file is not trusted


@dataclass(frozen=True)
class RecordsRepo(RepoInput):
    """A repository made of dataset rows (Parquet or JSON Lines)."""

    parts: tuple[RecordPart, ...] = ()

    @property
    def kind(self) -> str:
        return "records"

    @property
    def locator(self) -> str:
        files = sorted({part.file for part in self.parts})
        shown = files[0] if len(files) == 1 else f"{files[0]} (+{len(files) - 1} files)"
        return f"records:{shown}#{self.name}"

    def _listing(self, config: ScanConfig) -> Listing:
        skips: list[SkippedFile] = []
        return rows_listing(self._records(skips), skips)

    def _records(self, skips: list[SkippedFile]) -> Iterator[tuple[Any, Any, str]]:
        """(path, content, where) for each row of this repository, in dataset order."""
        for part in self.parts:
            try:
                info = os.stat(part.file)
            except OSError as exc:
                skips.append(SkippedFile(".", SkipReason.UNREADABLE, f"{part.file}: {exc}"))
                continue
            if (info.st_size, info.st_mtime_ns) != part.signature:
                detail = f"{part.file} changed since the repositories were listed"
                skips.append(SkippedFile(".", SkipReason.UNREADABLE, detail))
                continue
            read = _parquet_rows if part.format == "parquet" else _jsonl_rows
            try:
                yield from read(part)
            except (OSError, ValueError, EOFError, zlib.error, lzma.LZMAError,
                    pa.ArrowException) as exc:
                detail = f"cannot read {part.file}: {exc}"
                skips.append(SkippedFile(".", SkipReason.UNREADABLE, detail))


# Per-process caches: repositories read one after another often share row groups and
# compressed streams; without these each would decode them again. Row groups are kept up to a
# byte budget (always at least the last one), so a file smaller than it is decoded once.
_ROW_GROUP_CACHE: OrderedDict[tuple[Any, ...], pa.Table] = OrderedDict()
_ROW_GROUP_CACHE_BYTES = 256 * 1024 * 1024


@lru_cache(maxsize=64)
def _row_group_bounds(file: str, signature: tuple[int, int]) -> tuple[int, ...]:
    """Start row of each row group, then the row count."""
    with pq.ParquetFile(file) as parquet:
        counts = [parquet.metadata.row_group(i).num_rows for i in range(parquet.num_row_groups)]
    return tuple(int(x) for x in np.concatenate([[0], np.cumsum(counts, dtype=np.int64)]))


def _row_group(part: RecordPart, index: int) -> pa.Table:
    key = (part.file, part.signature, index, part.path_column, part.content_column)
    table = _ROW_GROUP_CACHE.get(key)
    if table is None:
        columns = list(dict.fromkeys((part.path_column, part.content_column)))
        with pq.ParquetFile(part.file) as parquet:
            table = parquet.read_row_group(index, columns=columns)
        _ROW_GROUP_CACHE[key] = table
        held = sum(cached.nbytes for cached in _ROW_GROUP_CACHE.values())
        while len(_ROW_GROUP_CACHE) > 1 and held > _ROW_GROUP_CACHE_BYTES:
            held -= _ROW_GROUP_CACHE.popitem(last=False)[1].nbytes
    else:
        _ROW_GROUP_CACHE.move_to_end(key)
    return table


def _parquet_rows(part: RecordPart) -> Iterator[tuple[Any, Any, str]]:
    bounds = _row_group_bounds(part.file, part.signature)
    label = Path(part.file).name
    for start, stop in part.spans:
        row = start
        while row < stop:
            group = bisect.bisect_right(bounds, row) - 1
            if group >= len(bounds) - 1:
                raise ValueError(f"row {row} is past the end of the file")
            group_stop = min(stop, bounds[group + 1])
            table = _row_group(part, group).slice(row - bounds[group], group_stop - row)
            paths = table.column(part.path_column).to_pylist()
            contents = table.column(part.content_column).to_pylist()
            for offset, (path, content) in enumerate(zip(paths, contents, strict=True)):
                yield path, content, f"{label} row {row + offset}"
            row = group_stop


_READERS: OrderedDict[tuple[str, tuple[int, int]], Any] = OrderedDict()
_READER_CACHE_SIZE = 4


def clear_reader_cache() -> None:
    """Close and forget every cached JSON Lines reader.

    A reader is keyed by the file's size and mtime; a file rewritten in place with both kept
    (a test corrupting one, a tool restoring mtimes) would otherwise be read through its old
    gzip index. Later reads build fresh readers.
    """
    while _READERS:
        _READERS.popitem()[1].close()


def _reader(part: RecordPart) -> PlainReader | GzipReader | ForwardReader:
    """A cached reader for a JSON Lines file: a gzip index is built once per process."""
    key = (part.file, part.signature)
    reader = _READERS.get(key)
    if reader is None:
        compression = compression_of(part.file)
        kind = {"": PlainReader, ".gz": GzipReader}.get(compression, ForwardReader)
        reader = _READERS[key] = kind(part.file)
        while len(_READERS) > _READER_CACHE_SIZE:
            _READERS.popitem(last=False)[1].close()
    else:
        _READERS.move_to_end(key)
    return reader


def _jsonl_rows(part: RecordPart) -> Iterator[tuple[Any, Any, str]]:
    label = Path(part.file).name
    reader = _reader(part)
    for start, stop in part.spans:
        offset = start
        for line in reader.read(start, stop - start).split(b"\n"):  # as discovery split them
            where = f"{label} byte {offset}"
            offset += len(line) + 1
            if not line.strip():
                continue
            record = json_object(line)
            if record is None:
                yield None, None, where
                continue
            yield record.get(part.path_column), record.get(part.content_column), where
