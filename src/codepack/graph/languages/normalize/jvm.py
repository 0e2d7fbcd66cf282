"""Java, Kotlin and Scala: dotted imports of classes, members and packages.

Java and Kotlin need no code beyond the shared capture expander (``import a.b.C`` ->
``a.b.C``; ``import a.b.*`` -> ``a.b`` wildcard; ``import static`` -> kind ``import_static``).
Scala imports are trees: ``import a.b.{C, D => E, _}`` gives one leaf per selector
(``a.b.C``, ``a.b.D``) plus a wildcard ``a.b``; selectors renamed to ``_`` hide a name and
are skipped; ``import a.b, c.d`` gives two leaves. Scala package clauses chain
(``package a`` then ``package b`` means package ``a.b``), and nest with bodies.

Java code also depends on classes it never imports: javac looks a simple type name up in the
single-type imports, then in the file's own package, then in the wildcard imports. So the
simple type names the code uses (``@type_use``) become data for the resolver
(``implicit_imports``): a wildcard import carries them as its names, and one implicit import of
kind ``same_package`` (at the ``package`` line) carries them for the own package. Names that
a single-type import already binds are left out of both.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence

from tree_sitter import Node

from codepack.graph.languages.normalize.common import (
    Captures,
    Leaf,
    captured_import,
    compact,
    never_relative,
    text,
)
from codepack.records import ImportRef

expand_java = captured_import(never_relative)
expand_kotlin = captured_import(never_relative)

_SCALA_SEGMENTS = frozenset({"identifier", "operator_identifier"})


def expand_scala(kind: str, stmt: Node, captures: Captures) -> Iterator[Leaf]:
    """Leaves of one Scala ``import`` clause (Scala 2 and 3 syntax)."""
    path: list[str] = []
    open_path = False  # a path is being read and has not been emitted yet
    for child in stmt.children:
        kind_of = child.type
        if kind_of in _SCALA_SEGMENTS:
            path.append(_segment(child))
            open_path = True
        elif kind_of == ",":
            if open_path and path:
                yield Leaf(".".join(path), kind)
            path, open_path = [], False
        elif kind_of == "namespace_wildcard":
            if path:
                yield Leaf(".".join(path), kind, wildcard=True)
            open_path = False
        elif kind_of == "as_renamed_identifier":
            name = _selected_name(child)
            if name:
                yield Leaf(".".join([*path, name]), kind)
            open_path = False
        elif kind_of == "namespace_selectors":
            yield from _selectors(child, path, kind)
            open_path = False
    if open_path and path:
        yield Leaf(".".join(path), kind)


def _selectors(node: Node, path: list[str], kind: str) -> Iterator[Leaf]:
    prefix = ".".join(path)
    if not prefix:
        return
    for selector in node.named_children:
        if selector.type == "namespace_wildcard":
            yield Leaf(prefix, kind, wildcard=True)
        elif selector.type in _SCALA_SEGMENTS:
            yield Leaf(f"{prefix}.{_segment(selector)}", kind)
        elif selector.type in ("arrow_renamed_identifier", "as_renamed_identifier"):
            name = _selected_name(selector)
            if name:
                yield Leaf(f"{prefix}.{name}", kind)


def _selected_name(renamed: Node) -> str | None:
    """``D => E`` / ``D as E`` -> ``D``; ``D => _`` hides D from a wildcard -> None."""
    alias = renamed.child_by_field_name("alias")
    if alias is not None and alias.type == "wildcard":
        return None
    name = renamed.child_by_field_name("name")
    return _segment(name) if name is not None else None


def _segment(node: Node) -> str:
    return text(node).strip().strip("`")


def scala_packages(nodes: Sequence[Node]) -> Iterator[str]:
    """Full names of the packages a Scala file declares.

    ``nodes`` are the names of ``package_clause`` nodes. A clause without a body applies to
    everything after it in the same scope, so consecutive clauses ``package a`` /
    ``package b`` declare only ``a.b``; a clause with a body is nested inside the clauses
    around it.
    """
    for name in nodes:
        clause = name.parent
        if clause is None or clause.type != "package_clause":
            continue
        if _has_body(clause) or not _followed_by_chained_clause(clause):
            full = _full_package(clause)
            if full:
                yield full


def _full_package(clause: Node) -> str:
    parts = [_clause_name(clause)]
    node = clause
    while node is not None:
        sibling = node.prev_named_sibling
        while sibling is not None:
            if sibling.type == "package_clause" and not _has_body(sibling):
                parts.append(_clause_name(sibling))
            sibling = sibling.prev_named_sibling
        container = node.parent
        owner = container.parent if container is not None else None
        if owner is not None and owner.type == "package_clause" and _has_body(owner):
            parts.append(_clause_name(owner))
            node = owner
        else:
            break
    return ".".join(p for p in reversed(parts) if p)


def _followed_by_chained_clause(clause: Node) -> bool:
    sibling = clause.next_named_sibling
    while sibling is not None and sibling.type in ("comment", "block_comment"):
        sibling = sibling.next_named_sibling
    return sibling is not None and sibling.type == "package_clause" and not _has_body(sibling)


def _has_body(clause: Node) -> bool:
    return clause.child_by_field_name("body") is not None


def _clause_name(clause: Node) -> str:
    name = clause.child_by_field_name("name")
    return compact(name) if name is not None else ""


SAME_PACKAGE = "same_package"  # kind of the implicit import of the file's own package
# A declaration entry ``class:<package>.<Name>``: a top-level name (class, object, interface,
# type alias; Kotlin/Scala 3 top-level function or value) that ``<package>`` gets from the
# file. Other entries are package names.
TOP_LEVEL = "class:"

# parents of the @declaration nodes that name a package (the others name a top-level member)
_PACKAGE_PARENTS = frozenset({"package_declaration", "package_header", "package_clause"})


def _is_package_name(node: Node) -> bool:
    parent = node.parent
    return parent is not None and parent.type in _PACKAGE_PARENTS


def java_package(declared: Sequence[Node]) -> Node | None:
    """The node naming the file's package (Java, Kotlin: the first package line)."""
    return next((node for node in declared if _is_package_name(node)), None)


