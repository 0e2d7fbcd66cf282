"""Throughput and peak memory of ``codepack pack`` and repomix against a floor, in one run.

The floor reads every file codepack would look at, concatenates each repository's files and
writes them to Parquet with nothing else: the cost of merely reading and writing the same
bytes. Every packer's throughput is printed as MB/s and as a ratio of the floor's, measured
back to back in one run, because on a shared machine only ratios within a run mean much.

    python benchmarks/throughput.py /tmp/mixed            # floor, codepack 1 and 2, repomix
    python benchmarks/throughput.py stdlib                # the local CPython stdlib
    python benchmarks/throughput.py synth --scale 10      # synthetic corpus, 10x the stdlib
    python benchmarks/throughput.py DIR --workers 1 2 4   # other worker counts
    python benchmarks/throughput.py DIR --no-repomix -- --dedup off   # options for codepack

Each codepack run is a fresh ``codepack pack`` process with default options (dedup, secrets
and FIM on) unless options follow ``--``; its peak memory is the largest RSS of any one of
its processes (the main one or a worker), read from ``wait4``, and its CPU time is user +
system of the run and its workers, which load from other work inflates far less than wall
time. Throughput is over the bytes of the files codepack's walker lists (after .gitignore and
vendored folders), which is what both codepack and the floor read.

repomix (``npm install repomix@VERSION`` into ``--repomix-dir``, kept there for the next run)
packs each repository into its own output file with its default options (token counting and
its secret check on; no ordering, no dedup, no Parquet), one ``repomix`` process per
repository as a user would run it; its MB/s is over the same bytes as codepack's, although
its own ignore rules may pick slightly other files. Without npm or node, or when the install
fails, its row is left out with the reason.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import pyarrow as pa
import pyarrow.parquet as pq

# this folder holds benchmarks/secrets.py, which would shadow the standard library's `secrets`
# for the codepack code this process runs (the floor's walk)
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]

from codepack.config import ScanConfig  # noqa: E402  (after the path fix above)
from codepack.inputs import FolderRepo  # noqa: E402
from codepack.records import SkippedFile  # noqa: E402

REPOMIX_VERSION = "1.18.1"  # the version issue #14 compared against
NPM_INSTALL_SECONDS = 600


@dataclass(frozen=True)
class Measure:
    """One row of the table: a packer's run over the whole corpus."""

    label: str
    seconds: float  # wall time
    cpu: float  # user + system seconds
    peak_mb: int | None = None  # largest RSS of one process; None where not measured


def floor(root: Path, out: Path, single: bool) -> tuple[Measure, int]:
    """Read the files codepack reads (those its walker lists and whose name does not rule
    them out, as images or lock files), concatenate per repository, write Parquet.
    Returns the measure and the bytes read, the denominator of every MB/s."""
    started, cpu_started = time.perf_counter(), time.process_time()
    names, texts = [], []
    total = 0
    config = ScanConfig()
    for repo in repositories(root, single):
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
    measure = Measure("floor (read+write)", time.perf_counter() - started,
                      time.process_time() - cpu_started)
    return measure, total


def repositories(root: Path, single: bool) -> list[Path]:
    """The corpus's repositories: ``root`` itself, or each folder in it, by name."""
    return [root] if single else sorted(p for p in root.iterdir() if p.is_dir())


def run_process(cmd: Sequence[str], cwd: Path | None = None) -> tuple[float, int, float]:
    """Run one command to its end; return (wall seconds, peak RSS in MB of its largest
    process, user + system CPU seconds of it and its children). Fails loudly: a benchmark
    of a run that did not finish would be meaningless."""
    started = time.perf_counter()
    proc = subprocess.Popen(list(cmd), cwd=cwd)
    _, status, usage = os.wait4(proc.pid, 0)  # this run's own peak RSS (and its children')
    seconds = time.perf_counter() - started
    if status != 0:
        raise RuntimeError(f"exit status {os.waitstatus_to_exitcode(status)}: "
                           f"{' '.join(cmd)}")
    return seconds, usage.ru_maxrss // 1024, usage.ru_utime + usage.ru_stime


