"""Packing quality on real repositories: the figures the packed order is meant to improve.

For every repository of a folder (or the CPython stdlib as one repository) it runs the same
stages as ``codepack pack`` and reports:

* resolved imports: share of extracted imports that resolved to a file of the repository;
* dependency before user: share of resolved (src imports dst) file pairs where dst is placed
  before src in the packed order;
* test right after subject: share of paired tests placed directly after their subject (or
  after a sibling test of the same subject);
* dependency in the same example: share of files with at least one resolved dependency that
  find one of them earlier in the same example.

    python benchmarks/quality.py /tmp/codepack-samples
    python benchmarks/quality.py stdlib --order alphabetical
"""

from __future__ import annotations

import argparse
import sysconfig
from collections import Counter
from dataclasses import replace
from pathlib import Path

from codepack.config import PackConfig
from codepack.examples.cut import build_examples
from codepack.graph.pairing import pair_tests
from codepack.inputs import discover_inputs as discover_repos
from codepack.run.pipeline import cached_counter, earlier_dependencies, place_files, scan_repo

args_no_deps = False  # --gap-cuts: cut by graph gaps only (the pre-dependency-aware rule)


def measure_repo(source, config: PackConfig) -> Counter[str]:
    scan = scan_repo(source, config)
    files = scan.files
    resolution, ordered = place_files(scan, config, files)
    by_path = {f.path: f for f in files}
    examples, _ = build_examples(
        scan.name, [(p, by_path[p.path].language, by_path[p.path].text) for p in ordered.placed],
        ordered.gaps, config.examples, 0, cached_counter(config.examples.tokenizer),
        depends_on=None if args_no_deps else earlier_dependencies(
            [p.path for p in ordered.placed], resolution.edges))
    c: Counter[str] = Counter()
    c["imports"] += sum(len(f.imports) for f in files)
    c["imports_resolved"] += len({(e.src, e.ref) for e in resolution.edges})
    position = {p.path: i for i, p in enumerate(ordered.placed)}
    pairs = {(e.src, e.dst) for e in resolution.edges if e.src != e.dst}
    c["pairs"] += len(pairs)
    c["pairs_dep_first"] += sum(1 for s, d in pairs if position[d] < position[s])
    tests = pair_tests([(f.path, f.language) for f in files], resolution.edges)
    c["tests"] += len(tests)
    order = [p.path for p in ordered.placed]
    for test, subject in tests.items():
        i = position[test]
        j = i - 1
        while j >= 0 and tests.get(order[j]) == subject:  # sibling tests of the same subject
            j -= 1
        c["tests_right_after"] += int(j >= 0 and order[j] == subject)
    deps: dict[str, set[str]] = {}
    for s, d in pairs:
        deps.setdefault(s, set()).add(d)
    for ex in examples:
        seen: set[str] = set()
        for piece in ex.pieces:
            if piece.part == 0 and piece.path in deps:
                c["files_with_deps"] += 1
                c["files_dep_in_example"] += int(bool(deps[piece.path] & seen))
            seen.add(piece.path)
    c["examples"] += len(examples)
    return c


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", help="'stdlib' or a folder of repositories")
    parser.add_argument("--order", default="dependency")
    parser.add_argument("--max-tokens", type=int, default=8192)
    parser.add_argument("--no-grouping", action="store_true")
    parser.add_argument("--per-repo", action="store_true")
    parser.add_argument("--gap-cuts", action="store_true",
                        help="cut by graph distance only, not by lost dependencies")
    args = parser.parse_args()
    global args_no_deps
    args_no_deps = args.gap_cuts
    config = PackConfig()
    config = replace(config, order=replace(config.order, order=args.order),
                     examples=replace(config.examples, max_tokens=args.max_tokens, fim_rate=0.0,
                                      grouping=not args.no_grouping),
                     hygiene=replace(config.hygiene, dedup="off", secrets="off"))
    if args.corpus == "stdlib":
        sources = discover_repos([sysconfig.get_paths()["stdlib"]], single_repo=True)
    else:
        sources = discover_repos([Path(args.corpus)])
    total: Counter[str] = Counter()
    for source in sources:
        c = measure_repo(source, config)
        total.update(c)
        if args.per_repo:
            print(source.name, _line(c))
    print("total", _line(total))


def _share(a: int, b: int) -> str:
    return f"{a / b:6.1%}" if b else "   n/a"


def _line(c: Counter[str]) -> str:
    return (f"resolved {_share(c['imports_resolved'], c['imports'])}  "
            f"dep-before {_share(c['pairs_dep_first'], c['pairs'])} ({c['pairs']} pairs)  "
            f"test-after {_share(c['tests_right_after'], c['tests'])} ({c['tests']} tests)  "
            f"dep-in-example {_share(c['files_dep_in_example'], c['files_with_deps'])} "
            f"({c['files_with_deps']} files)  examples {c['examples']}")


if __name__ == "__main__":
    main()
