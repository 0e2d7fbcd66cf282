; Swift imports. Capture vocabulary: see codepack/graph/languages/extract.py.
; `#if`/`#endif` are flat sibling directives in this grammar: captured as regions so the
; imports between them are marked conditional.

(import_declaration (identifier) @spec) @import.import

(directive "#if") @region.open

(directive "#endif") @region.close

; Top-level names the file gives its module (codepack/graph/languages/normalize/swift.py:
; `class:<Name>`): types, protocols, type aliases, functions, globals. `extension Foo` names a
; user_type, not a type_identifier: it extends Foo, it does not declare it.
(source_file (class_declaration name: (type_identifier) @declaration))
(source_file (protocol_declaration name: (type_identifier) @declaration))
(source_file (typealias_declaration name: (type_identifier) @declaration))
(source_file (function_declaration name: (simple_identifier) @declaration))
(source_file (property_declaration name: (pattern bound_identifier: (simple_identifier) @declaration)))

; Simple names the code uses: the files of one module see each other's top-level names with no
; import. Types, called names (`Point(x: 1)`, `helper()`), receivers of `Math.sqrt`.
(type_identifier) @type_use
(call_expression . (simple_identifier) @type_use)
(navigation_expression target: (simple_identifier) @type_use)
