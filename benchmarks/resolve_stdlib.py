"""How well the resolver does on real Python: the CPython standard library as one repository.

An import is *internal* when its top-level module exists in the stdlib folder (``json``,
``test``, ``email``, ``.``-relative ...): the resolver should find a file for it. The figure
printed is the share of internal imports resolved to at least one file, plus timings. Imports
of C extension modules (``_io``, ``sys``) have no ``.py`` and count as external.

    python benchmarks/resolve_stdlib.py [--limit N]
"""

from __future__ import annotations

import argparse
import sysconfig
import time
from collections import Counter
from pathlib import Path

from codepack.graph.languages.extract import extract_imports
from codepack.graph.resolve import resolution_stats, resolve_repo


def stdlib_files(root: Path, limit: int) -> list[tuple[str, str]]:
    """(relative path, text) of the stdlib's .py files, skipping site-packages and unreadable
    or non-UTF-8 test data."""
    found: list[tuple[str, str]] = []
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root).as_posix()
        if rel.startswith(("site-packages/", "lib2to3/tests/data/", "test/bad")):
            continue
        try:
            found.append((rel, path.read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError):
            continue
        if limit and len(found) >= limit:
            break
    return found


def top_level_modules(paths: list[str]) -> set[str]:
    """Names importable at the stdlib's top level: ``json`` (a package), ``os`` (a module)."""
    names = set()
    for path in paths:
        first = path.split("/", 1)[0]
        names.add(first.removesuffix(".py"))
    return names


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=0, help="only the first N files (0 = all)")
    args = parser.parse_args()
    root = Path(sysconfig.get_paths()["stdlib"])
    files = stdlib_files(root, args.limit)

    started = time.perf_counter()
    extracted = [(path, "python", extract_imports(text, "python")[0]) for path, text in files]
    extract_seconds = time.perf_counter() - started

    started = time.perf_counter()
    resolution = resolve_repo(extracted, {})
    resolve_seconds = time.perf_counter() - started

    tops = top_level_modules([path for path, _ in files])
    resolved_refs = {(e.src, e.ref) for e in resolution.edges}
    internal = Counter()
    for path, _, refs in extracted:
        for ref in refs:
            top = ref.spec.split(".", 1)[0]
            if ref.relative or top in tops:
                internal["internal"] += 1
                internal["resolved"] += (path, ref) in resolved_refs
    missed = Counter(
        ref.spec
        for path, ref in resolution.unresolved
        if ref.relative or ref.spec.split(".", 1)[0] in tops
    )

    stats = resolution_stats(resolution)
    share = internal["resolved"] / internal["internal"] if internal["internal"] else 0.0
    print(f"stdlib: {root}")
    print(f"files: {len(files)}  imports: {stats['imports']}  edges: {stats['edges']}")
    print(f"resolved: {stats['resolved']}  unresolved (external or missed): {stats['unresolved']}")
    print(
        f"internal imports (top-level module in the stdlib folder): {internal['internal']}, "
        f"resolved {internal['resolved']} = {share:.1%}"
    )
    print(
        f"extract: {extract_seconds:.2f}s  resolve: {resolve_seconds:.2f}s "
        f"({stats['imports'] / max(resolve_seconds, 1e-9):,.0f} imports/s)"
    )
    print("most frequent internal imports left unresolved:")
    for spec, count in missed.most_common(10):
        print(f"  {count:5d}  {spec}")


if __name__ == "__main__":
    main()
