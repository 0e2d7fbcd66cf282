; Scala imports and package clauses. Capture vocabulary: see codepack/languages/extract.py.
; Selectors and comma-separated paths are expanded by codepack/languages/normalize/jvm.py.

(import_declaration) @import.import

(package_clause name: (package_identifier) @declaration)
