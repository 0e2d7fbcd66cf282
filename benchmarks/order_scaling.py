"""How long ordering takes, and what contracting tests with their subjects buys.

    python benchmarks/order_scaling.py                      # ordering time for 1k, 10k, 50k files
    python benchmarks/order_scaling.py --sizes 1000 5000
    python benchmarks/order_scaling.py --tradeoff /path/to/python/Lib

Timing uses a synthetic repository with a realistic import degree (5-10 imports per file,
mostly to nearby modules, by default 15% of them pointing "upwards" so that every file ends up
in one strongly connected component, the worst case for cycle pruning; about half of those
upward imports are lazy or type-only), plus a test file for every tenth module.

``--tradeoff`` walks a real Python tree (e.g. CPython's ``Lib`` with its ``test/`` package),
extracts imports with ``ast`` (function-level = lazy, ``if TYPE_CHECKING`` = type-only,
if/try = conditional), resolves absolute and relative module names to files, and compares
two ways of keeping tests beside their subjects:

* contract: what ``order_files`` does (test + subject are one node while ordering);
* move: order the file graph without tests in mind, then move each test right after its
  subject.

It reports, for each, the share of the file graph's kept (cycle-pruned) edges that the final
order respects (imported file first) and the share of paired tests right after their subject.
"""

from __future__ import annotations

import argparse
import ast
import random
import sys
import time
from pathlib import Path

from codepack.config import OrderConfig
from codepack.graph.build import build_graph, prune_cycles
from codepack.graph.order import nearest_first_order, order_files
from codepack.graph.pairing import pair_tests
from codepack.records import Edge, ImportRef

# ---------------------------------------------------------------------------------------------
# synthetic repositories


def synthetic_repo(
    n_files: int, seed: int = 0, upward: float = 0.15
) -> tuple[list[str], list[Edge]]:
    """``n_files`` Python files in packages of 50, with tests, imports and cycles: a share
    ``upward`` of the imports point to a later module, which closes cycles."""
    rng = random.Random(seed)
    n_modules = max(2, int(n_files / 1.1))
    modules = [f"pkg{i // 50:04d}/mod{i % 50:02d}.py" for i in range(n_modules)]
    tests = [
        f"tests/pkg{i // 50:04d}/test_mod{i % 50:02d}.py"
        for i in range(0, n_modules, 10)
    ][: n_files - n_modules]
    edges: list[Edge] = []
    for i, src in enumerate(modules):
        for _ in range(rng.randint(5, 10)):
            is_upward = rng.random() < upward
            if is_upward:
                j = min(n_modules - 1, i + rng.randint(1, 200))
            elif rng.random() < 0.7:
                j = max(0, i - rng.randint(1, 100))
            else:
                j = rng.randrange(0, max(1, i))
            if j == i:
                continue
            lazy = is_upward and rng.random() < 0.3
            type_only = is_upward and not lazy and rng.random() < 0.3
            names = tuple(f"n{k}" for k in range(rng.randint(0, 4)))
            ref = ImportRef(modules[j], rng.randint(1, 40), "from", names, lazy=lazy,
                            type_only=type_only)
            edges.append(Edge(src, modules[j], ref))
    for test in tests:
        subject = test.replace("tests/", "").replace("test_", "")
        edges.append(Edge(test, subject, ImportRef(subject, 1, "from", ("X",))))
        for _ in range(rng.randint(1, 4)):
            other = modules[rng.randrange(n_modules)]
            edges.append(Edge(test, other, ImportRef(other, 2)))
    return modules + tests, edges


def time_ordering(sizes: list[int], upward: float) -> None:
    for n in sizes:
        paths, edges = synthetic_repo(n, upward=upward)
        languages = dict.fromkeys(paths, "python")
        start = time.perf_counter()
        result = order_files(paths, languages, edges, OrderConfig(), repo="synthetic")
        seconds = time.perf_counter() - start
        s = result.stats
        print(
            f"{n:>7} files {len(edges):>8} imports  {seconds:7.2f} s  "
            f"edges kept {s['edges_kept']}/{s['edges_found']}  "
            f"removed for cycles {s['edges_removed_for_cycles']}  "
            f"largest component {s['largest_component']}",
            flush=True,
        )


# ---------------------------------------------------------------------------------------------
# real Python trees: contraction vs moving tests afterwards


