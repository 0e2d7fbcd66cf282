"""False positives and cost of the per-file complexity limits on real code.

Runs the nesting probe and the whole import extraction over the source files under each
ROOT (at most 1,500 files per language, none over 1 MB) and reports, per language, the
deepest nesting found (brackets outside strings and comments; Ruby's keyword blocks too),
and every file the limits
would skip as ``too_complex`` (there should be none: the limits sit above what CPython
accepts and far above hand-written code).

    python benchmarks/nesting_limits.py /usr/lib/python3.11 /usr/include /usr/lib/ruby

Not a test: it reads thousands of files and takes a couple of minutes on one core.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter, defaultdict
from pathlib import Path

from codepack.graph.languages import complexity
from codepack.graph.languages.extract import extract_file
from codepack.graph.languages.registry import language_for_path

_PER_LANGUAGE = 1500
_MAX_BYTES = 1_000_000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("roots", nargs="+", type=Path)
    args = parser.parse_args()
    files: Counter[str] = Counter()
    depths: dict[str, list[int]] = defaultdict(list)
    skipped: list[tuple[str, str]] = []
    n_bytes, probe_seconds, extract_seconds = 0, 0.0, 0.0
    for root in args.roots:
        for path in sorted(root.rglob("*")):
            language = language_for_path(path.name)
            if language is None or not path.is_file() or path.stat().st_size > _MAX_BYTES:
                continue
            if files[language.name] >= _PER_LANGUAGE:
                continue
            try:
                text = path.read_text("utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            files[language.name] += 1
            n_bytes += len(text)
            start = time.perf_counter()
            code = complexity.code_only(text, language.name)
            depth = complexity.bracket_depth(code)
            if language.name == "ruby":
                depth = max(depth, complexity.keyword_depth(code))
            depths[language.name].append(depth)
            probe_seconds += time.perf_counter() - start
            start = time.perf_counter()
            result = extract_file(text, language.name)
            extract_seconds += time.perf_counter() - start
            if result.too_complex is not None:
                skipped.append((str(path), result.too_complex))
    print(f"{sum(files.values())} files, {n_bytes / 1e6:.1f} MB: probe {probe_seconds:.1f} s,"
          f" whole extraction {extract_seconds:.1f} s")
    for language, found in sorted(depths.items()):
        found.sort()
        print(f"  {language:11} {files[language]:5} files  deepest nesting {found[-1]:3}"
              f"  99th percentile {found[int(len(found) * 0.99)]:3}")
    print(f"too_complex: {len(skipped)}")
    for path, reason in skipped:
        print(f"  {path}: {reason}")


if __name__ == "__main__":
    main()
