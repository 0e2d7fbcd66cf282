"""Records discovery: which files are datasets, which columns to read, which rows are whose.

Datasets name their columns differently (The Stack, StarCoderData, github-code); a
``RecordColumns`` says which ones hold the repository, the path and the content, detected or
given. ``RecordsIndex`` reads only the repository column of each file, once, and groups row
numbers (Parquet) or byte ranges (JSON Lines) into one ``RecordPart`` per repository and file,
so that later each repository reads just its own rows, wherever in the dataset they are.
"""

from __future__ import annotations

import logging
import lzma
import os
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from codepack.inputs.base import InputError
from codepack.inputs.datasets import RecordPart
from codepack.inputs.streams import (
    COMPRESSION_SUFFIXES,
    compression_of,
    json_object,
    open_stream,
)

log = logging.getLogger(__name__)

# Column names public code datasets use, most specific first. The Stack and StarCoderData use
# the max_stars_* family; github-code and codeparrot use repo_name/path/code|content.
REPO_COLUMNS: tuple[str, ...] = (
    "max_stars_repo_name",
    "repo_name",
    "repo",
    "repository",
    "max_forks_repo_name",
    "max_issues_repo_name",
)
PATH_COLUMNS: tuple[str, ...] = (
    "max_stars_repo_path",
    "path",
    "file_path",
    "filepath",
    "max_forks_repo_path",
    "max_issues_repo_path",
)
CONTENT_COLUMNS: tuple[str, ...] = ("content", "text", "code", "source")
_JSONL_SUFFIXES = (".jsonl", ".ndjson")
# Past this many row groups per repository on average, reading decodes each row group many
# times over: worth a warning that sorting the dataset by repository first pays off.
_SCATTER_WARNING = 4.0


@dataclass(frozen=True)
class RecordColumns:
    """Which columns of a records file hold the repository, the path and the content.

    ``None`` auto-detects from ``REPO_COLUMNS`` / ``PATH_COLUMNS`` / ``CONTENT_COLUMNS``.
    """

    repo: str | None = None
    path: str | None = None
    content: str | None = None

    @classmethod
    def parse(cls, text: str) -> RecordColumns:
        """``"repo=repo_name,path=file,content=code"`` (any subset), as a CLI option gives it."""
        values: dict[str, str] = {}
        for item in filter(None, (part.strip() for part in text.split(","))):
            key, sep, value = item.partition("=")
            key, value = key.strip(), value.strip()
            if not sep or key not in ("repo", "path", "content") or not value:
                raise InputError(
                    f"bad records column option {item!r}: use repo=NAME,path=NAME,content=NAME"
                )
            values[key] = value
        return cls(**values)

    def resolve(self, names: Sequence[str], where: str, need_repo: bool) -> tuple[str, str, str]:
        """(repo, path, content) column names present in ``names``; a clear error if not."""
        repo = _pick(self.repo, REPO_COLUMNS, names, "repository", where) if need_repo else ""
        path = _pick(self.path, PATH_COLUMNS, names, "path", where)
        content = _pick(self.content, CONTENT_COLUMNS, names, "content", where)
        return repo, path, content


def _pick(given: str | None, known: Sequence[str], names: Sequence[str], role: str,
          where: str) -> str:
    present = ", ".join(sorted(names)[:30]) or "none"
    if given is not None:
        if given in names:
            return given
        raise InputError(f"{where} has no {role} column {given!r} (columns: {present})")
    for name in known:
        if name in names:
            return name
    raise InputError(
        f"{where} has no {role} column: tried {', '.join(known)} (columns: {present}); "
        f"name it with records_columns ({role.split()[0][:7]}=COLUMN)"
    )


def is_records_file(name: str, explicit: bool) -> bool:
    """Record files by name; ``.json`` counts only when named explicitly (see module doc)."""
    lower = name.lower()
    if lower.endswith(".parquet"):
        return True
    bases = (*_JSONL_SUFFIXES, ".json") if explicit else _JSONL_SUFFIXES
    return any(lower.endswith(base + suffix) for base in bases for suffix in COMPRESSION_SUFFIXES)


