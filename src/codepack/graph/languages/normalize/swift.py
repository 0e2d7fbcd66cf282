"""Swift: ``import`` declarations, which name modules.

``import Foo`` and ``@testable import Foo`` -> ``Foo``; a submodule import ``import Foo.Bar``
keeps its dotted path. A declaration import ``import struct Foo.Bar`` names a symbol of a
module: spec ``Foo`` (the module, which is what the resolver maps to a folder) with names
``("Bar",)``. ``#if canImport(X)`` blocks are flat directives in this grammar, so the
extractor marks them conditional from ``@region.open``/``@region.close`` captures.

The files of one module need no import to use each other's top-level names, so a file also
declares its top-level names (``class:<Name>``) and gets one implicit import of kind
``same_module`` (spec ``.``, the own module) carrying the simple names its code uses.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from tree_sitter import Node

from codepack.graph.languages.normalize.common import Captures, Leaf, first, text
from codepack.records import ImportRef

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


SAME_MODULE = "same_module"  # kind of the implicit import of the file's own module
OWN_MODULE = "."  # its spec
TOP_LEVEL = "class:"  # a declaration entry ``class:<Name>``


def declarations(nodes: Sequence[Node]) -> Iterator[str]:
    """``class:<Name>`` for each top-level name the file declares."""
    for node in nodes:
        name = text(node).strip("`")
        if name:
            yield TOP_LEVEL + name


def implicit_imports(
    imports: Sequence[ImportRef], declared: Sequence[Node], used: frozenset[str]
) -> Iterator[ImportRef]:
    """``imports`` plus the implicit import of the own module with the names the code uses
    (the resolver keeps those another file of the module declares)."""
    yield from imports
    if used:
        yield ImportRef(OWN_MODULE, 1, kind=SAME_MODULE, names=tuple(sorted(used)), wildcard=True)
