"""JavaScript / TypeScript / TSX import extraction: ES modules, re-exports, CommonJS,
dynamic import(), and TypeScript's type-only forms."""

from __future__ import annotations

from textwrap import dedent

import pytest

from codepack.graph.languages.extract import extract_imports
from codepack.records import ImportRef as Ref


def refs(source: str, language: str = "typescript") -> list[Ref]:
    imports, _ = extract_imports(dedent(source), language)
    return list(imports)


@pytest.mark.parametrize("language", ["javascript", "typescript", "tsx"])
def test_module_forms_shared_by_all_dialects(language):
    assert refs(
        """\
        import x, {a, b as c} from "./a";
        import * as ns from '../b';
        import "./side";
        export {x as y, default} from "./a";
        export * from "/abs/c";
        export * as q from "./q";
        import {
          multi,
          line,
        } from "@scope/pkg";
        import {"string name" as s} from "./s";
        export const local = 1;
        """,
        language,
    ) == [
        Ref("./a", 1, "import", ("default", "a", "b"), relative=True),
        Ref("../b", 2, "import", relative=True, wildcard=True),
        Ref("./side", 3, "import", relative=True),
        Ref("./a", 4, "export", ("x", "default"), relative=True),
        Ref("/abs/c", 5, "export", relative=True, wildcard=True),
        Ref("./q", 6, "export", relative=True, wildcard=True),
        Ref("@scope/pkg", 7, "import", ("multi", "line")),
        Ref("./s", 11, "import", ("string name",), relative=True),
    ]


@pytest.mark.parametrize("language", ["javascript", "typescript", "tsx"])
def test_require_and_dynamic_import(language):
    assert refs(
        """\
        const {r1, r2: alias} = require(`./r`);
        const m = require("./m").member;
        const whole = require("lodash");
        if (process.env.X) { require("./cond"); }
        function f() { return import("./lazy"); }
        const g = () => require("./arrow");
        import(`./x${y}`);
        require(name);
        require("./a", "extra");
        const opts = await import("./with-options", { with: { type: "json" } });
        """,
        language,
    ) == [
        Ref("./r", 1, "require", ("r1", "r2"), relative=True),
        Ref("./m", 2, "require", ("member",), relative=True),
        Ref("lodash", 3, "require"),
        Ref("./cond", 4, "require", relative=True, conditional=True),
        Ref("./lazy", 5, "dynamic", relative=True, lazy=True),
        Ref("./arrow", 6, "require", relative=True, lazy=True),
        Ref("./with-options", 10, "dynamic", relative=True),
    ]


def test_imports_in_strings_comments_and_templates_do_not_count():
    assert refs(
        """\
        // import a from "./comment";
        /* require("./block") */
        const s = "import b from './string'";
        const t = `require("./template")`;
        import real from "./real";
        """,
        "javascript",
    ) == [Ref("./real", 5, "import", ("default",), relative=True)]


@pytest.mark.parametrize("language", ["typescript", "tsx"])
def test_typescript_type_only_forms(language):
    assert refs(
        """\
        import type {T} from "./t";
        import type D from "./d";
        import {type T2, type U} from "./t2";
        import {type T3, V} from "./t3";
        export type {T4} from "./t4";
        export {type T5} from "./t5";
        import z = require("./z");
        import type * as types from "./types";
        """,
        language,
    ) == [
        Ref("./t", 1, "import", ("T",), relative=True, type_only=True),
        Ref("./d", 2, "import", ("default",), relative=True, type_only=True),
        Ref("./t2", 3, "import", ("T2", "U"), relative=True, type_only=True),
        Ref("./t3", 4, "import", ("T3", "V"), relative=True),
        Ref("./t4", 5, "export", ("T4",), relative=True, type_only=True),
        Ref("./t5", 6, "export", ("T5",), relative=True, type_only=True),
        Ref("./z", 7, "require", relative=True),
        Ref("./types", 8, "import", relative=True, wildcard=True, type_only=True),
    ]


def test_tsx_jsx_bodies_do_not_hide_requires():
    assert refs(
        """\
        import React from "react";
        const C = () => <div>{require("./img.png")}</div>;
        """,
        "tsx",
    ) == [
        Ref("react", 1, "import", ("default",)),
        Ref("./img.png", 2, "require", relative=True, lazy=True),
    ]


def test_class_methods_and_try_blocks():
    assert refs(
        """\
        class A {
          load() { return require("./in-method"); }
          static { require("./static-block"); }
        }
        try { module.exports = require("./optional"); } catch (e) {}
        const pick = flag ? require("./yes") : require("./no");
        """,
        "javascript",
    ) == [
        Ref("./in-method", 2, "require", relative=True, lazy=True),
        Ref("./static-block", 3, "require", relative=True, lazy=True),
        Ref("./optional", 5, "require", relative=True, conditional=True),
        Ref("./no", 6, "require", relative=True, conditional=True),
        Ref("./yes", 6, "require", relative=True, conditional=True),
    ]


def test_parse_errors_still_yield_imports():
    imports, parse_error = extract_imports(
        'import a from "./a";\nconst x = {;\nimport b from "./b";\n', "javascript"
    )
    assert parse_error
    assert list(imports) == [
        Ref("./a", 1, "import", ("default",), relative=True),
        Ref("./b", 3, "import", ("default",), relative=True),
    ]
