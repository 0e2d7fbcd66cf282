; Go imports: one match per import spec, grouped or not. Capture vocabulary: see
; codepack/languages/extract.py. An aliased import names its alias; `. "x"` is a wildcard.

(import_spec
  name: [
    (dot) @name @wildcard
    (package_identifier) @name
    (blank_identifier) @name
  ]?
  path: (_) @spec) @import.import

(package_clause (package_identifier) @declaration)
