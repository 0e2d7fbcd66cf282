"""Rust beyond ``use``: paths in code and macros, ``#[path]``, ``include!``, inline modules,
and the module tree the resolver walks from them."""

from __future__ import annotations

from textwrap import dedent

from codepack.graph.languages.extract import extract_declarations, extract_file, extract_imports
from codepack.graph.languages.normalize.rust import (
    distinct_paths,
    in_file_module,
    scan_macro,
    scan_paths,
)
from codepack.graph.resolve import resolve_repo
from codepack.records import ImportRef as Ref


def specs(source: str, kind: str | None = None) -> list[tuple[int, str, str]]:
    imports, _ = extract_imports(dedent(source), "rust")
    return [(r.line, r.kind, r.spec) for r in imports if kind is None or r.kind == kind]


# -- extraction ----------------------------------------------------------------------------


def test_paths_in_code_are_read_once_each_outside_comments_strings_and_uses():
    source = b"""
        use crate::a::{b, c};
        // crate::in_comment::X
        /* crate::in_block::Y */
        const S: &str = "crate::in_string::Z";
        fn f() -> crate::t::U<V> {
            util :: helper();
            crate::t::U::new();
            <T as z::Tr>::X;
            Self::new(); Vec::<u8>::new(); std::mem::swap(); u32::from(1);
            $crate::m::N; $x::y::Z;
        }
    """
    assert list(scan_paths(source)) == [
        "crate::t::U", "util::helper", "crate::t::U::new", "z::Tr", "$crate::m::N"
    ]


def test_paths_become_one_import_per_spec_at_the_module_that_holds_them():
    source = """\
        fn f() { crate::x::g(); crate::x::g(); }
        mod inner {
            fn h() { super::y::Z; crate::x::g(); }
        }
        """
    assert specs(source, "path") == [(1, "path", "crate::x::g"), (2, "path", "self::y::Z")]


def test_distinct_paths_keeps_the_strongest_reference():
    weak = Ref("crate::a::b", 9, "path", lazy=True)
    strong = Ref("crate::a::b", 12, "path")
    other = Ref("crate::a", 1, "use")
    assert distinct_paths([weak, other, strong]) == [other, strong]


def test_macro_bodies_yield_uses_mods_and_dollar_crate_paths():
    source = """\
        macro_rules! flags {
            ($name:ident) => {
                pub struct $name($crate::bits::Bits);
                use $crate::util::{copy, clear as wipe};
            };
        }
        cfg_if::cfg_if! {
            if #[cfg(unix)] { mod unix; pub use self::unix::*; }
        }
        """
    assert specs(source) == [
        (1, "path", "cfg_if::cfg_if"),
        (1, "path", "crate::bits::Bits"),
        (1, "use", "crate::util::clear"),
        (1, "use", "crate::util::copy"),
        (7, "use", "self::unix"),
        (7, "mod", "unix"),
    ]


def test_scan_macro_reads_use_trees_and_mods_but_not_literals():
    body = b'{ use a::{b, c::*}; mod m; "use no::pe;" }'
    assert list(scan_macro(body)) == [
        ("use", "a::b", False), ("use", "a::c", True), ("mod", "m", False)
    ]


def test_include_and_path_attribute():
    source = """\
        include!("gen/tables.rs");
        include_str!("data.txt");
        #[cfg(unix)]
        #[path = "sys/unix.rs"]
        mod sys;
        mod outer {
            #[path = "w.rs"]
            mod win;
        }
        """
    imports, _ = extract_imports(dedent(source), "rust")
    got = [(r.kind, r.spec, r.names) for r in imports]
    assert got == [
        ("include", "gen/tables.rs", ()),
        ("mod_path", "sys/unix.rs", ("sys",)),
        ("mod_path_inline", "outer/w.rs", ("outer::win",)),
    ]


def test_inline_modules_rewrite_what_is_written_inside_them():
    source = """\
        mod a {
            mod b;
            use super::x::Y;
            use self::k::L;
            use plain::M;
            mod c { use super::super::up; }
        }
        """
    assert specs(source, "use") + specs(source, "mod") == [
        (3, "use", "self::x::Y"),
        (4, "use", "self::a::k::L"),
        (5, "use", "plain::M"),
        (5, "use", "self::a::plain::M"),
        (6, "use", "self::up"),
        (2, "mod", "a::b"),
    ]


