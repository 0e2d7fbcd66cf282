"""A whole ``codepack pack`` run: repositories in, Parquet shards, audit and manifest out.

The run is split into numbered repository tasks. Pack results are consumed in repository
order and shards close only at repository boundaries, so the bytes written do not depend on
the number of workers, and an interrupted run can be resumed after its last finished shard.
"""

from __future__ import annotations

import json
import shutil
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from codepack import __version__
from codepack.config import PackConfig, check_input_options
from codepack.counters import merge_stats, sorted_stats
from codepack.dedup import plan as dedup
from codepack.inputs import RepoInput, discover_inputs
from codepack.output.outdir import (
    OutputError,
    check_apart,
    locked,
    prepare,
    record_written,
)
from codepack.output.outputs import (
    AUDIT_FILE,
    FILES_LEDGER,
    MANIFEST_FILE,
    RUN_FILE,
    WORK_DIR,
    atomic_path,
    atomic_write,
    audit_part_name,
    shard_name,
)
from codepack.output.remote import RemoteOutput, is_uri, not_empty_message
from codepack.output.writer import (
    DROPPED_SCHEMA,
    ShardWriter,
    drops_to_table,
    read_markers,
    write_manifest,
)
from codepack.records import Drop
from codepack.run.executors.base import Executor
from codepack.run.executors.local import LocalExecutor
from codepack.run.fingerprint import fingerprint
from codepack.run.pipeline import (
    RepoResult,
    group_drops,
    pack_scan,
    scan_repo,
)
from codepack.run.workfiles import (
    WorkFileError,
    read_dedup_records,
    read_scan,
    write_dedup_records,
    write_scan,
)

# repositories a pass may run ahead of the one it waits for (see executors.local.map_ordered)
SCAN_AHEAD = 256
PACK_AHEAD = 32

ProgressFn = Callable[[str, int, int, str], None]


@dataclass
class RunSummary:
    """What a run did: its output files and every count of the manifest."""

    out: Path | str  # the local folder, or the URI a remote run wrote to
    shards: list[str]
    stats: dict[str, int]
    audit_rows: int
    seconds: float
    manifest: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class _Task:
    index: int
    source: RepoInput
    config: PackConfig
    work: str | None  # work folder for spilled scans (two-pass dedup), None for one pass
    drops: tuple[tuple[str, Drop], ...] = ()


def _work_files(work: str, index: int) -> tuple[Path, Path]:
    """A repository's spilled scan and its dedup records in the work folder."""
    stem = Path(work) / f"scan-{index:08d}"
    return stem.with_suffix(".msgpack"), stem.with_suffix(".dedup.msgpack")


def _scan_task(task: _Task) -> tuple[int, list[dedup.DedupRecord]]:
    """Pass 1 with dedup on: scan, spill, hand back only the dedup records."""
    assert task.work is not None
    scan_file, records_file = _work_files(task.work, task.index)
    if scan_file.is_file() and records_file.is_file():  # finished in an interrupted run
        try:
            return task.index, read_dedup_records(records_file)
        except WorkFileError:
            pass  # corrupt or planted: recompute from the input
    scan = scan_repo(task.source, task.config)
    if task.config.hygiene.dedup == "repo":
        records = [dedup.repo_dedup_record(scan, task.config.hygiene)]
    else:
        records = dedup.dedup_records(scan, task.config.hygiene, task.config.scan.go_target)
    write_scan(scan, scan_file)
    write_dedup_records(records, records_file)  # last: its presence means both are complete
    return task.index, records


def _pack_task(task: _Task) -> RepoResult:
    """Pass 2 (or the only pass): pack one repository."""
    scan = None
    if task.work is not None:
        try:
            scan = read_scan(_work_files(task.work, task.index)[0])
        except WorkFileError:
            scan = None  # corrupt, planted or missing: the input gives the same scan again
    if scan is None:
        scan = scan_repo(task.source, task.config)
    return pack_scan(scan, task.config, dict(task.drops), index=task.index)


def _run_identity(sources: Sequence[RepoInput], config: PackConfig) -> dict[str, Any]:
    """What a resumed run must share with the interrupted one: version, options, and every
    repository's name and input fingerprint."""
    return {
        "codepack_version": __version__,
        "config": config.to_dict(),
        "repos": [s.name for s in sources],
        "inputs": {s.name: fingerprint(s) for s in sources},
    }


