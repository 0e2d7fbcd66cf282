"""Import extraction: parse a file with tree-sitter, run its language's import query once, and
turn the matches into ``ImportRef`` records (plus the packages/namespaces it declares).

Why this shape: on terabytes of code the cost that matters is per file, so each file is parsed
once (only its head where nothing past it can hold an import: Go, and Python with no
``import`` word past its first definition, see ``_read_head``; "top N lines" below is the
other exception) and searched with one compiled query (C code); Python only touches the
matched statements and walks each one's ancestor chain to set the flags — never the whole
tree. Nothing here knows about graphs.

Queries (``queries/<language>.scm``) are data. Capture vocabulary they share:

``@import.<kind>``   the whole import statement or call. ``<kind>`` becomes ``ImportRef.kind``
                     (a normaliser may refine it); its first line is ``ImportRef.line``; its
                     ancestors decide lazy / conditional / type_only.
``@spec``            the node holding the specifier: a dotted/scoped name (whitespace removed)
                     or a string literal (delimiters removed; interpolated strings are skipped).
``@name``            one symbol brought in (repeatable).
``@wildcard``        present when the statement imports everything (``*``, ``_``, ``.``).
``@type_only``       present when the statement is erased at run time.
``@static``          turns kind ``k`` into ``k_static`` (Java ``import static``).
``@system``          a C/C++ ``#include <...>``.
``@declaration``     a package/namespace name the file declares (not an import).
``@type_use``        a simple name the code uses (Java, Kotlin, Scala, C#, Swift): what the
                     language's ``implicit`` rule turns into same-package references and the names a
                     wildcard import takes (``normalize/jvm.py``). Type names are most of a
                     file's matches, so their patterns are told apart by index, before any
                     other work.
``@region.open`` / ``@region.close``
                     flat conditional-compilation directives (Swift ``#if``/``#endif``): the
                     imports between them are conditional.
``@_<anything>``     helpers for predicates such as ``(#eq? @_fn "require")``; ignored.

Statements whose structure a query cannot flatten (Python ``from`` lists, JS import clauses,
Rust use trees, Scala selectors, PHP group use, C# aliases) are expanded by the per-language
normalisers in ``codepack.graph.languages.normalize``. TSX reuses ``typescript.scm``: the TSX
grammar has the same node names for everything the query mentions.

Kinds by language (``ImportRef.kind``):

=====================  ===============================================================
python                 import, from, dynamic (``importlib.import_module``/``__import__``)
javascript/ts/tsx      import, export (re-export ``from``), require, dynamic (``import()``)
go                     import
rust                   use, mod, extern_crate
c/cpp                  include
java                   import, import_static
kotlin/scala/swift     import
csharp                 using, using_static, using_alias
ruby                   require, require_relative, load, autoload
php                    use, use_function, use_const, require, require_once, include,
                       include_once, class (a class named in code)
=====================  ===============================================================

Names are the symbols a statement takes from its target as the target spells them (aliases
dropped): Python ``from m import a as b`` -> ``a``; JS ``import x, {a}`` -> ``default``, ``a``;
a Go alias is the name (``f "os"`` -> ``f``); Ruby ``autoload :X`` -> ``X``; Swift ``import
struct M.T`` -> ``T``. Dotted and path specifiers name their target alone, with no names.

Flags, from the statement's ancestors through the per-language table ``_RULES``:

* lazy: inside a function/method/lambda body at any depth.
* type_only: the statement says so (TS ``import type``) or a type-checking guard encloses it
  (Python ``if TYPE_CHECKING:``; its ``else`` branch is not type-only).
* conditional: an if/try/switch (or ``#if``/``#ifdef``, a Rust ``#[cfg]``) encloses it
  *outside* any function body — the import may not happen when the module loads. Inside a
  function the import is already lazy, so conditions there are not counted again. A C
  header guard, an ``#ifdef __cplusplus`` / ``extern "C" {`` wrapper and a TYPE_CHECKING
  guard are not conditions.

Top N lines: ``import_lines > 0`` keeps the imports that start in the first N lines (the
CodeGemma report's rule). Usually only those lines are parsed; when the cut may have changed
their meaning (it fell inside a docstring, or inside a multi-line import), a longer head or the
whole file is parsed too (see ``_read_lines``). Measured on the CPython stdlib, the result
equals a whole-file parse's first N lines for every file.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import tree_sitter
from tree_sitter import Node

from codepack.graph.languages.complexity import MAX_TREE_DEPTH, nesting_reason, tree_depth_reason
from codepack.graph.languages.normalize import (
    cfamily,
    csharp,
    ecmascript,
    golang,
    jvm,
    php,
    python,
    ruby,
    rust,
    swift,
)
from codepack.graph.languages.normalize.common import (
    Captures,
    Expander,
    Leaf,
    captured_import,
    declared_names,
    dot_relative,
)
from codepack.graph.languages.registry import ts_language
from codepack.records import ImportRef

Implicit = Callable[[Sequence[ImportRef], Sequence[Node], frozenset[str]], Iterable[ImportRef]]

_QUERY_DIR = Path(__file__).parent / "queries"

Statement = tuple[str, Node, Captures]  # one query match: (kind, statement node, captures)


@dataclass(frozen=True, slots=True)
class LanguageRules:
    """How one language's matches become ImportRefs, and which ancestors set which flag."""

    query: str  # file stem in queries/
    expand: Expander
    functions: frozenset[str] = frozenset()  # node types whose body makes an import lazy
    conditionals: frozenset[str] = frozenset()  # node types that make an import conditional
    # refines a node of a `conditionals` type: False when it is not a real condition
    condition_test: Callable[[Node], bool] | None = None
    # (ancestor, child on the path) -> True when that branch exists only for type checkers
    type_guard: Callable[[Node, Node | None], bool] | None = None
    declarations: Callable[[Sequence[Node]], Iterable[str]] = declared_names
    # tokens that open an import statement: an ERROR holding one at the cut is an import
    # cut in half
    import_keywords: frozenset[str] = frozenset({"import"})
    # drops the matches that would only repeat another one's import, before their flags are
    # read (a PHP class named 50 times in a file is read once): cheap files stay cheap
    select: Callable[[list[Statement]], list[Statement]] | None = None
    # merges a file's references that say the same thing (Rust: one `path` per spec)
    merge: Callable[[Iterable[ImportRef]], Iterable[ImportRef]] | None = None
    # completes the imports with what the code names without importing it: (imports,
    # @declaration nodes, @type_use names) -> the full import list
    implicit: Implicit | None = None
    # the depth no query match starts below, for this tree (None: any depth): the query's
    # time is mostly the walk over deep function bodies that hold no import
    start_depth: Callable[[Node], int | None] | None = None
    # where the part of a file that holds no import starts (a character offset), or None to
    # read the whole file: only the head before it is parsed (``_read_head``)
    head_end: Callable[[str], int | None] | None = None


