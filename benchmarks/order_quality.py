"""Order quality of ``codepack pack`` against the oracle's ground-truth dependency graph.

For each corpus (a folder of repositories) with its oracle output (``oracle.py CORPUS OUT``),
this packs the repositories with default options (``codepack pack --single-repo``), turns the
Parquet into the file order the rows carry (``from_parquet.py``, which also prints the
dependency-context rate) and scores that order with the oracle's own ``score.py``. It prints,
per corpus and over all corpora (micro-averaged: every edge and every test pair counts once):

    before   share of acyclic oracle edges "A depends on B" with B packed before A
             (a file that is not packed satisfies none of its edges)
    adj1     share of the oracle's test pairs with the test right after its subject
    coverage share of the oracle's files that were packed
    packed   ``before`` and ``adj1`` again, scored by score.py against the oracle cut down to
             the packed files: what the order does with the files it has (dedup and the
             generated/minified filters decide which files those are, not the order)

for codepack, for alphabetical order and for Kahn's topological sort of the oracle graph
(the upper bound for ``before``; ``kahn+tests`` is the upper bound for ``adj1``).

Usage::

    python benchmarks/order_quality.py CORPUS ORACLE_OUT [CORPUS ORACLE_OUT ...]
        [--repos a,b] [--workers N] [--keep DIR] [--json F] [--pack-arg=ARG ...]

``--repos`` keeps only the named repositories (in whichever corpora hold them); ``--keep``
leaves the Parquet and score files in DIR instead of a temporary folder.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

# score.py's per-repository counts, summed for micro averages: (ok key, total key)
_COUNTS = {
    "before": ("ok_edges_acyclic", "n_edges_acyclic"),
    "adj1": ("ok_adj1", "n_pairs"),
    "coverage": ("present", "files"),
}
# the orders compared, as score.py names them
ORDERS = ("codepack", "alphabetical", "kahn", "kahn+tests")


@dataclass(slots=True)
class CorpusScore:
    """score.py's per-repository results for one corpus, and the context rate line."""

    label: str
    per_repo: dict[str, dict[str, dict[str, float]]]  # order -> repo -> score.py metrics
    packed_only: dict[str, dict[str, float]]  # repo -> codepack's metrics over packed files
    context_rate: str


def oracle_scripts() -> Path:
    """The folder holding score.py and from_parquet.py: ``shared/oracle`` in the nearest
    folder above this checkout that has one (``../shared/oracle`` for the main checkout)."""
    for folder in Path(__file__).resolve().parents:
        if (folder / "shared" / "oracle" / "score.py").is_file():
            return folder / "shared" / "oracle"
    raise SystemExit("cannot find the oracle's score.py (looked in ../shared/oracle)")


def repos_of(corpus: Path, oracle_out: Path, only: set[str] | None) -> list[str]:
    """Repositories with both a folder in the corpus and an oracle edge file."""
    names = sorted(p.name.removesuffix(".edges.json") for p in oracle_out.glob("*.edges.json"))
    return [n for n in names if (corpus / n).is_dir() and (only is None or n in only)]


def cut_to_packed(oracle_out: Path, order_file: Path, repos: Sequence[str], out: Path) -> None:
    """Write an oracle folder holding only the packed files, their edges and test pairs."""
    order = json.loads(order_file.read_text(encoding="utf-8"))
    out.mkdir(parents=True, exist_ok=True)
    for repo in repos:
        packed = set(order.get(repo, ()))
        edges = json.loads((oracle_out / f"{repo}.edges.json").read_text(encoding="utf-8"))
        edges["files"] = [f for f in edges["files"] if f in packed]
        edges["edges"] = [e for e in edges["edges"] if e[0] in packed and e[1] in packed]
        (out / f"{repo}.edges.json").write_text(json.dumps(edges), encoding="utf-8")
        tests_file = oracle_out / f"{repo}.tests.json"
        if tests_file.is_file():
            tests = json.loads(tests_file.read_text(encoding="utf-8"))
            tests["pairs"] = [p for p in tests["pairs"]
                              if p["test"] in packed and p["subject"] in packed]
            (out / f"{repo}.tests.json").write_text(json.dumps(tests), encoding="utf-8")


def run_score(oracle_out: Path, order_file: Path, repos: Sequence[str], out: Path) -> dict:
    """score.py's per-order, per-repository figures."""
    subprocess.run(
        [sys.executable, str(oracle_scripts() / "score.py"), str(oracle_out), str(order_file),
         "--name", "codepack", "--repos", ",".join(repos), "--json", str(out)],
        check=True, capture_output=True, text=True,
    )
    return json.loads(out.read_text(encoding="utf-8"))["scores"]