def test_inline_modules_are_declarations_of_their_file():
    source = "mod a { mod b { } fn f() {} }\nmod c;\n#[cfg(test)]\nmod tests { }\n"
    assert extract_declarations(source, "rust") == ("a", "a::b", "tests")


def test_in_file_module():
    assert in_file_module("super::x", ["tests"]) == "self::x"
    assert in_file_module("super::super::x", ["tests"]) == "super::x"
    assert in_file_module("crate::x", ["a", "b"]) == "crate::x"
    assert in_file_module("x::y", ["a"]) == "self::a::x::y"
    assert in_file_module("$crate::x", []) == "crate::x"


# -- resolution ----------------------------------------------------------------------------


def _edges(sources: dict[str, str], aux: dict[str, str] | None = None) -> set[tuple[str, str, str]]:
    files, declarations = [], {}
    for path, text in sorted(sources.items()):
        found = extract_file(dedent(text), "rust")
        files.append((path, "rust", found.imports))
        declarations[path] = found.declarations
    resolution = resolve_repo(files, aux or {}, declarations=declarations)
    return {(e.src, e.dst, e.rule) for e in resolution.edges}


def test_path_attribute_file_takes_the_declared_module_name():
    edges = _edges({
        "src/lib.rs": '#[path = "platform/unix.rs"]\nmod sys;\nmod bits;\n',
        "src/bits.rs": "pub struct Bits;\n",
        "src/platform/unix.rs": "mod helper;\nfn f() { super::bits::Bits; }\n",
        # a #[path] file owns its folder, as a mod.rs does
        "src/platform/helper.rs": "fn g() { crate::sys::f(); }\n",
        "src/user.rs": "fn h() { crate::sys::helper::g(); }\n",
    })
    assert ("src/lib.rs", "src/platform/unix.rs", "rust:path-attribute") in edges
    assert ("src/platform/unix.rs", "src/bits.rs", "rust:relative-path") in edges
    assert ("src/platform/unix.rs", "src/platform/helper.rs", "rust:mod") in edges
    assert ("src/platform/helper.rs", "src/platform/unix.rs", "rust:crate-path") in edges


def test_included_file_is_part_of_the_including_module():
    edges = _edges({
        "src/lib.rs": 'mod bits;\ninclude!("gen.rs");\n',
        "src/bits.rs": "pub struct Bits;\n",
        "src/gen.rs": "fn g() -> bits::Bits { bits::Bits }\n",
        "src/user.rs": "fn h() { crate::g(); }\n",
    })
    assert ("src/lib.rs", "src/gen.rs", "rust:include") in edges
    assert ("src/gen.rs", "src/bits.rs", "rust:child-module") in edges
    # the crate root is still lib.rs, not the file it includes
    assert ("src/user.rs", "src/lib.rs", "rust:crate-path") in edges


def test_inline_module_lives_in_its_file_and_nests_module_folders():
    edges = _edges({
        "src/lib.rs": "pub mod shapes {\n    pub mod circle;\n    pub fn unit() {}\n}\n",
        "src/shapes/circle.rs": "pub fn area() { super::unit(); }\n",
        "src/user.rs": "fn h() { crate::shapes::unit(); shapes::circle::area(); }\n",
    })
    assert edges >= {
        ("src/lib.rs", "src/shapes/circle.rs", "rust:mod"),
        ("src/shapes/circle.rs", "src/lib.rs", "rust:relative-path"),
        ("src/user.rs", "src/lib.rs", "rust:crate-path"),
    }
    # `shapes` is not a child of user.rs's module: no edge from a plain path
    assert not any(src == "src/user.rs" and dst.endswith("circle.rs") for src, dst, _ in edges)


