"""C#: ``using`` directives and the namespaces a file declares.

``using A.B;`` -> ``A.B`` kind ``using`` (a namespace); ``using static A.B.C;`` -> kind
``using_static`` (a type); ``using X = A.B.C;`` -> ``A.B.C`` kind ``using_alias`` (a type or a
namespace); ``global using`` is the same as ``using``. Specs drop ``global::`` and generic
arguments (``List<int>`` -> ``List``); aliases of non-name types (tuples, ``int``) are skipped.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence

from tree_sitter import Node

from codepack.graph.languages.normalize.common import Captures, Leaf, compact
from codepack.records import ImportRef


def expand(kind: str, stmt: Node, captures: Captures) -> Iterator[Leaf]:
    """Leaves of one ``using`` directive."""
    alias = stmt.child_by_field_name("name")
    is_static = any(not c.is_named and c.type == "static" for c in stmt.children)
    target = None
    for child in stmt.named_children:
        if child == alias:
            continue
        target = child
    spec = _type_path(target) if target is not None else None
    if not spec:
        return
    if is_static:
        kind = f"{kind}_static"
    elif alias is not None:
        kind = f"{kind}_alias"
    yield Leaf(spec, kind)


def _type_path(node: Node) -> str | None:
    """``A.B.C``, ``global::A.B``, ``A.B<int>`` -> the dotted name without extras."""
    kind = node.type
    if kind == "identifier":
        return compact(node)
    if kind == "generic_name":
        name = next((c for c in node.named_children if c.type == "identifier"), None)
        return compact(name) if name is not None else None
    if kind == "alias_qualified_name":
        name = node.child_by_field_name("name")
        return _type_path(name) if name is not None else None
    if kind == "qualified_name":
        qualifier = node.child_by_field_name("qualifier")
        name = node.child_by_field_name("name")
        if qualifier is None or name is None:
            return None
        left, right = _type_path(qualifier), _type_path(name)
        return f"{left}.{right}" if left and right else None
    return None


_NAMESPACE_DECLARATIONS = frozenset({"namespace_declaration", "file_scoped_namespace_declaration"})
SAME_NAMESPACE = "same_namespace"  # kind of the implicit import of the file's own namespace
TOP_LEVEL = "class:"  # a declaration entry ``class:<namespace>.<Type>``


def _is_namespace_name(node: Node) -> bool:
    parent = node.parent
    return parent is not None and parent.type in _NAMESPACE_DECLARATIONS


def namespaces(nodes: Sequence[Node]) -> Iterator[str]:
    """Full names of the namespaces a file declares, nested blocks joined with ``.``
    (``namespace A { namespace B {} }`` declares ``A`` and ``A.B``), then
    ``class:<namespace>.<Type>`` for each top-level type (``partial`` parts included)."""
    file_scoped = ""
    types: list[Node] = []
    for node in sorted(nodes, key=lambda n: n.start_byte):
        if not _is_namespace_name(node):
            types.append(node)
            continue
        full = _enclosing(node.parent, _type_path(node) or "")
        if full:
            yield full
            if node.parent is not None and node.parent.type == "file_scoped_namespace_declaration":
                file_scoped = full
    for node in types:
        name = compact(node)
        if not name:
            continue
        namespace = _enclosing(node.parent, "") or file_scoped
        yield f"{TOP_LEVEL}{namespace}.{name}" if namespace else TOP_LEVEL + name


def _enclosing(declaration: Node | None, own: str) -> str:
    """``own`` prefixed with the names of the namespace blocks around ``declaration``."""
    parts = [own] if own else []
    current = declaration.parent if declaration is not None else None
    while current is not None:
        if current.type == "namespace_declaration":
            outer = current.child_by_field_name("name")
            outer_name = _type_path(outer) if outer is not None else None
            if outer_name:
                parts.append(outer_name)
        current = current.parent
    return ".".join(reversed(parts))


def implicit_imports(
    imports: Sequence[ImportRef], declared: Sequence[Node], used: frozenset[str]
) -> Iterator[ImportRef]:
    """``imports`` completed with the simple type names the code uses.

    C# finds a simple name in the file's own namespace and the namespaces enclosing it, then
    in the ``using`` namespaces. Each plain ``using A.B;`` gets the used names as its
    ``names`` (the resolver links only the types of ``A.B`` among them); each namespace the
    file declares gets an implicit ``same_namespace`` import with the same names.
    """
    names = tuple(sorted(used))
    if not names:
        yield from imports
        return
    for ref in imports:
        yield dataclasses.replace(ref, names=names) if ref.kind == "using" else ref
    declared_namespaces: dict[str, int] = {}  # full name -> line
    for node in declared:
        if _is_namespace_name(node):
            full = _enclosing(node.parent, _type_path(node) or "")
            if full:
                declared_namespaces.setdefault(full, node.start_point.row + 1)
    for full, line in declared_namespaces.items():
        # an outer block's namespace is searched anyway, as an enclosing one (resolver)
        if not any(other.startswith(full + ".") for other in declared_namespaces):
            yield ImportRef(spec=full, line=line, kind=SAME_NAMESPACE, names=names, wildcard=True)
