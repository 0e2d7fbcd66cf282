"""Python: ``import``/``from`` statements, ``importlib.import_module``, and TYPE_CHECKING guards.

Specifiers keep Python's own spelling: ``a.b.c`` for absolute modules and leading dots for
relative ones (``.``, ``..pkg.mod``). ``from M import a, b`` yields one leaf with names
``("a", "b")`` (aliases dropped) so the graph can weigh an edge by how much it uses.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from tree_sitter import Node

from codepack.graph.languages.normalize.common import Captures, Leaf, compact, first, string_value


def expand(kind: str, stmt: Node, captures: Captures) -> Iterator[Leaf]:
    """Leaves of one Python import statement or dynamic import call."""
    if kind == "import":
        for target in stmt.children_by_field_name("name"):
            spec = compact(_unalias(target))
            if spec:
                yield Leaf(spec, kind, relative=spec.startswith("."))
    elif kind == "from":
        module = stmt.child_by_field_name("module_name")
        if module is None:
            return
        spec = compact(module)
        if not spec:
            return
        names = tuple(
            name
            for name in (compact(_unalias(n)) for n in stmt.children_by_field_name("name"))
            if name
        )
        wildcard = any(child.type == "wildcard_import" for child in stmt.children)
        yield Leaf(spec, kind, names, relative=spec.startswith("."), wildcard=wildcard)
    else:  # dynamic: importlib.import_module("a.b") / __import__("a.b")
        node = first(captures, "spec")
        spec = string_value(node) if node is not None else None
        if spec and not spec.isspace():
            yield Leaf(spec.strip(), kind, relative=spec.startswith("."))


def _unalias(node: Node) -> Node:
    """``a.b as x`` -> ``a.b``: names are recorded as the target spells them."""
    if node.type == "aliased_import":
        name = node.child_by_field_name("name")
        if name is not None:
            return name
    return node


def type_checking_branch(ancestor: Node, child: Node | None) -> bool:
    """Whether ``child`` is the branch of ``ancestor`` that runs only for type checkers.

    ``if TYPE_CHECKING:`` / ``if typing.TYPE_CHECKING:`` (also in an ``elif``): the
    consequence is type-only, the else branch is not. ``if not TYPE_CHECKING: ... else:``:
    the else branch is type-only.
    """
    if child is None or ancestor.type not in ("if_statement", "elif_clause"):
        return False
    condition = ancestor.child_by_field_name("condition")
    if condition is None:
        return False
    if child.type == "block":
        return _is_type_checking(condition) and child == ancestor.child_by_field_name("consequence")
    if child.type == "else_clause" and condition.type == "not_operator":
        argument = condition.child_by_field_name("argument")
        return argument is not None and _is_type_checking(argument)
    return False


def _is_type_checking(node: Node) -> bool:
    if node.type == "identifier":
        return node.text == b"TYPE_CHECKING"
    if node.type == "attribute":
        attribute = node.child_by_field_name("attribute")
        return attribute is not None and attribute.text == b"TYPE_CHECKING"
    return False


# A function or class at column 0 (or its decorator): the first statement of a module's body
# in most files, after the imports.
_DEFINITION = re.compile(r"^(?:(?:def|class|async[ \t]+def)\b|@)", re.MULTILINE)


def head_end(text: str) -> int | None:
    """Where the import-free rest of a Python file starts (its first top-level ``def``,
    ``class`` or decorator), or None to read the whole file: no such line, or ``import``
    anywhere after it (an import, lazy or conditional, or ``import_module``/``__import__``:
    every import spelling holds the word; one in a docstring or comment costs a whole
    read, never an import). The extractor checks that the head parses without errors,
    which a cut inside a string would leave."""
    first = _DEFINITION.search(text)
    if first is None or text.find("import", first.start()) >= 0:
        return None
    return first.start()
