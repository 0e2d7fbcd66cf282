"""How many dependency edges land inside one example: grouped cuts vs greedy cuts.

The point of ordering files by their imports is that a file and what it imports end up in
the same training example. This benchmark packs one large repository - by default the
CPython standard library of the running interpreter, as a single repository - and reports,
for each way of cutting, the share of import edges (distinct importer -> imported file
pairs) whose two files share an example, next to how full the examples are.

    python benchmarks/colocation.py                       # CPython stdlib, 8192 tokens
    python benchmarks/colocation.py --root path/to/repo --max-tokens 4096
    python benchmarks/colocation.py --tokenizer path/to/tokenizer.json

Not a test: it reads ~2,000 files and takes a minute or two on one core.
"""

from __future__ import annotations

import argparse
import math
import sysconfig
import time
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from codepack.config import ExampleConfig, OrderConfig
from codepack.examples.cut import build_examples
from codepack.examples.tokens import load_counter
from codepack.graph.languages.extract import extract_imports
from codepack.graph.languages.registry import language_for_path
from codepack.graph.order import order_files
from codepack.graph.resolve import resolve_repo
from codepack.records import Edge, Example, ImportRef
from codepack.run.pipeline import earlier_dependencies

SKIP_DIRS = {"site-packages", "__pycache__", "node_modules", ".git"}


def read_repo(root: Path) -> list[tuple[str, str, str]]:
    """(path, language, text) for every recognised source file under ``root``."""
    files = []
    for path in sorted(root.rglob("*")):
        if not path.is_file() or SKIP_DIRS.intersection(path.relative_to(root).parts):
            continue
        rel = path.relative_to(root).as_posix()
        language = language_for_path(rel)
        if language is None:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if text.strip():
            files.append((rel, language.name, text))
    return files


def colocated_share(examples: Sequence[Example], edges: set[tuple[str, str]]) -> float:
    """Share of ``edges`` whose two files have a piece in one common example."""
    examples_of: dict[str, set[int]] = defaultdict(set)
    for example in examples:
        for path in example.paths:
            examples_of[path].add(example.example_index)
    together = sum(1 for src, dst in edges if examples_of[src] & examples_of[dst])
    return together / max(1, len(edges))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=Path(sysconfig.get_paths()["stdlib"]))
    parser.add_argument("--max-tokens", type=int, default=8192)
    parser.add_argument("--tokenizer", default=None, help="tokenizer.json (default: estimate)")
    args = parser.parse_args()

    started = time.perf_counter()
    files = read_repo(args.root)
    imports: dict[str, tuple[ImportRef, ...]] = {}
    for path, language, text in files:
        imports[path] = extract_imports(text, language)[0]
    resolution = resolve_repo([(p, lang, imports[p]) for p, lang, _ in files], aux={})
    read_seconds = time.perf_counter() - started
    text_of = {p: t for p, _, t in files}
    language_of = {p: lang for p, lang, _ in files}
    edge_pairs = {(e.src, e.dst) for e in resolution.edges if e.src != e.dst}
    counter = load_counter(args.tokenizer)
    print(
        f"{args.root}: {len(files)} files, {sum(map(len, text_of.values())) / 1e6:.1f} MB, "
        f"{len(edge_pairs)} import edges; read+parse+resolve {read_seconds:.1f}s; "
        f"counter {counter.name}, budget {args.max_tokens}"
    )
    print(f"{'order':<12} {'cut':<8} {'edges together':>14} {'examples':>9} {'fill':>6} {'s':>6}")
    for order in ("dependency", "alphabetical"):
        ordered = order_files(
            [p for p, _, _ in files], language_of, _edges(resolution.edges), OrderConfig(order)
        )
        for grouping in (True, False):
            config = ExampleConfig(max_tokens=args.max_tokens, grouping=grouping, fim_rate=0.0)
            started = time.perf_counter()
            examples, _ = build_examples(
                "cpython",
                [(p, language_of[p.path], text_of[p.path]) for p in ordered.placed],
                ordered.gaps,
                config,
                0,
                counter,
                depends_on=earlier_dependencies(
                    [p.path for p in ordered.placed], resolution.edges),
            )
            seconds = time.perf_counter() - started
            fill = sum(e.n_tokens for e in examples) / (len(examples) * args.max_tokens)
            share = colocated_share(examples, edge_pairs)
            cut = "grouped" if grouping else "greedy"
            print(
                f"{order:<12} {cut:<8} {share:>14.1%} {len(examples):>9} {fill:>6.1%} "
                f"{seconds:>6.1f}"
            )
    unrelated = sum(1 for g in ordered.gaps if math.isinf(g))
    print(f"(alphabetical order: {unrelated} of {len(ordered.gaps)} neighbours unrelated)")


def _edges(edges: Sequence[Edge]) -> list[Edge]:
    return [e for e in edges if e.src != e.dst]


if __name__ == "__main__":
    main()
