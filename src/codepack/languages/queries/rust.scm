; Rust imports. Capture vocabulary: see codepack/languages/extract.py.
; Use trees are flattened by codepack/languages/normalize/rust.py.

(use_declaration) @import.use

; `mod x;` loads a file; `mod x { ... }` is inline code and names no file
(mod_item !body name: (identifier) @spec) @import.mod

(extern_crate_declaration name: (identifier) @spec) @import.extern_crate
