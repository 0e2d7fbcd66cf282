"""Per-language-family import resolution rules used by ``codepack.graph.resolve``.

``base`` holds the repository's suffix index and the shared tie-break rules; each other module
turns one family's specifiers into repository paths and documents its rules in its docstring.
"""
