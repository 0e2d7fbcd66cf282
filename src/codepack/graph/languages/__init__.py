"""Language knowledge: the language table (registry), import queries (queries/*.scm) and the
extractor that turns a file's text into ``ImportRef`` records. Nothing here knows about graphs."""
