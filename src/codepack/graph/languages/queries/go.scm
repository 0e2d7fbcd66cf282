; Go imports: one match per import spec, grouped or not. Capture vocabulary: see
; codepack/graph/languages/extract.py. An aliased import names its alias; `. "x"` is a wildcard.

(import_spec
  name: [
    (dot) @name @wildcard
    (package_identifier) @name
    (blank_identifier) @name
  ]?
  path: (_) @spec) @import.import

(package_clause (package_identifier) @declaration)

; build constraints: top-level `//go:build` / `// +build` comments (which ones count is decided
; in codepack/graph/languages/normalize/golang.py: before the package clause, then a blank line)
((source_file
  (comment) @declaration)
  (#match? @declaration "^//(go:build|[ \t]*[+]build)"))
