; Kotlin imports and package header. Capture vocabulary: see codepack/languages/extract.py.
; `import a.b.C as D` records a.b.C (aliases dropped).

(import (qualified_identifier) @spec "*"? @wildcard) @import.import

(package_header (qualified_identifier) @declaration)