_ECMASCRIPT_FUNCTIONS = frozenset(
    {
        "function_declaration",
        "function_expression",
        "generator_function_declaration",
        "generator_function",
        "arrow_function",
        "method_definition",
        "class_static_block",
    }
)
_ECMASCRIPT_CONDITIONALS = frozenset(
    {"if_statement", "try_statement", "switch_statement", "ternary_expression"}
)
_ECMASCRIPT_KEYWORDS = frozenset({"import", "export"})
_C_FUNCTIONS = frozenset({"function_definition"})

_RULES: dict[str, LanguageRules] = {
    "python": LanguageRules(
        "python",
        python.expand,
        functions=frozenset({"function_definition", "lambda"}),
        conditionals=frozenset(
            {"if_statement", "try_statement", "match_statement", "conditional_expression"}
        ),
        type_guard=python.type_checking_branch,
        import_keywords=frozenset({"import", "from"}),
        head_end=python.head_end,
    ),
    "javascript": LanguageRules(
        "javascript",
        ecmascript.expand,
        functions=_ECMASCRIPT_FUNCTIONS,
        conditionals=_ECMASCRIPT_CONDITIONALS,
        import_keywords=_ECMASCRIPT_KEYWORDS,
    ),
    "typescript": LanguageRules(
        "typescript",
        ecmascript.expand,
        functions=_ECMASCRIPT_FUNCTIONS,
        conditionals=_ECMASCRIPT_CONDITIONALS,
        import_keywords=_ECMASCRIPT_KEYWORDS,
    ),
    "tsx": LanguageRules(
        "typescript",
        ecmascript.expand,
        functions=_ECMASCRIPT_FUNCTIONS,
        conditionals=_ECMASCRIPT_CONDITIONALS,
        import_keywords=_ECMASCRIPT_KEYWORDS,
    ),
    "go": LanguageRules(
        "go",
        captured_import(dot_relative),
        declarations=golang.declarations,
        head_end=golang.head_end,
    ),
    "rust": LanguageRules(
        "rust",
        rust.expand,
        functions=frozenset({"function_item", "closure_expression"}),
        conditionals=rust.CFG_SCOPES,
        condition_test=rust.has_cfg,
        declarations=rust.inline_modules,
        import_keywords=frozenset({"use", "mod", "extern"}),
        merge=rust.distinct_paths,
        start_depth=rust.query_start_depth,
    ),
    "c": LanguageRules(
        "c",
        cfamily.expand,
        functions=_C_FUNCTIONS,
        conditionals=cfamily.PREPROCESSOR_CONDITIONALS,
        condition_test=cfamily.real_condition,
        import_keywords=frozenset({"#include"}),
    ),
    "cpp": LanguageRules(
        "cpp",
        cfamily.expand,
        functions=_C_FUNCTIONS | {"lambda_expression"},
        conditionals=cfamily.PREPROCESSOR_CONDITIONALS,
        condition_test=cfamily.real_condition,
        import_keywords=frozenset({"#include"}),
    ),
    "java": LanguageRules("java", jvm.expand_java, implicit=jvm.implicit_imports),
    "kotlin": LanguageRules(
        "kotlin",
        jvm.expand_kotlin,
        declarations=jvm.kotlin_declarations,
        implicit=jvm.implicit_imports,
    ),
    "scala": LanguageRules(
        "scala",
        jvm.expand_scala,
        functions=frozenset({"function_definition", "lambda_expression"}),
        conditionals=frozenset({"if_expression", "match_expression", "try_expression"}),
        declarations=jvm.scala_declarations,
        implicit=jvm.scala_implicit_imports,
    ),
    "csharp": LanguageRules(
        "csharp",
        csharp.expand,
        conditionals=frozenset({"preproc_if", "preproc_elif", "preproc_else"}),
        declarations=csharp.namespaces,
        import_keywords=frozenset({"using"}),
        implicit=csharp.implicit_imports,
    ),
    "ruby": LanguageRules(
        "ruby",
        ruby.expand,
        functions=frozenset({"method", "singleton_method", "lambda"}),
        conditionals=frozenset(
            {
                "if",
                "unless",
                "elsif",
                "else",
                "case",
                "case_match",
                "begin",
                "if_modifier",
                "unless_modifier",
                "rescue_modifier",
                "conditional",
            }
        ),
        import_keywords=frozenset(),  # requires are calls, not keywords
    ),
    "php": LanguageRules(
        "php",
        php.expand,
        functions=frozenset(
            {"function_definition", "method_declaration", "anonymous_function", "arrow_function"}
        ),
        conditionals=frozenset(
            {"if_statement", "switch_statement", "try_statement", "conditional_expression"}
        ),
        declarations=php.declarations,
        import_keywords=frozenset({"use", "require", "require_once", "include", "include_once"}),
        select=php.first_mentions,
    ),
    "swift": LanguageRules(
        "swift",
        swift.expand,
        declarations=swift.declarations,
        implicit=swift.implicit_imports,
    ),
}


