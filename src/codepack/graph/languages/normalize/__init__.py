"""Per-language normalisers: turn one import query match into ``Leaf`` records.

One module per language or family; ``common`` holds the ``Leaf`` record and shared helpers.
The extractor (``codepack.graph.languages.extract``) wires them to languages in its rule table.
"""
