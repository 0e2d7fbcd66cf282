"""Figures about a finished output folder: what a run packed, skipped, removed and why.

``collect`` reads the Parquet shards, ``dropped.parquet`` and ``manifest.json`` of one
``codepack pack --out`` folder and returns one JSON-ready dict. The shards are the truth about
what the data *contains* (examples, tokens, length distribution, FIM share, order reasons); the
manifest is the truth about what the *run did* (files seen and skipped, imports resolved,
graph pruning, deduplication). Outputs reach terabytes, so only small columns are read,
batch by batch, and never ``text``: the length distribution is an exact integer histogram
(``n_tokens`` is bounded by the token budget), not a list of every value.

A damaged or partial folder (a shard that does not read, no manifest, a manifest naming shards
that are not there) still gives figures: each problem is reported in ``warnings``.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from codepack.output.outputs import AUDIT_FILE, MANIFEST_FILE, SHARD_GLOB

HISTOGRAM_BINS = 20
PERCENTILES = (10, 50, 90)
BATCH_ROWS = 65_536
# n_tokens values above this are not binned one by one (a budget is never this large; a value
# there is a corrupt row): they are counted in the top bin and reported as a warning
MAX_BINNED_TOKENS = 1 << 24

# manifest counters shown under the dependency graph heading, in display order
GRAPH_KEYS = (
    "imports_found",
    "imports_resolved",
    "imports_unresolved",
    "graph.edges_found",
    "graph.edges_kept",
    "graph.edges_removed_for_cycles",
    "graph.files_by_dependency",
    "graph.files_by_test",
    "graph.files_by_fallback",
    "graph.components",
    "graph.largest_component",
)


class StatsError(ValueError):
    """The folder is not a codepack output at all (missing, or neither shards nor manifest)."""


def collect(out_dir: str | Path) -> dict[str, Any]:
    """All figures about one output folder, as a JSON-ready dict.

    Keys: ``out_dir``, ``codepack_version``, ``token_counter``, ``shards``, ``repos``,
    ``files`` (seen, packed, skipped by reason), ``examples``, ``tokens``, ``languages``
    (files and tokens per language), ``fim`` (file pieces per mode and the FIM share),
    ``order`` (file pieces per order reason), ``graph``, ``dedup``, ``removals`` (audit rows
    by stage and reason), ``example_tokens`` (length distribution and histogram), ``warnings``.
    """
    out = Path(out_dir)
    if not out.is_dir():
        raise StatsError(f"{out} is not a folder")
    warnings: list[str] = []
    shard_paths = sorted(p for p in out.glob(SHARD_GLOB) if p.is_file())
    manifest = read_manifest(out, warnings)
    if not shard_paths and manifest is None:
        raise StatsError(f"{out} holds no {SHARD_GLOB} shards and no {MANIFEST_FILE}: "
                         "not a codepack output folder")
    run = {str(k): _as_int(v) for k, v in (manifest or {}).get("stats", {}).items()}
    shards = _scan_shards(shard_paths, warnings)
    _check_manifest_shards(manifest, shard_paths, shards.rows, warnings)
    audit = _scan_audit(out / AUDIT_FILE, warnings)

    skipped = _prefixed(run, "skipped.")

    def counted(key: str, from_shards: int) -> int:
        # without a manifest the shards are the only source; with one, missing keys mean zero
        return run.get(key, 0) if manifest is not None else from_shards

    return {
        "out_dir": str(out),
        "codepack_version": (manifest or {}).get("codepack_version"),
        "token_counter": (manifest or {}).get("token_counter"),
        "shards": {"files": len(shard_paths), "rows": shards.rows,
                   "unreadable": shards.unreadable},
        "repos": counted("repos", shards.repos_with_rows),
        "repos_with_examples": shards.repos_with_rows,
        "repos_empty": run.get("repos_empty", 0),
        "files": {
            "seen": run.get("files_seen", 0),
            "packed": counted("files_packed", shards.files_packed),
            "skipped": skipped,
            "skipped_total": sum(skipped.values()),
            "redacted": run.get("files_redacted", 0),
            "parse_errors": run.get("parse_errors", 0),
        },
        "examples": shards.rows,
        "tokens": shards.tokens,
        "bytes_packed": run.get("bytes_packed", 0),
        "languages": _languages(run, shards.files_by_language),
        "fim": _fim(shards.fim_pieces),
        "order": dict(sorted(shards.order_reasons.items())),
        "graph": _graph(run),
        "dedup": {
            "files_exact": run.get("dedup.files_exact", 0),
            "files_near": run.get("dedup.files_near", 0),
            "repos_dropped": run.get("dedup.repos_dropped", 0),
            "clusters": audit.dedup_clusters,
        },
        "removals": audit.by_stage_reason,
        "audit_rows": audit.rows,
        "example_tokens": distribution(shards.token_counts),
        "warnings": _capped(warnings),
    }


def read_manifest(out: Path, warnings: list[str]) -> dict[str, Any] | None:
    """``manifest.json`` as a dict, or None (with a warning) when absent or unreadable."""
    path = out / MANIFEST_FILE
    if not path.is_file():
        warnings.append(f"no {MANIFEST_FILE}: run counters (skips, graph, dedup) unavailable")
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        warnings.append(f"{MANIFEST_FILE} does not read: {exc}")
        return None
    if not isinstance(data, dict):
        warnings.append(f"{MANIFEST_FILE} is not a JSON object")
        return None
    if not isinstance(data.get("stats", {}), dict):
        warnings.append(f"{MANIFEST_FILE}: 'stats' is not an object; ignored")
        data = {**data, "stats": {}}
    return data


class _ShardFigures:
    """Running totals over the shards' small columns."""

    def __init__(self) -> None:
        self.rows = 0
        self.tokens = 0
        self.unreadable = 0
        self.token_counts = np.zeros(0, dtype=np.int64)  # index = n_tokens, value = examples
        self.fim_pieces: Counter[str] = Counter()
        self.order_reasons: Counter[str] = Counter()
        self.files_by_language: Counter[str] = Counter()
        self.files_packed = 0
        self.repos_with_rows = 0
        self._last_repo: str | None = None

    def add_repos(self, repos: pa.Array | pa.ChunkedArray) -> None:
        """Count runs of equal ``repo`` values: a repository's rows are contiguous in the
        shards, so this counts repositories in constant memory (a set of names would not be,
        at millions of repositories)."""
        if len(repos) == 0:
            return
        repos = pc.fill_null(repos, "")
        changes = int(pc.sum(pc.not_equal(repos[1:], repos[:-1])).as_py() or 0)
        first = repos[0].as_py()
        self.repos_with_rows += changes + (first != self._last_repo)
        self._last_repo = repos[-1].as_py()

    def add_tokens(self, values: np.ndarray, warnings: list[str]) -> None:
        if values.size == 0:
            return
        values = values.astype(np.int64, copy=False)
        self.tokens += int(values.sum())
        bad = (values < 0) | (values > MAX_BINNED_TOKENS)
        if bad.any():
            warnings.append(f"{int(bad.sum())} rows with n_tokens outside 0..{MAX_BINNED_TOKENS}"
                            " were clipped in the length distribution")
            values = np.clip(values, 0, MAX_BINNED_TOKENS)
        counts = np.bincount(values)
        if counts.size > self.token_counts.size:
            counts[: self.token_counts.size] += self.token_counts
            self.token_counts = counts
        else:
            self.token_counts[: counts.size] += counts