@dataclass(frozen=True, slots=True)
class Extraction:
    """What extraction reads from one file."""

    imports: tuple[ImportRef, ...]  # sorted by (line, spec, kind, ...)
    # syntax errors (with import_lines > 0: starting in those lines, not caused by the
    # cut); imports are then best effort
    parse_error: bool
    declarations: tuple[str, ...]  # package/namespace names, in order of appearance
    # why the file is too complex to read (a limit of codepack.graph.languages.complexity or
    # the query's match limit): then nothing else is read and the file should be skipped
    too_complex: str | None = None


def supports(language: str) -> bool:
    """Whether imports of ``language`` can be extracted (every registry language can)."""
    return language in _RULES


def extract_imports(
    text: str, language: str, import_lines: int = 0
) -> tuple[tuple[ImportRef, ...], bool]:
    """The imports of a file, sorted by (line, spec, kind), and whether it had syntax errors.

    ``import_lines > 0`` reads only the first N lines. A language without import rules
    yields no imports and no error.
    """
    result = extract_file(text, language, import_lines)
    return result.imports, result.parse_error


def extract_declarations(text: str, language: str) -> tuple[str, ...]:
    """The package/namespace names a file declares: Java/Kotlin/Scala ``package``, C#
    ``namespace`` (block and file-scoped, nested joined with ``.``), PHP ``namespace`` (and
    ``class:A\\B\\C`` per class-like declared), Go ``package``, Rust inline ``mod a { }``
    (nested joined with ``::``). Empty for other languages. Use ``extract_file`` to get these
    together with the imports from a single parse."""
    return extract_file(text, language).declarations


