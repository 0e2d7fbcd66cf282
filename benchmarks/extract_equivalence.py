"""Does reading only a file's head give what a whole-file read gives? File by file, record by
record, with the CPU each read costs.

    python benchmarks/extract_equivalence.py FOLDER [FOLDER ...] [--lang go,python]

Every file under each FOLDER (recursively) whose language the extractor supports is read
twice in one process, taking turns: ``extract_file(text, lang)`` (the head alone where the
language allows it, see ``_read_head`` in ``codepack.graph.languages.extract``) and
``extract_file(text, lang, whole=True)``. Per language it prints the files, how many were
read from their head, the files whose imports (every field of every ``ImportRef``),
declarations or ``too_complex`` differ (must be 0), the files where only ``parse_error``
differs (a syntax error past the head, which the head read does not see), and the CPU
seconds of both reads (process time, least of ``--rounds``). Exits 1 on any difference
other than ``parse_error``, after printing the first few.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path

from codepack.graph.languages.extract import _RULES, extract_file, supports
from codepack.graph.languages.registry import language_for_path


def load(folders: list[Path], languages: set[str] | None) -> list[tuple[str, str, str]]:
    """(path, language, text) of every supported file under ``folders``, in path order."""
    files = []
    for folder in folders:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            language = language_for_path(path.name)
            if language is None or not supports(language.name):
                continue
            if languages is not None and language.name not in languages:
                continue
            files.append((str(path), language.name, path.read_text(errors="replace")))
    return files


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folders", type=Path, nargs="+")
    parser.add_argument("--lang", help="comma-separated languages (default: all)")
    parser.add_argument("--rounds", type=int, default=1, help="timed rounds (least is kept)")
    args = parser.parse_args()
    languages = set(args.lang.split(",")) if args.lang else None
    files = load(args.folders, languages)

    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    head_cpu: dict[str, list[float]] = defaultdict(lambda: [0.0] * args.rounds)
    whole_cpu: dict[str, list[float]] = defaultdict(lambda: [0.0] * args.rounds)
    examples: list[str] = []
    for language in {language for _, language, _ in files}:
        extract_file("", language)  # compiles the language's query outside the timings
    for round_ in range(args.rounds):
        for path, language, text in files:
            started = time.process_time()
            head = extract_file(text, language)
            middle = time.process_time()
            whole = extract_file(text, language, whole=True)
            head_cpu[language][round_] += middle - started
            whole_cpu[language][round_] += time.process_time() - middle
            if round_:
                continue
            row = counts[language]
            row["files"] += 1
            rules = _RULES[language]
            if rules.head_end is not None and rules.head_end(text) is not None:
                row["head cut"] += 1
            differs = (
                head.imports != whole.imports
                or head.declarations != whole.declarations
                or head.too_complex != whole.too_complex
            )
            if differs:
                row["differ"] += 1
                if len(examples) < 5:
                    examples.append(f"{path}: head {head} / whole {whole}")
            elif head.parse_error != whole.parse_error:
                row["parse_error only"] += 1

    print(f"{'language':<12}{'files':>7}{'head cut':>9}{'differ':>7}{'parse_error only':>17}"
          f"{'head s':>8}{'whole s':>8}{'change':>8}")
    total = defaultdict(float)
    for language in sorted(counts):
        row = counts[language]
        head, whole = min(head_cpu[language]), min(whole_cpu[language])
        total["head"] += head
        total["whole"] += whole
        total["differ"] += row["differ"]
        print(f"{language:<12}{row['files']:7}{row['head cut']:9}{row['differ']:7}"
              f"{row['parse_error only']:17}{head:8.2f}{whole:8.2f}"
              f"{(head - whole) / whole * 100 if whole else 0:+7.0f}%")
    print(f"{'all':<12}{sum(r['files'] for r in counts.values()):7}{'':9}{int(total['differ']):7}"
          f"{'':17}{total['head']:8.2f}{total['whole']:8.2f}"
          f"{(total['head'] - total['whole']) / total['whole'] * 100:+7.0f}%")
    for line in examples:
        print(line[:2000])
    return 1 if total["differ"] else 0


if __name__ == "__main__":
    sys.exit(main())
