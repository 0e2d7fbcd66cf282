"""Go: the package name a file declares, and its build-constraint lines.

A Go import is only as good as the set of files that build together, and that set depends on
each file's ``//go:build`` / ``// +build`` lines. The extractor already parses every file, so
reading those lines here costs one predicate-filtered query capture (top-level comments that
start with ``//go:build`` or ``// +build``) instead of a second pass over the text. The lines
are kept verbatim and target-independent: ``codepack.graph.resolvers.go_build`` evaluates them for
whichever target the resolver is asked about.

Go's rule for where a constraint counts: before the package clause, in the leading run of
``//`` comments, with a blank line after it before the package clause (so a ``// +build`` line
in the package's doc comment is documentation, not a rule).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from tree_sitter import Node

from codepack.graph.languages.normalize.common import text
from codepack.graph.resolvers.go_build import is_constraint


def declarations(nodes: Sequence[Node]) -> Iterator[str]:
    """The package name (``package_identifier`` captures), then the constraint lines that sit
    before the package clause and are followed by a blank line, in file order."""
    packages = [node for node in nodes if node.type == "package_identifier"]
    package_start = min((node.start_byte for node in packages), default=None)
    for node in packages:
        yield text(node)
    for node in sorted((n for n in nodes if n.type == "comment"), key=lambda n: n.start_byte):
        if package_start is not None and node.start_byte > package_start:
            continue
        line = text(node).strip()
        if is_constraint(line) and _blank_line_follows(node):
            yield line


def _blank_line_follows(comment: Node) -> bool:
    """Whether a blank line follows ``comment`` before anything but ``//`` comments: Go reads
    constraints only from the leading run of line comments that a blank line ends (so one in
    the package's doc comment, directly above ``package``, is documentation)."""
    current, following = comment, comment.next_sibling
    while following is not None:
        if following.start_point.row > current.end_point.row + 1:
            return True
        if following.type != "comment" or not text(following).startswith("//"):
            return False
        current, following = following, following.next_sibling
    return True


# A top-level declaration other than an import starts at the beginning of a line with one of
# these keywords (gofmt never indents them); Go allows imports only before them.
_DECLARATION = re.compile(r"^(?:func|type|var|const)\b", re.MULTILINE)


def head_end(text: str) -> int | None:
    """Where the part of a Go file that cannot hold an import starts (its first function,
    type, variable or constant declaration), or None to read the whole file: no such line,
    or the word ``import`` after it (a misplaced import, or one in a comment or string —
    reading the whole file is always right). The extractor checks that the head parses
    without errors, which a cut inside a raw string or comment would leave."""
    first = _DECLARATION.search(text)
    if first is None or text.find("import", first.start()) >= 0:
        return None
    return first.start()
