"""Where a one-worker ``codepack pack`` spends its time: the top functions by cumulative time.

    python benchmarks/profile_run.py /tmp/mixed                # top ten, cumulative time
    python benchmarks/profile_run.py /tmp/mixed --top 25 --sort tottime
    python benchmarks/profile_run.py stdlib --save /tmp/run.prof   # keep the raw profile

The run is ``codepack pack`` in this process with one worker and default options (or the
``codepack pack`` options given after the corpus, such as ``--dedup off``), under cProfile,
so every stage is seen (a pool's workers would hide theirs); only the library call is
profiled, not option parsing. The table is Markdown, ready for the README's before/after
comparison: run it with each checkout's ``src`` on PYTHONPATH. cProfile adds overhead to
every Python call, so compare its tables with each other, not with an unprofiled run. Its
times are wall time: on a shared machine, profile when it is quiet, or compare shares (the
``% of run`` column) rather than seconds.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import sysconfig
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

# this folder holds benchmarks/secrets.py, which would shadow the standard library's `secrets`
# (numpy imports it) once codepack runs in this process
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]

# pstats' own function key: (file, line, name)
FunctionKey = tuple[str, int, str]


@dataclass(frozen=True)
class Row:
    """One function of the profile: its share of the run and where it is."""

    cumulative: float  # seconds in the function and everything it calls
    own: float  # seconds in the function's own code
    calls: int
    where: str


def describe(key: FunctionKey) -> str:
    """``module/path.py:line(name)`` with the path cut to the part after ``site-packages``,
    ``src`` or the standard library, so the table fits in a README and reads the same from
    any checkout; built-ins keep pstats' ``{built-in method ...}`` form."""
    file, line, name = key
    if file == "~" or not file:
        return name
    parts = Path(file).parts
    for marker in ("site-packages", "src"):
        if marker in parts:
            parts = parts[len(parts) - parts[::-1].index(marker):]
            break
    else:
        stdlib = Path(sysconfig.get_paths()["stdlib"]).parts
        if parts[: len(stdlib)] == stdlib:
            parts = parts[len(stdlib):]
    return f"{'/'.join(parts)}:{line}({name})"


# a function with at least this share of the run only encloses it (the driver's entry points)
ENCLOSING_SHARE = 0.99
# the import machinery's inner frames: one row (`_find_and_load`) stands for every import
IMPORT_INTERNALS = ("<frozen importlib.", "<built-in method builtins.exec>")
IMPORT_ROW = "_find_and_load)"


def _shown(row: Row, total: float) -> bool:
    """Whether a row says something: not a frame that merely encloses the whole run (a
    cumulative table would open with rows of 100 %), not an inner frame of an import."""
    if row.cumulative >= ENCLOSING_SHARE * total:
        return False
    return not row.where.startswith(IMPORT_INTERNALS) or row.where.endswith(IMPORT_ROW)


def top_rows(stats: pstats.Stats, count: int, sort: str = "cumulative") -> list[Row]:
    """The ``count`` functions with the most ``sort`` time (``cumulative`` or ``tottime``)
    among those :func:`_shown` keeps."""
    # pstats keeps (calls, primitive calls, own time, cumulative time, callers) per function
    raw = stats.stats  # type: ignore[attr-defined]
    total = stats.total_tt  # type: ignore[attr-defined]
    rows = [Row(cumulative=ct, own=tt, calls=nc, where=describe(key))
            for key, (_, nc, tt, ct, _) in raw.items()]
    rows = [r for r in rows if _shown(r, total)]
    column = "own" if sort == "tottime" else "cumulative"
    rows.sort(key=lambda r: (-getattr(r, column), r.where))
    return rows[:count]


def markdown_table(rows: list[Row], total: float) -> str:
    """The rows as a Markdown table, each time also as a share of the whole run."""
    lines = ["| # | cumulative s | % of run | own s | calls | function |",
             "|---|---|---|---|---|---|"]
    for rank, row in enumerate(rows, 1):
        share = 100 * row.cumulative / total if total > 0 else 0.0
        lines.append(f"| {rank} | {row.cumulative:.2f} | {share:.0f} | {row.own:.2f} | "
                     f"{row.calls:,} | `{row.where}` |")
    return "\n".join(lines)


def profile_pack(root: Path, out: Path, single: bool, extra: list[str]) -> cProfile.Profile:
    """Profile one ``codepack pack`` run with one worker, in this process.

    The command line parses the options as a user's run would, but only the library call it
    makes (``codepack.run.driver.pack``) is profiled: option parsing and the command line's
    imports are not codepack's work on the corpus."""
    from codepack.cli import app
    from codepack.run import driver

    # cProfile's own clock (wall time): a Python timer such as time.process_time is called
    # on every event and would more than double the run, distorting the shares far more
    # than load from other work does
    profiler = cProfile.Profile()
    library_pack = driver.pack

    def profiled_pack(*args: object, **kwargs: object) -> object:
        profiler.enable()
        try:
            return library_pack(*args, **kwargs)  # type: ignore[arg-type]
        finally:
            profiler.disable()

    args = ["pack", str(root), "--out", str(out), "--quiet", "--overwrite", "--workers", "1",
            *extra]
    if single:
        args.append("--single-repo")
    driver.pack = profiled_pack  # type: ignore[assignment]  # the command imports it per call
    try:
        status = app(args, standalone_mode=False)
    finally:
        driver.pack = library_pack
    if status:
        raise SystemExit(f"codepack pack failed (exit status {status}): {' '.join(args)}")
    return profiler


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", help="'stdlib' or a folder of repositories")
    parser.add_argument("--top", type=int, default=10, help="functions to show (default 10)")
    parser.add_argument("--sort", choices=("cumulative", "tottime"), default="cumulative")
    parser.add_argument("--save", type=Path, help="also write the raw profile here")
    args, codepack_args = parser.parse_known_args()  # the rest: options for codepack pack

    if args.corpus == "stdlib":
        root, single = Path(sysconfig.get_paths()["stdlib"]), True
    else:
        root, single = Path(args.corpus), False
    with tempfile.TemporaryDirectory(prefix="codepack-profile-") as tmp:
        started, cpu_started = time.perf_counter(), time.process_time()
        profiler = profile_pack(root, Path(tmp) / "out", single, codepack_args)
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    if args.save:
        profiler.dump_stats(args.save)
    stats = pstats.Stats(profiler, stream=sys.stderr)
    total = stats.total_tt  # type: ignore[attr-defined]
    print(f"{root}: one worker, in-process, under cProfile: {wall:.1f} s wall, {cpu:.1f} s CPU, "
          f"{total:.1f} s profiled")
    print(markdown_table(top_rows(stats, args.top, args.sort), total))


if __name__ == "__main__":
    main()
