"""Reading only a file's head (Go, Python) gives what a whole-file read gives, and the scope
short cut of ``_Scopes`` gives what the walk up the ancestors gives."""

from __future__ import annotations

from pathlib import Path

import pytest
import tree_sitter

from codepack.graph.languages import extract
from codepack.graph.languages.extract import extract_file
from codepack.graph.languages.normalize import golang, python
from codepack.graph.languages.registry import language_for_path
from codepack.records import ImportRef as Ref

FIXTURES = Path(__file__).parent.parent / "fixtures" / "repos"


def _same_read(text: str, language: str) -> extract.Extraction:
    """The default read, checked against a whole-file read on everything but parse_error."""
    head = extract_file(text, language)
    whole = extract_file(text, language, whole=True)
    assert (head.imports, head.declarations, head.too_complex) == (
        whole.imports,
        whole.declarations,
        whole.too_complex,
    )
    return head


GO_BODY_ERROR = 'package p\n\nimport (\n\t"a/b"\n\tc "d/e"\n)\n\nfunc f() {\n\tx := \n}\n'


def test_go_reads_only_the_head_when_the_body_cannot_hold_an_import():
    assert golang.head_end(GO_BODY_ERROR) == GO_BODY_ERROR.index("func")
    result = _same_read(GO_BODY_ERROR, "go")
    assert result.imports == (Ref("a/b", 4), Ref("d/e", 5, names=("c",)))
    assert result.declarations == ("p",)
    # the syntax error past the head is not read: only a whole read sees it
    assert not result.parse_error
    assert extract_file(GO_BODY_ERROR, "go", whole=True).parse_error


def test_go_reads_the_whole_file_when_the_word_import_follows_the_head():
    text = 'package p\n\nfunc f() {}\n\nimport "late"\n'
    assert golang.head_end(text) is None
    assert [ref.spec for ref in _same_read(text, "go").imports] == ["late"]


def test_go_cut_inside_a_comment_falls_back_to_the_whole_file():
    # the first `func` at a line start is inside a block comment: the head would end inside
    # it, leave a syntax error, and the whole file is read instead
    text = '//go:build linux\n\n/*\nfunc inside() {}\n*/\npackage p\n\nimport "x"\n\nvar v = 1\n'
    result = _same_read(text, "go")
    assert [ref.spec for ref in result.imports] == ["x"]
    assert result.declarations == ("p", "//go:build linux")


def test_python_reads_only_the_head_without_an_import_word_past_it():
    text = "import a\nfrom b import c\n\n\ndef f(:\n    return 1\n"
    assert python.head_end(text) == text.index("def")
    result = _same_read(text, "python")
    assert [ref.spec for ref in result.imports] == ["a", "b"]
    assert not result.parse_error
    assert extract_file(text, "python", whole=True).parse_error


@pytest.mark.parametrize(
    "text",
    [
        "import a\n\ndef f():\n    import lazy\n",  # a lazy import
        "import a\n\nclass K:\n    pass\n\nif X:\n    import late\n",  # a late one
        "import a\n\ndef f():\n    return importlib.import_module('m')\n",  # dynamic
    ],
)
def test_python_reads_the_whole_file_when_an_import_may_follow(text):
    assert python.head_end(text) is None
    assert len(_same_read(text, "python").imports) == 2


def test_python_cut_inside_a_docstring_falls_back_to_the_whole_file():
    # the first `def` at column 0 is inside a string: the head would end inside it, leave a
    # syntax error, and the whole file is read instead
    text = 'import a\nEXAMPLE = """\ndef example():\n    pass\n"""\n\n\nclass K:\n    pass\n'
    assert python.head_end(text) == text.index("def example")
    result = _same_read(text, "python")
    assert [ref.spec for ref in result.imports] == ["a"]
    assert not result.parse_error


def test_python_head_keeps_type_checking_and_conditional_flags():
    text = (
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import t\n"
        "try:\n    import fast\nexcept ImportError:\n    fast = None\n\n@dec\ndef f():\n    pass\n"
    )
    imports = {ref.spec: ref for ref in _same_read(text, "python").imports}
    assert imports["t"].type_only
    assert imports["fast"].conditional


def _fixture_files(languages: set[str] | None = None):
    for path in sorted(FIXTURES.rglob("*")):
        language = language_for_path(path.name) if path.is_file() else None
        if language is None or not extract.supports(language.name):
            continue
        if languages is None or language.name in languages:
            yield path, language.name


def test_every_go_and_python_fixture_reads_the_same_from_its_head():
    files = list(_fixture_files({"go", "python"}))
    assert len(files) > 50
    for path, language in files:
        _same_read(path.read_text(errors="replace"), language)


def test_scope_by_node_type_equals_the_walk_up_the_ancestors():
    # every statement the import query matches in every fixture, in every language whose
    # flags come from node types alone
    checked = 0
    for path, language in _fixture_files():
        rules = extract._RULES[language]
        if rules.type_guard is not None or rules.condition_test is not None:
            continue
        data = path.read_bytes()
        root = extract._parser(language).parse(data).root_node
        cursor = tree_sitter.QueryCursor(extract._query(language))
        for pattern, captures in cursor.matches(root):
            role = extract._pattern_roles(language)[pattern] or extract._role_of(captures)
            if role is None or role.kind is None or role.capture not in captures:
                continue
            stmt = captures[role.capture][0]
            by_type = extract._scope_by_type(root, stmt, rules)
            walked = extract._scope_flags(stmt, root, rules, {})
            assert by_type is not None, (path, stmt)
            assert (by_type.lazy, by_type.conditional, by_type.type_only) == (
                walked.lazy,
                walked.conditional,
                walked.type_only,
            ), (path, stmt.start_point)
            checked += 1
    assert checked > 100


def test_each_pattern_role_is_the_one_its_matches_carry():
    # the table read from the query source agrees with the search through each match
    for path, language in _fixture_files():
        root = extract._parser(language).parse(path.read_bytes()).root_node
        roles = extract._pattern_roles(language)
        for pattern, captures in tree_sitter.QueryCursor(extract._query(language)).matches(root):
            if roles[pattern] is not None:
                assert roles[pattern] == extract._role_of(captures), (language, pattern)


def test_a_statement_deeper_than_the_cursor_levels_is_judged_by_the_walk():
    # 300 chained assignments (no brackets) put the require below the cursor's level bound
    text = "x = " + "a = " * 300 + 'cond ? require("m") : 0;\n'
    root = extract._parser("javascript").parse(text.encode()).root_node
    call = next(
        captures
        for _, captures in tree_sitter.QueryCursor(extract._query("javascript")).matches(root)
        if "import.require" in captures
    )["import.require"][0]
    rules = extract._RULES["javascript"]
    assert extract._scope_by_type(root, call, rules) is None
    (ref,) = extract_file(text, "javascript").imports
    assert (ref.spec, ref.lazy, ref.conditional) == ("m", False, True)
