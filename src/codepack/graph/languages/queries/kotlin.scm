; Kotlin imports and package header. Capture vocabulary: see codepack/graph/languages/extract.py.
; `import a.b.C as D` records a.b.C (aliases dropped).

(import (qualified_identifier) @spec "*"? @wildcard) @import.import

(package_header (qualified_identifier) @declaration)

; Top-level names the file gives its package: classes, objects, interfaces, type aliases,
; functions and properties (codepack/graph/languages/normalize/jvm.py: `class:<package>.<Name>`).
(source_file (class_declaration name: (identifier) @declaration))
(source_file (object_declaration name: (identifier) @declaration))
(source_file (type_alias type: (identifier) @declaration))
(source_file (function_declaration name: (identifier) @declaration))
(source_file (property_declaration (variable_declaration (identifier) @declaration)))

; Simple names the code uses: same-package declarations need no import, and a wildcard import
; links only the declarations the file names (javac's rule, which Kotlin shares). Types,
; receivers of `Foo.bar`/`Foo::bar`, and called names (constructors, top-level functions).
(user_type . (identifier) @type_use)
((navigation_expression . (identifier) @type_use) (#match? @type_use "^[A-Z]"))
(callable_reference . (identifier) @type_use)
(call_expression . (identifier) @type_use)
