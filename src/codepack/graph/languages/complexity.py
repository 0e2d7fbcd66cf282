"""Per-file complexity limits: skip a file as ``too_complex`` before it can stall a worker.

Why: tree-sitter's query cursor keeps each in-progress match's start depth in 16 bits. In a
tree deeper than 65,535 levels whose deep nodes can start a pattern (nested calls:
``f(f(f(...)))``), matching goes superlinear: 40,000 nested JavaScript calls (200 KB) take
over 20 s, 100,000 take minutes. Parsing such text is also superlinear in some grammars
(C and Go: 0.14 s at 20,000 nested calls, 0.8 s at 40,000).

Every limit here is a count over the text or the tree, never a clock, so whether a file is
skipped does not depend on the machine:

1. ``nesting_reason`` (before parsing, linear, C-speed regexes): bracket depth outside
   strings, comments and JavaScript regex literals; Ruby ``if``/``do``/``def`` ... ``end``
   block depth (parsing 100,000 nested Ruby ``if`` takes 1.7 s, 40,000 take 0.2 s); Python
   indentation levels. CPython itself refuses more than 200 nested brackets and 100
   indentation levels; the limits sit above those, so they only catch text no compiler or
   person writes by hand (``benchmarks/nesting_limits.py``: none of 6,398 real files).
2. ``tree_depth_reason`` (after parsing): the syntax tree's depth, for nesting without
   brackets (``a = b = ... = c`` chains, ``#if`` directives, Ruby blocks the probe
   missed). It visits only subtrees with enough descendants to be that deep, so a normal
   tree costs a few hundred node visits.

The extractor adds a query match limit and starts no match deeper than ``MAX_TREE_DEPTH``.
There is no wall-clock limit: py-tree-sitter 0.26.1 calls a parse progress callback only
for a callable source, and a query progress callback crashed the interpreter in our tests.
"""

from __future__ import annotations

import re
from functools import cache

import numpy as np
from tree_sitter import Node

# Limits (see the module docstring for why these values).
MAX_BRACKET_DEPTH = 256
MAX_INDENT_LEVELS = 128
MAX_TREE_DEPTH = 10_000

# --- what is not code: comments and strings, per language family --------------------------
# Unrolled loops with possessive quantifiers: linear, no backtracking, and an unterminated
# comment or string ends at the end of the file (or line) instead of failing and retrying.
_BLOCK_COMMENT = r"/\*[^*]*+(?:\*(?!/)[^*]*+)*+(?:\*/|\Z)"
_SLASH_COMMENT = r"//[^\n]*+"
_HASH_COMMENT = r"#[^\n]*+"


def _quoted(quote: str) -> str:
    """A one-line string delimited by ``quote`` with backslash escapes."""
    q = re.escape(quote)
    return rf"{q}[^{q}\\\n]*+(?:\\[\s\S][^{q}\\\n]*+)*+(?:{q}|(?=\n)|\Z)"


def _multiline(quote: str) -> str:
    """A string that may span lines (``\"\"\"``, backticks), with backslash escapes."""
    q = re.escape(quote)
    first, rest = re.escape(quote[0]), re.escape(quote[1:])
    if not rest:
        return rf"{q}[^{q}\\]*+(?:\\[\s\S][^{q}\\]*+)*+(?:{q}|\Z)"
    inner = rf"(?:\\[\s\S]|{first}(?!{rest}))"
    return rf"{q}[^{first}\\]*+(?:{inner}[^{first}\\]*+)*+(?:{q}|\Z)"


# A JavaScript regular expression literal: a `/` where an operand starts (after an operator,
# an opening bracket, `,` `;` or a line start). Brackets in `/\(/` are not nesting.
_REGEX = r"(?<=[(,=:\[!&|?{};\n])[ \t]*+/(?![*/])(?:[^/\\\[\n]|\\.|\[(?:[^\]\\\n]|\\.)*+\])++/"

# A character literal: one character or one escape (Rust's 'a lifetimes are not strings).
_CHAR = r"'(?:[^'\\\n]|\\[^\n][^'\n]{0,10})'"

_NOT_CODE: dict[str, tuple[str, ...]] = {
    "python": (_multiline('"""'), _multiline("'''"), _quoted('"'), _quoted("'"), _HASH_COMMENT),
    "ruby": (_quoted('"'), _quoted("'"), _HASH_COMMENT),
    "php": (_BLOCK_COMMENT, _SLASH_COMMENT, _HASH_COMMENT, _quoted('"'), _quoted("'")),
    "javascript": (
        _BLOCK_COMMENT,
        _SLASH_COMMENT,
        _quoted('"'),
        _quoted("'"),
        _multiline("`"),
        _REGEX,
    ),
    "go": (_BLOCK_COMMENT, _SLASH_COMMENT, _quoted('"'), _CHAR, _multiline("`")),
    "kotlin": (_BLOCK_COMMENT, _SLASH_COMMENT, _multiline('"""'), _quoted('"'), _CHAR),
    "c": (_BLOCK_COMMENT, _SLASH_COMMENT, _quoted('"'), _CHAR),
}
_FAMILY = {
    "typescript": "javascript",
    "tsx": "javascript",
    "scala": "kotlin",
    "swift": "kotlin",
    "csharp": "kotlin",
    "cpp": "c",
    "java": "c",
    "rust": "c",
}


