"""Library calls that work on one repository at a time, in memory.

``pack_repo`` is what a preprocessing pipeline calls per record group (HF ``datasets``,
datatrove, Ray, a plain loop): it runs the same scan and pack stages as ``codepack pack`` on
``(path, text)`` pairs, with deduplication inside the repository only (the global stage needs
the whole corpus). ``deps`` and ``explain`` are the library side of ``codepack deps`` and
``codepack explain``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from codepack import dedup
from codepack.config import PackConfig
from codepack.pipeline import (
    RepoResult,
    dedup_records,
    pack_scan,
    package_markers,
    scan_entries,
    scan_repo,
    unpacked_files,
)
from codepack.records import Example, RepoScan
from codepack.resolve import resolve_repo
from codepack.sources import discover_repos, is_aux_file


def scan_files(
    name: str,
    files: Iterable[tuple[str, str | bytes]],
    config: PackConfig | None = None,
    aux: dict[str, str] | None = None,
) -> RepoScan:
    """Scan in-memory files of one repository (``(path, text or bytes)`` pairs).

    Resolver config files (``go.mod``, ``tsconfig.json``, ...) may be passed among the files:
    they are picked out into ``aux`` as the folder walker does.
    """
    config = config or PackConfig()
    aux = dict(aux or {})
    entries: list[tuple[str, bytes]] = []
    for path, content in files:
        data = content.encode("utf-8", "surrogatepass") if isinstance(content, str) else content
        if is_aux_file(path):
            with contextlib.suppress(UnicodeDecodeError):  # a broken config file is no config
                aux[path] = data.decode("utf-8-sig")
        entries.append((path, data))
    entries.sort(key=lambda e: e[0])
    return scan_entries(name, entries, config, aux)


def pack_repo_result(
    name: str,
    files: Iterable[tuple[str, str | bytes]],
    config: PackConfig | None = None,
) -> RepoResult:
    """Like ``pack_repo`` but returns the whole result: examples, audit and counters."""
    config = config or PackConfig()
    scan = scan_files(name, files, config)
    drops = {}
    if config.hygiene.dedup == "file":
        plan = dedup.plan_dedup(dedup_records(scan, config), config.hygiene)
        drops = {path: drop for (_, path), drop in plan.items()}
    return pack_scan(scan, config, drops)


def pack_repo(
    name: str,
    files: Iterable[tuple[str, str | bytes]],
    config: PackConfig | None = None,
) -> Iterator[Example]:
    """Pack one repository given in memory and yield its examples in order."""
    yield from pack_repo_result(name, files, config).examples


def _single_repo_scan(path: str | Path, config: PackConfig) -> RepoScan:
    (source,) = discover_repos([path], single_repo=True)
    no_dedup = replace(config, hygiene=replace(config.hygiene, dedup="off"))
    return scan_repo(source, no_dedup)


def deps(path: str | Path, config: PackConfig | None = None) -> dict[str, Any]:
    """Every file's imports in one repository folder: resolved edges and unresolved imports.

    JSON-ready: ``{"repo", "files": [{"path", "language", "imports": [{"spec", "line", "kind",
    "flags", "resolved": [paths], "skipped": {path: reason}, "rule"}]}], "summary": {...}}``;
    ``rule`` names the resolver rule that found the files (``go:module-path``,
    ``php:same-namespace``, ...; the bare language where a resolver has one rule), empty for an
    external import. ``resolved`` is true to the repository: it also holds files the scan
    skipped for their content, and ``skipped`` gives their reason (``generated``,
    ``minified``, ...) — dependencies that exist but are not in the packed data.
    """
    config = config or PackConfig()
    scan = _single_repo_scan(path, config)
    unpacked = unpacked_files(scan.skipped)
    resolution = resolve_repo(
        [(f.path, f.language, f.imports) for f in scan.files],
        scan.aux,
        declarations={f.path: f.declarations for f in scan.files if f.declarations},
        markers=package_markers(scan),
        unpacked=unpacked,
        go_target=config.scan.go_target,
    )
    reasons = {s.path: s.reason.value for s in unpacked}
    targets: dict[tuple[str, Any], list[str]] = {}
    rules: dict[tuple[str, Any], set[str]] = {}
    for edge in [*resolution.edges, *resolution.unpacked]:
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
            skipped = {p: reasons[p] for p in resolved if p in reasons}
            imports.append({"spec": ref.spec, "line": ref.line, "kind": ref.kind,
                            "names": list(ref.names), "flags": flags, "resolved": resolved,
                            "skipped": skipped,
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
            "edges_to_skipped": len({(e.src, e.dst) for e in resolution.unpacked}),
        },
    }


def explain(
    path: str | Path, config: PackConfig | None = None, graph_out: str | Path | None = None
) -> dict[str, Any]:
    """Why each file of one repository folder sits where it does (the library side of
    ``codepack explain``): order with reasons, removed cycle edges, component sizes.

    ``graph_out`` also writes the dependency graph (.graphml, .dot/.gv or .json).
    """
    from codepack.explain import explain_repo

    config = config or PackConfig()
    scan = _single_repo_scan(path, config)
    return explain_repo(scan, config, graph_out=graph_out)
