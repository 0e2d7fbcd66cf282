"""Rust: ``use`` trees, ``mod`` declarations, paths in code and in macros, ``include!``.

A use tree is flattened into one leaf per leaf path, joined with ``::`` as Rust writes them:
``use crate::a::{b, c::D, e::*}`` -> ``crate::a::b``, ``crate::a::c::D``, ``crate::a::e``
(wildcard). ``self`` inside a list names the list's own path (``use a::{self}`` -> ``a``);
``as`` aliases are dropped. ``self::``/``super::`` paths and ``mod x;`` are relative to the
declaring file; ``crate::`` and crate names are not.

Beyond ``use``, a file depends on every module its code names, so these are imports too:

* ``path``: the outermost path of an expression, type or pattern with at least two segments
  (``crate::a::f()``, ``super::x::Y``, ``util::helper()``, ``fmt::Result``), cut before any
  generic arguments. A head starting with an upper-case letter (``Self::new``, ``Vec::new``,
  ``Ordering::Less``) names a type, never a module, and is skipped. Each path is kept once
  per file (``distinct_paths``): the first occurrence at the least lazy, least conditional
  scope.
* Macro bodies and invocations are token trees to tree-sitter, so their tokens are scanned:
  ``use ...;`` trees (kind ``use``), ``mod x;`` (kind ``mod``) and path-shaped sequences
  ``crate :: a :: b``, ``$crate :: a`` (read as ``crate::a``), ``super :: x``, ``a :: b``
  (kind ``path``).
* ``include!("x.rs")`` (kind ``include``): the file is compiled as part of this module.
  ``include_str!``/``include_bytes!`` read data, not code, and are not imports.
* ``#[path = "p.rs"] mod x;`` (kind ``mod_path``, spec ``p.rs``, names ``("x",)``): a file
  path relative to the declaring file's folder.

Inline modules (``mod a { ... }``) live in the file that declares them, so what is written
inside one is rewritten to what it means from the file's own module: ``use super::X`` in
``mod tests { }`` is ``self::X``; ``mod b;`` inside ``mod a { }`` is ``mod a::b`` (the file
``a/b.rs`` below the module's folder); ``self::y`` or a plain ``y::Z`` inside ``mod a`` is
``self::a::y`` / ``self::a::y::Z`` (a plain ``use`` path is also kept as written: in the 2015
edition it starts at the crate root); a ``#[path]`` inside ``mod a`` is kind
``mod_path_inline`` with spec ``a/p.rs``, relative to the module's folder (Rust's rule).
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterable, Iterator, Sequence

from tree_sitter import Node

from codepack.graph.languages.normalize.common import Captures, Leaf, compact, first, string_value
from codepack.records import ImportRef

# Path nodes whose text is already a complete path (`a::b::C`, `self`, `crate`).
_PATH_NODES = frozenset(
    {"identifier", "scoped_identifier", "crate", "self", "super", "metavariable"}
)
# heads that never name a module of the repository: the standard library, primitive types
_STD_HEADS = frozenset(
    {"std", "core", "alloc", "str", "char", "bool", "f32", "f64", "usize", "isize"}
    | {f"{sign}{bits}" for sign in "ui" for bits in (8, 16, 32, 64, 128)}
)

def expand(kind: str, stmt: Node, captures: Captures) -> Iterator[Leaf]:
    """Leaves of one ``use``, ``mod x;``, ``extern crate``, path, macro or ``include!``."""
    if kind == "use":
        argument = stmt.child_by_field_name("argument")
        if argument is not None:
            stack = _inline_modules(stmt)
            for path, wildcard in _flatten(argument, ""):
                leaf = _use_leaf(path, "use", stack, wildcard)
                yield leaf
                if stack and not _is_relative(path) and leaf.spec != path:
                    # a 2015-edition `use` names a path from the crate root, wherever it is
                    yield Leaf(path, "use", wildcard=wildcard)
    elif kind == "paths":
        yield from _paths(stmt, captures)
    elif kind == "macro":
        yield from _macro(stmt)
    elif kind == "mod":
        yield from _mod(stmt, captures)
    elif kind == "include":
        node = first(captures, "spec")
        spec = string_value(node) if node is not None else None
        if spec:
            yield Leaf(spec, "include", relative=True)
    else:
        node = first(captures, "spec")
        spec = compact(node) if node is not None else ""
        if spec:
            yield Leaf(spec, kind)


def _mod(stmt: Node, captures: Captures) -> Iterator[Leaf]:
    """``mod x;``: its module path from the file's module, or its ``#[path]`` file."""
    node = first(captures, "spec")
    name = compact(node) if node is not None else ""
    if not name:
        return
    stack = _inline_modules(stmt)
    module = "::".join([*stack, name])
    path = _path_attribute(stmt)
    if path is None:
        yield Leaf(module, "mod", relative=True)
    elif stack:
        yield Leaf("/".join([*stack, path]), "mod_path_inline", names=(module,), relative=True)
    else:
        yield Leaf(path, "mod_path", names=(module,), relative=True)


