"""How many files one Go package import should fan out to: recall, precision and order quality
per cap, against the build-tool oracle.

A Go import depends on every building file of the package (the oracle, ``go list``, counts
them all), but each edge also enters the order's distance metric, so a cap trades recall for
a sparser graph. This script scans each repository once and, for every cap, resolves, orders
(``codepack explain``'s order) and scores the order with ``score.py``::

    python benchmarks/go_fanout.py CORPUS ORACLE_OUT --repos std,go-cmp --caps 32,64,128,0

Recall and precision count only Go importers the oracle sees: not under ``testdata/`` (go
list skips those folders) nor under ``cmd/`` of a ``module std`` tree (the oracle cannot
list GOROOT's ``cmd`` module outside a real GOROOT). ``--caps 0`` means no cap.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import codepack.graph.resolvers.golang as golang
from codepack.api import single_repo_scan
from codepack.config import PackConfig
from codepack.explain import explain_repo

SCORE = Path("/work/shared/oracle/score.py")


def oracle_visible(path: str) -> bool:
    return path.endswith(".go") and "/testdata/" not in f"/{path}" and not path.startswith("cmd/")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("oracle_out", type=Path)
    parser.add_argument("--repos", required=True, help="comma-separated repository folders")
    parser.add_argument("--caps", default="32,64,128,0")
    parser.add_argument("--score", type=Path, default=SCORE, help="the oracle's score.py")
    args = parser.parse_args()
    repos = args.repos.split(",")
    config = PackConfig()
    scans = {repo: single_repo_scan(args.corpus / repo, config) for repo in repos}
    truth = {
        repo: {
            (a, b)
            for a, b, *_ in json.loads((args.oracle_out / f"{repo}.edges.json").read_text())[
                "edges"
            ]
            if oracle_visible(a)
        }
        for repo in repos
    }
    print(
        f"{'cap':>5} {'oracle':>8} {'found':>8} {'recall':>7} {'ours':>8} {'prec':>6} "
        f"{'order':>6} {'tests':>6} {'alpha':>6} {'kahn':>6} {'seconds':>7}"
    )
    for cap in (int(c) for c in args.caps.split(",")):
        golang.GO_MAX_TARGETS = cap or sys.maxsize
        started = time.perf_counter()
        orders, found, ours, total = {}, 0, 0, 0
        for repo, scan in scans.items():
            report = explain_repo(scan, config)
            orders[repo] = [item["path"] for item in report["order"]]
            mine = {(e["src"], e["dst"]) for e in report["edges"] if oracle_visible(e["src"])}
            mine |= {
                (e["src"], e["dst"]) for e in report["removed_edges"] if oracle_visible(e["src"])
            }
            found += len(mine & truth[repo])
            ours += len(mine)
            total += len(truth[repo])
        seconds = time.perf_counter() - started
        with tempfile.TemporaryDirectory() as tmp:
            order_file = Path(tmp) / "order.json"
            order_file.write_text(json.dumps(orders))
            scored = Path(tmp) / "score.json"
            subprocess.run(
                [
                    sys.executable,
                    str(args.score),
                    str(args.oracle_out),
                    str(order_file),
                    "--repos",
                    args.repos,
                    "--name",
                    "codepack",
                    "--compact-json",
                    str(scored),
                ],
                check=True,
                capture_output=True,
            )
            score = json.loads(scored.read_text())["all_micro"]
        print(
            f"{cap or 'none':>5} {total:>8} {found:>8} {found / max(total, 1):>7.3f} "
            f"{ours:>8} {found / max(ours, 1):>6.3f} {_metric(score, 'codepack')} "
            f"{_metric(score, 'codepack', 'test_adj1')} {_metric(score, 'alphabetical')} "
            f"{_metric(score, 'kahn')} {seconds:>7.1f}"
        )
    return 0


def _metric(score: dict, order: str, metric: str = "edges_acyclic") -> str:
    value = score.get(order, {}).get(metric)
    return f"{value:>6.3f}" if isinstance(value, float) else f"{'-':>6}"


if __name__ == "__main__":
    raise SystemExit(main())
