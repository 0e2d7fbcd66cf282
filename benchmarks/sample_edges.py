"""A seeded random sample of import-graph edges, printed for a human to judge.

For languages with no oracle (Kotlin, Scala, C#, Swift): each edge shows the importing file,
the import line as written (or the package line, for an implicit same-package import), the
rule that resolved it, the target, and which of the names the import carries the target
declares (then grep the importer for them) — what a reviewer needs to say "real dependency"
or "false edge".

With ``--misses`` it samples files instead and lists, for each, the files of its own folder
whose name (the class a Java/Kotlin/C#/Swift file is usually named after) occurs as a word in
its code, comments stripped, but that it has no edge to: candidate missed same-package uses,
with the share of such named neighbours that are linked (a recall proxy).

Usage::

    python benchmarks/sample_edges.py CORPUS LANGUAGE [N=40] [SEED=0] [--misses]
"""

from __future__ import annotations

import random
import re
import sys
from pathlib import Path

import codepack
from codepack.graph.languages.extract import extract_declarations
from codepack.graph.languages.registry import language_for_path


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
    target = (corpus / repo / dst).read_text(encoding="utf-8", errors="replace")
    declared = {  # the target's top-level names (``class:<package>.<Name>`` entries)
        d.removeprefix("class:").rpartition(".")[2]
        for d in extract_declarations(target, language_for_path(dst).name)
        if d.startswith("class:")
    }
    matched = [n for n in ref.get("names", ()) if n in declared or f"{n}Attribute" in declared]
    if not matched:  # Java classes and facades are file names, not declarations
        words = set(re.findall(r"\w+", target))
        matched = [n for n in ref.get("names", ()) if n in words]
    return (
        f"{repo}: {src}:{ref['line']}  [{ref['rule']}] {ref['kind']}\n"
        f"    {written}\n"
        f"    -> {dst}\n"
        f"    names used that the target declares: {', '.join(matched[:8]) or '-'}"
    )


_COMMENT = re.compile(r"/\*.*?\*/|//[^\n]*", re.S)


def misses(corpus: Path, language: str, n: int, seed: int) -> None:
    """Print candidate missed same-folder uses for ``n`` sampled files of ``language``."""
    files: list[tuple[str, str, set[str], set[str]]] = []  # repo, path, linked, repo's files
    for repo in sorted(p for p in corpus.iterdir() if p.is_dir()):
        records = [r for r in codepack.deps(repo)["files"] if r["language"] == language]
        paths = {r["path"] for r in records}
        for record in records:
            linked = {t for ref in record["imports"] for t in ref["resolved"]}
            files.append((repo.name, record["path"], linked, paths))
    sample = random.Random(seed).sample(files, min(n, len(files)))
    named = found = 0
    for repo, src, linked, paths in sample:
        text = (corpus / repo / src).read_text(encoding="utf-8", errors="replace")
        code = _COMMENT.sub(" ", text)
        words = set(re.findall(r"\w+", code))
        folder = src.rpartition("/")[0]
        neighbours = sorted(
            p for p in paths
            if p != src and p.rpartition("/")[0] == folder
            and p.rpartition("/")[2].rpartition(".")[0] in words
        )  # fmt: skip
        named += len(neighbours)
        found += sum(1 for p in neighbours if p in linked)
        for p in neighbours:
            if p not in linked:
                print(f"{repo}: {src} names {p.rpartition('/')[2]} but has no edge to it")
    print(f"\n{len(sample)} {language} files sampled (seed {seed}): {found}/{named} same-folder "
          f"files they name are linked")  # fmt: skip


def main(argv: list[str]) -> int:
    flags = [a for a in argv if a.startswith("--")]
    argv = [a for a in argv if not a.startswith("--")]
    corpus, language = Path(argv[0]), argv[1]
    n = int(argv[2]) if len(argv) > 2 else 40
    seed = int(argv[3]) if len(argv) > 3 else 0
    if "--misses" in flags:
        misses(corpus, language, n, seed)
        return 0
    found = edges(corpus, language)
    sample = random.Random(seed).sample(found, min(n, len(found)))
    print(f"{len(found)} {language} edges; {len(sample)} sampled (seed {seed})\n")
    for i, (repo, ref, src, dst) in enumerate(sample, 1):
        print(f"{i:3}. {show(corpus, repo, ref, src, dst)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
