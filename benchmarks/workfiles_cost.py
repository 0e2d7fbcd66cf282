"""CPU cost of the hand-over between the passes and of classifying files, on a corpus.

    PYTHONPATH=OLD/src python -P benchmarks/workfiles_cost.py /tmp/mixed
    PYTHONPATH=NEW/src python -P benchmarks/workfiles_cost.py /tmp/mixed

Scans every repository once (default options), then times, best of ``--rounds``: spilling
every scan and its dedup records (``write_scan``/``write_dedup_records``), reading them back,
and ``classify`` over every file the walker reads. Uses only functions whose signatures both
the JSON and the MessagePack versions share, so old and new checkouts can be compared.
``-P`` keeps this folder off ``sys.path`` (its ``secrets.py`` would hide the standard
library's).
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from codepack.config import PackConfig
from codepack.dedup import plan as dedup
from codepack.inputs import discover_inputs
from codepack.run import workfiles
from codepack.run.pipeline import scan_repo
from codepack.scan.classify import classify


def _best(rounds: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(rounds):
        started = time.process_time()
        work()
        times.append(time.process_time() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", help="a folder of repositories")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    config = PackConfig()
    sources = discover_inputs([args.corpus])
    scans = [scan_repo(source, config) for source in sources]
    records = [dedup.dedup_records(scan, config.hygiene) for scan in scans]
    files: list[tuple[str, bytes]] = []
    for source in sources:
        entries, _ = source.entries(config.scan)
        files += [entry for entry in entries if isinstance(entry, tuple)]

    with tempfile.TemporaryDirectory() as folder:
        paths = [(Path(folder) / f"{i}.scan", Path(folder) / f"{i}.dedup")
                 for i in range(len(scans))]

        def write() -> None:
            for scan, recs, (scan_path, dedup_path) in zip(scans, records, paths, strict=True):
                workfiles.write_scan(scan, scan_path)
                workfiles.write_dedup_records(recs, dedup_path)

        def read() -> None:
            for scan_path, dedup_path in paths:
                workfiles.read_scan(scan_path)
                workfiles.read_dedup_records(dedup_path)

        write_s = _best(args.rounds, write)
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        read_s = _best(args.rounds, read)
        grew = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
        size = sum(p.stat().st_size for pair in paths for p in pair)
    classify_s = _best(args.rounds, lambda: [
        classify(path, data, config.scan, config.quality) for path, data in files])
    print(f"{len(scans)} repositories, {len(files)} files read, work files {size / 1e6:.1f} MB")
    print(f"write work files  {write_s:.3f} s CPU")
    print(f"read work files   {read_s:.3f} s CPU (peak RSS grew {grew / 1024:.1f} MB)")
    print(f"classify          {classify_s:.3f} s CPU")


if __name__ == "__main__":
    main()