def test_plain_paths_need_a_child_module_and_crate_names_need_another_crate():
    aux = {"Cargo.toml": '[package]\nname = "flag-set"\n'}
    edges = _edges({
        "src/lib.rs": "mod util;\nfn f() { util::go(); fmt::x(); }\n",
        "src/util.rs": "pub fn go() { flag_set::util::go(); }\n",
        "tests/it.rs": "fn t() { flag_set::util::go(); }\n",
    }, aux)
    assert {(src, dst) for src, dst, _ in edges} == {
        ("src/lib.rs", "src/util.rs"),  # `mod util;` and the path `util::go`
        ("tests/it.rs", "src/util.rs"),
    }
    assert ("tests/it.rs", "src/util.rs", "rust:workspace-crate") in edges
    assert ("src/lib.rs", "src/util.rs", "rust:child-module") in edges


def test_super_under_cfg_at_file_level_is_the_parent_module():
    edges = _edges({
        "src/lib.rs": "mod net;\n",
        "src/net.rs": "mod tcp;\npub struct Addr;\n",
        "src/net/tcp.rs": (
            "#[cfg(unix)]\nuse super::Addr;\n#[cfg(test)]\nmod tests { use super::*; }\n"
        ),
    })
    assert ("src/net/tcp.rs", "src/net.rs", "rust:relative-path") in edges


def test_module_tree_survives_loops_and_paths_outside_the_repository():
    edges = _edges({
        "src/lib.rs": (
            '#[path = "lib.rs"]\nmod again;\n#[path = "../../etc/x.rs"]\nmod out;\n'
            'include!("/usr/include/x.rs");\nmod a;\n'
        ),
        "src/a.rs": '#[path = "a.rs"]\nmod me;\nfn f() { crate::a::me::g(); }\n',
    })
    assert edges == {("src/lib.rs", "src/a.rs", "rust:mod")}


# -- how deep the import query looks -------------------------------------------------------

SHALLOW_SOURCE = """\
use crate::a::B;
mod m;
extern crate serde;
// a comment that says use, mod, extern and include deep in a function is no anchor
mod inline {
    use super::c::D;
    pub mod leaf;
}
cfg_if! { if #[cfg(x)] { mod gated; } }
include!("generated.rs");
impl S {
    fn f(&self) -> usize {
        let used = "use crate::in_string;"; // use crate::in_comment
        crate::deep::path(used)
    }
}
"""

DEEP_SOURCES = [
    "impl S {\n    fn f() {\n        use crate::deep::X;\n    }\n}\n",
    "fn f() {\n    if x {\n        mod_like! { use crate::in_macro::Y; }\n    }\n}\n",
    "mod a {\n    mod b {\n        use crate::nested::Z;\n    }\n}\n",
    "fn f() {\n    {\n        include!(\"deep.rs\");\n    }\n}\n",
    # blank lines first: the root node starts at its first token, not at byte 0
    "\n\n\nimpl S {\n    fn f() {\n        use crate::deep::X;\n    }\n}\n",
]


def _parse(source: str):
    from codepack.graph.languages.extract import _parser

    return _parser("rust").parse(source.encode()).root_node


def test_a_file_whose_imports_are_all_items_is_queried_only_to_item_depth():
    from codepack.graph.languages.normalize.rust import SHALLOW_DEPTH, query_start_depth

    assert query_start_depth(_parse(SHALLOW_SOURCE)) == SHALLOW_DEPTH
    assert query_start_depth(_parse("")) == SHALLOW_DEPTH


def test_an_import_below_item_depth_or_a_syntax_error_makes_the_query_search_everything():
    from codepack.graph.languages.normalize.rust import query_start_depth

    for source in DEEP_SOURCES:
        assert query_start_depth(_parse(source)) is None, source
    assert query_start_depth(_parse("use crate::a::{;\nfn f() {}\n")) is None


def test_the_depth_bound_finds_exactly_what_the_whole_query_finds(monkeypatch):
    from dataclasses import replace

    from codepack.graph.languages import extract

    sources = [SHALLOW_SOURCE, *DEEP_SOURCES]
    bounded = [extract_file(source, "rust") for source in sources]
    rules = extract._RULES["rust"]
    monkeypatch.setitem(extract._RULES, "rust", replace(rules, start_depth=None))
    assert [extract_file(source, "rust") for source in sources] == bounded
    assert {r.spec for r in bounded[0].imports} >= {
        "crate::a::B", "m", "serde", "self::c::D", "inline::leaf", "gated",
        "generated.rs", "crate::deep::path",
    }
    assert [r.spec for r in bounded[1].imports] == ["crate::deep::X"]
