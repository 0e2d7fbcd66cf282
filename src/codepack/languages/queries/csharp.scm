; C# using directives and namespace declarations. Capture vocabulary: see
; codepack/languages/extract.py. `using (var x = ...)` statements are other node types.

(using_directive) @import.using

(namespace_declaration name: (_) @declaration)

(file_scoped_namespace_declaration name: (_) @declaration)
