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

from codepack import dedup
from codepack.config import PackConfig
from codepack.inputs import FilesRepo, discover_inputs
from codepack.pipeline import (
    RepoResult,
    pack_scan,
    scan_repo,
)
from codepack.records import Drop, Example, RepoScan
from codepack.resolve import resolve


def scan_files(
    name: str,
    files: Iterable[tuple[str, str | bytes]],
    config: PackConfig | None = None,
    aux: dict[str, str] | None = None,
) -> RepoScan:
    """Scan in-memory files of one repository (``(path, text or bytes)`` pairs).

    The files are walked like any other input (``inputs.FilesRepo``): ``.gitignore`` files
    among them, vendored folders, ``--include``/``--exclude``, unsafe and duplicate paths are
    decided as they would be for the same files in a folder or a dataset. Resolver config files
    (``go.mod``, ``tsconfig.json``, ...) among the files are picked out into ``aux``, on top of
    any ``aux`` given.
    """
    config = config or PackConfig()
    scan = scan_repo(FilesRepo(name, tuple(files)), config)
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
    plan = dedup.plan_dedup(dedup.dedup_records(scan, config.hygiene), config.hygiene)
    return {path: drop for (_, path), drop in plan.items()}


def pack_repo(
    name: str,
    files: Iterable[tuple[str, str | bytes]],
    config: PackConfig | None = None,
) -> Iterator[Example]:
    """Pack one repository given in memory and yield its examples in order."""
    yield from pack_repo_result(name, files, config).examples


def _single_repo_scan(path: str | Path, config: PackConfig) -> RepoScan:
    (source,) = discover_inputs([path], single_repo=True)
    no_dedup = replace(config, hygiene=config.hygiene.without_dedup())
    return scan_repo(source, no_dedup)


def deps(path: str | Path, config: PackConfig | None = None) -> dict[str, Any]:
    """Every file's imports in one repository folder: resolved edges and unresolved imports.

    JSON-ready: ``{"repo", "files": [{"path", "language", "imports": [{"spec", "line", "kind",
    "flags", "resolved": [paths], "rule"}]}], "summary": {...}}``; ``rule`` names the resolver
    rule that found the files (``go:module-path``, ``php:same-namespace``, ...; the bare
    language where a resolver has one rule), empty for an external import.
    """
    config = config or PackConfig()
    scan = _single_repo_scan(path, config)
    resolution = resolve(scan, config)
    targets: dict[tuple[str, Any], list[str]] = {}
    rules: dict[tuple[str, Any], set[str]] = {}
    for edge in resolution.edges:
        targets.setdefault((edge.src, edge.ref), []).append(edge.dst)
        rules.setdefault((edge.src, edge.ref), set()).add(edge.rule)
    files_out = []
    n_imports = n_resolved = 0
    for f in scan.files:
        imports = []
        for ref in f.imports:
            resolved = sorted(set(targets.get((f.path, ref), [])))
            n_imports += 1
            n_resolved += bool(resolved)
            flags = [flag for flag in ("relative", "lazy", "type_only", "conditional",
                                       "wildcard", "system") if getattr(ref, flag)]
            imports.append({"spec": ref.spec, "line": ref.line, "kind": ref.kind,
                            "names": list(ref.names), "flags": flags, "resolved": resolved,
                            "rule": ",".join(sorted(rules.get((f.path, ref), ())))})
        files_out.append({"path": f.path, "language": f.language, "imports": imports})
    return {
        "repo": scan.name,
        "files": files_out,
        "summary": {
            "files": len(scan.files),
            "imports": n_imports,
            "resolved": n_resolved,
            "unresolved": n_imports - n_resolved,
            "edges": len({(e.src, e.dst) for e in resolution.edges}),
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
    (source,) = discover_inputs([path], single_repo=True)
    scan = scan_repo(source, config)
    return explain_repo(scan, config, graph_out=graph_out, drops=in_repo_drops(scan, config))
