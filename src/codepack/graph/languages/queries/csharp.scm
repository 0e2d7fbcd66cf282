; C# using directives and namespace declarations. Capture vocabulary: see
; codepack/graph/languages/extract.py. `using (var x = ...)` statements are other node types.

(using_directive) @import.using

(namespace_declaration name: (_) @declaration)

(file_scoped_namespace_declaration name: (_) @declaration)

; Top-level types the file gives its namespace (nested types go with their outer type):
; `class:<namespace>.<Name>`, see codepack/graph/languages/normalize/csharp.py.
(compilation_unit
  [(class_declaration name: (identifier) @declaration)
   (struct_declaration name: (identifier) @declaration)
   (interface_declaration name: (identifier) @declaration)
   (enum_declaration name: (identifier) @declaration)
   (record_declaration name: (identifier) @declaration)
   (delegate_declaration name: (identifier) @declaration)])
(namespace_declaration body: (declaration_list
  [(class_declaration name: (identifier) @declaration)
   (struct_declaration name: (identifier) @declaration)
   (interface_declaration name: (identifier) @declaration)
   (enum_declaration name: (identifier) @declaration)
   (record_declaration name: (identifier) @declaration)
   (delegate_declaration name: (identifier) @declaration)]))

; Simple names in type positions, and receivers of `Foo.Bar` (also `new Foo.Inner()`): a type of the same (or an
; enclosing) namespace needs no `using`, and `using A.B;` links only the types the file names.
(_ type: (identifier) @type_use)
(_ returns: (identifier) @type_use)
(generic_name . (identifier) @type_use)
(type_argument_list (identifier) @type_use)
(base_list (identifier) @type_use)
(attribute name: (identifier) @type_use)
(member_access_expression expression: (identifier) @type_use)
(_ type: (qualified_name qualifier: (identifier) @type_use))
