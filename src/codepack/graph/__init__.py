"""Graph stage: read imports (``languages/``), resolve them to files (``resolve``, ``resolvers/``),
build the dependency graph (``build``), pair tests and order files.
"""