def inline_modules(names: Sequence[Node]) -> Iterator[str]:
    """The inline modules a file declares (``mod a { mod b { } }`` -> ``a``, ``a::b``), from
    the ``@declaration`` name of each: they live in this file, which the resolver needs to
    know when a path names one of them from another file."""
    for name in names:
        owner = name.parent
        module = compact(name)
        if owner is not None and module:
            yield "::".join([*_inline_modules(owner), module])


def _path_attribute(item: Node) -> str | None:
    """The file of a ``#[path = "..."]`` attribute on ``item``, if it has one."""
    sibling = item.prev_named_sibling
    while sibling is not None and sibling.type in ("attribute_item", "line_comment",
                                                   "block_comment"):
        if sibling.type == "attribute_item":
            attribute = next((c for c in sibling.named_children if c.type == "attribute"), None)
            if attribute is not None and attribute.named_child_count >= 2:
                head, value = attribute.named_children[0], attribute.named_children[-1]
                if head.type == "identifier" and head.text == b"path" and "string" in value.type:
                    found = string_value(value)
                    if found:
                        return found
        sibling = sibling.prev_named_sibling
    return None


def _inline_modules(node: Node) -> list[str]:
    """Names of the inline ``mod x { }`` blocks around ``node``, outermost first."""
    names: list[str] = []
    parent = node.parent
    while parent is not None:
        if parent.type == "declaration_list":
            owner = parent.parent
            if owner is not None and owner.type == "mod_item":
                name = owner.child_by_field_name("name")
                if name is not None:
                    names.append(compact(name))
            parent = owner
        else:
            parent = parent.parent
    names.reverse()
    return names


def _use_leaf(path: str, kind: str, stack: list[str], wildcard: bool = False) -> Leaf:
    spec = in_file_module(path, stack)
    return Leaf(spec, kind, relative=_is_relative(spec), wildcard=wildcard)


def in_file_module(path: str, stack: list[str]) -> str:
    """``path`` as written inside the inline modules ``stack``, rewritten to what it names
    from the file's own module (``super::x`` inside ``mod tests`` -> ``self::x``)."""
    if path.startswith("$crate"):
        path = path[1:]
    if not stack:
        return path
    segments = path.split("::")
    head = segments[0]
    if head in ("crate", ""):  # `crate::x`, `::std::x`: absolute
        return path
    base = list(stack)
    rest = segments
    if head == "self":
        rest = segments[1:]
    elif head == "super":
        supers = 0
        while supers < len(segments) and segments[supers] == "super":
            supers += 1
        if supers > len(base):  # climbs above the file: the file's own `super`s remain
            return "::".join(["super"] * (supers - len(base)) + segments[supers:])
        base = base[: len(base) - supers]
        rest = segments[supers:]
    return "::".join(["self", *base, *rest])


