"""JavaScript, TypeScript and TSX: ES modules, CommonJS ``require`` and dynamic ``import()``.

The specifier is the string literal unquoted; it is relative when it starts with ``.`` or
``/``. Names are the exported names the statement uses, as the exporting module spells them
(``import {a as b}`` -> ``a``); a default import is the name ``default``; a namespace import
(``* as ns``, ``export *``) is a wildcard with no names. Type-only means TypeScript erases the
statement entirely: ``import type``, ``export type``, or every named specifier marked
``type`` with no default or namespace import beside them.
"""

from __future__ import annotations

from collections.abc import Iterator

from tree_sitter import Node

from codepack.graph.languages.normalize.common import Captures, Leaf, first, string_value, text


def expand(kind: str, stmt: Node, captures: Captures) -> Iterator[Leaf]:
    """Leaves of one import/export statement, ``require`` call or ``import()`` call."""
    node = first(captures, "spec")
    spec = string_value(node) if node is not None else None
    if not spec:
        return
    relative = spec.startswith((".", "/"))
    if kind == "import":
        names, wildcard, type_only = _import_clause(stmt)
        yield Leaf(spec, kind, names, relative, wildcard, type_only)
    elif kind == "export":
        names, wildcard, type_only = _export_clause(stmt)
        yield Leaf(spec, kind, names, relative, wildcard, type_only)
    elif kind == "require":
        yield Leaf(spec, kind, _required_names(stmt), relative)
    else:  # dynamic import()
        yield Leaf(spec, kind, (), relative)


def _import_clause(stmt: Node) -> tuple[tuple[str, ...], bool, bool]:
    """(names, wildcard, type_only) of ``import ... from``."""
    statement_type = _has_token(stmt, "type")
    clause = next((c for c in stmt.named_children if c.type == "import_clause"), None)
    if clause is None:  # side-effect import: `import "./polyfill"`
        return (), False, statement_type
    names: list[str] = []
    wildcard = False
    value_import = False  # something not marked `type` is imported
    for part in clause.named_children:
        if part.type == "identifier":
            names.append("default")
            value_import = True
        elif part.type == "namespace_import":
            wildcard = True
            value_import = True
        elif part.type == "named_imports":
            value_import = _add_specifiers(part, "import_specifier", names) or value_import
    type_only = statement_type or (bool(names) and not value_import)
    return tuple(names), wildcard, type_only


def _export_clause(stmt: Node) -> tuple[tuple[str, ...], bool, bool]:
    """(names, wildcard, type_only) of ``export ... from``."""
    statement_type = _has_token(stmt, "type")
    names: list[str] = []
    wildcard = _has_token(stmt, "*")
    value_export = False
    for part in stmt.named_children:
        if part.type == "namespace_export":
            wildcard = True
        elif part.type == "export_clause":
            value_export = _add_specifiers(part, "export_specifier", names) or value_export
    type_only = statement_type or (bool(names) and not wildcard and not value_export)
    return tuple(names), wildcard, type_only


def _add_specifiers(braces: Node, specifier_type: str, names: list[str]) -> bool:
    """Append the names of ``{ a, type B, c as d }`` to ``names``; whether any is a value.

    Shared by ``import {...}`` and ``export {...} from``: a clause whose every specifier is
    marked ``type`` imports nothing at run time.
    """
    value = False
    for specifier in braces.named_children:
        if specifier.type != specifier_type:
            continue
        name = _specifier_name(specifier)
        if name:
            names.append(name)
        if not _has_token(specifier, "type"):
            value = True
    return value


def _specifier_name(specifier: Node) -> str | None:
    """The exported name of ``a``, ``a as b``, ``"a-b" as c``, ``type a``."""
    name = specifier.child_by_field_name("name")
    if name is None:
        return None
    return string_value(name) if name.type == "string" else text(name)


def _required_names(call: Node) -> tuple[str, ...]:
    """Names a CommonJS require pulls out: ``const {a, b: c} = require(..)`` -> (a, b),
    ``require(..).x`` -> (x,). A plain ``const m = require(..)`` names nothing."""
    parent = call.parent
    if parent is None:
        return ()
    if parent.type == "member_expression":
        prop = parent.child_by_field_name("property")
        return (text(prop),) if prop is not None else ()
    if parent.type == "variable_declarator":
        pattern = parent.child_by_field_name("name")
        if pattern is not None and pattern.type == "object_pattern":
            return tuple(_pattern_keys(pattern))
    return ()


def _pattern_keys(pattern: Node) -> Iterator[str]:
    for prop in pattern.named_children:
        if prop.type == "shorthand_property_identifier_pattern":
            yield text(prop)
        elif prop.type in ("pair_pattern", "object_assignment_pattern"):
            key = prop.child_by_field_name("key") or prop.child_by_field_name("left")
            if key is not None and key.type in (
                "property_identifier",
                "shorthand_property_identifier_pattern",
            ):
                yield text(key)
            elif key is not None and key.type == "string":
                value = string_value(key)
                if value:
                    yield value


def _has_token(node: Node, token: str) -> bool:
    """Whether an anonymous keyword/punctuation token is a direct child of ``node``."""
    return any(not child.is_named and child.type == token for child in node.children)
