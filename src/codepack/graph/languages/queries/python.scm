; Python imports. Capture vocabulary: see codepack/graph/languages/extract.py.
; `from __future__ import x` is a compiler directive, not a dependency: not captured.

(import_statement) @import.import

(import_from_statement) @import.from

; importlib.import_module("a.b"), import_module("a.b"), __import__("a.b"): literal first argument
(call
  function: [
    (identifier) @_fn
    (attribute attribute: (identifier) @_fn)
  ]
  arguments: (argument_list . (string) @spec)
  (#any-of? @_fn "import_module" "__import__")) @import.dynamic