def _paths(node: Node, captures: Captures) -> Iterator[Leaf]:
    """Every distinct path of a file's code, or of one inline module's body, outside the
    inline modules nested in it (each of those is a statement of its own, with its own
    ``#[cfg]``): one regular-expression pass over the text, not a walk over the tree."""
    body = first(captures, "body")
    if node.type == "source_file":
        stack: list[str] = []
        container = node
    elif body is not None:
        name = first(captures, "spec")
        stack = [*_inline_modules(node), compact(name) if name is not None else ""]
        container = body
    else:
        return
    source = container.text or b""
    offset = container.start_byte
    holes = [
        (child.start_byte - offset, child.end_byte - offset)
        for child in container.named_children
        if child.type == "mod_item" and child.child_by_field_name("body") is not None
    ] if _INLINE_MODULE.search(source) else []
    seen: set[str] = set()
    for path in scan_paths(source, holes):
        if path not in seen:
            seen.add(path)
            yield _use_leaf(path, "path", stack)


# Paths are found from their `::` (a fast literal search), not by matching a pattern at every
# byte: on real crates that is most of the extraction time.
_COLONS = re.compile(rb"::")
_INLINE_MODULE = re.compile(rb"mod\s+[A-Za-z_][A-Za-z0-9_]*\s*\{")  # literal first: fast
_STD_HEAD_BYTES = frozenset(head.encode() for head in _STD_HEADS)
_PATH_AT = re.compile(rb"\$?[A-Za-z_][A-Za-z0-9_]*+(?:\s*+::\s*+[A-Za-z_][A-Za-z0-9_]*+)++")
_WORD_BYTES = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_$")
_SPACE_BYTES = frozenset(b" \t\r\n")
_BLOCK_COMMENT = re.compile(rb"/\*.*?\*/", re.S)
_USE_ITEM = re.compile(rb"use\s[^;]*+;")
_SKIP = (rb"""//[^\n]*|/\*.*?\*/|b?r(?P<hashes>\#*)".*?"(?P=hashes)"""
         rb"""|b?"(?:\\.|[^"\\])*"|b?'(?:\\.|[^'\\])'""")
_MACRO_ITEM = re.compile(
    rb"(?P<skip>" + _SKIP + rb")"
    rb"|(?<![\w$])use\b(?P<use>[^;]*);"
    rb"|(?<![\w$])mod\s+(?P<mod>[A-Za-z_][A-Za-z0-9_]*)\s*;",
    re.S,
)
_TOKEN = re.compile(rb"(?P<skip>" + _SKIP + rb"|\s+)|(?P<word>\$?[A-Za-z_][A-Za-z0-9_]*|::|.)",
                    re.S)


def scan_paths(source: bytes, holes: Sequence[tuple[int, int]] = ()) -> Iterator[str]:
    """Each path-shaped sequence in Rust source (``crate::a::f``,
    ``$crate :: a``, ``super::x::Y``, ``util::helper``), macro bodies included, outside
    comments, string literals, ``use`` declarations and the byte ranges ``holes``. Paths of
    one segment, with a type-like head (``Self::new``, ``Vec::new``) or into the standard
    library are left out: they never name a module of the repository.

    A string is recognised by an odd number of ``"`` before the path on its line, a comment
    by ``//`` before it on its line or an open ``/*``: a string spanning lines or a ``"``
    inside a character literal can mislead it, which costs at most one path."""
    skipped = list(holes)
    if b"/*" in source:
        skipped += [m.span() for m in _BLOCK_COMMENT.finditer(source)]
    if b"use" in source:
        skipped += [m.span() for m in _USE_ITEM.finditer(source)
                    if m.start() == 0 or source[m.start() - 1] not in _WORD_BYTES]
    skipped.sort()
    starts = [begin for begin, _ in skipped]
    reaches = list(itertools.accumulate((stop for _, stop in skipped), max))
    end = -1
    for colons in _COLONS.finditer(source):
        position = colons.start()
        if position < end:
            continue
        start = position
        while start > 0 and source[start - 1] in _SPACE_BYTES:
            start -= 1
        while start > 0 and source[start - 1] in _WORD_BYTES:
            start -= 1
        if start > 0 and source[start - 1] == 0x3A:  # `:` — the tail of `<T>::x` or `a:::`
            end = position + 2
            continue
        match = _PATH_AT.match(source, start)
        if match is None:
            end = position + 2
            continue
        end = match.end()
        raw = match.group(0)
        head = raw[: raw.index(b":")].rstrip()
        if head[:1].isupper() or head in _STD_HEAD_BYTES:
            continue  # most paths: `Self::`, `Vec::new`, `std::mem` (cheapest test first)
        if head[:1] == b"$" and head != b"$crate":
            continue  # a metavariable: known only where the macro is used
        line = source.rfind(b"\n", 0, start) + 1
        if source.find(b"//", line, start) >= 0 or source.count(b'"', line, start) % 2:
            continue
        if reaches and _inside(starts, reaches, start):
            continue
        yield b"".join(raw.split()).decode("utf-8", "replace")


