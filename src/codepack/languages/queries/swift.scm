; Swift imports. Capture vocabulary: see codepack/languages/extract.py.
; `#if`/`#endif` are flat sibling directives in this grammar: captured as regions so the
; imports between them are marked conditional.

(import_declaration (identifier) @spec) @import.import

(directive "#if") @region.open

(directive "#endif") @region.close
