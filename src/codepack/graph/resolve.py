"""Resolve every import of one repository to the repository's own files.

The report's rule: build a suffix index over the repository's paths once, turn each specifier
into candidate path suffixes, and let the longest candidate that matches win, ties going to the
copy nearest the importing file (longest shared folder prefix), then to the lexicographically
smallest path. Relative specifiers are resolved against the importing file only. What matches
nothing is external (the standard library, a third-party package) and is counted in
``Resolution.unresolved`` — never guessed.

Each language family's rules live in ``codepack.graph.resolvers.<family>``, and each module's
docstring states its rules, including how imports of units coarser than a file fan out:
a Go package, a Java/Kotlin wildcard, a C# namespace, a Swift module or a PHP namespace becomes
edges to that unit's files, at most ``MAX_TARGETS`` (32; a Go package: ``GO_MAX_TARGETS``,
256) per import, nearest first.
An import never yields an edge to the importing file itself.

``resolve`` is the one entry point for a scanned repository: ``codepack pack``, ``deps`` and
``explain`` all call it, so they see the same package markers, declarations and Go target and
cannot disagree about an edge. ``resolve_repo`` is the building block under it, over bare
``(path, language, imports)`` triples.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from codepack.graph.languages.registry import language_for_path
from codepack.graph.resolvers.base import MAX_TARGETS, PathIndex, RepoContext, Resolver
from codepack.graph.resolvers.cfamily import CFamilyResolver
from codepack.graph.resolvers.csharp import CSharpResolver
from codepack.graph.resolvers.go_build import DEFAULT_GO_TARGET
from codepack.graph.resolvers.golang import GoResolver
from codepack.graph.resolvers.jsts import JsTsResolver
from codepack.graph.resolvers.jvm import JvmResolver
from codepack.graph.resolvers.php import PhpResolver
from codepack.graph.resolvers.python import PythonResolver
from codepack.graph.resolvers.ruby import RubyResolver
from codepack.graph.resolvers.rust import RustResolver
from codepack.graph.resolvers.swift import SwiftResolver
from codepack.records import (
    Edge,
    ImportRef,
    RepoScan,
    Resolution,
    SkippedFile,
    SkipReason,
    SourceFile,
)

if TYPE_CHECKING:
    from codepack.config import PackConfig

__all__ = ["MAX_TARGETS", "package_markers", "resolution_stats", "resolve", "resolve_repo"]

ResolverFactory = Callable[[RepoContext], Resolver]

# language id -> resolver class; languages sharing a class share one instance per repository
RESOLVERS: dict[str, ResolverFactory] = {
    "python": PythonResolver,
    "javascript": JsTsResolver,
    "typescript": JsTsResolver,
    "tsx": JsTsResolver,
    "go": GoResolver,
    "c": CFamilyResolver,
    "cpp": CFamilyResolver,
    "java": JvmResolver,
    "kotlin": JvmResolver,
    "scala": JvmResolver,
    "rust": RustResolver,
    "csharp": CSharpResolver,
    "php": PhpResolver,
    "ruby": RubyResolver,
    "swift": SwiftResolver,
}


def resolve(
    scan: RepoScan,
    config: PackConfig,
    files: Sequence[SourceFile] | None = None,
    *,
    skipped: Sequence[SkippedFile] | None = None,
    importers: Sequence[tuple[str, str, Sequence[ImportRef], tuple[str, ...]]] = (),
) -> Resolution:
    """Resolve the imports of a scanned repository with the run's options.

    ``files`` are the files that take part (default: every scanned file); ``codepack pack``
    passes what is left after deduplication, so a dropped file is never a target. The scan
    gives the rest: resolver config files (``aux``), each file's declarations, and the package
    markers (``package_markers``), which exist even though they are not packed.

    ``skipped`` (default: the scan's) are the files left out of ``files``: those skipped for
    their content stay import targets (``unpacked_files``; their edges go to
    ``Resolution.unpacked``, never the order). ``importers`` adds ``(path, language, imports,
    declarations)`` of skipped files whose imports were read back (``codepack deps`` only).
    """
    kept = scan.files if files is None else files
    declarations = {f.path: f.declarations for f in kept if f.declarations}
    declarations.update({path: names for path, _, _, names in importers if names})
    entries = [(f.path, f.language, f.imports) for f in kept]
    entries += [(path, language, refs) for path, language, refs, _ in importers]
    entries.sort(key=lambda entry: entry[0])
    return resolve_repo(
        entries,
        scan.aux,
        declarations=declarations,
        markers=package_markers(scan),
        unpacked=unpacked_files(scan.skipped if skipped is None else skipped),
        go_target=config.scan.go_target,
    )


# Files skipped for what they contain are still files of the repository that imports name:
# the import graph keeps them as targets (``codepack deps`` shows the reason), the order never
# holds them. Files never read as part of the repository (ignored, vendored folders, links
# out of it, binaries, non-code) are not; empty files only mark structure (``package_markers``).
NAMEABLE_SKIPS = frozenset({
    SkipReason.GENERATED, SkipReason.MINIFIED, SkipReason.TOO_LARGE, SkipReason.NOT_UTF8,
    SkipReason.LOW_QUALITY, SkipReason.CONTAMINATED, SkipReason.SECRETS,
    SkipReason.TOO_COMPLEX, SkipReason.DUPLICATE, SkipReason.NEAR_DUPLICATE,
    SkipReason.LANGUAGE_EXCLUDED,
})


def unpacked_files(skipped: Iterable[SkippedFile]) -> list[SkippedFile]:
    """The skipped files imports can name, each with its language (``resolve_repo``'s
    ``unpacked``)."""
    found = []
    for skip in skipped:
        if skip.reason not in NAMEABLE_SKIPS:
            continue
        if not skip.language:
            language = language_for_path(skip.path)
            if language is None:
                continue
            skip = replace(skip, language=language.name)
        found.append(skip)
    return found


def package_markers(scan: RepoScan) -> list[str]:
    """Files skipped as empty that still mark packages (an empty ``pkg/__init__.py``): without
    them ``import helpers`` would reach ``pkg/helpers.py``, which only ``pkg.helpers`` names."""
    return [s.path for s in scan.skipped if s.reason == SkipReason.EMPTY]


def resolve_repo(
    files: Sequence[tuple[str, str, Sequence[ImportRef]]],
    aux: Mapping[str, str],
    *,
    declarations: Mapping[str, tuple[str, ...]] | None = None,
    markers: Iterable[str] = (),
    unpacked: Iterable[SkippedFile] = (),
    go_target: str = DEFAULT_GO_TARGET,
) -> Resolution:
    """Resolve the imports of one repository.

    ``files`` are ``(path, language, imports)`` for every packable file (posix paths relative
    to the repository root); ``aux`` maps config-file paths (go.mod, tsconfig.json,
    package.json, composer.json, Cargo.toml, ...) to their text. ``declarations`` maps a path
    to the package/namespace names it declares (Java/Kotlin/Scala ``package``, C#/PHP
    ``namespace``); without them the resolvers fall back to folder conventions. ``markers`` are
    paths that exist but are not packed (an empty ``__init__.py``): structure, never targets.
    ``unpacked`` are files skipped for their content (``SkippedFile`` with the ``language``
    and ``declarations`` the scan read): imports resolve to them as to any file, and those
    edges go to ``Resolution.unpacked``, never to ``Resolution.edges`` (the order holds only
    packed files). ``go_target`` (``GOOS/GOARCH[,words]``) decides which Go files build (see
    ``codepack.graph.resolvers.go_build``).

    Edges are sorted by (src, dst, line, spec); unresolved imports by (src, line, spec).
    """
    packed = {path: language for path, language, _ in files}
    unpacked_files = {s.path: s for s in unpacked if s.language and s.path not in packed}
    languages = {**{p: s.language for p, s in unpacked_files.items()}, **packed}
    declared = {p: s.declarations for p, s in unpacked_files.items() if s.declarations}
    declared.update(declarations or {})
    index = PathIndex(packed, markers, unpacked=unpacked_files)
    repo = RepoContext(
        index=index,
        aux=aux,
        languages=languages,
        declarations=declared,
        imports={path: refs for path, _, refs in files},
        go_target=go_target,
    )
    instances: dict[ResolverFactory, Resolver] = {}

    def resolver_for(language: str) -> Resolver | None:
        """The language's resolver, built on first use: a repository pays only for the
        languages it contains."""
        factory = RESOLVERS.get(language)
        if factory is None:
            return None
        if factory not in instances:
            instances[factory] = factory(repo)
        return instances[factory]

    edges: list[Edge] = []
    to_unpacked: list[Edge] = []
    unresolved: list[tuple[str, ImportRef]] = []
    for path, language, imports in files:
        resolver = resolver_for(language) if imports else None
        for ref in imports:
            targets = resolver.resolve(path, ref) if resolver is not None else []
            if targets:
                rule = getattr(targets, "rule", "") or language
                for target in targets:
                    found = to_unpacked if index.is_unpacked(target) else edges
                    found.append(Edge(path, target, ref, rule))
            else:
                unresolved.append((path, ref))
    edges.sort(key=_edge_key)
    to_unpacked.sort(key=_edge_key)
    unresolved.sort(key=lambda item: (item[0], *_ref_key(item[1])))
    return Resolution(edges=edges, unresolved=unresolved, unpacked=to_unpacked)


def _edge_key(edge: Edge) -> tuple:
    return (edge.src, edge.dst, *_ref_key(edge.ref))


def _ref_key(ref: ImportRef) -> tuple:
    return (ref.line, ref.spec, ref.kind, ref.names)


def resolution_stats(resolution: Resolution) -> dict[str, int]:
    """How many imports there were, how many resolved to at least one file (packed or not),
    how many stayed external, and how many edges between packed files (src, dst pairs,
    deduplicated) they produced."""
    resolved = len({(e.src, e.ref) for e in [*resolution.edges, *resolution.unpacked]})
    unresolved = len(resolution.unresolved)
    return {
        "imports": resolved + unresolved,
        "resolved": resolved,
        "unresolved": unresolved,
        "edges": len({(e.src, e.dst) for e in resolution.edges}),
    }
