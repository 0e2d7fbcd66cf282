"""Per-file complexity limits: deeply nested files are skipped as ``too_complex``, quickly.

Timing assertions use generous bounds: each one guards against the minutes-long behaviour
the limits exist for (100,000 nested JavaScript calls took 198 s in the query before),
not against a slow machine.
"""

from __future__ import annotations

import time
from pathlib import Path

import pyarrow.parquet as pq
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import codepack
from codepack.graph.languages import complexity, extract
from codepack.graph.languages.extract import extract_file

# --- the text probe -------------------------------------------------------------------------


def test_bracket_depth_ignores_stray_closing_brackets() -> None:
    assert complexity.bracket_depth("") == 0
    assert complexity.bracket_depth("([{}])") == 3
    assert complexity.bracket_depth(")))(((()") == 4  # the closers before cannot hide depth
    assert complexity.bracket_depth("f(a)(b)[c]{d}") == 1


def test_strings_and_comments_do_not_count_as_nesting() -> None:
    python = 'a = """(((\n(((""" + "((" + \'[[\'  # (((((\nb = (1)\n'
    assert complexity.bracket_depth(complexity.code_only(python, "python")) == 1
    js = "let s = `((${x}` + '((' /* ((( */ + (y) // (((\n"
    assert complexity.bracket_depth(complexity.code_only(js, "javascript")) == 1
    regex = "x = s.replace(/\\(/g, '') / 2;\nif (/[(]/.test(s)) { y = (a) / (b); }\n"
    assert complexity.bracket_depth(complexity.code_only(regex, "javascript")) == 2
    rust = "fn f<'a>(x: &'a str) -> char { '(' }\n"  # lifetimes are not char literals
    assert complexity.bracket_depth(complexity.code_only(rust, "rust")) == 1


def test_unterminated_strings_and_comments_end_the_scan_linearly() -> None:
    # an unclosed /* or string must not make the regex retry from every later position
    text = "/* " * 20_000 + "(" * 300
    start = time.perf_counter()
    assert complexity.nesting_reason(text, "c") is None  # all of it is one comment
    assert time.perf_counter() - start < 3.0


def test_a_file_with_few_opening_brackets_skips_the_probe_and_others_do_not() -> None:
    # 256 openers cannot nest deeper than 256: no comment/string pass is needed for them
    assert complexity.nesting_reason("(" * 256, "c") is None
    assert complexity.nesting_reason("(" * 257, "c") == "bracket depth 257 > 256"
    # brackets in strings still do not count once the probe runs
    assert complexity.nesting_reason('"' + "(" * 300 + '"', "c") is None


def test_python_indentation_levels() -> None:
    deep = "".join(" " * i + "if x:\n" for i in range(200)) + " " * 200 + "pass\n"
    assert complexity.nesting_reason(deep, "python") == "indentation levels 200 > 128"
    shallow = "".join(" " * (4 * i) + "if x:\n" for i in range(20)) + " " * 80 + "pass\n"
    assert complexity.nesting_reason(shallow, "python") is None


def test_deep_brackets_are_reported_with_the_limit() -> None:
    text = "f(\n" * 300 + ")\n" * 300
    assert complexity.nesting_reason(text, "javascript") == "bracket depth 300 > 256"
    assert extract_file(text, "javascript").too_complex == "bracket depth 300 > 256"
    ok = "f(\n" * 200 + "require('x')" + ")\n" * 200
    result = extract_file(ok, "javascript")
    assert result.too_complex is None
    assert [ref.spec for ref in result.imports] == ["x"]


def test_ruby_blocks_count_keywords_not_modifiers() -> None:
    code = "def f\n  x = 1 if y\n  [1].each do |v|\n    if v\n      g\n    end\n  end\nend\n"
    assert complexity.keyword_depth(code) == 3  # def > do > if; the modifier opens nothing
    assert complexity.keyword_depth("def a; end\n" * 500) == 1
    assert complexity.keyword_depth("while x do\n  y\nend\n" * 500) == 1  # one block, not two


def test_a_deep_tree_without_brackets_is_too_complex() -> None:
    # 12,000 chained additions: no bracket, but the syntax tree is 12,000 levels deep
    text = "x = " + "1 +\n" * 12_000 + "1\n"
    start = time.perf_counter()
    result = extract_file(text, "python")
    assert result.too_complex == f"syntax tree depth > {complexity.MAX_TREE_DEPTH}"
    assert result.imports == ()
    assert time.perf_counter() - start < 10.0


def _depth(node, depth: int = 0) -> int:
    return max((_depth(child, depth + 1) for child in node.children), default=depth)


