; Ruby requires. Capture vocabulary: see codepack/graph/languages/extract.py.
; Only calls without a receiver count (`foo.require` is some other method); the path is the
; first argument, checked for a static value by codepack/graph/languages/normalize/ruby.py.

(call
  !receiver
  method: (identifier) @_method
  arguments: (argument_list . (_) @spec)
  (#eq? @_method "require")) @import.require

(call
  !receiver
  method: (identifier) @_method
  arguments: (argument_list . (_) @spec)
  (#eq? @_method "require_relative")) @import.require_relative

(call
  !receiver
  method: (identifier) @_method
  arguments: (argument_list . (_) @spec)
  (#eq? @_method "load")) @import.load

; autoload :Const, "path"
(call
  !receiver
  method: (identifier) @_method
  arguments: (argument_list . (simple_symbol) @name . (_) @spec)
  (#eq? @_method "autoload")) @import.autoload
