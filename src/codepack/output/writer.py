"""Parquet shards, the audit file and the manifest.

Shards are written under a temporary name and renamed when complete, so a reader never sees
a half-written ``part-*.parquet``. A shard is closed only at a repository boundary once it
holds ``shard_bytes`` of text: every shard then covers a contiguous range of repositories,
which is what makes ``--resume`` able to restart after the last finished shard and still
produce byte-identical output. Each finished shard leaves a small ``.done`` marker naming the
repositories it covers.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from codepack.config import OutputConfig
from codepack.counters import merge_stats
from codepack.output.outputs import (
    MANIFEST_FILE,
    atomic_path,
    atomic_write,
    audit_part_name,
    shard_marker_name,
    shard_name,
    temporary_path,
)
from codepack.records import Drop, Example

SCHEMA_VERSION = 1


EXAMPLE_SCHEMA = pa.schema(
    [
        pa.field("repo", pa.string(), nullable=False),
        pa.field("example_index", pa.int32(), nullable=False),
        pa.field("text", pa.large_string(), nullable=False),
        pa.field("n_tokens", pa.int32(), nullable=False),
        pa.field("n_files", pa.int32(), nullable=False),
        pa.field("paths", pa.list_(pa.string()), nullable=False),
        pa.field("languages", pa.list_(pa.string()), nullable=False),
        pa.field("file_parts", pa.list_(pa.int32()), nullable=False),
        pa.field("file_n_parts", pa.list_(pa.int32()), nullable=False),
        pa.field("order_reasons", pa.list_(pa.string()), nullable=False),
        pa.field("fim_modes", pa.list_(pa.string()), nullable=False),
        pa.field("file_starts", pa.list_(pa.int32()), nullable=False),
        pa.field("file_ends", pa.list_(pa.int32()), nullable=False),
    ],
    metadata={"codepack.schema_version": str(SCHEMA_VERSION)},
)

DROPPED_SCHEMA = pa.schema(
    [
        pa.field("repo", pa.string(), nullable=False),
        pa.field("path", pa.string(), nullable=False),
        pa.field("stage", pa.string(), nullable=False),
        pa.field("reason", pa.string(), nullable=False),
        pa.field("detail", pa.string(), nullable=False),
    ]
)


def examples_to_table(examples: Sequence[Example]) -> pa.Table:
    """Column-wise conversion of examples into an Arrow table with ``EXAMPLE_SCHEMA``."""
    columns: dict[str, list[Any]] = {name: [] for name in EXAMPLE_SCHEMA.names}
    for ex in examples:
        columns["repo"].append(ex.repo)
        columns["example_index"].append(ex.example_index)
        columns["text"].append(ex.text)
        columns["n_tokens"].append(ex.n_tokens)
        columns["n_files"].append(len({p.path for p in ex.pieces}))
        columns["paths"].append([p.path for p in ex.pieces])
        columns["languages"].append([p.language for p in ex.pieces])
        columns["file_parts"].append([p.part for p in ex.pieces])
        columns["file_n_parts"].append([p.n_parts for p in ex.pieces])
        columns["order_reasons"].append([p.reason for p in ex.pieces])
        columns["fim_modes"].append([p.fim for p in ex.pieces])
        columns["file_starts"].append([p.start for p in ex.pieces])
        columns["file_ends"].append([p.end for p in ex.pieces])
    return pa.table(columns, schema=EXAMPLE_SCHEMA)


def drops_to_table(drops: Sequence[Drop]) -> pa.Table:
    return pa.table(
        {
            "repo": [d.repo for d in drops],
            "path": [d.path for d in drops],
            "stage": [d.stage for d in drops],
            "reason": [d.reason for d in drops],
            "detail": [d.detail for d in drops],
        },
        schema=DROPPED_SCHEMA,
    )


def marker_path(out_dir: Path, index: int) -> Path:
    return out_dir / shard_marker_name(index)


@dataclass
class ShardInfo:
    """A finished shard: its file and the repositories (by run index) it covers."""

    index: int
    name: str
    rows: int
    first_repo: int  # index into the run's sorted repository list
    last_repo: int
    text_bytes: int
    stats: dict[str, int] = field(default_factory=dict)  # counters of its repositories

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class ShardWriter:
    """Writes example rows of consecutive repositories into rotating Parquet shards."""

    def __init__(
        self,
        out_dir: Path,
        config: OutputConfig,
        first_shard: int = 0,
        on_close: Callable[[list[Path]], None] | None = None,
    ) -> None:
        self.out_dir = out_dir
        self.on_close = on_close  # handed each finished shard's files, marker last
        self.config = config
        self.shards: list[ShardInfo] = []
        self._index = first_shard
        self._writer: pq.ParquetWriter | None = None
        self._tmp: Path | None = None
        self._buffer: list[Example] = []
        self._rows = 0
        self._bytes = 0
        self._first_repo = -1
        self._last_repo = -1
        self._audit: list[Drop] = []
        self._stats: Counter[str] = Counter()

    def add_repo(
        self,
        repo_index: int,
        examples: Sequence[Example],
        audit: Sequence[Drop] = (),
        stats: Mapping[str, int] | None = None,
    ) -> None:
        """Append one repository's rows, audit entries and counters; rotate if the shard is full.

        A repository with no rows still belongs to the current shard, so the shard markers
        cover every repository of the run.
        """
        if self._first_repo < 0:
            self._first_repo = repo_index
        self._last_repo = repo_index
        self._audit.extend(audit)
        merge_stats(self._stats, stats or {})
        for ex in examples:
            self._buffer.append(ex)
            self._rows += 1
            self._bytes += len(ex.text.encode("utf-8"))
            if len(self._buffer) >= self.config.row_group_rows:
                self._flush()
        if self._bytes >= self.config.shard_bytes:
            self.close_shard()

    def _flush(self) -> None:
        if not self._buffer:
            return
        if self._writer is None:
            self._tmp = temporary_path(self.out_dir / shard_name(self._index))
            self._writer = pq.ParquetWriter(
                self._tmp,
                EXAMPLE_SCHEMA,
                compression=self.config.compression,
                write_statistics=True,
            )
        self._writer.write_table(
            examples_to_table(self._buffer), row_group_size=self.config.row_group_rows
        )
        self._buffer = []

    def close_shard(self) -> None:
        """Finish the current shard: rename into place, write its audit part, leave a marker.

        A shard whose repositories produced no rows is still written (empty, with the schema)
        when it covers repositories, so that resume bookkeeping has no gaps.
        """
        if self._first_repo < 0:
            return
        self._flush()
        final = self.out_dir / shard_name(self._index)
        with atomic_path(final) as tmp:
            if self._writer is None:
                pq.write_table(examples_to_table([]), tmp, compression=self.config.compression)
            else:
                self._writer.close()
        audit = self.out_dir / audit_part_name(self._index)
        with atomic_path(audit) as tmp:
            pq.write_table(drops_to_table(self._audit), tmp, compression=self.config.compression)
        info = ShardInfo(self._index, final.name, self._rows, self._first_repo, self._last_repo,
                         self._bytes, {k: int(v) for k, v in sorted(self._stats.items())})
        atomic_write(marker_path(self.out_dir, self._index),
                     json.dumps(info.to_dict(), sort_keys=True))
        self.shards.append(info)
        if self.on_close is not None:
            self.on_close([final, audit, marker_path(self.out_dir, self._index)])
        self._index += 1
        self._reset()

    def _reset(self) -> None:
        self._writer = None
        self._tmp = None
        self._buffer = []
        self._rows = 0
        self._bytes = 0
        self._first_repo = -1
        self._last_repo = -1
        self._audit = []
        self._stats = Counter()

    @property
    def next_shard_index(self) -> int:
        return self._index


def read_markers(out_dir: Path) -> list[ShardInfo]:
    """Finished shards of an earlier (possibly interrupted) run, in shard order.

    Only an unbroken run of shards 0..k whose marker and file both exist counts: anything after
    a gap is redone, so a resumed run writes exactly what an uninterrupted one would.
    """
    done: list[ShardInfo] = []
    index = 0
    while True:
        marker = marker_path(out_dir, index)
        shard = out_dir / shard_name(index)
        if not (marker.is_file() and shard.is_file()):
            break
        try:
            data = json.loads(marker.read_text(encoding="utf-8"))
            done.append(ShardInfo(**data))
        except (ValueError, TypeError):
            break
        index += 1
    return done


def write_manifest(out_dir: Path, manifest: dict[str, Any]) -> None:
    """``manifest.json``: config, versions, counts and shard list, sorted keys for stable diffs."""
    atomic_write(out_dir / MANIFEST_FILE, json.dumps(manifest, indent=2, sort_keys=True) + "\n")
