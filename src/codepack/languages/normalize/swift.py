"""Swift: ``import`` declarations, which name modules.

``import Foo`` and ``@testable import Foo`` -> ``Foo``; a submodule import ``import Foo.Bar``
keeps its dotted path. A declaration import ``import struct Foo.Bar`` names a symbol of a
module: spec ``Foo`` (the module, which is what the resolver maps to a folder) with names
``("Bar",)``. ``#if canImport(X)`` blocks are flat directives in this grammar, so the
extractor marks them conditional from ``@region.open``/``@region.close`` captures.
"""

from __future__ import annotations

from collections.abc import Iterator

from tree_sitter import Node

from codepack.languages.normalize.common import Captures, Leaf, first, text

_DECLARATION_KINDS = frozenset(
    {"typealias", "struct", "class", "enum", "protocol", "let", "var", "func"}
)


def expand(kind: str, stmt: Node, captures: Captures) -> Iterator[Leaf]:
    """Leaves of one Swift import declaration."""
    node = first(captures, "spec")
    if node is None:
        return
    parts = [text(c).strip("`") for c in node.named_children if c.type == "simple_identifier"]
    if not parts:
        return
    declares_symbol = any(not c.is_named and c.type in _DECLARATION_KINDS for c in stmt.children)
    if declares_symbol and len(parts) > 1:
        yield Leaf(parts[0], kind, (".".join(parts[1:]),))
    else:
        yield Leaf(".".join(parts), kind)
