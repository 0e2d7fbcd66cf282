"""Throughput and memory of the dedup stage over the CPython standard library.

Treats every top-level package of the stdlib as a "repository" (``email``, ``asyncio``,
``test``, ... and ``<root>`` for loose modules), so cross-repository duplicates exist, as
they do in real corpora. Repositories are streamed: each is read, turned into
``DedupRecord``s by ``dedup_records`` (which signs its files in batches) and dropped, the way
the scan stage works, so peak memory is the records plus one repository.

    python benchmarks/dedup_stdlib.py              # signatures + plan
    python benchmarks/dedup_stdlib.py --hygiene    # also secrets, decontamination, quality

Not a test: numbers depend on the machine (report the best of a few runs on a shared one).
"""

from __future__ import annotations

import argparse
import resource
import sys
import sysconfig
import time
import tracemalloc
from collections import Counter
from collections.abc import Iterator
from itertools import groupby
from pathlib import Path

# Run as a script, this folder comes first on sys.path and its secrets.py would shadow the
# standard library module numpy.random imports; drop it before importing codepack.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != _HERE]

from codepack.config import HygieneConfig, QualityConfig  # noqa: E402
from codepack.dedup import plan as dedup  # noqa: E402
from codepack.records import RepoScan, SourceFile  # noqa: E402
from codepack.scan import filters, secrets  # noqa: E402


def stdlib_files(root: Path) -> Iterator[tuple[str, str, str]]:
    """(repo, path inside the repo, text) of every decodable stdlib .py file, sorted."""
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root)
        if relative.parts[0] in ("site-packages", "dist-packages"):
            continue
        nested = len(relative.parts) > 1
        repo = relative.parts[0] if nested else "<root>"
        inside = Path(*relative.parts[1:]) if nested else relative
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        yield repo, inside.as_posix(), text


def stdlib_scans(files: Iterator[tuple[str, str, str]]) -> Iterator[tuple[RepoScan, int]]:
    """Each "repository" as the scan stage hands it to dedup (content hashed), and its bytes.

    ``stdlib_files`` is sorted by path, so a repository's files are consecutive.
    """
    for repo, group in groupby(files, key=lambda item: item[0]):
        scan = RepoScan(name=repo)
        n_bytes = 0
        for _, path, text in group:
            size = len(text.encode("utf-8", "surrogatepass"))
            scan.files.append(SourceFile(path, "python", text, size, dedup.content_hash(text)))
            n_bytes += size
        yield scan, n_bytes


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_dedup(root: Path, config: HygieneConfig) -> None:
    repo_sizes = Counter(repo for repo, _, _ in stdlib_files(root))
    rss_before = peak_rss_mb()
    tracemalloc.start()
    records: list[dedup.DedupRecord] = []
    n_bytes = 0
    started = time.perf_counter()
    for scan, scan_bytes in stdlib_scans(stdlib_files(root)):
        records.extend(dedup.dedup_records(scan, config))  # files with few tokens are exempt
        n_bytes += scan_bytes
    signed = time.perf_counter()
    plan = dedup.plan_dedup(records, config)
    planned = time.perf_counter()
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    reasons = Counter(drop.reason for drop in plan.values())
    sign_s, plan_s = signed - started, planned - signed
    print(f"stdlib: {len(records)} files, {n_bytes / 1e6:.1f} MB, {len(repo_sizes)} repos")
    print(
        f"records (read + hash + MinHash): {sign_s:.2f} s = {len(records) / sign_s:.0f} files/s,"
        f" {n_bytes / 1e6 / sign_s:.1f} MB/s"
    )
    print(f"plan_dedup: {plan_s:.3f} s; drops: {dict(sorted(reasons.items()))}")
    print(
        f"peak traced Python memory: {traced_peak / 1e6:.1f} MB "
        f"(records: {sum(len(r.signature or b'') for r in records) / 1e6:.1f} MB of signatures);"
        f" peak RSS {peak_rss_mb():.0f} MB (before: {rss_before:.0f} MB)"
    )
    print("note: timings include tracemalloc overhead; run --no-trace for raw speed")
    for (repo, path), drop in list(sorted(plan.items()))[:8]:
        print(f"  {drop.reason:15s} {repo}/{path} -> {drop.detail}")


def run_speed(root: Path, config: HygieneConfig) -> None:
    texts = list(stdlib_files(root))
    started = time.process_time()
    scans = list(stdlib_scans(iter(texts)))
    hashed = time.process_time()
    records = [record for scan, _ in scans for record in dedup.dedup_records(scan, config)]
    signed = time.process_time()
    dedup.plan_dedup(records, config)
    planned = time.process_time()
    n_bytes = sum(scan_bytes for _, scan_bytes in scans)
    sign_s = signed - started
    print(
        f"records (hash + MinHash, CPU): {len(records) / sign_s:.0f} files/s, "
        f"{n_bytes / 1e6 / sign_s:.1f} MB/s (content hash {hashed - started:.2f} s, "
        f"signatures {signed - hashed:.2f} s); plan_dedup: {planned - signed:.3f} s"
    )


def run_hygiene(root: Path) -> None:
    texts = list(stdlib_files(root))
    n_bytes = sum(len(text.encode()) for _, _, text in texts)

    def timed(label: str, check) -> None:
        started = time.perf_counter()
        hits = sum(1 for _, path, text in texts if check(text, path))
        seconds = time.perf_counter() - started
        print(f"{label:28s} {n_bytes / 1e6 / seconds:6.1f} MB/s  ({hits} files flagged)")

    timed("secrets.scan", secrets.scan)
    decontaminator = filters.Decontaminator.from_sources(["humaneval"])
    timed("decontaminate (humaneval)", lambda text, _: decontaminator.check(text))
    quality = QualityConfig()
    timed("quality_reason", lambda text, _: filters.quality_reason(text, "python", quality))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--root", type=Path, default=Path(sysconfig.get_paths()["stdlib"]))
    parser.add_argument("--hygiene", action="store_true", help="also time secrets/decontam")
    parser.add_argument("--no-trace", action="store_true", help="speed only, no tracemalloc")
    args = parser.parse_args(argv)
    config = HygieneConfig()
    if args.no_trace:
        run_speed(args.root, config)
    else:
        run_dedup(args.root, config)
    if args.hygiene:
        run_hygiene(args.root)
    return 0


if __name__ == "__main__":
    sys.exit(main())