def _inside(starts: list[int], reaches: list[int], position: int) -> bool:
    """Whether ``position`` falls in one of the sorted ranges (``reaches``: running maximum of
    their ends)."""
    index = bisect.bisect_right(starts, position) - 1
    return index >= 0 and position < reaches[index]


def _macro(node: Node) -> Iterator[Leaf]:
    """``use`` trees and ``mod x;`` written inside a ``macro_rules!`` or a macro invocation
    (their paths are read with the rest of the file's text by ``_paths``)."""
    raw = node.text or b""
    if b"use" not in raw and b"mod" not in raw:
        return
    if node.type == "macro_definition":
        trees = [rule.child_by_field_name("right") for rule in node.named_children
                 if rule.type == "macro_rule"]
    else:
        trees = [c for c in node.named_children if c.type == "token_tree"]
    found = [item for tree in trees if tree is not None for item in scan_macro(tree.text or b"")]
    stack = _inline_modules(node) if found else []
    for kind, path, wildcard in found:
        if kind == "mod":
            yield Leaf("::".join([*stack, path]), "mod", relative=True)
        else:
            yield _use_leaf(path, kind, stack, wildcard)


def scan_macro(source: bytes) -> Iterator[tuple[str, str, bool]]:
    """(kind, path, wildcard) for each ``use`` tree leaf and ``mod x;`` of a macro's text."""
    for match in _MACRO_ITEM.finditer(source):
        group = match.lastgroup
        if group == "use":
            leaves: list[tuple[list[str], bool]] = []
            _use_tokens(_tokens(match.group("use")), 0, [], leaves)
            for segments, wildcard in leaves:
                if segments:
                    yield "use", "::".join(segments), wildcard
        elif group == "mod":
            yield "mod", match.group("mod").decode("utf-8", "replace"), False


def _tokens(source: bytes) -> list[str]:
    """Words, ``::`` and punctuation of a short stretch of Rust."""
    return [m.group("word").decode("utf-8", "replace") for m in _TOKEN.finditer(source)
            if m.lastgroup == "word"]


def _is_word(token: str) -> bool:
    return token[:1].isalpha() or token[:1] == "_" or token == "$crate"


def _use_tokens(tokens: list[str], i: int, prefix: list[str],
                out: list[tuple[list[str], bool]]) -> int:
    """Read one use tree from ``tokens[i]`` on; append its leaves; return where it ends."""
    segments = list(prefix)
    n = len(tokens)
    while i < n:
        token = tokens[i]
        if token == "{":
            i += 1
            while i < n and tokens[i] != "}":
                i = _use_tokens(tokens, i, segments, out)
                if i < n and tokens[i] == ",":
                    i += 1
                elif i < n and tokens[i] != "}":
                    return i  # not a use tree after all
            return i + 1
        if token == "*":
            out.append((segments, True))
            return i + 1
        if token == "::":
            i += 1
            continue
        if token == "as":
            out.append((segments, False))
            return i + 2
        if _is_word(token):
            if token == "self" and segments:  # `a::{self}` names `a`
                i += 1
                continue
            segments = [*segments, token]
            i += 1
            continue
        break
    if segments != prefix or not prefix:
        out.append((segments, False))
    return i