def extract_file(
    text: str, language: str, import_lines: int = 0, *, whole: bool = False
) -> Extraction:
    """Parse ``text`` and read its imports, parse-error flag and declarations.

    With ``import_lines > 0`` the result is what a whole-file parse gives for the first N
    lines (imports starting there, syntax errors starting there, declarations made there),
    computed from as little text as possible; see ``_read_lines``.

    Where a language's imports can only stand in a file's head (Go), or a keyword scan
    finds none past it (Python), only the head is parsed (``_read_head``); ``whole=True``
    parses the whole file, the reference the head read is checked against.

    A file past a per-file limit (nesting depth before parsing, tree depth or query match
    limit after) yields only ``too_complex``, the limit it hit; the limits are counts, not
    clocks, so the outcome is the same on every machine.
    """
    rules = _RULES.get(language)
    if rules is None:
        return Extraction((), False, ())
    # before parsing: see codepack.graph.languages.complexity
    too_deep = nesting_reason(text, language)
    if too_deep is not None:
        return Extraction((), False, (), too_complex=too_deep)
    if language == "c" and looks_like_cpp(text):
        language, rules = "cpp", _RULES["cpp"]
    if import_lines > 0:
        return _read_lines(text, rules, language, import_lines)
    if not whole and rules.head_end is not None:
        head = _read_head(text, rules, language)
        if head is not None:
            return head
    data = text.encode("utf-8", "replace")
    root = _parser(language).parse(data).root_node
    try:
        found = _read(root, rules, language, len(data))
    except TooComplex as limit:
        return Extraction((), False, (), too_complex=str(limit))
    return Extraction(found.imports, root.has_error, found.declarations)


def _read_head(text: str, rules: LanguageRules, language: str) -> Extraction | None:
    """The file read from a parse of its head alone (up to ``rules.head_end``), or None when
    the whole file must be parsed.

    The head is accepted only when it parses without a syntax error: the cut then fell
    between top-level statements, so the head's tree is the start of the whole file's, and
    the language's ``head_end`` has checked that nothing past the cut can hold an import.
    A cut inside a string or comment (or a real error) leaves an error, and the whole file
    is read. What the head cannot see: syntax errors past it (``parse_error`` says whether
    the text read had any) and a body nested past ``MAX_TREE_DEPTH`` without brackets (its
    bracket depth is still checked on the whole text). ``benchmarks/extract_equivalence.py``
    compares both reads file by file.
    """
    end = rules.head_end(text) if rules.head_end is not None else None
    if end is None:
        return None
    data = text[:end].encode("utf-8", "replace")
    root = _parser(language).parse(data).root_node
    if root.has_error:
        return None
    try:
        found = _read(root, rules, language, len(data))
    except TooComplex:
        return None  # the whole file says which limit
    return Extraction(found.imports, False, found.declarations)


_HEAD_GROWTH = 4  # the second look reads this many times more lines


# Spellings valid C never has: a scope operator, a namespace, a template. Plain substring
# tests (fast C loops, no regex) over the text; a C comment that mentions one costs nothing,
# since the C++ grammar reads C headers' includes and conditionals the same way.
_CPP_MARKERS = ("::", "namespace ", "template<", "template <")


def looks_like_cpp(text: str) -> bool:
    """Whether a ``.h``/``.c`` text is C++. A ``.h`` file is C or C++ and its name cannot
    tell: most of a C++ project's headers are syntax errors to the C grammar, whose recovery
    then misreads the ``#if`` blocks around includes (and can swallow includes). One parse
    with the right grammar costs less than a C parse plus a C++ retry on error."""
    return any(marker in text for marker in _CPP_MARKERS)