class _ImportVisitor(ast.NodeVisitor):
    """Python imports with the flags the graph cares about (a small stand-in for the
    tree-sitter extractor, so this benchmark only needs the standard library)."""

    def __init__(self) -> None:
        self.refs: list[tuple[str, int, tuple[str, ...], bool, bool, bool]] = []
        self._function_depth = 0
        self._type_checking = 0
        self._conditional = 0

    def _flagged(self, spec: str, line: int, names: tuple[str, ...], level: int) -> None:
        self.refs.append(("." * level + spec, line, names, self._function_depth > 0,
                          self._type_checking > 0, self._conditional > 0))

    def visit_FunctionDef(self, node: ast.AST) -> None:
        self._function_depth += 1
        self.generic_visit(node)
        self._function_depth -= 1

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_If(self, node: ast.If) -> None:
        test = ast.unparse(node.test)
        counter = "_type_checking" if "TYPE_CHECKING" in test else "_conditional"
        setattr(self, counter, getattr(self, counter) + 1)
        self.generic_visit(node)
        setattr(self, counter, getattr(self, counter) - 1)

    def visit_Try(self, node: ast.AST) -> None:
        self._conditional += 1
        self.generic_visit(node)
        self._conditional -= 1

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self._flagged(alias.name, node.lineno, (), 0)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        names = tuple(a.name for a in node.names)
        self._flagged(node.module or "", node.lineno, names, node.level)


def python_tree(root: Path) -> tuple[list[str], list[Edge]]:
    files = sorted(
        p.relative_to(root).as_posix()
        for p in root.rglob("*.py")
        if "site-packages" not in p.relative_to(root).parts
    )
    module_of = {}
    for f in files:
        parts = f[:-3].split("/")
        if parts[-1] == "__init__":
            parts = parts[:-1]
        module_of[".".join(parts)] = f
        module_of[".".join([root.name, *parts])] = f  # a package folder imports itself by name
    edges: list[Edge] = []
    for f in files:
        try:
            tree = ast.parse((root / f).read_text(encoding="utf-8", errors="replace"))
        except (SyntaxError, ValueError):
            continue
        visitor = _ImportVisitor()
        visitor.visit(tree)
        package = f[:-3].split("/")[:-1]
        for spec, line, names, lazy, type_only, conditional in visitor.refs:
            level = len(spec) - len(spec.lstrip("."))
            base = spec.lstrip(".")
            if level:
                anchor = package[: len(package) - (level - 1)] if level > 1 else package
                anchor = [root.name, *anchor]
                base = ".".join([*anchor, base] if base else anchor)
            ref = ImportRef(spec, line, "from" if names else "import", names,
                            relative=bool(level), lazy=lazy, type_only=type_only,
                            conditional=conditional and not type_only)
            targets = [f"{base}.{n}" for n in names if f"{base}.{n}" in module_of]
            if base in module_of and (not targets or len(targets) < len(names)):
                targets.append(base)
            for target in targets:
                if module_of[target] != f:
                    edges.append(Edge(f, module_of[target], ref))
    return files, edges


def move_tests_after(paths: list[str], edges: list[Edge], pairs: dict[str, str]) -> list[str]:
    """The alternative to contraction: order files, then move each test behind its subject."""
    graph = build_graph(paths, edges)
    pruned, _ = prune_cycles(graph)
    covered = [n for n in pruned if graph.degree(n)]
    order, _ = nearest_first_order(pruned.subgraph(covered).copy())
    order += sorted(n for n in pruned if not graph.degree(n))
    tests_of: dict[str, list[str]] = {}
    for test, subject in sorted(pairs.items()):
        tests_of.setdefault(subject, []).append(test)
    final: list[str] = []
    for path in order:
        if path in pairs:
            continue
        final.append(path)
        final.extend(tests_of.get(path, []))
    return final


def tradeoff(root: Path) -> None:
    paths, edges = python_tree(root)
    languages = dict.fromkeys(paths, "python")
    pairs = pair_tests([(p, "python") for p in paths], edges)
    reference, _ = prune_cycles(build_graph(paths, edges))
    print(f"{root}: {len(paths)} files, {reference.number_of_edges()} kept edges "
          f"(file graph, cycles pruned), {len(pairs)} tests paired")
    contracted = [p.path for p in order_files(paths, languages, edges, OrderConfig()).placed]
    for name, order in (("contract", contracted), ("move", move_tests_after(paths, edges, pairs))):
        position = {p: i for i, p in enumerate(order)}
        respected = sum(1 for a, b in reference.edges if position[b] < position[a])
        beside = sum(1 for t, s in pairs.items() if _right_after(order, position, pairs, t, s))
        kept_share = respected / max(1, reference.number_of_edges())
        print(f"  {name:9} kept edges respected {kept_share:.4f}"
              f"   tests right after subject {beside / max(1, len(pairs)):.4f}")


def _right_after(
    order: list[str], position: dict[str, int], pairs: dict[str, str], test: str, subject: str
) -> bool:
    """Only tests of ``subject`` sit between ``subject`` and ``test``."""
    start, end = position[subject], position[test]
    return start < end and all(pairs.get(order[k]) == subject for k in range(start + 1, end + 1))


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 50_000])
    parser.add_argument("--upward", type=float, default=0.15,
                        help="share of imports pointing to a later module (cycles)")
    parser.add_argument("--tradeoff", type=Path, help="a Python source tree to measure")
    args = parser.parse_args(argv)
    if args.tradeoff:
        tradeoff(args.tradeoff)
    else:
        time_ordering(args.sizes, args.upward)


if __name__ == "__main__":
    main(sys.argv[1:])
