"""Rust: ``use`` trees, ``mod x;`` declarations, ``extern crate`` and ``#[cfg]`` scopes.

A use tree is flattened into one leaf per leaf path, joined with ``::`` as Rust writes them:
``use crate::a::{b, c::D, e::*}`` -> ``crate::a::b``, ``crate::a::c::D``, ``crate::a::e``
(wildcard). ``self`` inside a list names the list's own path (``use a::{self}`` -> ``a``);
``as`` aliases are dropped. ``self::``/``super::`` paths and ``mod x;`` are relative to the
declaring file; ``crate::`` and crate names are not.
"""

from __future__ import annotations

from collections.abc import Iterator

from tree_sitter import Node

from codepack.languages.normalize.common import Captures, Leaf, compact, first

# Path nodes whose text is already a complete path (`a::b::C`, `self`, `crate`).
_PATH_NODES = frozenset(
    {"identifier", "scoped_identifier", "crate", "self", "super", "metavariable"}
)


def expand(kind: str, stmt: Node, captures: Captures) -> Iterator[Leaf]:
    """Leaves of one ``use``, ``mod x;`` or ``extern crate`` item."""
    if kind == "use":
        argument = stmt.child_by_field_name("argument")
        if argument is not None:
            for path, wildcard in _flatten(argument, ""):
                yield Leaf(path, kind, relative=_is_relative(path), wildcard=wildcard)
        return
    node = first(captures, "spec")
    spec = compact(node) if node is not None else ""
    if spec:
        yield Leaf(spec, kind, relative=kind == "mod")


def _flatten(node: Node, prefix: str) -> Iterator[tuple[str, bool]]:
    """(path, wildcard) for every leaf of a use tree below ``prefix``."""
    kind = node.type
    if kind in _PATH_NODES:
        own = compact(node)
        if own == "self" and prefix:  # `a::{self}` names `a` itself
            yield prefix, False
        else:
            yield _join(prefix, own), False
    elif kind == "use_as_clause":
        path = node.child_by_field_name("path")
        if path is not None:
            yield from _flatten(path, prefix)
    elif kind == "use_wildcard":
        # `a::b::*` (a path child) or a bare `*` inside a list (`use a::{*}`)
        path = next((c for c in node.named_children if c.type in _PATH_NODES), None)
        yield (_join(prefix, compact(path)) if path is not None else prefix), True
    elif kind == "scoped_use_list":
        path = node.child_by_field_name("path")
        inner = _join(prefix, compact(path)) if path is not None else prefix
        items = node.child_by_field_name("list")
        if items is not None:
            yield from _flatten(items, inner)
    elif kind == "use_list":
        for child in node.named_children:
            yield from _flatten(child, prefix)


def _join(prefix: str, path: str) -> str:
    if not prefix:
        return path
    if not path:
        return prefix
    return f"{prefix}::{path}"


def _is_relative(path: str) -> bool:
    head = path.split("::", 1)[0]
    return head in ("self", "super")


# Items an attribute can switch off; the extractor asks `has_cfg` only about these.
CFG_SCOPES = frozenset(
    {
        "source_file",
        "declaration_list",
        "mod_item",
        "function_item",
        "impl_item",
        "trait_item",
        "use_declaration",
        "extern_crate_declaration",
        "expression_statement",
        "let_declaration",
    }
)


def has_cfg(node: Node) -> bool:
    """Whether a ``#[cfg(...)]`` attribute applies to ``node``.

    Outer attributes are the ``attribute_item`` siblings just before an item; inner
    attributes (``#![cfg(test)]``) open a file or a module body.
    """
    if node.type in ("source_file", "declaration_list"):
        for child in node.named_children:
            if child.type == "inner_attribute_item":
                if _is_cfg(child):
                    return True
            elif child.type not in ("line_comment", "block_comment"):
                return False
        return False
    sibling = node.prev_named_sibling
    while sibling is not None and sibling.type in (
        "attribute_item",
        "line_comment",
        "block_comment",
    ):
        if sibling.type == "attribute_item" and _is_cfg(sibling):
            return True
        sibling = sibling.prev_named_sibling
    return False


def _is_cfg(attribute_item: Node) -> bool:
    attribute = next((c for c in attribute_item.named_children if c.type == "attribute"), None)
    if attribute is None or attribute.named_child_count == 0:
        return False
    path = attribute.named_children[0]
    return path.type == "identifier" and path.text == b"cfg"
