"""PHP: ``use`` declarations, ``require``/``include`` with static paths, class names in code.

``use A\\B\\C;`` -> ``A\\B\\C`` (backslashes kept, a leading ``\\`` dropped); group use
``use A\\B\\{C, D as E};`` -> ``A\\B\\C``, ``A\\B\\D``; ``use function`` / ``use const`` ->
kinds ``use_function`` / ``use_const``. An aliased ``use A\\B as D`` carries the local name
``D`` in ``names``: the resolver needs it to read ``D\\X`` in code.

Class names in code (kind ``class``): PHP loads a class by name when code first needs it, so
most class dependencies have no ``use`` line — a class of the file's own namespace is simply
named. ``extends``/``implements``, a trait ``use`` in a class body, ``new X``, ``X::m()``,
``X::CONST``, ``X::class``, ``X::$p``, ``#[X]`` and ``instanceof X`` yield the name as written
(``X``, ``Sub\\X``, ``\\A\\X``: the leading ``\\`` marks a fully qualified name); parameter,
return, property and ``catch`` types do too, flagged type-only (a type check never loads a
class). ``self``/``static``/``parent`` and the built-in type names are no classes and are
dropped. The resolver applies PHP's name rules (namespace, ``use`` aliases) to the name.

``require``/``include``/``require_once``/``include_once`` (the kind is the keyword) count
with a string literal, or with a path built from the file's own folder: ``__DIR__ .
'/x.php'`` and ``dirname(__FILE__) . '/x.php'`` become spec ``/x.php`` with relative=True —
the rule is "spec is appended to the including file's folder" — and each extra
``dirname`` level adds ``/..`` (``dirname(__DIR__) . '/x.php'`` -> ``/../x.php``). A plain
literal is relative only when it starts with ``./`` or ``../``; otherwise PHP searches the
include_path first.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from tree_sitter import Node

from codepack.graph.languages.normalize.common import Captures, Leaf, compact, string_value

# Names in class positions that are not classes: PHP reserves them (case-insensitively).
RESERVED_NAMES = frozenset(
    {
        "self", "static", "parent", "array", "callable", "bool", "float", "int", "string",
        "iterable", "object", "mixed", "void", "null", "never", "false", "true", "namespace",
    }
)  # fmt: skip

# ``extract_declarations`` entries of a declared class, interface, trait or enum start with
# this; other entries are namespace names. ``class:A\\B\\C`` is class ``C`` of namespace
# ``A\\B``, ``class:C`` a class of the global namespace.
CLASS_DECLARATION = "class:"


def expand(kind: str, stmt: Node, captures: Captures) -> Iterator[Leaf]:
    """Leaves of one namespace use declaration, include expression or class name."""
    if kind == "use":
        yield from captures.leaves if isinstance(captures, _ReadUse) else _use(stmt)
    elif kind in ("class", "type"):
        name = compact(stmt)
        if name.lower() not in RESERVED_NAMES:
            yield Leaf(name, "class", type_only=kind == "type")
    else:
        yield from _include(kind, stmt)


def first_mentions(
    statements: list[tuple[str, Node, Captures]],
) -> list[tuple[str, Node, Captures]]:
    """The matches worth reading: a class name only where it adds an import.

    A class is named again and again in a file; the graph keeps an edge's strongest import,
    so of all ``class``/``type`` matches with the same text only the first ``class`` one (in
    the query's match order: source order) is read — a ``type`` one only when the file never
    uses the class in code — and none whose name is a ``use`` alias (``use A\\B\\Node;``
    then ``new Node``): the ``use`` line makes that edge already, at module level. This keeps
    extraction cheap. Reserved names (``self::``, ``string $x``) are dropped here, before
    they cost a scope walk, as ``expand`` would drop them.

    Each ``use`` statement is read once: its leaves travel to ``expand`` with its captures.
    """
    aliases: set[bytes] = set()
    selected: list[tuple[str, Node, Captures]] = []
    chosen: dict[bytes, tuple[int, int]] = {}  # text -> (kind rank, index in selected)
    mentions: list[tuple[int, bytes]] = []  # (index in selected, text) of class/type matches
    for kind, node, captures in statements:
        rank = _MENTION_RANK.get(kind)
        if rank is None:
            if kind == "use":
                leaves = tuple(_use(node))
                aliases.update(_local_name(leaf) for leaf in leaves if leaf.kind == "use")
                captures = _ReadUse(captures, leaves)
            selected.append((kind, node, captures))
            continue
        text = node.text or b""
        earlier = chosen.get(text)
        if earlier is None:
            if text.lower() in _RESERVED_BYTES:
                chosen[text] = _NEVER_READ
                continue
        elif rank >= earlier[0]:
            continue  # a repeat (most mentions are): the short path
        chosen[text] = (rank, len(selected))
        mentions.append((len(selected), text))
        selected.append((kind, node, captures))
    drop = {
        index
        for index, text in mentions
        if chosen[text][1] != index or (b"\\" not in text and text.lower() in aliases)
    }
    return [s for i, s in enumerate(selected) if i not in drop] if drop else selected


def _local_name(leaf: Leaf) -> bytes:
    """The name a ``use`` leaf makes local, as PHP compares it (lower-cased)."""
    return (leaf.names[0] if leaf.names else leaf.spec.rpartition("\\")[2]).encode().lower()


class _ReadUse(dict):
    """A ``use`` match's captures with the leaves ``first_mentions`` already read."""

    def __init__(self, captures: Captures, leaves: tuple[Leaf, ...]) -> None:
        super().__init__(captures)
        self.leaves = leaves


_RESERVED_BYTES = frozenset(name.encode() for name in RESERVED_NAMES)
_NEVER_READ = (-1, -1)  # a reserved name's entry in ``chosen``: outranks every kind, no index
_MENTION_RANK = {"class": 0, "type": 1}  # a use in code outranks a type hint


def declarations(nodes: Sequence[Node]) -> Iterator[str]:
    """Namespace names, and ``class:<namespace>\\<name>`` for each class-like declared.

    A class belongs to the last namespace declared before it: with ``namespace A;`` that
    namespace runs to the next one, and a braced ``namespace A { }`` holds its classes.
    """
    namespace = ""
    for node in sorted(nodes, key=lambda n: n.start_byte):
        if node.type == "namespace_definition":
            name = node.child_by_field_name("name")
            namespace = _namespace(name) if name is not None else ""
            if namespace:
                yield namespace
        else:
            name = compact(node)
            if name:
                yield CLASS_DECLARATION + (f"{namespace}\\{name}" if namespace else name)


# `use A\\B\\C;` as most use lines are written (no alias, group, comment, function or
# const): read from the statement's text, without a walk over its nodes
_PLAIN_USE = re.compile(
    rb"use\s+\\?((?!(?i:function|const)\b)[A-Za-z_\x80-\xff][\w\x80-\xff]*"
    rb"(?:\\[A-Za-z_\x80-\xff][\w\x80-\xff]*)*)\s*;"
)


def _use(stmt: Node) -> Iterator[Leaf]:
    plain = _PLAIN_USE.fullmatch(stmt.text or b"")
    if plain is not None:
        yield Leaf(plain.group(1).decode("utf-8", "replace"), "use")
        return
    default_kind = _use_kind(stmt, "use")
    group = stmt.child_by_field_name("body")
    if group is not None:
        prefix_node = next((c for c in stmt.named_children if c.type == "namespace_name"), None)
        prefix = _namespace(prefix_node) if prefix_node is not None else ""
        for clause in group.named_children:
            if clause.type == "namespace_use_clause":
                path = _clause_path(clause)
                if path:
                    spec = f"{prefix}\\{path}" if prefix else path
                    yield Leaf(spec, _use_kind(clause, default_kind), _alias(clause))
        return
    for clause in stmt.named_children:
        if clause.type == "namespace_use_clause":
            path = _clause_path(clause)
            if path:
                yield Leaf(path, _use_kind(clause, default_kind), _alias(clause))


def _alias(clause: Node) -> tuple[str, ...]:
    """``(D,)`` for ``A\\B as D``; ``()`` without ``as``."""
    alias = clause.child_by_field_name("alias")
    return (compact(alias),) if alias is not None else ()


def _use_kind(node: Node, default: str) -> str:
    kind = node.child_by_field_name("type")
    if kind is None:
        return default
    return f"use_{kind.type}"  # use_function / use_const


def _clause_path(clause: Node) -> str:
    for child in clause.named_children:  # a loop, not next(genexpr): one per use line
        if child.type in _PATH_TYPES:
            return _namespace(child)
    return ""


_PATH_TYPES = frozenset({"qualified_name", "name", "namespace_name"})


def _namespace(node: Node) -> str:
    return compact(node).lstrip("\\")


def _include(kind: str, stmt: Node) -> Iterator[Leaf]:
    argument = next(iter(stmt.named_children), None)
    while argument is not None and argument.type == "parenthesized_expression":
        argument = next(iter(argument.named_children), None)
    if argument is None:
        return
    if argument.type in ("string", "encapsed_string"):
        spec = string_value(argument)
        if spec:
            yield Leaf(spec, kind, relative=spec.startswith(("./", "../")))
        return
    if argument.type == "binary_expression":
        operator = argument.child_by_field_name("operator")
        left = argument.child_by_field_name("left")
        right = argument.child_by_field_name("right")
        if operator is None or operator.type != "." or left is None or right is None:
            return
        if right.type not in ("string", "encapsed_string"):
            return
        folder = _file_folder(left)
        tail = string_value(right)
        if folder is None or not tail:
            return
        yield Leaf(folder + tail, kind, relative=True)


_MAX_LEVELS = 32  # deeper dirname() chains are not real code, and would build huge specs


def _file_folder(node: Node) -> str | None:
    """``__DIR__`` / ``dirname(__FILE__)`` -> ``""``; each further dirname -> ``"/.."``."""
    if node.type == "name" and node.text == b"__DIR__":
        return ""
    if node.type != "function_call_expression":
        return None
    function = node.child_by_field_name("function")
    arguments = node.child_by_field_name("arguments")
    if function is None or function.text != b"dirname" or arguments is None:
        return None
    args = [a.named_children[0] if a.named_child_count else a for a in arguments.named_children]
    if not args or len(args) > 2:
        return None
    levels = 1
    if len(args) == 2:
        if args[1].type != "integer" or not args[1].text.isdigit():
            return None
        levels = int(args[1].text)
        if levels > _MAX_LEVELS:
            return None
    inner = args[0]
    if inner.type == "name" and inner.text == b"__FILE__":
        inner_folder, levels = "", levels - 1  # dirname(__FILE__) is the folder itself
    else:
        inner_folder = _file_folder(inner)
        if inner_folder is None:
            return None
    return inner_folder + "/.." * levels