def score_corpus(
    corpus: Path, oracle_out: Path, repos: Sequence[str], work: Path, workers: int,
    pack_args: Sequence[str] = (),
) -> CorpusScore:
    """Pack ``repos`` of ``corpus`` (default options, plus ``pack_args``) and score the
    packed order."""
    packed = work / "packed"
    # the CLI in a child process: as a user runs it, and this folder's secrets.py (a
    # benchmark) cannot shadow the standard library module that numpy imports
    subprocess.run(
        [sys.executable, "-m", "codepack", "pack", "--single-repo", "--quiet", "--out",
         str(packed), "--overwrite", "--workers", str(workers), *pack_args,
         *(str(corpus / r) for r in repos)],
        check=True,
    )
    order_file = work / "ORDER.json"
    context = subprocess.run(
        [sys.executable, str(oracle_scripts() / "from_parquet.py"), str(packed), str(oracle_out),
         "--order", str(order_file), "--corpus", str(corpus)],
        check=True, capture_output=True, text=True,
    ).stdout
    scores = run_score(oracle_out, order_file, repos, work / "scores.json")
    cut_to_packed(oracle_out, order_file, repos, work / "oracle-packed")
    packed_only = run_score(work / "oracle-packed", order_file, repos, work / "scores-packed.json")
    all_line = next((ln for ln in context.splitlines() if ln.startswith("ALL")), "")
    return CorpusScore(corpus.name.removeprefix("corpus-"),
                       {order: scores[order] for order in ORDERS}, packed_only["codepack"],
                       all_line)


def micro(per_repo: Sequence[dict[str, float]], metric: str) -> tuple[float | None, int]:
    """The micro average of one metric over repositories, and its denominator."""
    ok_key, n_key = _COUNTS[metric]
    ok = sum(r[ok_key] for r in per_repo)
    n = sum(r[n_key] for r in per_repo)
    return (ok / n if n else None), n


def table(results: Sequence[CorpusScore]) -> list[str]:
    """Markdown rows: one per corpus and one over all corpora."""
    head = ("| corpus | acyclic edges | codepack | alphabetical | kahn | test pairs | codepack |"
            " alphabetical | kahn+tests | coverage | codepack, packed files: before / adj1 |")
    lines = [head, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    rows = [(r.label, {o: list(r.per_repo[o].values()) for o in ORDERS},
             list(r.packed_only.values())) for r in results]
    if len(results) > 1:
        rows.append(("**all**", {o: [s for r in results for s in r.per_repo[o].values()]
                                 for o in ORDERS},
                     [s for r in results for s in r.packed_only.values()]))

    def cell(value: float | None) -> str:
        return "–" if value is None else f"{value:.3f}"

    for label, by_order, packed in rows:
        edges = micro(by_order["codepack"], "before")[1]
        pairs = micro(by_order["codepack"], "adj1")[1]
        before = [cell(micro(by_order[o], "before")[0])
                  for o in ("codepack", "alphabetical", "kahn")]
        adj1 = [cell(micro(by_order[o], "adj1")[0])
                for o in ("codepack", "alphabetical", "kahn+tests")]
        coverage = cell(micro(by_order["codepack"], "coverage")[0])
        inside = f"{cell(micro(packed, 'before')[0])} / {cell(micro(packed, 'adj1')[0])}"
        lines.append(f"| {label} | {edges:,} | {' | '.join(before)} | {pairs:,} | "
                     f"{' | '.join(adj1)} | {coverage} | {inside} |")
    return lines


def run(pairs: Sequence[tuple[Path, Path]], only: set[str] | None, workers: int,
        keep: Path | None, pack_args: Sequence[str] = ()) -> list[CorpusScore]:
    results = []
    with tempfile.TemporaryDirectory(prefix="order-quality-") as tmp:
        root = keep or Path(tmp)
        for corpus, oracle_out in pairs:
            repos = repos_of(corpus, oracle_out, only)
            if not repos:
                print(f"skipping {corpus}: no repository with an oracle output", file=sys.stderr)
                continue
            work = root / corpus.name
            work.mkdir(parents=True, exist_ok=True)
            print(f"packing {corpus} ({len(repos)} repositories)", file=sys.stderr)
            result = score_corpus(corpus, oracle_out, repos, work, workers, pack_args)
            print(f"  context rate {result.context_rate}", file=sys.stderr)
            results.append(result)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="+", type=Path, metavar="CORPUS ORACLE_OUT")
    parser.add_argument("--repos", help="comma-separated repository names (default: all)")
    parser.add_argument("--workers", "-j", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="keep the Parquet and scores in this folder")
    parser.add_argument("--json", type=Path, help="write score.py's per-repository figures here")
    parser.add_argument("--pack-arg", action="append", default=[], metavar="ARG",
                        help="an extra option for codepack pack (repeat: --pack-arg=--dedup "
                        "--pack-arg=off)")
    args = parser.parse_args(argv)
    if len(args.paths) % 2:
        parser.error("give CORPUS ORACLE_OUT pairs")
    pairs = list(zip(args.paths[::2], args.paths[1::2], strict=True))
    only = set(args.repos.split(",")) if args.repos else None
    results = run(pairs, only, args.workers, args.keep, args.pack_arg)
    print("\n".join(table(results)))
    if args.json:
        figures = {r.label: {**r.per_repo, "codepack_packed_files": r.packed_only}
                   for r in results}
        args.json.write_text(json.dumps(figures, indent=1, sort_keys=True), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
