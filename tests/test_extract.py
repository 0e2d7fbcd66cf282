"""The extraction engine: API contract, the top-N-lines rule, parse errors, robustness."""

from __future__ import annotations

import multiprocessing
import pickle
import sys
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from codepack.graph.languages import extract
from codepack.graph.languages.extract import (
    extract_declarations,
    extract_file,
    extract_imports,
    supports,
)
from codepack.graph.languages.registry import language_names, ts_language
from codepack.records import ImportRef as Ref

QUERY_DIR = Path(extract.__file__).parent / "queries"


def test_every_registry_language_has_rules_and_a_compiling_query():
    for language in language_names():
        assert supports(language), language
        assert extract_imports("", language) == ((), False)
    stems = sorted(path.stem for path in QUERY_DIR.glob("*.scm"))
    # tsx reuses typescript.scm (same node names), so it has no file of its own
    assert stems == sorted(set(language_names()) - {"tsx"})


def test_node_types_in_the_rule_table_exist_in_their_grammars():
    # a misspelt node type would silently never match: check every name against the grammar
    for language, rules in extract._RULES.items():
        grammar = ts_language(language)
        for kind in rules.functions | rules.conditionals:
            assert grammar.id_for_node_kind(kind, True) is not None, (language, kind)
        for keyword in rules.import_keywords:
            assert grammar.id_for_node_kind(keyword, False) is not None, (language, keyword)


def test_extraction_runs_in_worker_processes():
    sources = ["import a\n", "from . import b\n", "def f():\n    import c\n"]
    expected = [extract_imports(source, "python", 10) for source in sources]
    context = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
    with context.Pool(1) as pool:
        assert pool.starmap(extract_imports, [(s, "python", 10) for s in sources]) == expected


def test_unknown_language_yields_nothing_rather_than_failing():
    assert not supports("cobol")
    assert extract_imports("IDENTIFICATION DIVISION.", "cobol") == ((), False)
    assert extract_declarations("package x", "cobol") == ()


def test_refs_are_sorted_by_line_then_spec_then_kind():
    imports, parse_error = extract_imports(
        "import zeta, alpha\nfrom beta import x\nimport beta\n", "python"
    )
    assert not parse_error
    assert imports == (
        Ref("alpha", 1),
        Ref("zeta", 1),
        Ref("beta", 2, "from", ("x",)),
        Ref("beta", 3),
    )


def test_duplicate_statements_on_one_line_are_reported_once():
    assert extract_imports("import os; import os\n", "python")[0] == (Ref("os", 1),)


def test_crlf_line_endings_and_unencodable_text():
    imports, _ = extract_imports("import a\r\n\r\nimport b\r\n", "python")
    assert imports == (Ref("a", 1), Ref("b", 3))
    imports, _ = extract_imports('x = "\ud800"\nimport c\n', "python")  # lone surrogate
    assert imports == (Ref("c", 2),)


def test_results_pickle_and_repeat_identically():
    source = "import a\nfrom .b import c\n"
    first = extract_file(source, "python", 10)
    assert extract_file(source, "python", 10) == first
    assert pickle.loads(pickle.dumps(first)) == first


def test_import_lines_keeps_statements_starting_in_the_first_n_lines():
    source = "import a\nfrom b import (\n    x,\n    y,\n)\nimport c\n"
    assert extract_imports(source, "python", 2) == (
        (Ref("a", 1), Ref("b", 2, "from", ("x", "y"))),
        False,
    )
    assert extract_imports(source, "python", 1) == ((Ref("a", 1),), False)
    # a multi-line import cut in half is read from a longer head, in any language
    javascript = 'import {\n  a,\n  b,\n} from "./x";\nconst y = 1;\n'
    assert extract_imports(javascript, "javascript", 2) == (
        (Ref("./x", 1, "import", ("a", "b"), relative=True),),
        False,
    )
    rust = "use crate::{\n    a,\n    b,\n};\nfn main() {}\n"
    assert extract_imports(rust, "rust", 2)[0] == (
        Ref("crate::a", 1, "use"),
        Ref("crate::b", 1, "use"),
    )
    # lines beyond the file are harmless
    assert extract_imports(source, "python", 1000) == extract_imports(source, "python")


def test_a_cut_inside_a_docstring_does_not_turn_doctests_into_imports():
    source = '"""Module docs.\n\n' + ">>> import doctested\n" * 30 + '"""\nimport real\n'
    whole, error = extract_imports(source, "python")
    assert (whole, error) == ((Ref("real", 34),), False)
    # N >= 9: the second look (4N lines) gets past the docstring's end. A docstring opened
    # before line N that runs past line 4N is the documented blind spot.
    for lines in (9, 10, 20, 33):
        assert extract_imports(source, "python", lines) == ((), False)
    assert extract_imports(source, "python", 34) == ((Ref("real", 34),), False)


def test_a_cut_inside_a_block_is_not_a_parse_error():
    java = "package p;\nimport a.B;\nclass K {\n  void m() {\n    int x = 1;\n  }\n}\n"
    assert extract_imports(java, "java", 4) == ((Ref("a.B", 2),), False)
    python = "import a\ndef f(\n    x,\n    y,\n):\n    pass\n"
    assert extract_imports(python, "python", 3) == ((Ref("a", 1),), False)


