"""Import-graph recall and precision of ``codepack deps`` against real build tools.

The oracle (``../shared/oracle/oracle.py``) computes ground-truth file -> file edges with each
language's own tooling (go list, gcc -MM, Composer + PHP's tokenizer, a rustc-checked module
tree, grimp, dependency-cruiser, Ruby's resolver). This script compares codepack's resolved
edges with them, per language of the importing file:

    recall    = oracle edges codepack also finds / oracle edges
    precision = codepack edges the oracle also has / codepack edges
                (only over files and languages the oracle analysed: a language with no
                oracle cannot make codepack's edges look false)

Usage::

    python benchmarks/recall.py CORPUS ORACLE_OUT [--repos a,b] [--json F] [--misses N]
                                [--typescript-declarations] [--order-quality]

``CORPUS/<repo>/`` is a folder of repositories; ``ORACLE_OUT`` is what
``oracle.py CORPUS ORACLE_OUT`` wrote (run it first, once; it is slow). ``--misses N`` prints
up to N missed and N extra edges per language, to see which rule is missing.
``--order-quality`` also packs the repositories and scores the packed order with the oracle's
``score.py`` (``benchmarks/order_quality.py``, which takes several corpora at once).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

import codepack
from codepack.graph.languages.registry import language_for_path

# oracle analyzers are keyed by family; codepack's languages map onto them
_FAMILY = {
    "python": "python", "javascript": "js", "typescript": "js", "tsx": "js", "go": "go",
    "c": "c", "cpp": "c", "java": "java", "rust": "rust", "php": "php", "ruby": "ruby",
    "kotlin": "kotlin", "scala": "scala", "csharp": "csharp", "swift": "swift",
    "c/c++": "c",  # the oracle's analyzer name for C and C++
}


# the oracle's analyzer names, where they differ from the families above
_ANALYZER = {"js/ts": "js", "c/c++": "c", "cpp": "c"}


def codepack_edges(repo: Path) -> set[tuple[str, str]]:
    """Every (importer, imported) file pair ``codepack deps`` finds in one repository."""
    report = codepack.deps(repo)
    return {(f["path"], target) for f in report["files"] for imp in f["imports"]
            for target in imp["resolved"] if target != f["path"]}


def language_of(path: str) -> str:
    language = language_for_path(path)
    name = language.name if language else "other"
    return _FAMILY.get(name, name)


_DECLARATION_FOR = {".js": ".d.ts", ".cjs": ".d.cts", ".mjs": ".d.mts"}


def typescript_view(edges: set[tuple[str, str]], repo: Path) -> set[tuple[str, str]]:
    """The oracle's edges with a declaration file's import of ``./x.js`` taken as ``tsc``
    takes it: ``x.d.ts`` when that file exists (dependency-cruiser follows the ``x.js`` that
    sits beside it; ``tsc --traceResolution`` resolves to the declaration)."""
    seen = set()
    for a, b in edges:
        stem, dot, ext = b.rpartition(".")
        declaration = stem + _DECLARATION_FOR.get(dot + ext, "")
        if (a.endswith((".d.ts", ".d.cts", ".d.mts")) and declaration != stem
                and (repo / declaration).is_file()):
            b = declaration
        seen.add((a, b))
    return seen


def compare(corpus: Path, oracle_out: Path, repos: list[str] | None, misses: int,
            typescript: bool = False) -> dict:
    per_lang: dict[str, dict[str, int]] = defaultdict(lambda: {"oracle": 0, "found": 0,
                                                               "codepack": 0, "confirmed": 0})
    missed: dict[str, list[str]] = defaultdict(list)
    extra: dict[str, list[str]] = defaultdict(list)
    names = repos or sorted(p.name.removesuffix(".edges.json")
                            for p in oracle_out.glob("*.edges.json"))
    for name in names:
        oracle_file = oracle_out / f"{name}.edges.json"
        if not oracle_file.is_file() or not (corpus / name).is_dir():
            print(f"skipping {name}: no oracle output or no repository", file=sys.stderr)
            continue
        oracle = json.loads(oracle_file.read_text(encoding="utf-8"))
        truth = {(a, b) for a, b, *_ in oracle["edges"] if a != b}
        if typescript:
            truth = typescript_view(truth, corpus / name)
        analysed = {_ANALYZER.get(k, k) for k in oracle.get("analyzers", {})}
        ours = codepack_edges(corpus / name)
        for a, b in truth:
            lang = language_of(a)
            per_lang[lang]["oracle"] += 1
            if (a, b) in ours:
                per_lang[lang]["found"] += 1
            elif len(missed[lang]) < misses:
                missed[lang].append(f"{name}: {a} -> {b}")
        for a, b in ours:
            lang = language_of(a)
            if lang not in analysed:
                continue
            per_lang[lang]["codepack"] += 1
            if (a, b) in truth:
                per_lang[lang]["confirmed"] += 1
            elif len(extra[lang]) < misses:
                extra[lang].append(f"{name}: {a} -> {b}")
    return {"per_language": dict(per_lang), "missed": dict(missed), "extra": dict(extra)}


def _ratio(a: int, b: int) -> str:
    return f"{a / b:.3f}" if b else "–"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("oracle_out", type=Path)
    parser.add_argument("--repos", help="comma-separated repository names (default: all)")
    parser.add_argument("--json", type=Path, help="write the figures as JSON here")
    parser.add_argument("--misses", type=int, default=0,
                        help="print up to N missed and extra edges per language")
    parser.add_argument("--typescript-declarations", action="store_true",
                        help="score a .d.ts importing ./x.js against x.d.ts, as tsc resolves it")
    parser.add_argument("--order-quality", action="store_true",
                        help="also pack and score the order (benchmarks/order_quality.py)")
    args = parser.parse_args(argv)
    repos = args.repos.split(",") if args.repos else None
    result = compare(args.corpus, args.oracle_out, repos, args.misses,
                     args.typescript_declarations)
    rows = sorted(result["per_language"].items())
    total = {k: sum(r[k] for _, r in rows) for k in ("oracle", "found", "codepack", "confirmed")}
    print(f"{'language':<12} {'oracle':>8} {'found':>8} {'recall':>7} {'ours':>8} {'precision':>9}")
    for lang, r in [*rows, ("all", total)]:
        print(f"{lang:<12} {r['oracle']:>8} {r['found']:>8} {_ratio(r['found'], r['oracle']):>7}"
              f" {r['codepack']:>8} {_ratio(r['confirmed'], r['codepack']):>9}")
    for kind in ("missed", "extra"):
        for lang, lines in sorted(result[kind].items()):
            print(f"\n{kind} ({lang}):")
            for line in lines:
                print(f"  {line}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, sort_keys=True), encoding="utf-8")
    if args.order_quality:
        import order_quality  # beside this script

        scores = order_quality.run([(args.corpus, args.oracle_out)],
                                   set(repos) if repos else None, workers=1, keep=None)
        print("\norder quality (score.py):")
        print("\n".join(order_quality.table(scores)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
