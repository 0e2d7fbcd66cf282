; Scala imports and package clauses. Capture vocabulary: see codepack/graph/languages/extract.py.
; Selectors and comma-separated paths are expanded by codepack/graph/languages/normalize/jvm.py.

(import_declaration) @import.import

(package_clause name: (package_identifier) @declaration)

; Top-level names the file gives its package: classes, objects, traits, enums, type aliases
; (and Scala 3 top-level defs and vals), directly in the file or in a `package a { }` body
; (codepack/graph/languages/normalize/jvm.py: `class:<package>.<Name>`).
(compilation_unit
  [(class_definition name: (identifier) @declaration)
   (object_definition name: (identifier) @declaration)
   (trait_definition name: (identifier) @declaration)
   (enum_definition name: (identifier) @declaration)
   (type_definition name: (type_identifier) @declaration)
   (function_definition name: (identifier) @declaration)
   (val_definition pattern: (identifier) @declaration)])
(package_clause body: (_
  [(class_definition name: (identifier) @declaration)
   (object_definition name: (identifier) @declaration)
   (trait_definition name: (identifier) @declaration)
   (enum_definition name: (identifier) @declaration)]))

; Simple names the code uses: types, and capitalised receivers and callees (`Foo.bar`,
; `Foo(1)` — a companion's apply, `case Foo.bar =>`). Same-package names need no import; a wildcard import
; links only the declarations the file names.
(type_identifier) @type_use
((field_expression value: (identifier) @type_use) (#match? @type_use "^[A-Z]"))
((call_expression function: (identifier) @type_use) (#match? @type_use "^[A-Z]"))
((stable_identifier . (identifier) @type_use) (#match? @type_use "^[A-Z]"))
