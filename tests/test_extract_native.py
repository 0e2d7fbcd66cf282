"""Go, Rust, C, C++ and Swift import extraction."""

from __future__ import annotations

from textwrap import dedent

import pytest

from codepack.graph.languages.extract import (
    extract_declarations,
    extract_file,
    extract_imports,
    looks_like_cpp,
)
from codepack.records import ImportRef as Ref


def refs(source: str, language: str) -> list[Ref]:
    imports, _ = extract_imports(dedent(source), language)
    return list(imports)


def test_go_single_grouped_aliased_and_raw_imports():
    source = """\
        package main

        import "fmt"
        // import "commented"
        import (
        \tf "os"
        \t_ "net/http/pprof"
        \t. "strings"
        \t`example.com/raw/x`
        \t"./legacy"
        )
        var s = `import "nope"`
        """
    assert refs(source, "go") == [
        Ref("fmt", 3),
        Ref("os", 6, names=("f",)),
        Ref("net/http/pprof", 7, names=("_",)),
        Ref("strings", 8, names=(".",), wildcard=True),
        Ref("example.com/raw/x", 9),
        Ref("./legacy", 10, relative=True),
    ]
    assert extract_declarations(dedent(source), "go") == ("main",)


def test_rust_use_trees_mods_and_extern_crates():
    assert refs(
        """\
        mod x;
        mod inline { fn a() {} }
        use crate::a::{b, c::D, e::*, self as s, f as g};
        pub use super::x;
        use self::y::Z as W;
        use ::std::io;
        use std::*;
        extern crate foo as bar;
        // use commented::x;
        use a::{
            b::{c, d},
        };
        """,
        "rust",
    ) == [
        Ref("x", 1, "mod", relative=True),
        Ref("crate::a", 3, "use"),
        Ref("crate::a::b", 3, "use"),
        Ref("crate::a::c::D", 3, "use"),
        Ref("crate::a::e", 3, "use", wildcard=True),
        Ref("crate::a::f", 3, "use"),
        Ref("super::x", 4, "use", relative=True),
        Ref("self::y::Z", 5, "use", relative=True),
        Ref("::std::io", 6, "use"),
        Ref("std", 7, "use", wildcard=True),
        Ref("foo", 8, "extern_crate"),
        Ref("a::b::c", 10, "use"),
        Ref("a::b::d", 10, "use"),
    ]


def test_rust_cfg_attributes_make_conditional_and_fn_bodies_lazy():
    assert refs(
        """\
        #[cfg(test)]
        #[allow(unused)]
        mod tests {
            use super::*;
        }
        #[cfg(feature = "x")]
        use q::r;
        #[cfg_attr(test, derive(Debug))]
        use z::w;
        fn f() {
            use a::b;
        }
        #[cfg(unix)]
        mod unix;
        """,
        "rust",
    ) == [
        # `super` inside the inline `mod tests` is the file's own module
        Ref("self", 4, "use", relative=True, conditional=True, wildcard=True),
        Ref("q::r", 7, "use", conditional=True),
        Ref("z::w", 9, "use"),
        Ref("a::b", 11, "use", lazy=True),
        Ref("unix", 14, "mod", relative=True, conditional=True),
    ]


def test_rust_inner_cfg_attribute_covers_the_file():
    assert refs("#![cfg(test)]\n//! docs\nuse a::b;\n", "rust") == [
        Ref("a::b", 3, "use", conditional=True)
    ]


@pytest.mark.parametrize("language", ["c", "cpp"])
def test_c_includes_header_guard_and_conditionals(language):
    assert refs(
        """\
        /* license */
        #ifndef X_H
        /* guard */
        #define X_H
        #include "a/b.h"
        #include <x.h>
        #ifdef _WIN32
        #include <windows.h>
        #elif defined(__linux__)
        #include "linux.h"
        #else
        #include "other.h"
        #endif
        #include MACRO_HEADER
        // #include "comment.h"
        const char *s = "#include \\"str.h\\"";
        #endif
        """,
        language,
    ) == [
        Ref("a/b.h", 5, "include", relative=True),
        Ref("x.h", 6, "include", system=True),
        Ref("windows.h", 8, "include", conditional=True, system=True),
        Ref("linux.h", 10, "include", relative=True, conditional=True),
        Ref("other.h", 12, "include", relative=True, conditional=True),
    ]


