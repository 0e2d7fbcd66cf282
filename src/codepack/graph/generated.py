"""Which generated files a repository packs (``--generated imported``, the default).

A generated file (a generator's header marker, ``_pb2.py``, ``.pb.go``) is usually poor
training text on its own, which is why StarCoder2 drops them all. In a repository-level
example the question is different: the protobuf messages a service imports, the syscall
constants and ``stringer`` methods a Go package is built from, are the context the code around
them needs, and dropping them cuts the import graph the order is built on. So the scan keeps
generated files (marked ``SourceFile.generated``), the import graph is resolved over
everything, and afterwards a generated file stays only when the repository's own code reaches
it through imports (directly, or through other generated files). The others are skipped with
reason ``generated`` as before.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from codepack.records import Edge, Resolution, SkippedFile, SkipReason, SourceFile


def unimported_generated(files: Sequence[SourceFile], edges: Iterable[Edge]) -> set[str]:
    """The generated files among ``files`` that no non-generated file reaches by imports."""
    generated = {f.path for f in files if f.generated}
    if not generated:
        return set()
    targets: dict[str, list[str]] = defaultdict(list)
    for edge in edges:
        targets[edge.src].append(edge.dst)
    reached: set[str] = set()
    stack = [f.path for f in files if not f.generated]
    while stack:
        for dst in targets.get(stack.pop(), ()):
            if dst in generated and dst not in reached:
                reached.add(dst)
                stack.append(dst)
    return generated - reached


def without_importers(resolution: Resolution, removed: set[str]) -> Resolution:
    """``resolution`` as if the ``removed`` files had never been importers.

    Only valid for files nothing outside ``removed`` imports (what ``unimported_generated``
    returns): their own imports go, and no other edge can point at them.
    """
    return Resolution(
        edges=[e for e in resolution.edges if e.src not in removed],
        unresolved=[(src, ref) for src, ref in resolution.unresolved if src not in removed],
        unpacked=[e for e in resolution.unpacked if e.src not in removed],
    )


def split_generated(
    files: Sequence[SourceFile], resolution: Resolution
) -> tuple[list[SourceFile], Resolution, list[SkippedFile]]:
    """(files kept, their resolution, generated files skipped): the ``imported`` rule."""
    removed = unimported_generated(files, resolution.edges)
    if not removed:
        return list(files), resolution, []
    skipped = [SkippedFile(f.path, SkipReason.GENERATED, f.generated, f.language, f.declarations)
               for f in files if f.path in removed]
    kept = [f for f in files if f.path not in removed]
    return kept, without_importers(resolution, removed), skipped


__all__ = ["split_generated", "unimported_generated", "without_importers"]