def test_tree_depth_limit_is_exact_whether_or_not_the_node_count_allows_it() -> None:
    """The shortcut for trees with at most ``limit`` nodes must not move the boundary: a tree
    exactly ``limit`` deep passes, one level deeper does not, with few nodes or many."""
    for text in ("x = ((((1))))\n", "x = ((((1))))\n" + "y = 2\n" * 50):
        root = extract._parser("python").parse(text.encode()).root_node
        depth = _depth(root)
        assert complexity.tree_depth_reason(root, limit=depth) is None
        assert complexity.tree_depth_reason(root, limit=depth - 1) == (
            f"syntax tree depth > {depth - 1}"
        )
        assert complexity.tree_depth_reason(root, limit=root.descendant_count) is None


def test_a_query_past_its_match_limit_is_too_complex(monkeypatch) -> None:
    """Past the limit the cursor drops in-progress matches: imports would go missing
    silently, so the file is skipped instead. (No real file comes near the real limit.)"""
    text = "import a from './a';\nf(require('c'), import('d'));\n"
    assert len(extract_file(text, "javascript").imports) == 3
    monkeypatch.setattr(extract, "MATCH_LIMIT", 1)
    result = extract_file(text, "javascript")
    assert result.too_complex == "query match limit 1 exceeded"
    assert result.imports == ()


# --- random deep nesting, several languages -------------------------------------------------

# (language, opening line, closing line, innermost line): brackets, and Ruby's keywords
_SHAPES = {
    "javascript-call": ("javascript", "f(\n", ")\n", "require('x')"),
    "typescript-array": ("typescript", "[\n", "]\n", "1"),
    "python-list": ("python", "[\n", "]\n", "1"),
    "c-paren": ("c", "int x = (\n", ")\n", "1"),
    "go-call": ("go", "f(\n", ")\n", "1"),
    "rust-block": ("rust", "{\n", "}\n", "1"),
    "php-array": ("php", "[\n", "]\n", "1"),
    "java-paren": ("java", "(\n", ")\n", "1"),
    "kotlin-call": ("kotlin", "f(\n", ")\n", "1"),
    "ruby-if": ("ruby", "if x\n", "end\n", "require 'x'"),
}


def _nested(shape: str, depth: int) -> tuple[str, str]:
    language, opening, closing, inner = _SHAPES[shape]
    prefix = "<?php\n$x = " if language == "php" else ""
    return language, prefix + opening * depth + inner + "\n" + closing * depth


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    shape=st.sampled_from(sorted(_SHAPES)),
    depth=st.one_of(st.integers(1, 400), st.sampled_from([5_000, 40_000, 100_000])),
)
def test_deeply_nested_sources_finish_fast_or_are_too_complex(shape: str, depth: int) -> None:
    language, text = _nested(shape, depth)
    start = time.perf_counter()
    result = extract_file(text, language)
    elapsed = time.perf_counter() - start
    assert elapsed < 5.0, f"{shape} at depth {depth} took {elapsed:.1f} s"
    assert (result.too_complex is not None) == (depth > complexity.MAX_BRACKET_DEPTH)


# --- end to end -----------------------------------------------------------------------------


def test_a_100k_deep_javascript_file_is_skipped_quickly_end_to_end(tmp_path: Path) -> None:
    repo = tmp_path / "repos" / "deep"
    repo.mkdir(parents=True)
    # `f(` lines alone are low_quality (alphanumeric fraction): use a longer callee name
    (repo / "deep.js").write_text("value(\n" * 100_000 + ")\n" * 100_000)
    (repo / "ok.js").write_text("const x = require('./deep');\nmodule.exports = x;\n")
    start = time.perf_counter()
    summary = codepack.pack([tmp_path / "repos"], tmp_path / "out", workers=1)
    assert time.perf_counter() - start < 60.0  # was minutes, in the query alone
    assert summary.stats["skipped.too_complex"] == 1
    assert summary.stats["files_packed"] == 1
    audit = pq.read_table(tmp_path / "out" / "dropped.parquet").to_pylist()
    rows = [(r["path"], r["stage"], r["reason"], r["detail"]) for r in audit]
    assert ("deep.js", "scan", "too_complex", "bracket depth 100000 > 256") in rows


# --- linear time ----------------------------------------------------------------------------


def test_probe_and_extraction_scale_linearly() -> None:
    """4x the text may take at most ~8x the time (plus a margin for timer noise); a
    quadratic step would take 16x."""
    unit = "".join(
        f"import mod_{i}\nfrom pkg.sub_{i} import name_{i}\n\n"
        f"def function_{i}(value):\n    return [value * {i}, {{'k': (value, {i})}}]\n\n"
        for i in range(50)
    )

    def timed(text: str) -> float:
        best = float("inf")
        for _ in range(2):
            start = time.perf_counter()
            result = extract_file(text, "python")
            best = min(best, time.perf_counter() - start)
            assert result.too_complex is None
        return best

    small, large = timed(unit * 4), timed(unit * 16)
    assert large < 8 * small + 0.5, (small, large)
