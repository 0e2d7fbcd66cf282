; PHP namespace uses, includes and namespace declarations. Capture vocabulary: see
; codepack/languages/extract.py. A trait `use` inside a class is a `use_declaration`: not captured.

(namespace_use_declaration) @import.use

(require_expression) @import.require

(require_once_expression) @import.require_once

(include_expression) @import.include

(include_once_expression) @import.include_once

(namespace_definition name: (namespace_name) @declaration)
