; C++ includes. Capture vocabulary: see codepack/graph/languages/extract.py.
; `#include MACRO` (a computed include) is not captured.

(preproc_include path: (string_literal) @spec) @import.include

(preproc_include path: (system_lib_string) @spec @system) @import.include