SHARD_COLUMNS = ("repo", "n_tokens", "languages", "file_parts", "order_reasons", "fim_modes")


def _scan_shards(paths: Iterable[Path], warnings: list[str]) -> _ShardFigures:
    figures = _ShardFigures()
    for path in paths:
        try:
            for batch in _batches(path, SHARD_COLUMNS, warnings):
                _add_batch(figures, batch, warnings)
        except (OSError, pa.ArrowException) as exc:
            figures.unreadable += 1
            warnings.append(f"{path.name} does not read ({type(exc).__name__}: {exc}); "
                            "its rows are not counted")
    return figures


def _batches(path: Path, wanted: Iterable[str], warnings: list[str]) -> Iterator[pa.RecordBatch]:
    """Record batches of the wanted columns that the file has (missing ones are warned about)."""
    parquet = pq.ParquetFile(path)
    present = set(parquet.schema_arrow.names)
    columns = [c for c in wanted if c in present]
    missing = [c for c in wanted if c not in present]
    if missing:
        warnings.append(f"{path.name} has no column(s) {', '.join(missing)}")
    if not columns:
        return
    yield from parquet.iter_batches(batch_size=BATCH_ROWS, columns=columns)


def _add_batch(figures: _ShardFigures, batch: pa.RecordBatch, warnings: list[str]) -> None:
    names = set(batch.schema.names)
    figures.rows += batch.num_rows
    if "repo" in names:
        figures.add_repos(batch.column("repo"))
    if "n_tokens" in names:
        tokens = pc.fill_null(batch.column("n_tokens"), 0)
        figures.add_tokens(tokens.to_numpy(zero_copy_only=False), warnings)
    for column, counter in (("fim_modes", figures.fim_pieces),
                            ("order_reasons", figures.order_reasons)):
        if column in names:
            counter.update(_value_counts(pc.list_flatten(batch.column(column))))
    if "languages" in names and "file_parts" in names:
        # a file split over several pieces counts once, by its first part
        languages = pc.list_flatten(batch.column("languages"))
        parts = pc.list_flatten(batch.column("file_parts"))
        if len(languages) == len(parts):
            firsts = pc.filter(languages, pc.equal(parts, 0))
            figures.files_by_language.update(_value_counts(firsts))
            figures.files_packed += len(firsts)


