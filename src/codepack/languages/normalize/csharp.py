"""C#: ``using`` directives and the namespaces a file declares.

``using A.B;`` -> ``A.B`` kind ``using`` (a namespace); ``using static A.B.C;`` -> kind
``using_static`` (a type); ``using X = A.B.C;`` -> ``A.B.C`` kind ``using_alias`` (a type or a
namespace); ``global using`` is the same as ``using``. Specs drop ``global::`` and generic
arguments (``List<int>`` -> ``List``); aliases of non-name types (tuples, ``int``) are skipped.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from tree_sitter import Node

from codepack.languages.normalize.common import Captures, Leaf, compact


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


def namespaces(nodes: Sequence[Node]) -> Iterator[str]:
    """Full names of the namespaces a file declares, nested blocks joined with ``.``:
    ``namespace A { namespace B {} }`` declares ``A`` and ``A.B``."""
    for name in nodes:
        own = _type_path(name)
        if not own:
            continue
        parts = [own]
        declaration = name.parent
        node = declaration.parent if declaration is not None else None
        while node is not None:
            if node.type == "namespace_declaration":
                outer = node.child_by_field_name("name")
                outer_name = _type_path(outer) if outer is not None else None
                if outer_name:
                    parts.append(outer_name)
            node = node.parent
        yield ".".join(reversed(parts))
