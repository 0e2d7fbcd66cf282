; Java imports and package declaration. Capture vocabulary: see codepack/languages/extract.py.

(import_declaration
  "static"? @static
  [(scoped_identifier) (identifier)] @spec
  (asterisk)? @wildcard) @import.import

(package_declaration [(scoped_identifier) (identifier)] @declaration)