def _read_lines(text: str, rules: LanguageRules, language: str, lines: int) -> Extraction:
    """The first ``lines`` lines of a file, read from a parse of as short a prefix as works.

    1. Parse the first N lines. If the only syntax errors are the ones the cut itself
       leaves at the end (an open block or statement, holding no import), that parse is
       the answer.
    2. Otherwise the cut may have landed inside a docstring, comment or string — which
       turns the rest of the head into code, so doctest lines like ``>>> import os`` would
       become imports — or the head has real errors. Parse 4N lines: if the cut there is
       clean, or the first N lines read exactly as before (same imports, same rows with
       errors that are not at the cut: real errors), that is the answer.
    3. Otherwise parse the whole file.

    Files with real syntax errors (common in macro-heavy C) thus cost about 5N lines, not
    the whole file. A string opened before line N that runs past line 4N with import
    statements written inside it is the one case read wrongly.
    """
    earlier: tuple[_Found, frozenset[int]] | None = None
    for size in (lines, lines * _HEAD_GROWTH, 0):
        head, truncated = _head(text, size)
        data = head.encode("utf-8", "replace")
        root = _parser(language).parse(data).root_node
        try:
            found = _read(root, rules, language, len(data), rows=lines)
        except TooComplex as limit:
            return Extraction((), False, (), too_complex=str(limit))
        if not truncated:
            return Extraction(found.imports, _error_before_row(root, lines), found.declarations)
        misleading, error_rows = _errors_in_head(root, rules, found.reach, lines)
        if not misleading:
            return Extraction(found.imports, False, found.declarations)
        if earlier == (found, error_rows):
            return Extraction(found.imports, bool(error_rows), found.declarations)
        earlier = (found, error_rows)
    raise AssertionError("unreachable: the last size reads the whole file")


@dataclass(frozen=True, slots=True)
class _Found:
    imports: tuple[ImportRef, ...]
    declarations: tuple[str, ...]
    # end byte of the last import statement read: an error before it may have cut one short
    # (read for a head only, 0 for a whole file)
    reach: int = field(default=0, compare=False)


class TooComplex(Exception):
    """A file crossed a per-file limit; the message says which."""


# In-progress matches the query cursor may hold at once. Import queries keep a handful
# (one statement's patterns); past this the cursor would drop matches silently, so the
# file is skipped instead (``did_exceed_match_limit``).
MATCH_LIMIT = 256


def _read(root: Node, rules: LanguageRules, language: str, size: int, rows: int = 0) -> _Found:
    """Run the language's query over the tree (only its first ``rows`` lines when > 0).

    Raises ``TooComplex`` for a tree deeper than ``MAX_TREE_DEPTH`` (tree-sitter's query
    cursor keeps match depths in 16 bits and goes superlinear past 65,535 levels) or when
    the cursor exceeded its match limit. No match can start deeper than the depth limit,
    so the query's time is bounded even if the depth check were bypassed.
    """
    reason = tree_depth_reason(root)
    if reason is not None:
        raise TooComplex(reason)
    cursor = tree_sitter.QueryCursor(_query(language), match_limit=MATCH_LIMIT)
    depth = rules.start_depth(root) if rules.start_depth is not None else None
    cursor.set_max_start_depth(MAX_TREE_DEPTH if depth is None else min(depth, MAX_TREE_DEPTH))
    if rows > 0:
        cursor.set_point_range((0, 0), (rows, 0))
    matches = cursor.matches(root)
    if cursor.did_exceed_match_limit:
        raise TooComplex(f"query match limit {MATCH_LIMIT} exceeded")
    statements: list[Statement] = []
    declared: list[Node] = []
    used: list[Node] = []
    roles = _pattern_roles(language)
    region_marks: list[tuple[int, bool]] = []  # (byte, opens)
    for pattern, captures in matches:
        role = roles[pattern] or _role_of(captures)
        if role is None:
            continue
        nodes = captures.get(role.capture)
        if not nodes:
            continue  # the pattern's one role capture is optional and absent
        if role.kind is not None:
            statements.append((role.kind, nodes[0], captures))
        elif role.capture == "type_use":
            used.extend(nodes)
        elif role.capture == "declaration":
            declared.extend(nodes)
        elif role.capture == "region.open":
            region_marks.extend((node.start_byte, True) for node in nodes)
        else:
            region_marks.extend((node.end_byte, False) for node in nodes)

    regions = _regions(region_marks, size)
    refs: set[ImportRef] = set()
    scopes = _Scopes(root, rules)
    read = statements if rows <= 0 else [s for s in statements if s[1].start_point.row < rows]
    if rules.select is not None:
        read = rules.select(read)
    for kind, stmt, captures in read:
        refs.update(_refs(rules, kind, stmt, captures, regions, scopes))
    if rows > 0:
        declared = [node for node in declared if node.start_point.row < rows]
        used = [node for node in used if node.start_point.row < rows]
    if rules.implicit is not None:
        names = frozenset(name.decode("utf-8", "replace") for name in {n.text for n in used})
        refs = set(rules.implicit(sorted(refs, key=ImportRef.sort_key), declared, names))
    kept = rules.merge(refs) if rules.merge is not None else refs
    return _Found(
        tuple(sorted(kept, key=ImportRef.sort_key)),
        tuple(dict.fromkeys(rules.declarations(declared))),
        # only a head read (``_read_lines``) looks at the reach: a whole file skips the pass
        max((stmt.end_byte for _, stmt, _ in statements), default=0) if rows > 0 else 0,
    )


