"""Java import-graph recall and precision against the oracle, read javac's way.

The oracle (``../shared/oracle``) links a wildcard import to every file of the package and
leaves same-package references out. javac depends on a class only when the file names it. So
this view keeps an oracle edge ``A -> B`` (both ``.java``) only when B's class name occurs as a
word in A's code (comments stripped), and confirms a codepack edge when the oracle has it or
when B sits in A's folder and A names it. Missed edges are split by cause: B is a file
codepack skips (``@generated``), or codepack linked A to another build flavour's copy of B's
class (the oracle picks one copy; Gradle compiles the flavour being built).

Usage::

    python benchmarks/java_named_recall.py CORPUS ORACLE_OUT
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import codepack

_COMMENT = re.compile(r"/\*.*?\*/|//[^\n]*", re.S)


def _class_name(path: str) -> str:
    return path.rpartition("/")[2].rpartition(".")[0]


def _folder(path: str) -> str:
    return path.rpartition("/")[0]


def score(repo: Path, oracle: dict) -> dict[str, int]:
    """Counts for one repository: named oracle edges, found, codepack edges, confirmed."""
    words: dict[str, set[str]] = {}

    def named(src: str, dst: str) -> bool:
        if src not in words:
            code = _COMMENT.sub(" ", (repo / src).read_text(encoding="utf-8", errors="replace"))
            words[src] = set(re.findall(r"\w+", code))
        return _class_name(dst) in words[src]

    java = (".java",)
    truth = {(a, b) for a, b, *_ in oracle["edges"] if a.endswith(java) and b.endswith(java)}
    wanted = {(a, b) for a, b in truth if named(a, b)}
    report = codepack.deps(repo)
    ours = {
        (f["path"], t)
        for f in report["files"]
        if f["path"].endswith(java)
        for i in f["imports"]
        for t in i["resolved"]
        if t != f["path"] and t.endswith(java)
    }
    confirmed = sum(
        1 for a, b in ours if (a, b) in truth or (_folder(a) == _folder(b) and named(a, b))
    )
    packed = {f["path"] for f in report["files"]}
    missed = wanted - ours
    skipped = {(a, b) for a, b in missed if b not in packed}
    copies = {(a, b) for a, b in missed - skipped if _linked_copy(a, b, ours)}
    return {"oracle": len(wanted), "found": len(wanted & ours), "ours": len(ours),
            "confirmed": confirmed, "skipped": len(skipped),
            "copy": len(copies)}  # fmt: skip


def _linked_copy(src: str, dst: str, ours: set[tuple[str, str]]) -> bool:
    """Whether codepack linked ``src`` to another copy of ``dst``'s class: the same path
    below the source root in another source set (``src/mlkit/java/a/B.java`` for
    ``src/general/java/a/B.java``), as Android build flavours have; Gradle compiles one."""
    tail = dst.partition("/java/")[2]
    return bool(tail) and any(
        a == src and b != dst and b.partition("/java/")[2] == tail for a, b in ours
    )


def main(argv: list[str]) -> int:
    corpus, oracle_out = Path(argv[0]), Path(argv[1])
    total = {"oracle": 0, "found": 0, "ours": 0, "confirmed": 0, "skipped": 0, "copy": 0}
    for edges_file in sorted(oracle_out.glob("*.edges.json")):
        oracle = json.loads(edges_file.read_text(encoding="utf-8"))
        name = edges_file.name.removesuffix(".edges.json")
        if "java" not in oracle.get("analyzers", {}) or not (corpus / name).is_dir():
            continue
        counts = score(corpus / name, oracle)
        for key in total:
            total[key] += counts[key]
        _print(name, counts)
    _print("all", total)
    return 0


def _print(name: str, c: dict[str, int]) -> None:
    recall = c["found"] / c["oracle"] if c["oracle"] else 0.0
    precision = c["confirmed"] / c["ours"] if c["ours"] else 0.0
    print(f"{name:24} recall {c['found']}/{c['oracle']} = {recall:.3f}"
          f"  precision {c['confirmed']}/{c['ours']} = {precision:.3f}"
          f"  missed: skipped target {c['skipped']}, flavour copy {c['copy']}")  # fmt: skip


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
