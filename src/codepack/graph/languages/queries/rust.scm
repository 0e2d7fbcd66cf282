; Rust imports. Capture vocabulary: see codepack/graph/languages/extract.py.
; Use trees, paths and macro token trees are read by codepack/graph/languages/normalize/rust.py.

(use_declaration) @import.use

; `mod x;` loads a file (`#[path]` read by the normaliser); `mod x { ... }` is inline code
(mod_item !body name: (identifier) @spec) @import.mod

(extern_crate_declaration name: (identifier) @spec) @import.extern_crate

; paths in code (`crate::a::f()`, `super::x::Y`, `util::helper()`, macro bodies included) are
; read from the text of the file, and of each inline module (whose `#[cfg]` may differ)
(source_file) @import.paths
(mod_item name: (identifier) @spec body: (declaration_list) @body) @import.paths

; an inline module is declared by its file (the resolver maps paths into it to this file)
(mod_item name: (identifier) @declaration body: (declaration_list))

; macro bodies and arguments are token trees: the normaliser reads their `use` trees and
; `mod x;` declarations from their text. Only macros holding a `use` or `mod` token (up to
; three token trees deep, as in `cfg_if! { if #[cfg(x)] { mod m; } }`) are matched: most
; macros (`println!`, `assert_eq!`) hold neither, and their paths are read with the file's.
(macro_invocation (token_tree ["use" "mod"])) @import.macro
(macro_invocation (token_tree (token_tree ["use" "mod"]))) @import.macro
(macro_invocation (token_tree (token_tree (token_tree ["use" "mod"])))) @import.macro
(macro_definition (macro_rule right: (token_tree ["use" "mod"]))) @import.macro
(macro_definition (macro_rule right: (token_tree (token_tree ["use" "mod"])))) @import.macro
(macro_definition
  (macro_rule right: (token_tree (token_tree (token_tree ["use" "mod"]))))) @import.macro

; `include!("x.rs")` compiles that file into this module (include_str!/include_bytes! read data)
(macro_invocation
  macro: (identifier) @_macro
  (token_tree . (string_literal) @spec)
  (#eq? @_macro "include")) @import.include