def _refs(
    rules: LanguageRules,
    kind: str,
    stmt: Node,
    captures: Captures,
    regions: Sequence[tuple[int, int]],
    scopes: _Scopes,
) -> Iterator[ImportRef]:
    """The ImportRefs of one matched statement: its leaves plus position and scope flags."""
    leaves: list[Leaf] = [leaf for leaf in rules.expand(kind, stmt, captures) if leaf.spec]
    if not leaves:
        return
    scope = scopes.of(stmt)
    conditional = scope.conditional
    if regions and not conditional:
        start = stmt.start_byte
        conditional = any(begin <= start < end for begin, end in regions)
    line = stmt.start_point.row + 1
    for leaf in leaves:
        yield ImportRef(
            spec=leaf.spec,
            line=line,
            kind=leaf.kind,
            names=leaf.names,
            relative=leaf.relative,
            lazy=scope.lazy,
            type_only=leaf.type_only or scope.type_only,
            conditional=conditional,
            wildcard=leaf.wildcard,
            system=leaf.system,
        )


@dataclass(frozen=True, slots=True)
class _Scope:
    """What a stretch of a statement's ancestor chain says about it.

    ``conditional`` counts only conditions above every function in the stretch, so two
    stretches compose: an outer stretch holding a function hides the inner conditions.
    """

    lazy: bool = False
    conditional: bool = False
    type_only: bool = False
    function: bool = False  # the stretch holds a function boundary

    def inside(self, outer: _Scope) -> _Scope:
        """This (inner) stretch followed by ``outer``."""
        if not (self.lazy or self.conditional or self.type_only or self.function):
            return outer  # most ancestors say nothing: no new object per step
        return _Scope(
            lazy=self.lazy or outer.lazy,
            conditional=outer.conditional or (self.conditional and not outer.function),
            type_only=self.type_only or outer.type_only,
            function=self.function or outer.function,
        )


_NO_SCOPE = _Scope()
_FUNCTION = _Scope(lazy=True, function=True)
_CONDITION = _Scope(conditional=True)
_TYPE_GUARD = _Scope(type_only=True)

_ScopeMemo = dict[tuple[int, int, int], _Scope]


class _Scopes:
    """The scope of each statement of one tree.

    Where a language's flags depend on node types alone (no type guard, no condition test),
    a statement's scope is read top-down in one pass of a tree cursor that descends to the
    statement's first byte: a C call per level, where ``Node.parent`` searches down from the
    root on every call. PHP files hold thousands of class names in method bodies, each read
    for its scope. Other languages walk up with ``_scope_flags`` and its memo.
    """

    __slots__ = ("_by_type", "_memo", "_root", "_rules")

    def __init__(self, root: Node, rules: LanguageRules) -> None:
        self._root = root
        self._rules = rules
        self._memo: _ScopeMemo = {}
        self._by_type = rules.type_guard is None and rules.condition_test is None

    def of(self, stmt: Node) -> _Scope:
        """Lazy / conditional / type-only of ``stmt`` (see ``_scope_flags``)."""
        if self._by_type:
            scope = _scope_by_type(self._root, stmt, self._rules)
            if scope is not None:
                return scope
        return _scope_flags(stmt, self._root, self._rules, self._memo)


def _scope_by_type(root: Node, stmt: Node, rules: LanguageRules) -> _Scope | None:
    """``_scope_flags`` for a language whose flags come from node types alone: lazy when a
    function is on the path from the root to ``stmt`` (both included), conditional when a
    condition is on it with no function above it. None when the cursor does not reach
    ``stmt`` (a zero-width node) or ``stmt`` lies deeper than ``_CURSOR_LEVELS``: then ask
    ``_scope_flags``, whose memo shares the deep part of the path between statements."""
    functions, conditionals = rules.functions, rules.conditionals
    target, end, identity = stmt.start_byte, stmt.end_byte, stmt.id
    cursor = root.walk()
    lazy = conditional = False
    for _ in range(_CURSOR_LEVELS):
        node = cursor.node
        if node is None:
            return None
        kind = node.type
        if kind in functions:
            lazy = True
        elif not lazy and kind in conditionals:
            conditional = True
        if node.id == identity and node.end_byte == end and node.start_byte == target:
            return _BY_TYPE[lazy, conditional]
        if cursor.goto_first_child_for_byte(target) is None:
            return None
    return None


