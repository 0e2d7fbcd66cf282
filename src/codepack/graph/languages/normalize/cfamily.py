"""C and C++: ``#include`` and the preprocessor conditionals around it.

``#include "a/b.h"`` is relative (searched next to the including file first), ``#include
<x.h>`` is a system include (searched in include folders only). Includes inside
``#if``/``#ifdef``/``#ifndef``/``#elif``/``#else`` are conditional — except the classic
header guard, which wraps a whole header and is not a real condition.
"""

from __future__ import annotations

from tree_sitter import Node

from codepack.graph.languages.normalize.common import captured_import


def _quote_form(spec: str) -> bool:
    """Every include is relative unless written ``<...>`` (``@system``, never relative)."""
    return True


expand = captured_import(_quote_form)

# conditional-compilation blocks; `real_condition` rules out header guards among them
PREPROCESSOR_CONDITIONALS = frozenset(
    {"preproc_if", "preproc_ifdef", "preproc_elif", "preproc_elifdef", "preproc_else"}
)


def real_condition(node: Node) -> bool:
    """False for a header guard or an ``extern "C"`` wrapper, True for any other block.

    A header guard is ``#ifndef X`` (or ``#if !defined(X)``) whose first child — comments
    aside — is ``#define X``. The wrapper is ``#ifdef __cplusplus`` / ``extern "C" {`` /
    ``#endif``: the grammar nests everything up to the closing brace inside that ``#ifdef``,
    though nothing there depends on it.
    """
    first = _first_body_child(node)
    if first is None:
        return True
    guarded = _guarded_name(node)
    if guarded is not None:
        if first.type != "preproc_def":
            return True
        defined = first.child_by_field_name("name")
        return defined is None or defined.text != guarded
    return not _is_extern_c_wrapper(node, first)


def _first_body_child(node: Node) -> Node | None:
    """The first named child after the directive's own name/condition, comments aside."""
    skip = [node.child_by_field_name("name"), node.child_by_field_name("condition")]
    for child in node.named_children:
        if child.type == "comment" or child in skip:
            continue
        return child
    return None


def _is_extern_c_wrapper(node: Node, first: Node) -> bool:
    if node.type != "preproc_ifdef" or not any(c.type == "#ifdef" for c in node.children[:1]):
        return False
    name = node.child_by_field_name("name")
    return (
        name is not None and name.text == b"__cplusplus" and first.type == "linkage_specification"
    )


def _guarded_name(node: Node) -> bytes | None:
    """The macro an ``#ifndef X`` / ``#if !defined(X)`` tests, else None."""
    if node.type == "preproc_ifdef":
        if not any(c.type == "#ifndef" for c in node.children[:1]):
            return None
        name = node.child_by_field_name("name")
        return name.text if name is not None else None
    if node.type == "preproc_if":
        condition = node.child_by_field_name("condition")
        if condition is None or condition.type != "unary_expression":
            return None
        operator = condition.child_by_field_name("operator")
        argument = condition.child_by_field_name("argument")
        if operator is None or operator.type != "!" or argument is None:
            return None
        if argument.type != "preproc_defined":
            return None
        macro = next((c for c in argument.named_children if c.type == "identifier"), None)
        return macro.text if macro is not None else None
    return None
