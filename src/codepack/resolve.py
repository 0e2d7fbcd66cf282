"""Resolve every import of one repository to the repository's own files.

The report's rule: build a suffix index over the repository's paths once, turn each specifier
into candidate path suffixes, and let the longest candidate that matches win, ties going to the
copy nearest the importing file (longest shared folder prefix), then to the lexicographically
smallest path. Relative specifiers are resolved against the importing file only. What matches
nothing is external (the standard library, a third-party package) and is counted in
``Resolution.unresolved`` — never guessed.

Each language family's rules live in ``codepack.resolvers.<family>``, and each module's
docstring states its rules, including how imports of units coarser than a file fan out:
a Go package, a Java/Kotlin wildcard, a C# namespace, a Swift module or a PHP namespace becomes
edges to that unit's files, at most ``MAX_TARGETS`` (32; a Go package: ``GO_MAX_TARGETS``,
256) per import, nearest first.
An import never yields an edge to the importing file itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence

from codepack.records import Edge, ImportRef, Resolution, SkippedFile
from codepack.resolvers.base import MAX_TARGETS, PathIndex, RepoContext, Resolver
from codepack.resolvers.cfamily import CFamilyResolver
from codepack.resolvers.csharp import CSharpResolver
from codepack.resolvers.go_build import DEFAULT_GO_TARGET
from codepack.resolvers.golang import GoResolver
from codepack.resolvers.jsts import JsTsResolver
from codepack.resolvers.jvm import JvmResolver
from codepack.resolvers.php import PhpResolver
from codepack.resolvers.python import PythonResolver
from codepack.resolvers.ruby import RubyResolver
from codepack.resolvers.rust import RustResolver
from codepack.resolvers.swift import SwiftResolver

__all__ = ["MAX_TARGETS", "resolution_stats", "resolve_repo"]

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
    ``codepack.resolvers.go_build``).

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
