"""CPU seconds of the example stage (``build_examples``) and of a whole pack, before and after
a change.

    python benchmarks/examples_cpu.py CORPUS --checkouts BASE NEW [--rounds 3]

Each run is a fresh process with ``CHECKOUT/src`` on PYTHONPATH that packs ``CORPUS`` with one
worker and default options, in process, and reports the CPU time (user + sys, its children
included) of the whole pack and the part of it spent in ``build_examples``. The checkouts
take turns (BASE, NEW, BASE, NEW, ...) so that load from other work on a shared machine falls
on both alike; the table shows each checkout's median.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

_RUN = r"""
import json, resource, sys, time
import codepack
import codepack.run.pipeline as pipeline

spent = 0.0
build = pipeline.build_examples

def timed(*args, **kwargs):
    global spent
    start = time.process_time()
    try:
        return build(*args, **kwargs)
    finally:
        spent += time.process_time() - start

def cpu():
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime

pipeline.build_examples = timed
start = cpu()
codepack.pack([sys.argv[1]], sys.argv[2], workers=1, overwrite=True)
print(json.dumps({"pack": cpu() - start, "examples": spent}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus")
    parser.add_argument("--checkouts", nargs="+", required=True)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    runs: dict[str, list[dict[str, float]]] = {c: [] for c in args.checkouts}
    with tempfile.TemporaryDirectory() as scratch:
        for round_ in range(args.rounds):
            for checkout in args.checkouts:
                env = {**os.environ, "PYTHONPATH": str(Path(checkout) / "src")}
                out = Path(scratch) / f"out-{round_}"
                done = subprocess.run(
                    [sys.executable, "-c", _RUN, args.corpus, str(out)],
                    env=env, check=True, capture_output=True, text=True,
                )
                figures = json.loads(done.stdout.strip().splitlines()[-1])
                runs[checkout].append(figures)
                print(f"round {round_ + 1} {checkout}: pack {figures['pack']:.1f} s, "
                      f"examples {figures['examples']:.2f} s", file=sys.stderr)
    print("| checkout | pack CPU s (median) | build_examples CPU s (median) |")
    print("|---|---|---|")
    for checkout, figures in runs.items():
        pack = statistics.median(f["pack"] for f in figures)
        examples = statistics.median(f["examples"] for f in figures)
        print(f"| {checkout} | {pack:.1f} | {examples:.2f} |")


if __name__ == "__main__":
    main()