def run_codepack(
    root: Path, out: Path, workers: int, single: bool, extra: list[str]
) -> Measure:
    """Run ``codepack pack`` in a fresh process."""
    cmd = [sys.executable, "-m", "codepack", "pack", str(root), "--out", str(out), "--quiet",
           "--overwrite", "--workers", str(workers), *extra]
    if single:
        cmd.append("--single-repo")
    try:
        seconds, peak, cpu = run_process(cmd)
    except RuntimeError as exc:
        raise SystemExit(f"codepack failed: {exc}") from None
    return Measure(f"codepack workers={workers}", seconds, cpu, peak)


def default_repomix_dir(version: str) -> Path:
    """Where repomix is installed and kept between runs: the user's cache folder."""
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "codepack-bench" / f"repomix-{version}"


def installed_repomix(folder: Path, version: str) -> Path | None:
    """The ``repomix`` command installed in ``folder`` at exactly ``version``, if it is."""
    command = folder / "node_modules" / ".bin" / "repomix"
    package = folder / "node_modules" / "repomix" / "package.json"
    try:
        found = json.loads(package.read_text(encoding="utf-8")).get("version")
    except (OSError, ValueError):
        return None
    return command if found == version and command.exists() else None


def install_repomix(folder: Path, version: str) -> Path | str:
    """``npm install repomix@version`` into ``folder`` unless it is there already.

    Returns the command, or the reason there is none (npm or node missing, the install
    failed), which the table prints in place of repomix's row."""
    found = installed_repomix(folder, version)
    if found is not None:
        return found
    npm, node = shutil.which("npm"), shutil.which("node")
    if npm is None or node is None:
        return f"{'npm' if npm is None else 'node'} is not on PATH"
    folder.mkdir(parents=True, exist_ok=True)
    cmd = [npm, "install", "--prefix", str(folder), "--no-audit", "--no-fund",
           "--loglevel=error", f"repomix@{version}"]
    print(f"installing repomix {version} into {folder} (once) ...", file=sys.stderr)
    try:
        done = subprocess.run(cmd, capture_output=True, text=True,
                              timeout=NPM_INSTALL_SECONDS, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"npm install repomix@{version} failed: {exc}"
    if done.returncode != 0:
        lines = (done.stderr or done.stdout).strip().splitlines()
        return (f"npm install repomix@{version} failed "
                f"(exit status {done.returncode}): {lines[-1] if lines else 'no message'}")
    return installed_repomix(folder, version) or (
        f"npm install repomix@{version} left no node_modules/.bin/repomix in {folder}")


def run_repomix(
    command: Path, version: str, root: Path, out: Path, single: bool
) -> Measure | str:
    """Run repomix once per repository, each into its own output file; the measure sums
    their times and takes the largest peak. Runs in ``out`` so that no ``repomix.config.json``
    of the current folder changes its defaults. Returns the reason instead where a run
    fails."""
    seconds = cpu = 0.0
    peak = 0
    for repo in repositories(root, single):
        cmd = [str(command), str(repo.absolute()), "--output", str(out / f"{repo.name}.xml"),
               "--quiet"]
        try:
            wall, rss, used = run_process(cmd, cwd=out)
        except (RuntimeError, OSError) as exc:
            return f"repomix failed on {repo.name}: {exc}"
        seconds, cpu, peak = seconds + wall, cpu + used, max(peak, rss)
    return Measure(f"repomix {version}", seconds, cpu, peak)


def format_table(size: int, floor_measure: Measure, runs: Sequence[Measure]) -> list[str]:
    """The table: each run's seconds, MB/s over ``size`` bytes, peak RSS, ratio of the
    floor's MB/s and CPU seconds."""
    lines = [f"{'run':<24}{'seconds':>9}{'MB/s':>9}{'peak MB':>9}{'vs floor':>10}{'CPU s':>9}"]
    for run in (floor_measure, *runs):
        peak = "" if run.peak_mb is None else str(run.peak_mb)
        lines.append(f"{run.label:<24}{run.seconds:9.2f}{mb_per_second(size, run):9.2f}"
                     f"{peak:>9}{floor_measure.seconds / run.seconds:10.3f}{run.cpu:9.2f}")
    return lines


def mb_per_second(size: int, run: Measure) -> float:
    return size / 1e6 / run.seconds


def comparisons(codepack_runs: Sequence[Measure], repomix: Measure | None) -> list[str]:
    """The ratios issue #14 judges: each worker count against one worker (by wall time and,
    since CPU time is what a shared machine distorts least, by CPU per MB), and the
    fastest codepack run against repomix."""
    lines = []
    one = next((r for r in codepack_runs if r.label == "codepack workers=1"), None)
    if one is not None:
        for run in codepack_runs:
            if run is not one:
                lines.append(f"{run.label}: {one.seconds / run.seconds:.2f}x the speed of "
                             f"workers=1, at {run.cpu / one.cpu:.2f}x its CPU time")
    if repomix is not None and codepack_runs:
        best = min(codepack_runs, key=lambda r: r.seconds)
        lines.append(f"{best.label}: {repomix.seconds / best.seconds:.2f}x the speed of "
                     "repomix")
    return lines


def load_synth() -> ModuleType:
    """``benchmarks/synth.py``, loaded from its file: putting this folder on ``sys.path``
    would let ``benchmarks/secrets.py`` shadow the standard library's ``secrets``."""
    spec = importlib.util.spec_from_file_location("synth", Path(__file__).with_name("synth.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     epilog="options after -- go to every codepack pack run")
    parser.add_argument("corpus", help="'stdlib', 'synth', or a folder of repositories")
    parser.add_argument("--scale", type=float, default=10.0, help="synth: multiple of the stdlib")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2],
                        help="codepack runs, one per worker count (default: 1 2)")
    parser.add_argument("--keep", type=Path, help="keep the synthetic corpus here")
    parser.add_argument("--no-repomix", action="store_true", help="leave repomix out")
    parser.add_argument("--repomix-version", default=REPOMIX_VERSION)
    parser.add_argument("--repomix-dir", type=Path,
                        help="install repomix here and reuse it (default: a folder in the "
                        "user's cache, ~/.cache/codepack-bench/repomix-VERSION)")
    argv = sys.argv[1:]
    split = argv.index("--") if "--" in argv else len(argv)  # after --: codepack's options
    args = parser.parse_args(argv[:split])
    args.codepack_args = argv[split + 1:]

    tmp = Path(tempfile.mkdtemp(prefix="codepack-bench-"))
    try:
        single = False
        if args.corpus == "stdlib":
            root, single = Path(sysconfig.get_paths()["stdlib"]), True
        elif args.corpus == "synth":
            root = args.keep or tmp / "synth"
            if not root.exists():
                root.mkdir(parents=True)
                synth = load_synth()
                synth.generate(root, int(synth.stdlib_bytes() * args.scale))
        else:
            root = Path(args.corpus)
        repomix: Path | str = "left out (--no-repomix)"
        if not args.no_repomix:  # installed first, so that no install falls inside a timing
            folder = args.repomix_dir or default_repomix_dir(args.repomix_version)
            repomix = install_repomix(folder, args.repomix_version)
        # the packers first: a child started after the floor filled this process's memory
        # would report that memory as its own peak
        runs = [run_codepack(root, tmp / f"out{w}", w, single, args.codepack_args)
                for w in args.workers]
        repomix_run: Measure | None = None
        if isinstance(repomix, Path):
            (tmp / "repomix").mkdir()
            result = run_repomix(repomix, args.repomix_version, root, tmp / "repomix", single)
            if isinstance(result, Measure):
                repomix_run = result
            else:
                repomix = result
        (tmp / "floor").mkdir()
        floor_measure, size = floor(root, tmp / "floor", single)
        print(f"corpus {root}: {size / 1e6:.1f} MB in the files codepack reads")
        others = [*runs, *([repomix_run] if repomix_run else [])]
        print("\n".join(format_table(size, floor_measure, others)))
        if repomix_run is None:
            print(f"repomix: no row, {repomix}")
        print("\n".join(comparisons(runs, repomix_run)))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
