"""The language table: how a file is recognised, which grammar parses it, how it comments.

Everything language-specific that is *data* lives here; the import queries live beside it in
``queries/<language>.scm``. Grammars come from the official per-language wheels
(tree-sitter-python, ...), which ship compiled parsers, so nothing is downloaded at run time.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import cache
from pathlib import PurePosixPath

import tree_sitter


@dataclass(frozen=True, slots=True)
class Language:
    """One programming language codepack understands."""

    name: str  # stable id used in output columns and --lang
    extensions: tuple[str, ...]  # lower-case, with the dot
    grammar_module: str  # python module of the grammar wheel
    grammar_function: str = "language"  # function returning the language pointer
    shebangs: tuple[str, ...] = ()  # interpreter names found on a #! line
    filenames: tuple[str, ...] = ()  # exact file names (e.g. "Rakefile")
    line_comment: str | None = "//"
    block_comment: tuple[str, str] | None = ("/*", "*/")


LANGUAGES: tuple[Language, ...] = (
    Language(
        "python",
        (".py", ".pyi", ".pyw"),
        "tree_sitter_python",
        shebangs=("python", "python2", "python3", "pypy", "pypy3"),
        line_comment="#",
        block_comment=None,
    ),
    Language("java", (".java",), "tree_sitter_java"),
    Language(
        "javascript",
        (".js", ".jsx", ".mjs", ".cjs"),
        "tree_sitter_javascript",
        shebangs=("node", "nodejs", "deno", "bun"),
    ),
    Language(
        "typescript",
        (".ts", ".mts", ".cts"),
        "tree_sitter_typescript",
        "language_typescript",
        shebangs=("ts-node", "tsx"),
    ),
    Language("tsx", (".tsx",), "tree_sitter_typescript", "language_tsx"),
    Language("go", (".go",), "tree_sitter_go"),
    Language("rust", (".rs",), "tree_sitter_rust"),
    Language("c", (".c", ".h"), "tree_sitter_c"),
    Language(
        "cpp",
        (".cc", ".cpp", ".cxx", ".c++", ".hh", ".hpp", ".hxx", ".h++", ".ipp", ".tpp", ".inl"),
        "tree_sitter_cpp",
    ),
    Language("csharp", (".cs",), "tree_sitter_c_sharp"),
    Language(
        "ruby",
        (".rb", ".rake", ".gemspec"),
        "tree_sitter_ruby",
        shebangs=("ruby", "jruby"),
        filenames=("Rakefile", "Gemfile", "Guardfile"),
        line_comment="#",
        block_comment=("=begin", "=end"),
    ),
    Language("php", (".php", ".phtml"), "tree_sitter_php", "language_php", shebangs=("php",)),
    Language("kotlin", (".kt", ".kts"), "tree_sitter_kotlin", shebangs=("kotlin",)),
    Language("scala", (".scala", ".sc"), "tree_sitter_scala", shebangs=("scala",)),
    Language("swift", (".swift",), "tree_sitter_swift", shebangs=("swift",)),
)

BY_NAME: dict[str, Language] = {lang.name: lang for lang in LANGUAGES}
_BY_EXTENSION: dict[str, Language] = {ext: lang for lang in LANGUAGES for ext in lang.extensions}
_BY_FILENAME: dict[str, Language] = {n: lang for lang in LANGUAGES for n in lang.filenames}
_BY_SHEBANG: dict[str, Language] = {s: lang for lang in LANGUAGES for s in lang.shebangs}


def language_names() -> list[str]:
    """All language ids, in table order."""
    return [lang.name for lang in LANGUAGES]


def language_for_path(path: str) -> Language | None:
    """The language a file's name says it is, or None (then try ``language_for_shebang``)."""
    pure = PurePosixPath(path)
    by_name = _BY_FILENAME.get(pure.name)
    if by_name is not None:
        return by_name
    name = pure.name.lower()
    if name.endswith(".d.ts"):
        return BY_NAME["typescript"]
    return _BY_EXTENSION.get(pure.suffix.lower())


def language_for_shebang(first_line: str) -> Language | None:
    """The language named by a ``#!`` line (``#!/usr/bin/env python3 -u`` -> python)."""
    if not first_line.startswith("#!"):
        return None
    words = first_line[2:].strip().split()
    if not words:
        return None
    interpreter = words[0].rsplit("/", 1)[-1]
    if interpreter == "env":
        args = [w for w in words[1:] if not w.startswith("-") and "=" not in w]
        if not args:
            return None
        interpreter = args[0].rsplit("/", 1)[-1]
    lang = _BY_SHEBANG.get(interpreter)
    if lang is None:
        # python3.12, ruby2.7, ...: strip a trailing version
        stem = interpreter.rstrip("0123456789.")
        lang = _BY_SHEBANG.get(stem)
    return lang


@cache
def ts_language(name: str) -> tree_sitter.Language:
    """The compiled tree-sitter grammar for a language id, loaded once per process."""
    lang = BY_NAME[name]
    module = importlib.import_module(lang.grammar_module)
    return tree_sitter.Language(getattr(module, lang.grammar_function)())
