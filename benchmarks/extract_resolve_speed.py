"""CPU seconds of import extraction and of resolution for one repository's files of one
language: the part of a run that import rules change, without reading, filtering or writing.

    python benchmarks/extract_resolve_speed.py /tmp/corpus-go/std --language go --repeat 2

Prints the best of ``--repeat`` runs (process CPU time, so other load on the machine matters
less than with wall time). Compare two checkouts by running it with each one's ``src`` on
PYTHONPATH, alternately.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from codepack.graph.languages.extract import extract_file
from codepack.graph.languages.registry import language_for_path
from codepack.graph.resolve import resolve_repo
from codepack.inputs import AUX_FILE_NAMES


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("repo", type=Path)
    parser.add_argument("--language", default="go")
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    texts: dict[str, str] = {}
    aux: dict[str, str] = {}
    for path in sorted(args.repo.rglob("*")):
        if not path.is_file():
            continue
        rel = path.relative_to(args.repo).as_posix()
        language = language_for_path(rel)
        if path.name in AUX_FILE_NAMES:
            aux[rel] = path.read_text(errors="replace")
        elif language is not None and language.name == args.language:
            texts[rel] = path.read_text(errors="replace")
    best_extract = best_resolve = float("inf")
    edges = 0
    for _ in range(args.repeat):
        started = time.process_time()
        found = {path: extract_file(text, args.language) for path, text in texts.items()}
        extracted = time.process_time()
        resolution = resolve_repo(
            [(path, args.language, x.imports) for path, x in found.items()],
            aux,
            declarations={path: x.declarations for path, x in found.items() if x.declarations},
        )
        resolved = time.process_time()
        best_extract = min(best_extract, extracted - started)
        best_resolve = min(best_resolve, resolved - extracted)
        edges = len(resolution.edges)
    print(
        f"{args.repo.name}: {len(texts)} {args.language} files, extract {best_extract:.2f} s, "
        f"resolve {best_resolve:.2f} s, {edges} edges, total {best_extract + best_resolve:.2f} s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