def test_parse_error_counts_only_the_first_n_lines():
    source = "import a\nimport b\n" + "x = 1\n" * 20 + "def broken(:\n    pass\n"
    assert extract_file(source, "python", whole=True).parse_error
    # the default read stops at the first definition (no import past it): the error is unread
    assert extract_imports(source, "python") == ((Ref("a", 1), Ref("b", 2)), False)
    assert extract_imports(source, "python", 10) == ((Ref("a", 1), Ref("b", 2)), False)
    early = "import a\ndef broken(:\n    pass\n" + "x = 1\n" * 200
    assert extract_imports(early, "python", 10) == ((Ref("a", 1),), True)


def test_declarations_come_from_the_same_parse_as_imports():
    result = extract_file("package com.acme;\nimport a.B;\n", "java")
    assert result.declarations == ("com.acme",)
    assert result.imports == (Ref("a.B", 2),)
    assert extract_declarations("import os\n", "python") == ()


# Building blocks of Python modules for the top-N property: imports, and the constructs a
# cut can land in (docstrings with doctests, multi-line expressions, functions, comments).
_BLOCKS = (
    "import a{i}\n",
    "from .m{i} import x, y\n",
    '"""Doc.\n>>> import fake{i}\n\n"""\n',
    "def f{i}():\n    import lazy{i}\n    return (\n        1,\n    )\n",
    "x{i} = (\n    1,\n    2,\n)\n",
    "# import commented{i}\n",
    "class C{i}:\n    '''Text.\n    import nope{i}\n    '''\n",
    "try:\n    import opt{i}\nexcept ImportError:\n    pass\n",
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    blocks=st.lists(st.sampled_from(range(len(_BLOCKS))), min_size=1, max_size=25),
    lines=st.integers(min_value=1, max_value=60),
)
def test_top_n_equals_the_whole_file_parse_restricted_to_n_lines(blocks, lines):
    source = "".join(_BLOCKS[b].format(i=i) for i, b in enumerate(blocks))
    whole, whole_error = extract_imports(source, "python")
    head, head_error = extract_imports(source, "python", lines)
    assert not whole_error and not head_error
    assert head == tuple(ref for ref in whole if ref.line <= lines)


_TOKENS = (
    "import",
    "from",
    "export",
    "require",
    "use",
    "using",
    "mod",
    "package",
    "namespace",
    "#include",
    "#if",
    "#ifdef",
    "#ifndef",
    "#endif",
    "#define",
    "def",
    "fn",
    "function",
    "class",
    "if",
    "try",
    "static",
    "type",
    "as",
    "*",
    "_",
    "::",
    ".",
    ",",
    ";",
    ":",
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    "<",
    ">",
    '"',
    "'",
    "`",
    "\\",
    "/",
    "$",
    "@",
    "#[cfg(test)]",
    "__DIR__",
    "__FILE__",
    "TYPE_CHECKING",
    "a",
    "b.c",
    "./x",
    "\n",
    " ",
    "\t",
    "\n    ",
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    language=st.sampled_from(language_names()),
    tokens=st.lists(st.sampled_from(_TOKENS), max_size=80),
    noise=st.text(max_size=20),
    lines=st.integers(min_value=0, max_value=6),
)
def test_any_text_in_any_language_yields_sorted_refs_without_raising(
    language, tokens, noise, lines
):
    source = "".join(tokens) + noise
    result = extract_file(source, language, lines)
    total_lines = source.count("\n") + 1
    for ref in result.imports:
        assert ref.spec
        assert 1 <= ref.line <= (min(lines, total_lines) if lines else total_lines)
    assert list(result.imports) == sorted(result.imports, key=Ref.sort_key)
    assert len(set(result.imports)) == len(result.imports)


def _python_programs() -> st.SearchStrategy[list[str]]:
    """Nested Python blocks (functions, classes, conditions, type guards) around imports."""
    headers = ("if c:", "def f():", "class C:", "try:", "if TYPE_CHECKING:", "while x:")

    def nest(pair: tuple[str, list[list[str]]]) -> list[str]:
        header, bodies = pair
        lines = [header] + ["    " + line for body in bodies for line in body]
        if header == "try:":
            lines += ["except ImportError:", "    import fallback"]
        return lines

    return st.recursive(
        st.just(["import m"]),
        lambda inner: st.tuples(
            st.sampled_from(headers), st.lists(inner, min_size=1, max_size=3)
        ).map(nest),
        max_leaves=12,
    )


def _reference_flags(stmt, rules) -> tuple[bool, bool, bool]:
    """The flag rules applied by a plain walk up the ancestors, without memoisation."""
    lazy = conditional = type_only = False
    child, node = None, stmt
    while node is not None:
        step = extract._step(node, child, rules)
        lazy |= step.lazy
        type_only |= step.type_only
        if step.function:
            conditional = False  # conditions inside a function body do not count
        conditional |= step.conditional
        child, node = node, node.parent
    return lazy, conditional, type_only


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(program=_python_programs())
def test_memoised_scope_flags_equal_a_plain_ancestor_walk(program):
    source = "\n".join(program) + "\n"
    rules = extract._RULES["python"]
    root = extract._parser("python").parse(source.encode()).root_node
    statements = []
    stack = [root]
    while stack:
        node = stack.pop()
        if node.type == "import_statement":
            statements.append(node)
        stack.extend(node.children)
    expected = sorted(
        (node.start_point.row + 1, *_reference_flags(node, rules)) for node in statements
    )
    imports, _ = extract_imports(source, "python")
    assert sorted((r.line, r.lazy, r.conditional, r.type_only) for r in imports) == expected
