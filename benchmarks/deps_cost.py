"""CPU seconds of ``codepack deps`` (scan, read-back of skipped files, resolution) per
repository, best of N runs in this process.

Usage::

    python benchmarks/deps_cost.py REPO [REPO ...] [--runs N] [--scan-only]

Run it once with each version on ``PYTHONPATH`` to compare; ``--scan-only`` times the scan
alone, which is what ``codepack pack`` pays per repository before resolution.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import codepack
from codepack.config import PackConfig
from codepack.inputs import discover_inputs as discover_repos
from codepack.run.pipeline import scan_repo


def cost(repo: Path, runs: int, scan_only: bool) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.process_time()
        if scan_only:
            (source,) = discover_repos([repo], single_repo=True)
            scan_repo(source, PackConfig())
        else:
            codepack.deps(repo)
        best = min(best, time.process_time() - start)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("repos", type=Path, nargs="+")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--scan-only", action="store_true")
    args = parser.parse_args(argv)
    for repo in args.repos:
        print(f"{repo.name:<24} {cost(repo, args.runs, args.scan_only):7.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