# Real statements sit a few dozen levels deep; a chain of thousands of nested expressions
# above many statements is read faster with the memo of ``_scope_flags``.
_CURSOR_LEVELS = 200

_BY_TYPE = {
    (lazy, conditional): _Scope(lazy=lazy, conditional=conditional, function=lazy)
    for lazy in (False, True)
    for conditional in (False, True)
}


def _scope_flags(stmt: Node, root: Node, rules: LanguageRules, memo: _ScopeMemo) -> _Scope:
    """Lazy / conditional / type-only, from the statement itself (a Rust ``#[cfg]`` may sit
    on the ``use``) and its ancestors.

    ``memo`` maps a node to what everything above it says, so statements sharing a block
    judge the shared part of the chain once. A statement looks up through a few parents for
    a judged one (usually its block's, judged for the statement before); past
    ``_UPWARD_STEPS`` the chain is found top-down from the root: ``Node.parent`` searches
    down from the root on every call, so walking up a deep chain was quadratic in its depth
    (20 imports under 4,000 chained assignments: 20.6 s for the whole extraction, now 1.7 s).
    """
    pending: list[tuple[Node, tuple[int, int, int], Node]] = []  # (node, its key, parent)
    node = stmt
    above: _Scope | None = None
    for _ in range(_UPWARD_STEPS):
        key = _key(node)
        above = memo.get(key)
        if above is not None:
            break
        parent = node.parent
        if parent is None:
            above = memo[key] = _NO_SCOPE
            break
        pending.append((node, key, parent))
        node = parent
    if above is None:
        above = _scope_top_down(_chain(root, node), rules, memo)
    for node, key, parent in reversed(pending):
        above = memo[key] = _step(parent, node, rules).inside(above)
    return _step(stmt, None, rules).inside(above)


_UPWARD_STEPS = 8


def _scope_top_down(chain: list[Node], rules: LanguageRules, memo: _ScopeMemo) -> _Scope:
    """What everything above the last node of ``chain`` (root first) says, memoised."""
    parent = chain[0]
    above = memo.setdefault(_key(parent), _NO_SCOPE)
    for node in chain[1:]:
        key = _key(node)
        scope = memo.get(key)
        if scope is None:
            scope = memo[key] = _step(parent, node, rules).inside(above)
        parent, above = node, scope
    return above


def _chain(root: Node, stmt: Node) -> list[Node]:
    """The nodes from ``root`` down to ``stmt``, both included."""
    node: Node | None = root
    chain: list[Node] = []
    while node is not None and node != stmt:  # Node equality: same node of the same tree
        chain.append(node)
        node = node.child_with_descendant(stmt)
    chain.append(stmt)
    return chain


def _step(node: Node, child: Node | None, rules: LanguageRules) -> _Scope:
    """What one ancestor says about the statement reached through ``child``."""
    if rules.type_guard is not None and rules.type_guard(node, child):
        return _TYPE_GUARD
    kind = node.type
    if kind in rules.functions:
        return _FUNCTION
    if kind in rules.conditionals and (rules.condition_test is None or rules.condition_test(node)):
        return _CONDITION
    return _NO_SCOPE


def _key(node: Node) -> tuple[int, int, int]:
    return node.id, node.start_byte, node.kind_id


def _regions(marks: list[tuple[int, bool]], end_of_file: int) -> list[tuple[int, int]]:
    """Byte ranges enclosed by flat ``#if`` ... ``#endif`` directives (nesting allowed; an
    unclosed ``#if`` runs to the end of the file)."""
    if not marks:
        return []
    regions: list[tuple[int, int]] = []
    opened: list[int] = []
    for position, opens in sorted(marks):
        if opens:
            opened.append(position)
        elif opened:
            regions.append((opened.pop(), position))
    regions.extend((start, end_of_file) for start in opened)
    return regions


