"""Shared pieces of the per-language normalisers: the ``Leaf`` they emit and node helpers.

A normaliser (an *expander*) turns one query match — the import statement plus the nodes the
query captured — into zero or more ``Leaf`` records: what the statement names, before the
extractor adds the line and the scope flags (lazy, conditional, type-only) that come from the
statement's ancestors. Keeping this split means a normaliser only ever looks at the small
subtree of one statement, never at the whole file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from tree_sitter import Node

Captures = Mapping[str, Sequence[Node]]


@dataclass(frozen=True, slots=True)
class Leaf:
    """One import target named by a statement, without position or scope flags."""

    spec: str
    kind: str
    names: tuple[str, ...] = ()
    relative: bool = False
    wildcard: bool = False
    type_only: bool = False
    system: bool = False


# kind, statement node, captures of the match -> leaves
Expander = Callable[[str, Node, Captures], Iterable[Leaf]]

# Children a plain string literal may have besides its delimiters; any other named child
# (an interpolation, a variable, an ERROR node) means the value is not known statically.
_STRING_CONTENT = frozenset(
    {
        "string_content",
        "string_fragment",
        "escape_sequence",
        "interpreted_string_literal_content",
        "raw_string_literal_content",
    }
)
_DELIMITERS = frozenset({"string_start", "string_end"})


def text(node: Node) -> str:
    """The node's source text (invalid UTF-8 replaced, never raises)."""
    raw = node.text
    return raw.decode("utf-8", "replace") if raw is not None else ""


def compact(node: Node) -> str:
    """The node's text without any whitespace: dotted names may span lines (``a .\\n b``)."""
    return "".join(text(node).split())


def is_string(node: Node) -> bool:
    """Whether a node is a string literal of some grammar (``string``, ``string_literal``,
    ``interpreted_string_literal``, ``template_string``, ``encapsed_string``, ...)."""
    return "string" in node.type


def string_value(node: Node) -> str | None:
    """The value of a string literal written without interpolation, or None.

    The value is the source text between the opening and closing delimiters (prefixes such
    as Python's ``r"``/``'''`` belong to the delimiters). Escape sequences are kept as
    written: import specifiers practically never contain them.
    """
    children = node.children
    raw = node.text or b""
    if not children:  # a single token such as C's <stdio.h>
        return raw[1:-1].decode("utf-8", "replace") if len(raw) >= 2 else None
    for child in children:
        if child.is_named and child.type not in _STRING_CONTENT and child.type not in _DELIMITERS:
            return None
    first, last = children[0], children[-1]
    start = first.end_byte if _is_delimiter(first) else node.start_byte
    end = last.start_byte if len(children) > 1 and _is_delimiter(last) else node.end_byte
    if end < start:
        return None
    base = node.start_byte
    return raw[start - base : end - base].decode("utf-8", "replace")


def _is_delimiter(node: Node) -> bool:
    return not node.is_named or node.type in _DELIMITERS


def value(node: Node) -> str | None:
    """A string literal's value, or any other node's text as a plain dotted name: no
    whitespace, no backtick quoting (Kotlin/Scala/Swift `` `fun` `` names the folder ``fun``)."""
    return string_value(node) if is_string(node) else compact(node).replace("`", "")


def first(captures: Captures, name: str) -> Node | None:
    """The first node captured under ``name``, if any."""
    nodes = captures.get(name)
    return nodes[0] if nodes else None


def dot_relative(spec: str) -> bool:
    """Relative when written relative to the importing file (``./x``, ``..pkg``)."""
    return spec.startswith(".")


def never_relative(spec: str) -> bool:
    """Languages whose specifiers are always absolute (packages, namespaces)."""
    return False


def captured_import(relative: Callable[[str], bool]) -> Expander:
    """The expander for languages whose query captures everything directly.

    ``@spec`` is the specifier, each ``@name`` a symbol brought in, ``@wildcard`` /
    ``@type_only`` / ``@system`` mark flags and ``@static`` turns kind ``k`` into
    ``k_static``. ``relative`` says which specifiers are relative for this language; a
    system include (``@system``) never is.
    """

    def expand(kind: str, stmt: Node, captures: Captures) -> Iterator[Leaf]:
        spec_node = first(captures, "spec")
        spec = value(spec_node) if spec_node is not None else None
        if not spec:
            return
        names = tuple(n for n in (value(node) for node in captures.get("name", ())) if n)
        system = "system" in captures
        yield Leaf(
            spec=spec,
            kind=f"{kind}_static" if "static" in captures else kind,
            names=names,
            relative=relative(spec) and not system,
            wildcard="wildcard" in captures,
            type_only="type_only" in captures,
            system=system,
        )

    return expand


def declared_names(nodes: Sequence[Node]) -> Iterator[str]:
    """Default reader for ``@declaration`` captures: each node's compacted text."""
    for node in nodes:
        name = compact(node)
        if name:
            yield name