@cache
def _not_code(language: str) -> re.Pattern[str]:
    """Comments and strings of ``language``: one alternation, so the leftmost wins (a quote
    inside a comment is comment, a ``//`` inside a string is string)."""
    family = _FAMILY.get(language, language)
    parts = _NOT_CODE.get(family, _NOT_CODE["c"])
    return re.compile("|".join(f"(?:{p})" for p in parts))


_BRACKETS = b"()[]{}"
_NOT_BRACKET_BYTES = bytes(b for b in range(256) if b not in _BRACKETS)
_DELTA = np.zeros(256, dtype=np.int8)
_DELTA[list(b"([{")] = 1
_DELTA[list(b")]}")] = -1
_INDENT = re.compile(r"\n([ \t]*+)(?=\S)")
_DEEP_INDENT = re.compile(rf"\n[ \t]{{{MAX_INDENT_LEVELS}}}")


def code_only(text: str, language: str) -> str:
    """``text`` without its comments and strings (what nesting is measured on)."""
    return _not_code(language).sub("", text)


def bracket_depth(code: str) -> int:
    """Deepest bracket nesting in ``code``; a stray closing bracket never drives the depth
    below zero (the depth is the largest rise of the running bracket balance). Vectorised:
    an 18 MB file has millions of brackets."""
    brackets = code.encode("utf-8", "replace").translate(None, _NOT_BRACKET_BYTES)
    if not brackets:
        return 0
    balance = np.cumsum(_DELTA[np.frombuffer(brackets, dtype=np.uint8)], dtype=np.int64)
    lowest = np.minimum.accumulate(np.minimum(balance, 0))
    return int((balance - lowest).max())


def indent_levels(code: str) -> int:
    """Most indentation levels open at once, counted the way Python's tokenizer does (a
    stack of widths; a tab counts as one column here). Lines inside brackets count too,
    which adds a level or two in real code. Zero unless some line is indented at least
    ``MAX_INDENT_LEVELS`` columns (each level adds a column or more)."""
    if _DEEP_INDENT.search(code) is None:
        return 0
    stack = [0]
    deepest = 0
    for indent in _INDENT.findall(code):
        width = len(indent)
        while width < stack[-1]:
            stack.pop()
        if width > stack[-1]:
            stack.append(width)
            deepest = max(deepest, len(stack) - 1)
    return deepest


# Ruby nests blocks with keywords: an opener starting a statement (or a block's ``do``),
# closed by ``end``. Modifiers (``x if y``) open nothing; openers elsewhere on a line
# (``x = if y``) are missed, which can only make the count lower.
_RUBY_BLOCK = re.compile(
    r"(?P<open>^[ \t]*+(?:while|until|for)\b(?:[^\n]*?\bdo\b)?"  # `while x do`: one block
    r"|^[ \t]*+(?:if|unless|case|def|class|module|begin)\b"
    r"|\bdo\b(?=[ \t]*+(?:\|[^|\n]*\|)?[ \t]*+$))|\bend\b",
    re.MULTILINE,
)


def keyword_depth(code: str) -> int:
    """Deepest Ruby keyword-block nesting in ``code`` (strings and comments removed)."""
    events = "".join("(" if m.group("open") else ")" for m in _RUBY_BLOCK.finditer(code))
    return bracket_depth(events)


def nesting_reason(text: str, language: str) -> str | None:
    """Why ``text`` is too deeply nested to parse safely, or None. Linear in the text."""
    if language not in ("ruby", "python") and _openers(text) <= MAX_BRACKET_DEPTH:
        return None  # no deeper than its opening brackets: most files, and no regex pass
    code = code_only(text, language)
    depth = bracket_depth(code)
    if depth > MAX_BRACKET_DEPTH:
        return f"bracket depth {depth} > {MAX_BRACKET_DEPTH}"
    if language == "ruby":
        blocks = keyword_depth(code)
        if blocks > MAX_BRACKET_DEPTH:
            return f"block depth {blocks} > {MAX_BRACKET_DEPTH}"
    if language == "python":
        levels = indent_levels(code)
        if levels > MAX_INDENT_LEVELS:
            return f"indentation levels {levels} > {MAX_INDENT_LEVELS}"
    return None


def _openers(text: str) -> int:
    """Opening brackets anywhere in ``text``: a bound on the bracket depth of its code."""
    return text.count("(") + text.count("[") + text.count("{")


def tree_depth_reason(root: Node, limit: int = MAX_TREE_DEPTH) -> str | None:
    """Why a syntax tree is too deep to query safely, or None.

    A subtree of ``n`` nodes is at most ``n`` levels deep, so only children whose descendant
    count could still reach past ``limit`` are visited: in an ordinary file that is the few
    nodes on the way to its largest blocks.
    """
    if root.descendant_count <= limit:
        return None  # too few nodes to be that deep (most files): not even the root's children
    stack: list[tuple[Node, int]] = [(root, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return f"syntax tree depth > {limit}"
        needed = limit - depth  # a child deeper than this many levels below node crosses it
        stack.extend(
            (child, depth + 1) for child in node.children if child.descendant_count >= needed
        )
    return None
