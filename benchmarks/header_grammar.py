"""Which grammar reads a corpus's ``.h`` files, and how many parse with errors.

A ``.h`` is C or C++. codepack parses one that spells C++ (``looks_like_cpp``) with the C++
grammar; this prints, per repository, how many headers that is, how many fail to parse with
the C grammar alone, and how many fail with the grammar codepack chooses.

Usage::

    python benchmarks/header_grammar.py CORPUS
"""

from __future__ import annotations

import sys
from pathlib import Path

from codepack.graph.languages.extract import _parser, extract_file, looks_like_cpp


def main(argv: list[str]) -> int:
    for repo in sorted(p for p in Path(argv[0]).iterdir() if p.is_dir()):
        headers = sorted(repo.rglob("*.h"))
        as_cpp = c_errors = errors = 0
        for header in headers:
            text = header.read_text(encoding="utf-8", errors="replace")
            as_cpp += looks_like_cpp(text)
            c_errors += _parser("c").parse(text.encode("utf-8", "replace")).root_node.has_error
            errors += extract_file(text, "c").parse_error
        print(f"{repo.name:22} headers {len(headers):5}  read as C++ {as_cpp:5}"
              f"  errors with the C grammar {c_errors:5}  with the chosen one {errors:5}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