def _check_resume(out: Path, identity: dict[str, Any]) -> None:
    """Refuse to resume a run with other inputs, options or codepack version, naming what
    differs."""
    run_file = out / RUN_FILE
    if not run_file.is_file():
        return
    try:
        earlier = json.loads(run_file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise OutputError(f"--resume: {run_file} is unreadable ({exc}); use --overwrite to "
                          "start again") from exc
    now = json.loads(json.dumps(identity, sort_keys=True))
    if not isinstance(earlier, dict):
        earlier = {}
    if earlier == now:
        return
    differs = [key for key in ("codepack_version", "config", "repos")
               if earlier.get(key) != now[key]]
    if differs:
        what = f"other {', '.join(differs)}"
    else:
        changed = sorted(name for name, mark in now["inputs"].items()
                         if (earlier.get("inputs") or {}).get(name) != mark)
        more = f" (+{len(changed) - 5} more)" if len(changed) > 5 else ""
        what = f"inputs that have changed since: {', '.join(changed[:5])}{more}"
    raise OutputError(f"--resume: the output folder was written by a run with {what}; "
                      "use --overwrite to start again")


def pack(
    paths: Sequence[str | Path],
    out: str | Path,
    config: PackConfig | None = None,
    *,
    workers: int | None = None,
    executor: str = "local",
    ray_address: str | None = None,
    single_repo: bool = False,
    rev: str | None = None,
    records_columns: str | None = None,
    overwrite: bool = False,
    resume: bool = False,
    progress: ProgressFn | None = None,
    command: str | None = None,
) -> RunSummary:
    """Pack repositories into Parquet shards under ``out``.

    Each path is a folder of repositories, one repository, a Parquet/JSONL dataset of
    ``(repo, path, content)`` records, an archive, or (with ``rev``) a git repository read at
    that revision. Returns a summary whose ``stats`` are also written to ``manifest.json``;
    ``command`` is recorded in the dataset card.
    """
    started = time.monotonic()
    config = config or PackConfig()
    if not str(out).strip():
        raise OutputError("out must name a folder (got an empty string)")
    if workers is not None and workers < 1:
        raise ValueError(f"workers must be at least 1, or None for all cores (got {workers})")
    local_out = _local_path(out)
    if local_out is not None:
        check_apart(local_out, paths)
    from codepack.inputs import input_kind

    check_input_options([input_kind(Path(p), rev) for p in paths], rev=rev,
                        records_columns=records_columns, scan=config.scan)
    sources = discover_inputs(paths, single_repo=single_repo, rev=rev,
                              records_columns=records_columns)
    target = RemoteOutput(str(out)) if is_uri(out) else None
    runner = make_executor(executor, workers, ray_address)
    try:
        if target is None:
            out_dir = Path(out).absolute()
            with locked(out_dir):
                try:
                    return _pack(sources, paths, out_dir, config, runner, overwrite,
                                 resume, progress or _no_progress, command, started)
                finally:
                    runner.close()  # every worker stopped before the lock is released
        target.prepare(overwrite, resume)
        summary = _pack(sources, paths, target.staging, config, runner, overwrite, resume,
                        progress or _no_progress, command, started, publish=target.upload)
        summary.out = str(out)
        return summary
    finally:
        runner.close()
        if target is not None:
            target.close()


def _local_path(out: str | Path) -> Path | None:
    """The local folder ``out`` names (a plain path or a ``file://`` URI), else None."""
    text = str(out)
    if text.startswith("file://"):
        return Path(text[len("file://"):])
    return None if is_uri(text) else Path(text)


def _no_progress(stage: str, done: int, total: int, repo: str) -> None:
    """Progress callback that shows nothing (library use)."""


def _pack(
    sources: list[RepoInput],
    paths: Sequence[str | Path],
    out: Path,
    config: PackConfig,
    runner: Executor,
    overwrite: bool,
    resume: bool,
    note: ProgressFn,
    command: str | None,
    started: float,
    publish: Callable[[list[Path]], None] = lambda paths: None,
) -> RunSummary:
    """The run proper, into the local folder ``out``; ``publish`` is handed every file as
    soon as it is final (a remote ``--out`` copies it to its target)."""
    prepare(out, overwrite=overwrite, resume=resume, not_empty=not_empty_message(str(out)))
    identity = _run_identity(sources, config)
    if resume:
        _check_resume(out, identity)
    atomic_write(out / RUN_FILE, json.dumps(identity, sort_keys=True))
    publish([out / RUN_FILE])

    finished = read_markers(out) if resume else []
    first_todo = finished[-1].last_repo + 1 if finished else 0
    total = len(sources)

    two_pass = config.hygiene.dedup != "off"
    work = out / WORK_DIR
    drops_by_repo: dict[str, dict[str, Drop]] = {}
    dedup_stats: Counter[str] = Counter()
    if two_pass:
        work.mkdir(exist_ok=True)
        scan_tasks = [_Task(i, s, config, str(work)) for i, s in enumerate(sources)]
        records: list[dedup.DedupRecord] = []
        # scan results are small (signatures): run far ahead so a large repository at the head
        # of the queue does not idle the other workers
        scanned = runner.map_ordered(_scan_task, scan_tasks, ahead=SCAN_AHEAD)
        for done, (_, recs) in enumerate(scanned, 1):
            records.extend(recs)
            note("scan", done, total, sources[done - 1].name)
        if config.hygiene.dedup == "repo":
            repo_drops = dedup.plan_repo_dedup(records, config.hygiene)
            drops_by_repo = {repo: {"*": d} for repo, d in repo_drops.items()}
            dedup_stats["dedup.repos_dropped"] = len(repo_drops)
        else:
            plan = runner.plan_dedup(records, config.hygiene)
            drops_by_repo = group_drops(plan)
            dedup_stats["dedup.files_exact"] = sum(
                1 for d in plan.values() if d.reason == "duplicate")
            dedup_stats["dedup.files_near"] = sum(
                1 for d in plan.values() if d.reason == "near_duplicate")
        del records

    pack_tasks = [
        _Task(i, s, config, str(work) if two_pass else None,
              tuple(sorted(drops_by_repo.get(s.name, {}).items())))
        for i, s in enumerate(sources)
        if i >= first_todo
    ]
    writer = ShardWriter(out, config.output, first_shard=len(finished), on_close=publish)
    audit_dir = out
    # pack results hold a repository's examples: fewer ahead, to bound memory
    for result in runner.map_ordered(_pack_task, pack_tasks, ahead=PACK_AHEAD):
        writer.add_repo(result.index, result.examples, result.audit, dict(result.stats))
        if two_pass:
            for spilled in _work_files(str(work), result.index):
                spilled.unlink(missing_ok=True)
        note("pack", result.index + 1, total, result.name)
    writer.close_shard()
    shards = finished + writer.shards

    stats: Counter[str] = Counter()
    for shard in shards:
        merge_stats(stats, shard.stats)
    merge_stats(stats, dedup_stats)
    audit_rows = _merge_audit(audit_dir, [s.index for s in shards])
    stats["audit_rows"] = audit_rows
    if work.exists():
        shutil.rmtree(work, ignore_errors=True)

    manifest = {
        "codepack_version": __version__,
        "schema_version": 1,
        "python": sys.version.split()[0],
        "dependencies": _dependency_versions(),
        "config": config.to_dict(),
        "inputs": [str(p) for p in paths],
        "repos": total,
        "stats": sorted_stats(stats),
        "shards": [s.to_dict() for s in shards],
        "token_counter": _counter_info(config),
    }
    write_manifest(out, manifest)
    from codepack.output.card import (
        write_card_files,  # dataset card README.md + plots/ (codepack[report])
    )
    from codepack.output.stats import collect
    card_files = write_card_files(out, collect(out), manifest, command)
    record_written(out, card_files)
    publish([out / AUDIT_FILE, *(out / rel for rel in card_files), out / FILES_LEDGER,
             out / MANIFEST_FILE])
    return RunSummary(out, [s.name for s in shards], sorted_stats(stats), audit_rows,
                      time.monotonic() - started, manifest)


def make_executor(
    kind: str, workers: int | None, ray_address: str | None = None
) -> Executor:
    """The executor for ``--executor``: ``local`` (process pool) or ``ray``."""
    if kind == "local":
        return LocalExecutor(workers)
    if kind == "ray":
        try:
            from codepack.run.executors.ray import RayExecutor
        except ImportError as exc:  # ray is an optional extra
            raise OutputError(
                "--executor ray needs Ray: pip install 'codepack[ray]'") from exc
        return RayExecutor(address=ray_address, workers=workers)
    raise ValueError(f"unknown executor {kind!r}: use local or ray")


def _merge_audit(out: Path, shard_indices: Sequence[int]) -> int:
    """Concatenate the per-shard audit parts into ``dropped.parquet``.

    The parts stay (hidden, beside their shard markers) so that ``--resume`` of a finished or
    interrupted run can rebuild the same file.
    """
    parts = [out / audit_part_name(i) for i in shard_indices]
    rows = 0
    with atomic_path(out / AUDIT_FILE) as tmp, \
            pq.ParquetWriter(tmp, DROPPED_SCHEMA, compression="zstd") as writer:
        for part in parts:
            if part.is_file():
                table = pq.read_table(part)
                rows += table.num_rows
                writer.write_table(table)
        if rows == 0:
            writer.write_table(drops_to_table([]))
    return rows


def _dependency_versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    names = ["pyarrow", "networkx", "datasketch", "xxhash", "numpy", "tree-sitter",
             "tokenizers", "detect-secrets", "typer"]
    found = {}
    for name in names:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "missing"
    return found


def _counter_info(config: PackConfig) -> dict[str, Any]:
    from codepack.run.pipeline import cached_counter

    counter = cached_counter(config.examples.tokenizer)
    return {"name": counter.name, "exact": bool(counter.exact)}


__all__ = ["OutputError", "RunSummary", "pack", "shard_name"]
