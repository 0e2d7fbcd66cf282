"""CPU seconds to extract the imports of every file of some languages in a folder (best of 3).

Process CPU time, not wall time: on a machine shared with other work, wall time varies by a
factor of two between runs of the same code. Compare two checkouts by their PYTHONPATH.

Usage::

    python benchmarks/extract_cpu.py FOLDER c,cpp
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from codepack.graph.languages.extract import extract_file
from codepack.graph.languages.registry import language_for_path


def main(argv: list[str]) -> int:
    wanted = set(argv[1].split(","))
    files: list[tuple[str, str]] = []
    for path in sorted(Path(argv[0]).rglob("*")):
        language = language_for_path(str(path))
        if language is not None and language.name in wanted and path.is_file():
            files.append((path.read_text(encoding="utf-8", errors="replace"), language.name))
    runs = []
    for _ in range(3):
        start = time.process_time()
        for text, language in files:
            extract_file(text, language)
        runs.append(time.process_time() - start)
    megabytes = sum(len(text) for text, _ in files) / 1e6
    print(f"{len(files)} files, {megabytes:.1f} MB: best {min(runs):.2f} s CPU "
          f"(runs: {', '.join(f'{r:.2f}' for r in runs)})")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