def _errors_in_head(
    root: Node, rules: LanguageRules, reach: int, rows: int
) -> tuple[bool, frozenset[int]]:
    """(whether the cut may mislead, rows below ``rows`` where real errors start) for a
    parse of a file's first lines; ``reach`` is where the last import statement read ends.

    Cutting a file leaves something open at the cut: a block (a MISSING ``}``), a statement
    or expression (an ERROR running to the end). Such errors sit at the end of the text —
    only comments follow them — and change nothing before them, unless they touch an
    import: one that starts before the last import statement ends (the recovery swallowed
    or shortened it), or an ERROR holding an import keyword (a multi-line import cut in
    half, ``from a import (b,``). Any other error is a real syntax error, or a cut inside a
    docstring, comment or string that turned the rest of the head into code. Only
    error-bearing branches are visited.
    """
    if not root.has_error:
        return False, frozenset()
    misleading = False
    real_rows: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if node.is_error or node.is_missing:
            if not _at_end(node):
                misleading = True
                if node.start_point.row < rows:
                    real_rows.add(node.start_point.row)
            elif node.start_byte <= reach or _holds_keyword(node, rules.import_keywords):
                misleading = True
            continue
        stack.extend(child for child in node.children if child.has_error)
    return misleading, frozenset(real_rows)


def _holds_keyword(error: Node, keywords: frozenset[str]) -> bool:
    return any(not child.is_named and child.type in keywords for child in error.children)


def _at_end(node: Node) -> bool:
    """Whether only comments, empty (MISSING) nodes or other errors follow ``node``."""
    current: Node | None = node
    while current is not None:
        sibling = current.next_sibling
        while sibling is not None:
            if not (sibling.is_extra or sibling.is_error or sibling.end_byte == sibling.start_byte):
                return False
            sibling = sibling.next_sibling
        current = current.parent
    return True


def _error_before_row(root: Node, rows: int) -> bool:
    """Whether a syntax error starts in the first ``rows`` lines of the tree."""
    if not root.has_error:
        return False
    stack = [root]
    while stack:
        node = stack.pop()
        if node.start_point.row >= rows:
            continue
        if node.is_error or node.is_missing:
            return True
        stack.extend(child for child in node.children if child.has_error)
    return False


def _head(text: str, lines: int) -> tuple[str, bool]:
    """The first ``lines`` lines of ``text`` (all of it when ``lines <= 0``) and whether
    anything was cut off."""
    if lines <= 0:
        return text, False
    position = -1
    for _ in range(lines):
        position = text.find("\n", position + 1)
        if position < 0:
            return text, False
    cut = position + 1
    return text[:cut], cut < len(text)




@cache
def _parser(language: str) -> tree_sitter.Parser:
    """One parser per language per process (parsers are not picklable: never stored)."""
    return tree_sitter.Parser(ts_language(language))


@dataclass(frozen=True, slots=True)
class _Role:
    """What a match of one query pattern is: its capture that says so (``import.<kind>``,
    ``type_use``, ``declaration``, ``region.open`` or ``region.close``) and, for an import,
    the kind."""

    capture: str
    kind: str | None = None


def _role(capture: str) -> _Role | None:
    if capture.startswith("import."):
        return _Role(capture, capture[len("import.") :])
    if capture in _ROLE_CAPTURES:
        return _Role(capture)
    return None


_ROLE_CAPTURES = frozenset(
    {"type_use", "declaration", "region.open", "region.close"}
)
_CAPTURE_NAME = re.compile(r"@([\w.]+)")


def _role_of(captures: Captures) -> _Role | None:
    """The role of a match whose pattern could not tell it alone: its first role capture
    (``type_use`` first of all)."""
    if "type_use" in captures:
        return _Role("type_use")
    for key in captures:
        role = _role(key)
        if role is not None:
            return role
    return None


@cache
def _pattern_roles(language: str) -> tuple[_Role | None, ...]:
    """Per query pattern, its role when its source names a single one (or ``@type_use``),
    else None (then each match is asked, ``_role_of``). Most matches are of a handful of
    patterns (PHP class names, JVM type names): one look-up per match, no search through
    its captures."""
    query = _query(language)
    source = _query_source(language).encode("utf-8")
    roles: list[_Role | None] = []
    for i in range(query.pattern_count):
        text = source[query.start_byte_for_pattern(i) : query.end_byte_for_pattern(i)]
        names = set(_CAPTURE_NAME.findall(text.decode("utf-8")))
        found = {role for role in map(_role, names) if role is not None}
        if "type_use" in names:
            roles.append(_Role("type_use"))
        else:
            roles.append(found.pop() if len(found) == 1 else None)
    return tuple(roles)


@cache
def _query(language: str) -> tree_sitter.Query:
    """The compiled import query of a language, compiled once per process."""
    return tree_sitter.Query(ts_language(language), _query_source(language))


@cache
def _query_source(language: str) -> str:
    return (_QUERY_DIR / f"{_RULES[language].query}.scm").read_text(encoding="utf-8")