def _value_counts(array: pa.Array | pa.ChunkedArray) -> dict[str, int]:
    counts: dict[str, int] = {}
    for item in pc.value_counts(array).to_pylist():
        if item["values"] is not None:
            counts[str(item["values"])] = int(item["counts"])
    return counts


class _AuditFigures:
    def __init__(self) -> None:
        self.rows = 0
        self.by_stage_reason: list[dict[str, Any]] = []
        self.dedup_clusters = 0


def _scan_audit(path: Path, warnings: list[str]) -> _AuditFigures:
    """``dropped.parquet`` grouped by (stage, reason); dedup clusters are distinct survivors."""
    figures = _AuditFigures()
    if not path.is_file():
        warnings.append(f"no {AUDIT_FILE}: removals by stage unavailable")
        return figures
    groups: Counter[tuple[str, str]] = Counter()
    survivors: set[str] = set()
    try:
        for batch in _batches(path, ("stage", "reason", "detail"), warnings):
            figures.rows += batch.num_rows
            names = set(batch.schema.names)
            if not {"stage", "reason"} <= names:
                continue
            stages = batch.column("stage").to_pylist()
            reasons = batch.column("reason").to_pylist()
            groups.update(zip(stages, reasons, strict=True))
            if "detail" in names:
                is_dedup = pc.fill_null(pc.equal(batch.column("stage"), "dedup"), False)
                survivors.update(d for d in pc.filter(batch.column("detail"), is_dedup)
                                 .to_pylist() if d)
    except (OSError, pa.ArrowException) as exc:
        warnings.append(f"{AUDIT_FILE} does not read ({type(exc).__name__}: {exc})")
    figures.by_stage_reason = [
        {"stage": str(stage), "reason": str(reason), "files": count}
        for (stage, reason), count in sorted(groups.items(), key=lambda kv: (str(kv[0][0]),
                                                                             -kv[1],
                                                                             str(kv[0][1])))
    ]
    figures.dedup_clusters = len(survivors)
    return figures


def _check_manifest_shards(manifest: Mapping[str, Any] | None, paths: list[Path], rows: int,
                           warnings: list[str]) -> None:
    """Say when the shards on disk are not the ones the manifest lists (interrupted run,
    files copied by hand)."""
    if manifest is None:
        return
    listed = manifest.get("shards")
    if not isinstance(listed, list):
        return
    names = {s.get("name") for s in listed if isinstance(s, dict)}
    on_disk = {p.name for p in paths}
    missing = sorted(str(n) for n in names - on_disk if n)
    extra = sorted(on_disk - names)
    if missing:
        warnings.append(f"manifest lists shard(s) not on disk: {', '.join(missing[:5])}"
                        + (" ..." if len(missing) > 5 else ""))
    if extra:
        warnings.append(f"shard(s) on disk not in the manifest: {', '.join(extra[:5])}"
                        + (" ..." if len(extra) > 5 else ""))
    expected = _as_int(manifest.get("stats", {}).get("examples"))
    if not missing and not extra and expected and expected != rows:
        warnings.append(f"manifest counts {expected} examples, the shards hold {rows}")


