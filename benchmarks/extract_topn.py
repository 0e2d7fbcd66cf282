"""Throughput of import extraction, and how many imports the top-N-lines rule keeps.

The CodeGemma report extracts imports from the top N lines of each file and leaves N open.
This prints, for several N: files/s and MB/s (of whole files) of ``extract_imports``; the
ImportRefs found and their share of a whole-file parse; files with parse errors in those N
lines; and files whose refs differ from what a whole-file parse finds in its first N lines
(the extractor parses only a head of the file; this checks that doing so changes nothing).
Over a folder of source files —
by default the CPython standard library of the running interpreter, which every machine has.

    python benchmarks/extract_topn.py                      # stdlib, python, N = 50 100 200 0
    python benchmarks/extract_topn.py --root ~/src/repo --language go --glob '*.go'
"""

from __future__ import annotations

import argparse
import sysconfig
import time
from pathlib import Path

from codepack.graph.languages.extract import extract_imports


def _files(root: Path, pattern: str) -> list[tuple[str, str]]:
    """(path, text) of every UTF-8 file under ``root`` matching ``pattern``, sorted."""
    found = []
    for path in sorted(root.rglob(pattern)):
        if not path.is_file() or "site-packages" in path.parts:
            continue
        try:
            found.append((str(path), path.read_text(encoding="utf-8")))
        except (UnicodeDecodeError, OSError):
            continue
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=Path(sysconfig.get_paths()["stdlib"]))
    parser.add_argument("--language", default="python")
    parser.add_argument("--glob", default="*.py")
    parser.add_argument("--lines", type=int, nargs="+", default=[50, 100, 200, 0])
    parser.add_argument("--repeat", type=int, default=3, help="best of this many timings")
    args = parser.parse_args()

    files = _files(args.root, args.glob)
    megabytes = sum(len(text.encode("utf-8")) for _, text in files) / 1e6
    print(f"{len(files)} files, {megabytes:.1f} MB under {args.root} ({args.language})")
    extract_imports("", args.language)  # build parser and query outside the timing

    runs = {}
    for lines in sorted(set(args.lines) | {0}):
        seconds = float("inf")
        for _ in range(max(1, args.repeat)):  # best of n: the machine may be shared
            start = time.perf_counter()
            found = [extract_imports(text, args.language, lines) for _, text in files]
            seconds = min(seconds, time.perf_counter() - start)
        runs[lines] = (seconds, found)

    whole = runs[0][1]
    whole_refs = sum(len(imports) for imports, _ in whole)
    header = ("N", "seconds", "files/s", "MB/s", "refs", "of N=0", "errors", "differ")
    widths = (6, 8, 8, 6, 7, 7, 6, 6)
    print(" ".join(f"{h:>{w}}" for h, w in zip(header, widths, strict=True)))
    for lines in args.lines:
        seconds, found = runs[lines]
        refs = sum(len(imports) for imports, _ in found)
        errors = sum(parse_error for _, parse_error in found)
        # files whose refs are not exactly the whole-file parse's refs in the first N lines
        differ = sum(
            imports != tuple(r for r in full if not lines or r.line <= lines)
            for (imports, _), (full, _) in zip(found, whole, strict=True)
        )
        cells = (
            lines or "all",
            f"{seconds:.2f}",
            f"{len(files) / seconds:.0f}",
            f"{megabytes / seconds:.2f}",
            refs,
            f"{refs / whole_refs:.1%}" if whole_refs else "-",
            errors,
            differ,
        )
        print(" ".join(f"{c:>{w}}" for c, w in zip(cells, widths, strict=True)))


if __name__ == "__main__":
    main()
