"""The stages of a run, as plain functions over records, independent of where they run.

```
repos ──scan──► RepoScan ──dedup (global)──► drops ──pack──► examples ──write──► Parquet
```

* ``scan_repo`` (per repository, any input kind): read, classify, filter (quality,
  decontamination, secrets), extract imports and declarations.
* ``dedup.plan_dedup`` (global): exact and near duplicates across every repository.
* ``pack_scan`` (per repository): resolve imports, order files, pair tests, cut examples, FIM.

When deduplication is on, scanning and packing are two passes over the repositories: the
first spills each ``RepoScan`` to the work folder and returns only the small dedup records,
so memory holds signatures, never the corpus. With ``--dedup off`` each repository goes
through scan and pack in one task and nothing is spilled.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import NamedTuple

from codepack.config import PackConfig
from codepack.counters import merge_stats
from codepack.examples.cut import build_examples
from codepack.examples.tokens import TokenCounter, load_counter
from codepack.graph.generated import split_generated
from codepack.graph.order import OrderResult, order_files
from codepack.graph.resolve import resolve
from codepack.inputs import RepoInput
from codepack.records import (
    Drop,
    Edge,
    Example,
    RepoScan,
    Resolution,
    SkippedFile,
    SkipReason,
    SourceFile,
)
from codepack.scan import filters
from codepack.scan.steps import (
    SCAN_STEPS,
    FileRecord,
    ScanContext,
    ScanStep,
    run_steps,
    source_file,
)

# The stage that removed a file, by skip reason: the `stage` column of dropped.parquet.
STAGE_OF_REASON: dict[str, str] = {
    SkipReason.LOW_QUALITY: "quality",
    SkipReason.CONTAMINATED: "decontaminate",
    SkipReason.SECRETS: "secrets",
    SkipReason.DUPLICATE: "dedup",
    SkipReason.NEAR_DUPLICATE: "dedup",
    SkipReason.OVERSIZE: "examples",
    SkipReason.TOO_FEW_TOKENS: "examples",
}


@dataclass
class RepoResult:
    """What packing one repository produced: rows, audit entries and counters."""

    index: int
    name: str
    examples: list[Example] = field(default_factory=list)
    audit: list[Drop] = field(default_factory=list)
    stats: Counter[str] = field(default_factory=Counter)


# ---------------------------------------------------------------------------------------------
# per-process resources (built once per worker, never pickled)


@cache
def cached_counter(tokenizer: str | None) -> TokenCounter:
    """The token counter for ``tokenizer``, loaded once per process.

    Loading a tokenizer file costs tens of milliseconds; every repository a worker packs and
    the run's manifest ask for the same one, so it is kept for the life of the process.
    """
    return load_counter(tokenizer)


@cache
def _decontaminator(sources: tuple[str, ...], column: str | None, ngram: int):
    if not sources:
        return None
    return filters.Decontaminator.from_sources(sources, column=column, ngram=ngram)


# ---------------------------------------------------------------------------------------------
# scan


def _scan_entries(
    name: str,
    entries: Iterable[tuple[str, bytes] | SkippedFile],
    config: PackConfig,
    aux: Mapping[str, str] | None = None,
    steps: tuple[ScanStep, ...] = SCAN_STEPS,
) -> RepoScan:
    """Scan one repository given as ``(path, bytes)`` pairs (and pre-decided skips).

    This is the single place a file's content is judged, whether it came from a folder, an
    archive, a dataset record or memory: each file goes through ``steps`` (see
    :mod:`codepack.scan.steps`) and ends as a kept ``SourceFile`` or a ``SkippedFile``.
    """
    scan = RepoScan(name=name, aux=dict(aux or {}))
    hygiene = config.hygiene
    context = ScanContext(name, config, _decontaminator(
        tuple(hygiene.decontaminate), hygiene.decontaminate_column, hygiene.decontam_ngram
    ))
    for entry in entries:
        if isinstance(entry, SkippedFile):
            scan.skipped.append(entry)
            continue
        outcome = run_steps(FileRecord(*entry), context, steps)
        if isinstance(outcome, SkippedFile):
            scan.skipped.append(outcome)
            continue
        if outcome.redacted is not None:
            scan.audit.append(outcome.redacted)
        scan.files.append(source_file(outcome, context))
    scan.files.sort(key=lambda f: f.path)
    scan.skipped.sort(key=lambda s: s.path)
    return scan


def scan_repo(
    source: RepoInput, config: PackConfig, steps: tuple[ScanStep, ...] = SCAN_STEPS
) -> RepoScan:
    """Scan one repository of any input kind (folder, records, archive, git revision).

    ``steps`` is the per-file chain, :data:`codepack.scan.steps.SCAN_STEPS` unless a
    library user passes a reordered or extended one.
    """
    entries, aux = source.entries(config.scan)
    return _scan_entries(source.name, entries, config, aux, steps)


# ---------------------------------------------------------------------------------------------
# pack


def pack_scan(
    scan: RepoScan,
    config: PackConfig,
    drops: Mapping[str, Drop] | None = None,
    index: int = 0,
) -> RepoResult:
    """Order and cut one scanned repository into examples.

    ``drops`` maps paths removed by the global dedup stage to their audit record; those files
    leave the repository before its graph is built (their edges go with them).
    """
    result = RepoResult(index=index, name=scan.name)
    stats = result.stats
    stats["repos"] = 1
    stats["files_seen"] = len(scan.files) + len(scan.skipped)
    skipped = list(scan.skipped)  # grows with files dropped by dedup and by the cutter
    drops = drops or {}
    whole_repo = drops.get("*")  # --dedup repo: the repository duplicates another one
    files: list[SourceFile] = []
    for f in scan.files:
        drop = drops.get(f.path)
        if whole_repo is not None:
            drop = Drop(scan.name, f.path, whole_repo.stage, whole_repo.reason, whole_repo.detail)
        if drop is None:
            files.append(f)
        else:
            skipped.append(SkippedFile(f.path, SkipReason(drop.reason), drop.detail,
                                       f.language, f.declarations))
            result.audit.append(drop)

    resolution, ordered, left_out = place_files(scan, config, files, skipped)
    if left_out:
        skipped.extend(left_out)
        files = [f for f in files if f.path not in {s.path for s in left_out}]
    by_path = {f.path: f for f in files}
    stats["imports_found"] += sum(len(f.imports) for f in files)
    stats["imports_unresolved"] += len(resolution.unresolved)
    stats["imports_resolved"] += len(
        {(e.src, e.ref) for e in [*resolution.edges, *resolution.unpacked]})
    stats["parse_errors"] += sum(1 for f in files if f.parse_error)

    merge_stats(stats, {f"graph.{key}": value for key, value in ordered.stats.items()})

    examples, example_drops = build_examples(
        scan.name,
        [(p, by_path[p.path].language, by_path[p.path].text) for p in ordered.placed],
        ordered.gaps,
        config.examples,
        config.quality.min_tokens,
        cached_counter(config.examples.tokenizer),
        depends_on=earlier_dependencies([p.path for p in ordered.placed], resolution.edges),
        seed=config.seed,
    )
    dropped_late = {d.path for d in example_drops}
    skipped.extend(SkippedFile(d.path, SkipReason(d.reason), d.detail) for d in example_drops)
    result.audit.extend(example_drops)
    result.examples = examples

    for skip in skipped:
        stats[f"skipped.{skip.reason.value}"] += 1
        stage = STAGE_OF_REASON.get(skip.reason, "scan")
        if stage not in ("dedup", "examples"):  # those stages wrote their own audit rows
            result.audit.append(Drop(scan.name, skip.path, stage, skip.reason.value,
                                     skip.detail))
    packed = [f for f in files if f.path not in dropped_late]
    _audit_changes(result, scan, {f.path for f in packed})
    stats["files_packed"] += len(packed)
    stats["bytes_packed"] += sum(f.n_bytes for f in packed)
    _count_examples(stats, examples)
    if not examples:  # an empty repository, or one whose every file was skipped: counted
        stats["repos_without_examples"] += 1
        stats["repos_empty"] += int(stats["files_seen"] == 0)
    result.audit.sort(key=lambda d: (d.path, d.stage, d.reason, d.detail))
    return result


def _audit_changes(result: RepoResult, scan: RepoScan, packed: set[str]) -> None:
    """Audit the scan's changes (redactions) of the files that were packed.

    A file removed after the scan (dedup, the cutter) has its one row saying why it is not
    in the output; a second row about text that is not there would break the accounting
    (every file packed or audited as removed, never both) and the count of redacted files.
    """
    changed = [d for d in scan.audit if d.path in packed]
    result.audit.extend(changed)
    result.stats["files_redacted"] += len({d.path for d in changed})


def _count_examples(stats: Counter[str], examples: Iterable[Example]) -> None:
    """Example, token, FIM and per-language counters. An example's tokens are attributed to
    its pieces in proportion to their body length (the counter sees only whole examples)."""
    for e in examples:
        stats["examples"] += 1
        stats["tokens"] += e.n_tokens
        body = sum(p.end - p.start for p in e.pieces) or 1
        for piece in e.pieces:
            stats[f"fim.{piece.fim}"] += 1
            if piece.part == 0:
                stats[f"files_by_language.{piece.language}"] += 1
            share = e.n_tokens * (piece.end - piece.start) // body
            stats[f"tokens_by_language.{piece.language}"] += share
        for lang in {p.language for p in e.pieces}:
            stats[f"examples_with_language.{lang}"] += 1


def earlier_dependencies(order: Sequence[str], edges: Iterable[Edge]) -> list[list[int]]:
    """For each file in ``order``: the positions of earlier files it imports (any resolved
    import, cycle-breaking ones included), for dependency-aware example cuts."""
    position = {path: i for i, path in enumerate(order)}
    deps: list[set[int]] = [set() for _ in order]
    for edge in edges:
        src, dst = position.get(edge.src), position.get(edge.dst)
        if src is not None and dst is not None and dst < src:
            deps[src].add(dst)
    return [sorted(d) for d in deps]


class Placement(NamedTuple):
    """What ``place_files`` decided: the resolved imports, the order, and the generated files
    left out because no code of the repository imports them (``--generated imported``)."""

    resolution: Resolution
    ordered: OrderResult
    unimported_generated: list[SkippedFile]


def place_files(
    scan: RepoScan,
    config: PackConfig,
    files: Sequence[SourceFile],
    skipped: Sequence[SkippedFile] | None = None,
) -> Placement:
    """Resolve and order the files of a scanned repository that survived deduplication.

    The one place both ``pack_scan`` and ``codepack explain`` get their order from, so the
    order explained is the order packed, under every option.
    """
    resolution = resolve(scan, config, files, skipped=skipped)
    left_out: list[SkippedFile] = []
    if config.scan.generated == "imported":
        files, resolution, left_out = split_generated(files, resolution)
    ordered = order_files(
        [f.path for f in files],
        {f.path: f.language for f in files},
        resolution.edges,
        config.order,
        repo=scan.name,
        seed=config.seed,
    )
    return Placement(resolution, ordered, left_out)





# ---------------------------------------------------------------------------------------------
# dedup glue


def group_drops(drops: Mapping[tuple[str, str], Drop]) -> dict[str, dict[str, Drop]]:
    """Global dedup drops, grouped by repository for shipping to pack tasks."""
    grouped: dict[str, dict[str, Drop]] = {}
    for (repo, path), drop in sorted(drops.items()):
        grouped.setdefault(repo, {})[path] = drop
    return grouped


__all__ = [
    "RepoResult",
    "cached_counter",
    "pack_scan",
    "place_files",
    "scan_repo",
]