class _RepoIds:
    """Dense integer ids for repository names, so row grouping runs on numpy arrays."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.names: list[str] = []

    def id(self, value: Any) -> int:
        if value is None:
            return -1
        name = str(value).strip()
        if not name:
            return -1
        found = self.ids.get(name)
        if found is None:
            found = self.ids[name] = len(self.names)
            self.names.append(name)
        return found

    def encode(self, column: pa.ChunkedArray) -> np.ndarray:
        array = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
        if not pa.types.is_dictionary(array.type):
            array = array.dictionary_encode()
        values = array.dictionary.to_pylist()
        if not values:
            return np.full(len(array), -1, dtype=np.int64)
        lookup = np.array([self.id(value) for value in values] + [-1], dtype=np.int64)
        indices = array.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
        return lookup[indices]  # -1 (null) picks the trailing -1


def _spans(rows: np.ndarray) -> tuple[tuple[int, int], ...]:
    """Sorted row numbers as ``[start, stop)`` runs."""
    breaks = np.flatnonzero(np.diff(rows) != 1) + 1
    starts = rows[np.concatenate([[0], breaks])]
    stops = rows[np.concatenate([breaks - 1, [len(rows) - 1]])] + 1
    return tuple((int(a), int(b)) for a, b in zip(starts, stops, strict=True))


class RecordsIndex:
    """Repository -> rows, built from the repository column only (one pass per file)."""

    def __init__(self, columns: RecordColumns) -> None:
        self.columns = columns
        self.repo_ids = _RepoIds()
        self.parts: dict[int, list[RecordPart]] = {}
        self.labels: dict[int, str] = {}  # repo id -> the input it was first found in
        self.files: set[Path] = set()

    def add_file(self, file: Path, label: str, single_name: str | None) -> None:
        """Index one file; ``single_name`` makes every row one repository of that name."""
        if file.resolve() in self.files:
            return  # named twice (a folder and a file in it): its rows are not duplicates
        self.files.add(file.resolve())
        signature = _signature(file)
        if file.name.lower().endswith(".parquet"):
            self._add_parquet(file, label, single_name, signature)
        else:
            self._add_jsonl(file, label, single_name, signature)

    def repos(self) -> list[tuple[str, str, tuple[RecordPart, ...]]]:
        return [(self.repo_ids.names[i], self.labels[i], tuple(parts))
                for i, parts in sorted(self.parts.items())]

    def _record(self, repo_id: int, label: str, part: RecordPart) -> None:
        self.parts.setdefault(repo_id, []).append(part)
        self.labels.setdefault(repo_id, label)

    def _add_parquet(self, file: Path, label: str, single_name: str | None,
                     signature: tuple[int, int]) -> None:
        try:
            parquet = pq.ParquetFile(file)
        except (OSError, pa.ArrowException) as exc:
            raise InputError(f"cannot read Parquet file {file}: {exc}") from exc
        with parquet:
            names = parquet.schema_arrow.names
            repo_col, path_col, content_col = self.columns.resolve(
                names, str(file), need_repo=single_name is None)
            if single_name is not None:
                rows = parquet.metadata.num_rows
                if rows:
                    part = RecordPart(str(file), "parquet", path_col, content_col,
                                      ((0, rows),), signature)
                    self._record(self.repo_ids.id(single_name), label, part)
                return
            chunks = [self.repo_ids.encode(
                parquet.read_row_group(i, columns=[repo_col]).column(0))
                for i in range(parquet.num_row_groups)]
        ids = np.concatenate(chunks) if chunks else np.empty(0, dtype=np.int64)
        missing = int(np.count_nonzero(ids < 0))
        if missing:
            log.warning("%s: %d rows have no %s value and belong to no repository",
                        file, missing, repo_col)
        valid = np.flatnonzero(ids >= 0)
        order = valid[np.argsort(ids[valid], kind="stable")]
        if not len(order):
            return
        bounds = np.flatnonzero(np.diff(ids[order])) + 1
        groups = np.split(order, bounds)
        for rows in groups:
            part = RecordPart(str(file), "parquet", path_col, content_col, _spans(rows),
                              signature)
            self._record(int(ids[rows[0]]), label, part)
        _warn_if_scattered(file, groups, [len(chunk) for chunk in chunks])

    def _add_jsonl(self, file: Path, label: str, single_name: str | None,
                   signature: tuple[int, int]) -> None:
        resolved: tuple[str, str, str] | None = None
        spans: dict[int, list[list[int]]] = {}
        bad = offset = 0
        try:
            with open_stream(str(file)) as stream:
                for line in stream:
                    start, offset = offset, offset + len(line)
                    if not line.strip():
                        continue
                    record = json_object(line)
                    if record is None:
                        bad += 1
                        continue
                    if resolved is None:
                        resolved = self.columns.resolve(
                            list(record), f"{file} (first record)", need_repo=single_name is None)
                    value = single_name if single_name is not None else record.get(resolved[0])
                    repo_id = self.repo_ids.id(value)
                    if repo_id < 0:
                        bad += 1
                        continue
                    runs = spans.setdefault(repo_id, [])
                    if runs and runs[-1][1] == start:
                        runs[-1][1] = offset
                    else:
                        runs.append([start, offset])
        except (OSError, EOFError, zlib.error, lzma.LZMAError, pa.ArrowException) as exc:
            raise InputError(f"cannot read JSON Lines file {file}: {exc}") from exc
        if resolved is None:
            if bad:
                raise InputError(f"{file} holds no JSON object lines: is it JSON Lines?")
            return  # empty file
        if bad:
            log.warning("%s: %d lines are not JSON objects with a repository; not read",
                        file, bad)
        compression = compression_of(str(file))
        if compression not in ("", ".gz") and len(spans) > 1:
            firsts = [spans[i][0][0] for i in sorted(spans, key=self.repo_ids.names.__getitem__)]
            if firsts != sorted(firsts):
                log.warning("%s: %s streams are read forward only and its repositories are not "
                            "in name order, so each repository decompresses the file from the "
                            "start; gzip it or leave it uncompressed", file, compression)
        for repo_id, runs in spans.items():
            part = RecordPart(str(file), "jsonl", resolved[1], resolved[2],
                              tuple((a, b) for a, b in runs), signature)
            self._record(repo_id, label, part)


def _warn_if_scattered(file: Path, groups: list[np.ndarray], group_rows: list[int]) -> None:
    """Say so when a repository's rows spread over many row groups (reading gets slow)."""
    if len(group_rows) < 2 or not groups:
        return
    starts = np.cumsum([0, *group_rows[:-1]])
    touched = sum(len(np.unique(np.searchsorted(starts, rows, side="right"))) for rows in groups)
    mean = touched / len(groups)
    if mean > _SCATTER_WARNING:
        log.warning(
            "%s: a repository's rows are spread over %.1f row groups on average, so reading "
            "decodes row groups many times; sort the dataset by repository first (e.g. duckdb "
            "COPY (SELECT * FROM 'in.parquet' ORDER BY repo) TO 'out.parquet')", file, mean)


def records_stem(name: str) -> str:
    """``data.jsonl.gz`` -> ``data``: the repository name of a ``single_repo`` records input."""
    stem = name[: len(name) - len(compression_of(name))]
    for suffix in (".parquet", *_JSONL_SUFFIXES, ".json"):
        if stem.lower().endswith(suffix) and len(stem) > len(suffix):
            return stem[: -len(suffix)]
    return stem


def _signature(file: Path) -> tuple[int, int]:
    info = file.stat()
    return info.st_size, info.st_mtime_ns


def record_files(folder: Path) -> list[Path]:
    """The record files at the top level of a folder (hidden files left out), sorted."""
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return []
    return [folder / n for n in names
            if not n.startswith(".") and is_records_file(n, explicit=False)
            and (folder / n).is_file()]
