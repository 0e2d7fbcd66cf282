"""CPU cost of import extraction and resolution, before and after a change, and proof that
the change kept every edge.

    python benchmarks/extract_compare.py CORPUS --checkouts BASE NEW [--lang rust] [--runs 3]
    python benchmarks/extract_compare.py CORPUS --dump EDGES.jsonl [--lang rust]

``CORPUS/<repo>/`` is a folder of repositories. With ``--checkouts`` each run is a fresh
process with ``CHECKOUT/src`` on PYTHONPATH, the checkouts taking turns (BASE, NEW, BASE, NEW,
...) so that load from other work on a shared machine falls on both alike; each process
extracts every file and resolves every repository ``--rounds`` times after one warm-up round
and reports its least CPU time (user + sys), and the table shows the least over the runs.
Process CPU time, not wall time: wall time on a shared machine varies by a factor of two.

With ``--dump`` one process writes, per file, its imports, declarations, edges (with the rule
that found them) and unresolved imports as JSON lines in a stable order: ``diff`` two dumps
to check that a speed-up changed no edge.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

Repo = tuple[str, list[tuple[str, str, str]], dict[str, str]]  # name, (path, lang, text), aux


def load(corpus: Path, languages: set[str] | None) -> list[Repo]:
    """Every repository's files of ``languages`` (all supported ones if None) and config
    files, read the way the scan decodes them."""
    from codepack.graph.languages.extract import supports
    from codepack.graph.languages.registry import language_for_path
    from codepack.inputs import AUX_FILE_NAMES

    repos = []
    for repo in sorted(p for p in corpus.iterdir() if p.is_dir()):
        files, aux = [], {}
        for path in sorted(p for p in repo.rglob("*") if p.is_file()):
            rel = path.relative_to(repo).as_posix()
            if path.name in AUX_FILE_NAMES:
                aux[rel] = path.read_text(errors="replace")
                continue
            lang = language_for_path(rel)
            if lang is None or not supports(lang.name):
                continue
            if languages is None or lang.name in languages:
                files.append((rel, lang.name, path.read_text(errors="replace")))
        repos.append((repo.name, files, aux))
    return repos


def one_round(repos: list[Repo]) -> tuple[dict[str, float], float, list]:
    """Extract and resolve everything once: (extract CPU per language, resolve CPU, results)."""
    from codepack.graph.languages.extract import extract_file
    from codepack.graph.resolve import resolve_repo

    per_language: dict[str, float] = defaultdict(float)
    results = []
    resolve_cpu = 0.0
    for _name, files, aux in repos:
        found = {}
        for path, language, text in files:
            started = time.process_time()
            found[path] = (language, extract_file(text, language))
            per_language[language] += time.process_time() - started
        started = time.process_time()
        resolution = resolve_repo(
            [(path, language, x.imports) for path, (language, x) in found.items()],
            aux,
            declarations={p: x.declarations for p, (_, x) in found.items() if x.declarations},
        )
        resolve_cpu += time.process_time() - started
        results.append((found, resolution))
    return per_language, resolve_cpu, results


def measure(repos: list[Repo], rounds: int) -> dict[str, float]:
    """Least CPU seconds over ``rounds`` (after a warm-up round that compiles the queries)."""
    one_round(repos)
    best: dict[str, float] = {}
    for _ in range(rounds):
        per_language, resolve_cpu, _ = one_round(repos)
        figures = {f"extract {lang}": s for lang, s in per_language.items()}
        figures["extract"] = sum(per_language.values())
        figures["resolve"] = resolve_cpu
        figures["total"] = figures["extract"] + resolve_cpu
        for name, seconds in figures.items():
            best[name] = min(best.get(name, seconds), seconds)
    return best


def dump(repos: list[Repo], out: Path) -> None:
    """Write what extraction and resolution found, one JSON line per file, sorted."""
    _, _, results = one_round(repos)
    with out.open("w") as handle:
        for (name, _files, _aux), (found, resolution) in zip(repos, results, strict=True):
            edges = defaultdict(list)
            for edge in resolution.edges:
                edges[edge.src].append([edge.dst, edge.rule, repr(edge.ref)])
            unresolved = defaultdict(list)
            for src, ref in resolution.unresolved:
                unresolved[src].append(repr(ref))
            for path, (_language, x) in sorted(found.items()):
                record = {
                    "repo": name, "path": path,
                    "imports": [repr(ref) for ref in x.imports],
                    "declarations": list(x.declarations),
                    "parse_error": x.parse_error, "too_complex": x.too_complex,
                    "edges": sorted(edges[path]), "unresolved": sorted(unresolved[path]),
                }
                handle.write(json.dumps(record, sort_keys=True) + "\n")


def compare(args: argparse.Namespace) -> None:
    """Alternate fresh processes of each checkout; print the least CPU of each figure."""
    best: dict[str, dict[str, float]] = {str(c): {} for c in args.checkouts}
    for _ in range(args.runs):
        for checkout in args.checkouts:
            env = {**os.environ, "PYTHONPATH": str(checkout / "src")}
            cmd = [sys.executable, __file__, str(args.corpus), "--rounds", str(args.rounds),
                   "--json", *(["--lang", args.lang] if args.lang else [])]
            figures = json.loads(subprocess.run(cmd, env=env, check=True, text=True,
                                                capture_output=True).stdout)
            for name, seconds in figures.items():
                old = best[str(checkout)].get(name, seconds)
                best[str(checkout)][name] = min(old, seconds)
    base, new = (best[str(c)] for c in args.checkouts)
    print(f"{args.corpus} ({args.lang or 'all languages'}), least CPU s of {args.runs} runs "
          f"x {args.rounds} rounds; before = {args.checkouts[0]}, after = {args.checkouts[1]}")
    print(f"{'':<20}{'before':>9}{'after':>9}{'change':>9}")
    for name in sorted(set(base) | set(new), key=lambda n: (n.startswith("extract "), n)):
        b, n = base.get(name, 0.0), new.get(name, 0.0)
        change = f"{(n - b) / b * 100:+.1f} %" if b else ""
        print(f"{name:<20}{b:9.3f}{n:9.3f}{change:>9}")


def _import_as(checkout: Path, name: str, into: Path):
    """Import ``checkout``'s codepack package under another name (a copy whose imports
    say ``name``), so that two versions live in one process."""
    import importlib
    import shutil

    target = into / name
    shutil.copytree(checkout / "src" / "codepack", target)
    for module in target.rglob("*.py"):
        text = module.read_text()
        module.write_text(re.sub(r"\bcodepack(?=\.)|(?<=from )codepack\b|(?<=import )codepack\b",
                                 name, text))
    if str(into) not in sys.path:
        sys.path.insert(0, str(into))
    stage = "graph." if (target / "graph").is_dir() else ""  # the layout by stage, or before it
    return (importlib.import_module(f"{name}.{stage}languages.extract"),
            importlib.import_module(f"{name}.{stage}resolve"))


def paired(args: argparse.Namespace) -> None:
    """Both checkouts in one process, taking turns file by file (and repository by
    repository for resolution): load from other work falls on both alike even when it
    changes by the second. Prints the least CPU of each over the rounds."""
    import tempfile

    repos = load(args.corpus, set(args.lang.split(",")) if args.lang else None)
    with tempfile.TemporaryDirectory() as tmp:
        versions = [_import_as(c, f"codepack_v{i}", Path(tmp))
                    for i, c in enumerate(args.paired)]
        totals: list[list[list[float]]] = [[[], []] for _ in versions]  # [extract, resolve]
        for round_ in range(args.rounds + 1):  # round 0 warms up (compiles the queries)
            spent = [[0.0, 0.0] for _ in versions]
            order = list(range(len(versions)))
            for _name, files, aux in repos:
                found: list[dict] = [{} for _ in versions]
                for path, language, text in files:
                    order.reverse()  # who goes first alternates
                    for v in order:
                        started = time.process_time()
                        found[v][path] = (language, versions[v][0].extract_file(text, language))
                        spent[v][0] += time.process_time() - started
                for v in order:
                    started = time.process_time()
                    versions[v][1].resolve_repo(
                        [(p, lang, x.imports) for p, (lang, x) in found[v].items()], aux,
                        declarations={p: x.declarations for p, (_, x) in found[v].items()
                                      if x.declarations})
                    spent[v][1] += time.process_time() - started
            if round_:
                for v, (extract, resolve) in enumerate(spent):
                    totals[v][0].append(extract)
                    totals[v][1].append(resolve)
    print(f"{args.corpus} ({args.lang or 'all languages'}): CPU s, least of {args.rounds} rounds, "
          f"the two checkouts taking turns file by file in one process")
    print(f"{'':<12}{'before':>9}{'after':>9}{'change':>9}   before = {args.paired[0]}, "
          f"after = {args.paired[1]}")
    rows = {"extract": 0, "resolve": 1}
    for name, index in rows.items():
        b, n = min(totals[0][index]), min(totals[1][index])
        print(f"{name:<12}{b:9.3f}{n:9.3f}{(n - b) / b * 100:+8.1f} %")
    b = min(e + r for e, r in zip(*totals[0], strict=True))
    n = min(e + r for e, r in zip(*totals[1], strict=True))
    print(f"{'total':<12}{b:9.3f}{n:9.3f}{(n - b) / b * 100:+8.1f} %")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--lang", help="comma-separated languages (default: all)")
    parser.add_argument("--checkouts", type=Path, nargs=2, metavar=("BASE", "NEW"))
    parser.add_argument("--paired", type=Path, nargs=2, metavar=("BASE", "NEW"),
                        help="both checkouts in one process, file by file")
    parser.add_argument("--runs", type=int, default=3, help="processes per checkout")
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds per process")
    parser.add_argument("--dump", type=Path, help="write the edges as JSON lines here")
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.checkouts:
        compare(args)
        return
    if args.paired:
        paired(args)
        return
    repos = load(args.corpus, set(args.lang.split(",")) if args.lang else None)
    if args.dump:
        dump(repos, args.dump)
        return
    figures = measure(repos, args.rounds)
    if args.json:
        print(json.dumps(figures))
    else:
        for name, seconds in figures.items():
            print(f"{name:<20}{seconds:8.3f} s")


if __name__ == "__main__":
    main()
