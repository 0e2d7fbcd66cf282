"""A seeded random sample of import-graph edges, printed for a human to judge.

For languages with no oracle (Kotlin, Scala, C#, Swift): each edge shows the importing file,
the import line as written (or the package line, for an implicit same-package import), the
rule that resolved it, the target, and which of the names the import carries the target
file's text mentions — what a reviewer needs to say "real dependency" or "false edge".

Usage::

    python benchmarks/sample_edges.py CORPUS LANGUAGE [N=40] [SEED=0]
"""

from __future__ import annotations

import random
import re
import sys
from pathlib import Path

import codepack


def edges(corpus: Path, language: str) -> list[tuple[str, dict, str, str]]:
    """``(repo, import record, src, dst)`` for every edge from a ``language`` file, sorted."""
    found = []
    for repo in sorted(p for p in corpus.iterdir() if p.is_dir()):
        for record in codepack.deps(repo)["files"]:
            if record["language"] != language:
                continue
            for ref in record["imports"]:
                for target in ref["resolved"]:
                    found.append((repo.name, ref, record["path"], target))
    return found


def show(corpus: Path, repo: str, ref: dict, src: str, dst: str) -> str:
    lines = (corpus / repo / src).read_text(encoding="utf-8", errors="replace").splitlines()
    written = lines[ref["line"] - 1].strip() if 0 < ref["line"] <= len(lines) else "?"
    target_words = set(
        re.findall(r"\w+", (corpus / repo / dst).read_text(encoding="utf-8", errors="replace"))
    )
    mentioned = [n for n in ref.get("names", ()) if n in target_words]
    return (
        f"{repo}: {src}:{ref['line']}  [{ref['rule']}] {ref['kind']}\n"
        f"    {written}\n"
        f"    -> {dst}\n"
        f"    names the target mentions: {', '.join(mentioned[:8]) or '-'}"
    )


def main(argv: list[str]) -> int:
    corpus, language = Path(argv[0]), argv[1]
    n = int(argv[2]) if len(argv) > 2 else 40
    seed = int(argv[3]) if len(argv) > 3 else 0
    found = edges(corpus, language)
    sample = random.Random(seed).sample(found, min(n, len(found)))
    print(f"{len(found)} {language} edges; {len(sample)} sampled (seed {seed})\n")
    for i, (repo, ref, src, dst) in enumerate(sample, 1):
        print(f"{i:3}. {show(corpus, repo, ref, src, dst)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
