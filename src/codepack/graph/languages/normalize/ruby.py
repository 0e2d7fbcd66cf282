"""Ruby: ``require``, ``require_relative``, ``load`` and ``autoload`` with static paths.

Only paths known without running the code count: a plain string literal, or the classic
file-relative idioms ``File.expand_path("../x", __FILE__)``, ``File.expand_path("x",
__dir__)``, ``File.join(__dir__, "x")`` and ``File.join(File.dirname(__FILE__), "x")``, which
are written out as the ``require_relative`` they mean (``require`` becomes kind
``require_relative``, spec ``"x"``, relative). Otherwise the kind is the method name.
``autoload :X, "a/x"`` records the constant as its name.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from tree_sitter import Node

from codepack.graph.languages.normalize.common import Captures, Leaf, first, string_value, text


def expand(kind: str, stmt: Node, captures: Captures) -> Iterator[Leaf]:
    """Leaves of one require-like call."""
    node = first(captures, "spec")
    if node is None:
        return
    if node.type == "string":
        spec = string_value(node)
        relative = kind == "require_relative" or bool(spec and spec.startswith("."))
    else:
        spec = _file_relative_path(node)
        relative = True
        if kind == "require":
            kind = "require_relative"
    if not spec:
        return
    names = tuple(text(n).lstrip(":") for n in captures.get("name", ()))
    yield Leaf(spec, kind, names, relative)


def _file_relative_path(node: Node) -> str | None:
    """The folder-relative path an expand_path/join idiom builds, or None."""
    if node.type == "parenthesized_statements" and node.named_child_count == 1:
        node = node.named_children[0]
    if node.type != "call" or not _is_file_method(node):
        return None
    method = node.child_by_field_name("method")
    arguments = _arguments(node)
    if method is None or not arguments:
        return None
    if method.text == b"expand_path" and len(arguments) == 2:
        path = string_value(arguments[0]) if arguments[0].type == "string" else None
        if path is None:
            return None
        if _is_file_itself(arguments[1]):  # relative to the file: "../" leaves the file name
            if not path.startswith("../"):
                return None
            path = path[3:]
        elif not _is_file_folder(arguments[1]):
            return None
        return _tidy(path)
    if method.text == b"join" and len(arguments) >= 2 and _is_file_folder(arguments[0]):
        parts = [string_value(a) if a.type == "string" else None for a in arguments[1:]]
        if any(p is None for p in parts):
            return None
        return _tidy("/".join(p for p in parts if p))
    return None


def _tidy(path: str) -> str | None:
    normal = posixpath.normpath(path) if path else ""
    return normal if normal and normal != "." else None


def _is_file_method(call: Node) -> bool:
    receiver = call.child_by_field_name("receiver")
    return receiver is not None and receiver.type == "constant" and receiver.text == b"File"


def _arguments(call: Node) -> list[Node]:
    arguments = call.child_by_field_name("arguments")
    return list(arguments.named_children) if arguments is not None else []


def _is_file_itself(node: Node) -> bool:
    return node.text == b"__FILE__"


def _is_file_folder(node: Node) -> bool:
    """``__dir__`` or ``File.dirname(__FILE__)``."""
    if node.text == b"__dir__":
        return True
    if node.type != "call" or not _is_file_method(node):
        return False
    method = node.child_by_field_name("method")
    arguments = _arguments(node)
    return (
        method is not None
        and method.text == b"dirname"
        and len(arguments) == 1
        and _is_file_itself(arguments[0])
    )