def distinct_paths(refs: Iterable[ImportRef]) -> list[ImportRef]:
    """One ``path`` reference per spec: the strongest (module level, unconditional, then
    earliest line). A file naming ``fmt::Result`` forty times depends on ``fmt`` once; the
    other kinds stay as they are."""
    kept: dict[str, ImportRef] = {}
    others: list[ImportRef] = []
    for ref in refs:
        if ref.kind != "path":
            others.append(ref)
            continue
        best = kept.get(ref.spec)
        if best is None or _strength(ref) < _strength(best):
            kept[ref.spec] = ref
    return others + list(kept.values())


def _strength(ref: ImportRef) -> tuple[bool, bool, bool, int]:
    return ref.lazy, ref.conditional, ref.type_only, ref.line


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
        # child by child: building `named_children` of a 5,000-item file is the slow part
        for index in range(node.named_child_count):
            child = node.named_child(index)
            if child is None:
                break
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


# -- how deep the import query must look ---------------------------------------------------
# Every match of rust.scm holds one of these tokens one level below the node it starts at
# (`use`, `mod`, `extern`, the `include` of `include!`) or deeper (a `use`/`mod` inside a
# macro's token trees), so no match starts deeper than the deepest of them, less one.
# One pattern per word: a literal start lets the regex engine skip ahead fast (one
# alternation starting with `\b` tries every byte, 6x slower on real crates).
_ANCHORS = tuple(re.compile(word + rb"\b") for word in (b"use", b"mod", b"extern", b"include"))
_IDENTIFIER_BYTES = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")
_ANCHOR_TYPES = frozenset({"use", "mod", "extern"})
# The start depth asked for when every anchor token is shallow enough: items of the file
# (depth 1) and of an inline module (depth 3). Most files have nothing deeper; walking the
# function bodies below is most of the query's time.
SHALLOW_DEPTH = 3
# Items of the file in which no match can start below the item itself: their hits (most
# hits: a file's `use` lines and its `//!` docs) need no look-up.
_FLAT_ITEMS = frozenset({"use_declaration", "line_comment", "block_comment"})


def query_start_depth(root: Node) -> int | None:
    """``SHALLOW_DEPTH`` when no match of the import query can start deeper (every anchor
    token is at most one level below it), else None: search the whole tree.

    The anchors are found in the text (a C-speed regular expression) and each is looked up
    in the tree: a hit that is not a whole token of an anchor type (a comment, a string, an
    identifier such as ``used``) is no anchor. A tree with syntax errors is searched whole.
    """
    if root.has_error:
        return None
    source = root.text or b""
    offset = root.start_byte  # the root starts at its first token, not at byte 0
    top = root.walk()
    if not top.goto_first_child():
        return SHALLOW_DEPTH
    item = top.node
    for start in _anchor_hits(source, offset):
        while item.end_byte <= start:  # the file's items, visited once each, in order
            if not top.goto_next_sibling():
                return SHALLOW_DEPTH
            item = top.node
        if item.type in _FLAT_ITEMS:
            continue
        depth, leaf = _leaf_at(item, start)
        if depth > SHALLOW_DEPTH + 1 and leaf.start_byte == start and (
            leaf.type in _ANCHOR_TYPES or (leaf.type == "identifier" and leaf.text == b"include")
        ):
            return None
    return SHALLOW_DEPTH


def _anchor_hits(source: bytes, offset: int) -> list[int]:
    """Byte positions (``offset`` added) of the anchor words in ``source``, in order."""
    return sorted(
        offset + hit.start()
        for pattern in _ANCHORS
        for hit in pattern.finditer(source)
        if hit.start() == 0 or source[hit.start() - 1] not in _IDENTIFIER_BYTES
    )


def _leaf_at(item: Node, position: int) -> tuple[int, Node]:
    """The leaf of ``item`` (a child of the root) holding byte ``position``, or the leaf
    whose skipped text (comment body, whitespace) holds it, and its depth."""
    cursor = item.walk()
    depth = 1
    while cursor.goto_first_child_for_byte(position) is not None:
        depth += 1
    return depth, cursor.node
