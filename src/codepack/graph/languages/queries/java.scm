; Java imports and package declaration. Capture vocabulary: see codepack/graph/languages/extract.py.

(import_declaration
  "static"? @static
  [(scoped_identifier) (identifier)] @spec
  (asterisk)? @wildcard) @import.import

(package_declaration [(scoped_identifier) (identifier)] @declaration)

; Simple type names the code uses: same-package classes need no import, and a wildcard import
; links only the classes the file names (see codepack/graph/languages/normalize/jvm.py).
; A plain identifier is a type only where a class can stand: `Foo.bar()`, `Foo.X`, `Foo::new`,
; `@Foo` — and only when capitalised, as Java classes are (variables are not).
(type_identifier) @type_use
((method_invocation object: (identifier) @type_use) (#match? @type_use "^[A-Z]"))
((field_access object: (identifier) @type_use) (#match? @type_use "^[A-Z]"))
((method_reference . (identifier) @type_use) (#match? @type_use "^[A-Z]"))
(marker_annotation name: (identifier) @type_use)
(annotation name: (identifier) @type_use)