def test_c_extern_c_wrapper_is_not_a_condition():
    assert refs(
        """\
        #ifndef LIB_H
        #define LIB_H
        #ifdef __cplusplus
        extern "C" {
        #endif
        #include <stddef.h>
        #ifdef __cplusplus
        #include <cstddef>
        #endif
        int lib_call(size_t n);
        #ifdef __cplusplus
        }
        #endif
        #endif
        """,
        "c",
    ) == [
        Ref("stddef.h", 6, "include", system=True),
        Ref("cstddef", 8, "include", conditional=True, system=True),
    ]


def test_cpp_if_not_defined_guard_and_an_ifndef_that_is_no_guard():
    assert refs(
        """\
        #if !defined(Y_HPP)
        #define Y_HPP
        #include <vector>
        #ifndef NO_EXTRAS
        #include "extras.hpp"
        #define NO_EXTRAS
        #endif
        namespace a { void table() {
        #include "table.inc"
        } }
        #endif
        """,
        "cpp",
    ) == [
        Ref("vector", 3, "include", system=True),
        Ref("extras.hpp", 5, "include", relative=True, conditional=True),
        Ref("table.inc", 9, "include", relative=True, lazy=True),
    ]


CPP_HEADER = """\
    #ifndef GEO_NO_LEGACY_API
    #include "shape.hpp"
    namespace geo::legacy {
    struct [[deprecated("Use geo::Shape.")]] Scaled {
      Scaled(int sides, geo::Vec &&size, int id)
      {
      }
    };
    }  // namespace geo::legacy
    #endif
    #include "vec.hpp"
    """


def test_a_cpp_header_named_h_is_read_with_the_cpp_grammar():
    # the C grammar errs on it and reads shape.hpp as unconditional
    extraction = extract_file(dedent(CPP_HEADER), "c")
    assert not extraction.parse_error
    assert list(extraction.imports) == [
        Ref("shape.hpp", 2, "include", relative=True, conditional=True),
        Ref("vec.hpp", 11, "include", relative=True),
    ]


def test_only_cpp_spellings_switch_the_grammar():
    assert looks_like_cpp("namespace a { }")
    assert looks_like_cpp("template <class T> T f(T);")
    assert looks_like_cpp("void f() { std::abort(); }")
    assert not looks_like_cpp('#include <stdio.h>\nstatic int class_count; /* a template */\n')
    c_header = '#include "a.h"\n#if X\n#include "b.h"\n#endif\nint new = 1;\n'
    assert extract_file(c_header, "c") == extract_file(c_header, "c")  # deterministic
    assert not extract_file(c_header, "c").parse_error  # valid C, parsed as C


def test_swift_module_imports_and_conditional_compilation():
    assert refs(
        """\
        import Foundation
        import struct Shapes.Circle
        @testable import App
        @_exported import Clang.Sub
        #if canImport(UIKit)
        import UIKit
        #elseif os(macOS)
        import AppKit
        #endif
        // import Commented
        let s = "import Str"
        """,
        "swift",
    ) == [
        # the implicit own-module import carries the names used (here only attribute names,
        # which no declaration of the module matches)
        Ref(".", 1, "same_module", names=("_exported", "testable"), wildcard=True),
        Ref("Foundation", 1),
        Ref("Shapes", 2, names=("Circle",)),
        Ref("App", 3),
        Ref("Clang.Sub", 4),
        Ref("UIKit", 6, conditional=True),
        Ref("AppKit", 8, conditional=True),
    ]


def test_parse_errors_still_yield_includes_and_uses():
    imports, parse_error = extract_imports('#include "a.h"\nint x = ;\n#include <b.h>\n', "c")
    assert parse_error
    assert list(imports) == [
        Ref("a.h", 1, "include", relative=True),
        Ref("b.h", 3, "include", system=True),
    ]
    imports, parse_error = extract_imports("use a::b;\nfn f( {\nuse c::d;\n", "rust")
    assert parse_error
    assert list(imports) == [Ref("a::b", 1, "use"), Ref("c::d", 3, "use")]