def distribution(counts: np.ndarray, bins: int = HISTOGRAM_BINS) -> dict[str, Any]:
    """Summary and histogram of example lengths from ``counts[n] = examples with n tokens``.

    Percentiles are exact (nearest rank). Bins are equal-width integer ranges ``[lo, hi]`` over
    ``min..max``; an empty output gives zeros and no bins.
    """
    total = int(counts.sum()) if counts.size else 0
    if total == 0:
        return {"count": 0, "min": 0, **{f"p{p}": 0 for p in PERCENTILES}, "max": 0,
                "mean": 0.0, "histogram": []}
    present = np.flatnonzero(counts)
    low, high = int(present[0]), int(present[-1])
    cumulative = np.cumsum(counts)
    summary: dict[str, Any] = {"count": total, "min": low}
    for p in PERCENTILES:
        rank = max(1, int(np.ceil(p / 100 * total)))
        summary[f"p{p}"] = int(np.searchsorted(cumulative, rank))
    summary["max"] = high
    summary["mean"] = round(float(np.dot(np.arange(counts.size), counts)) / total, 2)
    width = max(1, -(-(high - low + 1) // bins))
    histogram = []
    for lo in range(low, high + 1, width):
        hi = min(lo + width - 1, high)
        histogram.append({"lo": lo, "hi": hi, "count": int(counts[lo: hi + 1].sum())})
    summary["histogram"] = histogram
    return summary


def _languages(run: Mapping[str, int], shard_files: Mapping[str, int]) -> list[dict[str, Any]]:
    """Per language: files packed and (approximate) tokens, largest token share first."""
    files = _prefixed(run, "files_by_language.") or dict(shard_files)
    tokens = _prefixed(run, "tokens_by_language.")
    total = sum(tokens.values())
    rows = [
        {"language": lang, "files": files.get(lang, 0), "tokens": tokens.get(lang, 0),
         "token_share": round(tokens.get(lang, 0) / total, 4) if total else 0.0}
        for lang in set(files) | set(tokens)
    ]
    return sorted(rows, key=lambda r: (-r["tokens"], -r["files"], r["language"]))


def _fim(pieces: Mapping[str, int]) -> dict[str, Any]:
    total = sum(pieces.values())
    transformed = total - pieces.get("none", 0)
    return {"pieces": dict(sorted(pieces.items())), "share": round(transformed / total, 4)
            if total else 0.0}


def _graph(run: Mapping[str, int]) -> dict[str, Any]:
    figures: dict[str, Any] = {key.removeprefix("graph."): run.get(key, 0) for key in GRAPH_KEYS}
    found = figures["imports_found"]
    figures["resolved_share"] = round(figures["imports_resolved"] / found, 4) if found else 0.0
    # keys the pipeline adds later are still shown, after the known ones
    for key in sorted(run):
        short = key.removeprefix("graph.")
        if key.startswith("graph.") and short not in figures:
            figures[short] = run[key]
    return figures


def _prefixed(run: Mapping[str, int], prefix: str) -> dict[str, int]:
    return {k[len(prefix):]: v for k, v in sorted(run.items()) if k.startswith(prefix) and v}


MAX_WARNINGS = 20


def _capped(warnings: list[str]) -> list[str]:
    """At most ``MAX_WARNINGS`` messages: a folder of 10,000 odd shards stays readable."""
    if len(warnings) <= MAX_WARNINGS:
        return warnings
    return [*warnings[:MAX_WARNINGS], f"... and {len(warnings) - MAX_WARNINGS} more warnings"]


def _as_int(value: Any) -> int:
    """Manifest counters are ints; anything else (hand-edited, null) counts as zero."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return 0


def text_histogram(histogram: list[dict[str, int]], rows: int = 10, width: int = 40) -> list[str]:
    """A few lines of ``lo-hi  ████ count`` for a terminal, merging bins down to ``rows``."""
    if not histogram:
        return []
    step = -(-len(histogram) // rows)
    merged = [
        {"lo": group[0]["lo"], "hi": group[-1]["hi"], "count": sum(b["count"] for b in group)}
        for group in (histogram[i: i + step] for i in range(0, len(histogram), step))
    ]
    peak = max(b["count"] for b in merged) or 1
    label_width = max(len(f"{b['lo']}-{b['hi']}") for b in merged)
    lines = []
    for b in merged:
        bar = "█" * round(b["count"] / peak * width)
        if b["count"] and not bar:
            bar = "▏"
        label = f"{b['lo']}-{b['hi']}"
        lines.append(f"{label:>{label_width}} {bar} {b['count']:,}")
    return lines


__all__ = ["StatsError", "collect", "distribution", "read_manifest", "text_histogram"]
