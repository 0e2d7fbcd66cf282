"""Throughput and peak memory of ``codepack pack`` against a floor, measured in one run.

The floor reads every file codepack would look at, concatenates each repository's files and
writes them to Parquet with nothing else: the cost of merely reading and writing the same
bytes. codepack's throughput is printed as a ratio of the floor's.

    python benchmarks/throughput.py stdlib                # the local CPython stdlib
    python benchmarks/throughput.py synth --scale 10      # synthetic corpus, 10x the stdlib
    python benchmarks/throughput.py DIR                   # any folder of repositories
    python benchmarks/throughput.py stdlib --workers 1 2  # worker scaling

Each codepack run is a fresh ``codepack pack`` process; peak memory is the largest RSS of the
run's processes (the main one or a worker), read from ``wait4``. Throughput is over the bytes
of the files codepack's walker lists (after .gitignore and vendored folders), which is what
both codepack and the floor read.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from codepack.config import ScanConfig
from codepack.inputs import FolderRepo
from codepack.records import SkippedFile

sys.path.insert(0, str(Path(__file__).parent))
import synth


def floor(root: Path, out: Path, single: bool) -> tuple[float, int]:
    """Read the files codepack reads (those its walker lists and whose name does not rule
    them out, as images or lock files), concatenate per repository, write Parquet.
    Returns (seconds, bytes read)."""
    started = time.perf_counter()
    repos = [root] if single else sorted(p for p in root.iterdir() if p.is_dir())
    names, texts = [], []
    total = 0
    config = ScanConfig()
    for repo in repos:
        parts = []
        entries, _ = FolderRepo(repo.name, repo).entries(config)
        for item in entries:  # the files the walk reads: listed, not ruled out by name
            if not isinstance(item, SkippedFile):
                parts.append(item[1])
        names.append(repo.name)
        texts.append(b"".join(parts))
        total += len(texts[-1])
    table = pa.table({"repo": names, "text": pa.array(texts, pa.large_binary())})
    pq.write_table(table, out / "floor.parquet", compression="zstd")
    return time.perf_counter() - started, total


def run_codepack(
    root: Path, out: Path, workers: int, single: bool, extra: list[str]
) -> tuple[float, int, float]:
    """Run ``codepack pack`` in a fresh process; return (seconds, peak RSS in MB, CPU
    seconds: user + system of the run and its workers, which load from other work on a
    shared machine inflates far less than wall time)."""
    cmd = [sys.executable, "-m", "codepack", "pack", str(root), "--out", str(out), "--quiet",
           "--overwrite", "--workers", str(workers), *extra]
    if single:
        cmd.append("--single-repo")
    started = time.perf_counter()
    proc = subprocess.Popen(cmd)
    _, status, usage = os.wait4(proc.pid, 0)  # this run's own peak RSS (and its workers')
    seconds = time.perf_counter() - started
    if status != 0:
        raise SystemExit(f"codepack failed: {cmd}")
    return seconds, usage.ru_maxrss // 1024, usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", help="'stdlib', 'synth', or a folder of repositories")
    parser.add_argument("--scale", type=float, default=10.0, help="synth: multiple of the stdlib")
    parser.add_argument("--workers", type=int, nargs="+", default=[os.cpu_count() or 1])
    parser.add_argument("--keep", type=Path, help="keep the synthetic corpus here")
    parser.add_argument("codepack_args", nargs="*", help="extra options for codepack pack")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="codepack-bench-"))
    try:
        single = False
        if args.corpus == "stdlib":
            root, single = Path(sysconfig.get_paths()["stdlib"]), True
        elif args.corpus == "synth":
            root = args.keep or tmp / "synth"
            if not root.exists():
                root.mkdir(parents=True)
                synth.generate(root, int(synth.stdlib_bytes() * args.scale))
        else:
            root = Path(args.corpus)
        # codepack first: a child forked after the floor filled this process's memory would
        # report that memory as its own peak
        runs = [(w, *run_codepack(root, tmp / f"out{w}", w, single, args.codepack_args))
                for w in args.workers]
        (tmp / "floor").mkdir()
        floor_s, size = floor(root, tmp / "floor", single)
        print(f"corpus {root}: {size / 1e6:.1f} MB in the files codepack reads")
        print(f"{'run':<22}{'seconds':>9}{'MB/s':>9}{'peak MB':>9}{'vs floor':>10}{'CPU s':>9}")
        floor_mbs = size / 1e6 / floor_s
        print(f"{'floor (read+write)':<22}{floor_s:9.2f}{floor_mbs:9.1f}{'':>9}{1:10.3f}")
        for workers, seconds, peak, cpu in runs:
            print(f"{f'codepack workers={workers}':<22}{seconds:9.2f}{size / 1e6 / seconds:9.1f}"
                  f"{peak:9d}{floor_s / seconds:10.3f}{cpu:9.2f}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
