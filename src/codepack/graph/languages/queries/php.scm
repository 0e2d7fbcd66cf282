; PHP namespace uses, includes, class names used in code, and declarations. Capture
; vocabulary: see codepack/graph/languages/extract.py; normalisation: normalize/php.py.

(namespace_use_declaration) @import.use

(require_expression) @import.require

(require_once_expression) @import.require_once

(include_expression) @import.include

(include_once_expression) @import.include_once

; -- class names in code: each is a dependency with no `use` line of its own ------------------
; Names as written (`X`, `Sub\X`, `\A\X`); PHP's name rules are applied by the resolver,
; which knows the file's namespace and `use` aliases. `self`/`static`/`parent` and built-in
; type names are dropped by the normaliser.

; extends / implements (classes, interfaces, enums)
(base_clause [(name) (qualified_name)] @import.class)
(class_interface_clause [(name) (qualified_name)] @import.class)

; a trait `use` inside a class body
(use_declaration [(name) (qualified_name)] @import.class)

; new X, X::m(), X::CONST / X::class, X::$p, #[X]
(object_creation_expression . [(name) (qualified_name)] @import.class)
(scoped_call_expression scope: [(name) (qualified_name)] @import.class)
(class_constant_access_expression . [(name) (qualified_name)] @import.class)
(scoped_property_access_expression scope: [(name) (qualified_name)] @import.class)
(attribute . [(name) (qualified_name)] @import.class)

; $x instanceof X
(binary_expression operator: "instanceof" right: [(name) (qualified_name)] @import.class)

; types of parameters, returns, properties and catch clauses: checked, never loaded
(named_type [(name) (qualified_name)] @import.type)

; -- declarations: namespaces, and the class-likes declared in them ----------------------------
(namespace_definition) @declaration
(class_declaration name: (name) @declaration)
(interface_declaration name: (name) @declaration)
(trait_declaration name: (name) @declaration)
(enum_declaration name: (name) @declaration)