def kotlin_declarations(nodes: Sequence[Node]) -> Iterator[str]:
    """The package, then ``class:<package>.<Name>`` per top-level name the file declares."""
    package_node = java_package(nodes)
    package = compact(package_node) if package_node is not None else ""
    if package:
        yield package
    for node in nodes:
        if not _is_package_name(node):
            name = _segment(node)
            if name:
                yield f"{TOP_LEVEL}{package}.{name}" if package else TOP_LEVEL + name


def scala_declarations(nodes: Sequence[Node]) -> Iterator[str]:
    """The packages (``scala_packages``), then ``class:<package>.<Name>`` per top-level
    name, in the innermost package declared before it."""
    ordered = sorted(nodes, key=lambda n: n.start_byte)
    clauses = [n for n in ordered if _is_package_name(n)]
    packages = list(dict.fromkeys(scala_packages(clauses)))
    yield from packages
    full = {id(n): _full_package(n.parent) for n in clauses if n.parent is not None}
    package = ""
    for node in ordered:
        if _is_package_name(node):
            package = full.get(id(node), package)
            continue
        name = _segment(node)
        if name:
            yield f"{TOP_LEVEL}{package}.{name}" if package else TOP_LEVEL + name


def scala_package(declared: Sequence[Node]) -> Node | None:
    """The package clause node whose full name the file's code lives in: the last clause of
    the first chain (``package a`` + ``package b`` -> the ``b`` node, package ``a.b``)."""
    clauses = [n for n in declared if _is_package_name(n)]
    for node in clauses:
        clause = node.parent
        if clause is not None and not _followed_by_chained_clause(clause):
            return node
    return None


def scala_package_name(node: Node) -> str:
    return _full_package(node.parent) if node.parent is not None else ""


def implicit_imports(
    imports: Sequence[ImportRef], declared: Sequence[Node], used: frozenset[str]
) -> Iterator[ImportRef]:
    """Java and Kotlin: ``imports`` completed with the names the code uses (javac's lookup
    order); see ``complete_imports``."""
    node = java_package(declared)
    package = compact(node) if node is not None else ""
    return complete_imports(imports, node, package, used)


def scala_implicit_imports(
    imports: Sequence[ImportRef], declared: Sequence[Node], used: frozenset[str]
) -> Iterator[ImportRef]:
    """Scala: as ``implicit_imports``, for the full package of chained clauses."""
    node = scala_package(declared)
    package = scala_package_name(node) if node is not None else ""
    return complete_imports(imports, node, package, used)


def complete_imports(
    imports: Sequence[ImportRef], package_node: Node | None, package: str, used: frozenset[str]
) -> Iterator[ImportRef]:
    """``imports`` completed with the simple names the code uses.

    Every wildcard (non-static) import gets the used names that no single-type import binds,
    sorted, as its ``names``; the file's package gets an implicit ``same_package`` import with
    the same names (at its ``package`` line). The resolver keeps only names that a
    declaration of that package provides, so ``String`` or a type parameter ``T`` costs
    nothing.
    """
    bound = {
        ref.spec.rpartition(".")[2] for ref in imports if ref.kind == "import" and not ref.wildcard
    }
    names = tuple(sorted(used - bound))
    for ref in imports:
        if ref.wildcard and ref.kind == "import" and names:
            yield dataclasses.replace(ref, names=names)
        else:
            yield ref
    if names and package and package_node is not None:
        yield ImportRef(
            spec=package,
            line=package_node.start_point.row + 1,
            kind=SAME_PACKAGE,
            names=names,
            wildcard=True,
        )
