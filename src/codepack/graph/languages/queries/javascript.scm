; JavaScript imports. Capture vocabulary: see codepack/graph/languages/extract.py.

(import_statement source: (string) @spec) @import.import

(export_statement source: (string) @spec) @import.export

; require("./a") — exactly one argument, a string or a template without substitutions
(call_expression
  function: (identifier) @_fn
  arguments: (arguments . [(string) (template_string)] @spec .)
  (#eq? @_fn "require")) @import.require

; import("./a") — an options object may follow the specifier
(call_expression
  function: (import)
  arguments: (arguments . [(string) (template_string)] @spec)) @import.dynamic
