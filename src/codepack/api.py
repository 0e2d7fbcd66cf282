"""Library calls that work on one repository at a time, in memory.

``pack_repo`` is what a preprocessing pipeline calls per record group (HF ``datasets``,
datatrove, Ray, a plain loop): it runs the same scan and pack stages as ``codepack pack`` on
``(path, text)`` pairs, with deduplication inside the repository only (the global stage needs
the whole corpus). ``deps`` and ``explain`` are the library side of ``codepack deps`` and
``codepack explain``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from codepack.config import PackConfig
from codepack.dedup import plan as dedup
from codepack.graph.languages.extract import extract_file
from codepack.graph.resolve import NAMEABLE_SKIPS, resolve, unpacked_files
from codepack.inputs import FilesRepo, FolderRepo, RepoInput, discover_inputs
from codepack.records import Drop, Example, ImportRef, RepoScan, SkippedFile, SkipReason
from codepack.run.pipeline import (
    RepoResult,
    pack_scan,
    scan_repo,
)
from codepack.scan.steps import SCAN_STEPS, ScanStep


def scan_files(
    name: str,
    files: Iterable[tuple[str, str | bytes]],
    config: PackConfig | None = None,
    aux: dict[str, str] | None = None,
    steps: tuple[ScanStep, ...] = SCAN_STEPS,
) -> RepoScan:
    """Scan in-memory files of one repository (``(path, text or bytes)`` pairs).

    The files are walked like any other input (``inputs.FilesRepo``): ``.gitignore`` files
    among them, vendored folders, ``--include``/``--exclude``, unsafe and duplicate paths are
    decided as they would be for the same files in a folder or a dataset. Resolver config files
    (``go.mod``, ``tsconfig.json``, ...) among the files are picked out into ``aux``, on top of
    any ``aux`` given. ``steps`` is the per-file scan chain (see :mod:`codepack.scan.steps`).
    """
    config = config or PackConfig()
    scan = scan_repo(FilesRepo(name, tuple(files)), config, steps)
    scan.aux = {**(aux or {}), **scan.aux}
    return scan


def pack_repo_result(
    name: str,
    files: Iterable[tuple[str, str | bytes]],
    config: PackConfig | None = None,
) -> RepoResult:
    """Like ``pack_repo`` but returns the whole result: examples, audit and counters."""
    config = config or PackConfig()
    scan = scan_files(name, files, config)
    return pack_scan(scan, config, in_repo_drops(scan, config))


def in_repo_drops(scan: RepoScan, config: PackConfig) -> dict[str, Drop]:
    """The files deduplication drops when the repository is packed on its own, by path.

    ``--dedup repo`` drops nothing here: one repository cannot duplicate another.
    """
    if config.hygiene.dedup != "file":
        return {}
    records = dedup.dedup_records(scan, config.hygiene, config.scan.go_target)
    plan = dedup.plan_dedup(records, config.hygiene)
    return {path: drop for (_, path), drop in plan.items()}


def pack_repo(
    name: str,
    files: Iterable[tuple[str, str | bytes]],
    config: PackConfig | None = None,
) -> Iterator[Example]:
    """Pack one repository given in memory and yield its examples in order."""
    yield from pack_repo_result(name, files, config).examples


def _single_repo_source(path: str | Path) -> RepoInput:
    (source,) = discover_inputs([path], single_repo=True)
    return source


def single_repo_scan(path: str | Path, config: PackConfig) -> RepoScan:
    """Scan ``path`` as one repository without dedup, as ``deps`` sees it."""
    return _scan_without_dedup(_single_repo_source(path), config)


def _scan_without_dedup(source: RepoInput, config: PackConfig) -> RepoScan:
    """Dedup needs every repository of a run; one repository alone has nobody to be a copy
    of."""
    return scan_repo(source, replace(config, hygiene=config.hygiene.without_dedup()))


# Skipped files whose imports ``deps`` reads back: those read and judged by their content.
# A file too large to read stays unread; an excluded language stays out of the report.
_READ_BACK = NAMEABLE_SKIPS - {SkipReason.TOO_LARGE, SkipReason.LANGUAGE_EXCLUDED}
# Languages whose imports must come before any other code: of a skipped file (a megabyte of
# generated Go tables) only the first lines are parsed. Elsewhere an import may sit anywhere
# (a CommonJS ``require`` on line 300 of compiled output), so the whole file is read.
_IMPORTS_LEAD = frozenset({"go", "java", "kotlin", "scala", "csharp"})
_LEAD_LINES = 300


def _skipped_importers(
    source: RepoInput, unpacked: list[SkippedFile], config: PackConfig
) -> list[tuple[SkippedFile, tuple[ImportRef, ...], tuple[str, ...]]]:
    """The imports and declarations of skipped files read back from a folder input: a
    generated or minified file depends on other files too, and the graph ``deps`` shows is the
    repository's. Only ``deps`` pays for this; packing never reads them. Other input kinds
    (archives, datasets, git revisions) are not read twice: their skipped files are targets
    only."""
    if not isinstance(source, FolderRepo):
        return []
    root = source.root
    found = []
    for skip in unpacked:
        if skip.reason not in _READ_BACK:
            continue
        try:
            with (root / skip.path).open("rb") as fh:
                data = fh.read(config.scan.max_file_bytes + 1)
        except OSError:  # gone or changed since the scan: nothing to report
            continue
        if len(data) > config.scan.max_file_bytes:
            continue
        lines = config.scan.import_lines
        if skip.language in _IMPORTS_LEAD:
            lines = min(lines or _LEAD_LINES, _LEAD_LINES)
            data = data[: _LEAD_LINES * 1024]  # lines of up to 1 KB: more than the lines read
        extraction = extract_file(data.decode("utf-8", "replace"), skip.language, lines)
        if extraction.too_complex is None:
            found.append((skip, extraction.imports, extraction.declarations))
    return found


def deps(path: str | Path, config: PackConfig | None = None) -> dict[str, Any]:
    """Every file's imports in one repository folder: resolved edges and unresolved imports.

    JSON-ready: ``{"repo", "files": [{"path", "language", "skipped", "imports": [{"spec",
    "line", "kind", "flags", "resolved": [paths], "skipped": {path: reason}, "rule"}]}],
    "summary": {...}}``; ``rule`` names the resolver rule that found the files
    (``go:module-path``, ``php:same-namespace``, ...; the bare language where a resolver has
    one rule), empty for an external import.

    The graph is true to the repository: files the scan skipped for their content
    (generated, minified, ...) are import targets, with their reason in the import's
    ``skipped``, and importers, with their reason in the file's ``skipped`` ("" for a packed
    file) — dependencies that exist but are not in the packed data. ``summary.edges`` counts
    the edges between packed files, the ones the order uses.
    """
    config = config or PackConfig()
    source = _single_repo_source(path)
    scan = _scan_without_dedup(source, config)
    unpacked = unpacked_files(scan.skipped)
    importers = _skipped_importers(source, unpacked, config)
    resolution = resolve(scan, config,
                         importers=[(s.path, s.language, refs, d) for s, refs, d in importers])
    entries = [(f.path, f.language, f.imports, "") for f in scan.files]
    entries += [(s.path, s.language, refs, s.reason.value) for s, refs, _ in importers]
    entries.sort(key=lambda e: e[0])
    reasons = {s.path: s.reason.value for s in unpacked}
    targets: dict[tuple[str, Any], list[str]] = {}
    rules: dict[tuple[str, Any], set[str]] = {}
    for edge in [*resolution.edges, *resolution.unpacked]:
        targets.setdefault((edge.src, edge.ref), []).append(edge.dst)
        rules.setdefault((edge.src, edge.ref), set()).add(edge.rule)
    files_out = []
    n_imports = n_resolved = 0
    for file_path, language, refs, skipped_as in entries:
        imports = []
        for ref in refs:
            resolved = sorted(set(targets.get((file_path, ref), [])))
            n_imports += 1
            n_resolved += bool(resolved)
            flags = [flag for flag in ("relative", "lazy", "type_only", "conditional",
                                       "wildcard", "system") if getattr(ref, flag)]
            imports.append({"spec": ref.spec, "line": ref.line, "kind": ref.kind,
                            "names": list(ref.names), "flags": flags, "resolved": resolved,
                            "skipped": {p: reasons[p] for p in resolved if p in reasons},
                            "rule": ",".join(sorted(rules.get((file_path, ref), ())))})
        files_out.append({"path": file_path, "language": language, "skipped": skipped_as,
                          "imports": imports})
    pairs = {(e.src, e.dst) for e in [*resolution.edges, *resolution.unpacked]}
    return {
        "repo": scan.name,
        "files": files_out,
        "summary": {
            "files": len(scan.files),
            "skipped_files_read": len(importers),
            "imports": n_imports,
            "resolved": n_resolved,
            "unresolved": n_imports - n_resolved,
            "edges": sum(1 for a, b in pairs if a not in reasons and b not in reasons),
            "edges_with_skipped": sum(1 for a, b in pairs if a in reasons or b in reasons),
        },
    }


def explain(
    path: str | Path, config: PackConfig | None = None, graph_out: str | Path | None = None
) -> dict[str, Any]:
    """Why each file of one repository folder sits where it does (the library side of
    ``codepack explain``): order with reasons, removed cycle edges, component sizes, and the
    files deduplication drops.

    The order is the one ``codepack pack --single-repo`` writes with the same ``config``: the
    same scan, deduplication, resolution and ordering run. ``graph_out`` also writes the
    dependency graph (.graphml, .dot/.gv or .json).
    """
    from codepack.explain import explain_repo

    config = config or PackConfig()
    scan = scan_repo(_single_repo_source(path), config)
    return explain_repo(scan, config, graph_out=graph_out, drops=in_repo_drops(scan, config))
