"""How fast ``codepack pack`` stops on Ctrl-C, SIGTERM and kill -9, and what it leaves running.

    python benchmarks/interrupts.py                 # 20 copies of 4 fixture repositories
    python benchmarks/interrupts.py --copies 50 --workers 2

Each case starts a fresh run in its own process group, waits until the run is in the stage
named (a scan work file, or a finished shard), sends the signal and prints the exit status,
the seconds from signal to exit, and the seconds until no process carrying the run's
environment mark (workers, the multiprocessing resource tracker) is left.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures" / "repos"
CASES = (  # signal, to the whole process group?, file that shows the run got far enough
    (signal.SIGINT, True, ".codepack-work/scan-00000004.dedup.json"),
    (signal.SIGINT, True, ".part-00002.parquet.done"),
    (signal.SIGINT, False, ".part-00002.parquet.done"),
    (signal.SIGTERM, False, ".codepack-work/scan-00000004.dedup.json"),
    (signal.SIGTERM, False, ".part-00002.parquet.done"),
    (signal.SIGKILL, False, ".part-00002.parquet.done"),
)


def marked(mark: str) -> list[int]:
    needle = f"CODEPACK_BENCH_RUN={mark}".encode()
    pids = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and needle in (entry / "environ").read_bytes().split(b"\0"):
                pids.append(int(entry.name))
        except OSError:
            continue
    return pids


def one_case(repos: Path, out: Path, workers: int, sig: int, group: bool, stage: str) -> str:
    mark = uuid.uuid4().hex
    stderr_file = out.with_name(out.name + ".stderr")
    with stderr_file.open("w") as stderr:  # a file: orphaned workers cannot hold a pipe open
        proc = subprocess.Popen(
            [sys.executable, "-m", "codepack", "pack", str(repos), "--out", str(out), "--quiet",
             "--shard-bytes", "1", "--workers", str(workers)],
            env={**os.environ, "CODEPACK_BENCH_RUN": mark}, start_new_session=True,
            stdout=subprocess.DEVNULL, stderr=stderr)
    while not (out / stage).exists():
        if proc.poll() is not None:
            return f"finished before {stage}: use more --copies"
        time.sleep(0.01)
    sent = time.monotonic()
    (os.killpg if group else os.kill)(proc.pid, sig)
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    stopped = time.monotonic() - sent
    while (left := marked(mark)) and time.monotonic() - sent < 60:
        time.sleep(0.02)
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    gone = "never (killed)" if left else f"{time.monotonic() - sent:.2f}s"
    lines = len(stderr_file.read_text().strip().splitlines())
    return (f"exit {proc.returncode:>4}  stopped in {stopped:5.2f}s  all processes gone after "
            f"{gone}  stderr lines {lines}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        repos = Path(tmp) / "repos"
        for i in range(args.copies):
            for name in ("py-pkg", "go-mod", "ts-app", "java-maven"):
                shutil.copytree(FIXTURES / name, repos / f"{name}-{i:02d}")
        for n, (sig, group, stage) in enumerate(CASES):
            target = "group" if group else "main "
            result = one_case(repos, Path(tmp) / f"out-{n}", args.workers, sig, group, stage)
            print(f"{signal.Signals(sig).name:<7} to {target} at {stage:<40} {result}",
                  flush=True)


if __name__ == "__main__":
    main()
