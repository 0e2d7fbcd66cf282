"""Tests for codepack.graph.resolve: the suffix index, every language family's rules (with
hand-built ImportRefs, independent of the extractor), the fixture repositories end to end
(extractor + resolver against tests/expected_edges/), and properties that must hold for any
input."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codepack.graph.languages.extract import extract_declarations, extract_imports
from codepack.graph.languages.registry import language_for_path
from codepack.graph.resolve import resolution_stats, resolve_repo
from codepack.graph.resolvers.base import PathIndex, in_test_tree, normalize
from codepack.graph.resolvers.configs import go_module_path, load_json, load_toml
from codepack.graph.resolvers.golang import GO_MAX_TARGETS
from codepack.inputs import AUX_FILE_NAMES
from codepack.records import Edge, ImportRef, Resolution

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures" / "repos"
EXPECTED = ROOT / "tests" / "expected_edges"


def _language(path: str) -> str:
    lang = language_for_path(path)
    assert lang is not None, path
    return lang.name


def targets(
    paths: Sequence[str],
    importer: str,
    ref: ImportRef,
    aux: Mapping[str, str] | None = None,
    declarations: Mapping[str, tuple[str, ...]] | None = None,
    markers: Sequence[str] = (),
) -> list[str]:
    """The files ``ref`` in ``importer`` resolves to, in a repository holding ``paths``."""
    files = [(p, _language(p), (ref,) if p == importer else ()) for p in sorted({*paths, importer})]
    resolution = resolve_repo(files, aux or {}, declarations=declarations, markers=markers)
    found = [e.dst for e in resolution.edges]
    assert len(found) + len(resolution.unresolved) >= 1
    assert bool(found) != bool(resolution.unresolved)
    return found


def ref(spec: str, **kw) -> ImportRef:
    return ImportRef(spec=spec, line=kw.pop("line", 1), **kw)


# -- the index ---------------------------------------------------------------------------------


def test_index_finds_whole_segment_suffixes_only():
    index = PathIndex(["a/b/c.py", "x/ab/c.py", "c.py", "b/c.py/d.py"])
    assert index.find(["b", "c.py"]) == ["a/b/c.py"]
    assert index.find(["c.py"]) == ["a/b/c.py", "c.py", "x/ab/c.py"]
    assert index.find([]) == []
    assert index.find(["", "c.py"]) == []


def test_index_folders_and_children():
    index = PathIndex(["a/b/c.py", "a/b/d/e.py", "a/bb.py", "z.py"], markers=["a/__init__.py"])
    assert index.files_in("a/b") == ["a/b/c.py"]
    assert index.files_under("a/b") == ["a/b/c.py", "a/b/d/e.py"]
    assert index.files_under("") == ["a/b/c.py", "a/b/d/e.py", "a/bb.py", "z.py"]
    assert index.find_folders(["b"]) == ["a/b"]
    assert index.exists("a/__init__.py") and not index.is_file("a/__init__.py")


def test_nearest_prefers_shared_folder_then_lexicographic():
    index = PathIndex(["x/utils.py", "a/utils.py", "pkg/sub/utils.py", "pkg/utils.py"])
    assert index.nearest("pkg/sub/m.py", [["utils.py"]]) == "pkg/sub/utils.py"
    assert index.nearest("pkg/other/m.py", [["utils.py"]]) == "pkg/sub/utils.py"
    assert index.nearest("top.py", [["utils.py"]]) == "a/utils.py"


def test_normalize_refuses_to_climb_above_the_root():
    assert normalize("a/../b") == "b"
    assert normalize("a/..") == ""
    assert normalize("../b") is None
    assert normalize("a/../../b") is None


# -- python ------------------------------------------------------------------------------------


PY_PKG = ["pkg/__init__.py", "pkg/a.py", "pkg/b.py", "pkg/sub/__init__.py", "pkg/sub/c.py"]


def test_python_from_dot_import_names_a_submodule_or_the_package_init():
    assert targets(PY_PKG, "pkg/a.py", ref(".", kind="from", names=("b",), relative=True)) == [
        "pkg/b.py"
    ]
    assert targets(PY_PKG, "pkg/a.py", ref(".", kind="from", names=("sub",), relative=True)) == [
        "pkg/sub/__init__.py"
    ]
    assert targets(
        PY_PKG, "pkg/a.py", ref(".", kind="from", names=("VERSION",), relative=True)
    ) == ["pkg/__init__.py"]


def test_python_parent_relative_import():
    got = targets(PY_PKG, "pkg/sub/c.py", ref("..a", kind="from", names=("x",), relative=True))
    assert got == ["pkg/a.py"]


def test_python_relative_import_beyond_the_root_is_unresolved():
    assert targets(PY_PKG, "pkg/a.py", ref("...x", kind="from", names=("y",), relative=True)) == []


def test_python_from_import_prefers_submodule_then_module():
    paths = ["a/b.py", "a/b/c.py", "a/__init__.py"]
    assert targets(paths, "m.py", ref("a.b", kind="from", names=("c",))) == ["a/b/c.py"]
    assert targets(paths, "m.py", ref("a.b", kind="from", names=("func",))) == ["a/b.py"]
    both = targets(paths, "m.py", ref("a.b", kind="from", names=("c", "func")))
    assert both == ["a/b.py", "a/b/c.py"]
    assert targets(paths, "m.py", ref("a.b", kind="from", wildcard=True, names=())) == ["a/b.py"]


def test_python_src_layout_and_tests_importing_the_package():
    paths = ["src/pkg/__init__.py", "src/pkg/core.py", "tests/test_core.py"]
    assert targets(paths, "tests/test_core.py", ref("pkg.core")) == ["src/pkg/core.py"]
    assert targets(paths, "tests/test_core.py", ref("pkg")) == ["src/pkg/__init__.py"]


def test_python_missing_submodule_falls_back_to_the_longest_existing_package():
    paths = ["a/__init__.py", "a/b.py"]
    assert targets(paths, "m.py", ref("a.b.gone")) == ["a/b.py"]
    assert targets(paths, "m.py", ref("a.gone")) == ["a/__init__.py"]


def test_python_stub_only_when_no_source():
    assert targets(["lib/fast.pyi"], "m.py", ref("lib.fast")) == ["lib/fast.pyi"]
    assert targets(["lib/fast.pyi", "lib/fast.py"], "m.py", ref("lib.fast")) == ["lib/fast.py"]


def test_python_stdlib_name_inside_a_package_is_not_the_package_module():
    paths = ["pkg/__init__.py", "pkg/types.py", "pkg/a.py"]
    assert targets(paths, "pkg/a.py", ref("types")) == []
    # an empty __init__.py is not packed: passed as a marker it still makes pkg a package
    assert targets(["pkg/types.py", "pkg/a.py"], "pkg/a.py", ref("types")) == ["pkg/types.py"]
    got = targets(
        ["pkg/types.py", "pkg/a.py"], "pkg/a.py", ref("types"), markers=["pkg/__init__.py"]
    )
    assert got == []


def test_python_one_file_module_deep_in_another_tree_is_not_guessed():
    paths = ["test/data/gc.py", "lib/run.py", "test/data/script.py"]
    assert targets(paths, "lib/run.py", ref("gc")) == []
    assert targets(paths, "test/data/script.py", ref("gc")) == ["test/data/gc.py"]
    assert targets(["tools/helper.py", "app/x.py"], "app/x.py", ref("helper")) == [
        "tools/helper.py"
    ]


def test_python_nearest_of_two_same_named_modules():
    paths = ["src/pkg/utils.py", "tests/utils.py", "tests/test_a.py", "src/pkg/__init__.py"]
    assert targets(paths, "tests/test_a.py", ref("utils", kind="from", names=("f",))) == [
        "tests/utils.py"
    ]


def test_python_external_and_malformed_specs_are_unresolved():
    assert targets(PY_PKG, "pkg/a.py", ref("numpy.linalg")) == []
    assert targets(PY_PKG, "pkg/a.py", ref("not a module")) == []
    assert targets(PY_PKG, "pkg/a.py", ref("")) == []


def test_python_dynamic_import_resolves_like_import():
    assert targets(PY_PKG, "pkg/a.py", ref("pkg.sub.c", kind="dynamic", lazy=True)) == [
        "pkg/sub/c.py"
    ]


# -- javascript / typescript ------------------------------------------------------------------


def test_js_relative_probing_extensions_and_index():
    paths = ["src/a.ts", "src/b/index.tsx", "src/c.js", "src/main.ts"]
    assert targets(paths, "src/main.ts", ref("./a", relative=True)) == ["src/a.ts"]
    assert targets(paths, "src/main.ts", ref("./b", relative=True)) == ["src/b/index.tsx"]
    assert targets(paths, "src/main.ts", ref("./c.js", relative=True)) == ["src/c.js"]
    assert targets(paths, "src/main.ts", ref("./nope", relative=True)) == []
    assert targets(paths, "src/main.ts", ref("../../x", relative=True)) == []


def test_ts_esm_js_specifier_names_the_ts_source():
    paths = ["src/util.ts", "src/view.tsx", "src/main.ts"]
    assert targets(paths, "src/main.ts", ref("./util.js", relative=True)) == ["src/util.ts"]
    assert targets(paths, "src/main.ts", ref("./view.js", relative=True)) == ["src/view.tsx"]


def test_declaration_file_js_specifier_names_the_declaration_file():
    paths = ["typings/index.d.ts", "typings/esm.d.mts", "typings/extra.d.mts"]
    got = targets(paths, "typings/esm.d.mts", ref("./index.js", relative=True))
    assert got == ["typings/index.d.ts"]
    got = targets(paths, "typings/esm.d.mts", ref("./extra.mjs", relative=True))
    assert got == ["typings/extra.d.mts"]


def test_js_extension_preference_follows_the_importer_language():
    paths = ["lib/x.ts", "lib/x.js", "lib/a.ts", "lib/b.js"]
    assert targets(paths, "lib/a.ts", ref("./x", relative=True)) == ["lib/x.ts"]
    assert targets(paths, "lib/b.js", ref("./x", relative=True)) == ["lib/x.js"]


def test_tsconfig_paths_with_comments_longest_prefix_and_base_url():
    tsconfig = """{
      // comment
      "compilerOptions": {
        "baseUrl": "./src", /* block */
        "paths": {"@/*": ["*"], "@/ui/*": ["components/*",], "config": ["conf/index.ts"]},
      },
    }"""
    paths = [
        "src/components/Button.tsx",
        "src/ui/Button.ts",
        "src/conf/index.ts",
        "src/m.ts",
        "src/lib/x.ts",
    ]
    aux = {"tsconfig.json": tsconfig}
    assert targets(paths, "src/m.ts", ref("@/ui/Button"), aux) == ["src/components/Button.tsx"]
    assert targets(paths, "src/m.ts", ref("config"), aux) == ["src/conf/index.ts"]
    assert targets(paths, "src/m.ts", ref("lib/x"), aux) == ["src/lib/x.ts"]  # baseUrl
    assert targets(paths, "src/m.ts", ref("react"), aux) == []


def test_tsconfig_extends_and_nearest_config():
    aux = {
        "tsconfig.base.json": '{"compilerOptions": {"paths": {"~/*": ["shared/*"]}}}',
        "apps/web/tsconfig.json": '{"extends": "../../tsconfig.base.json"}',
        "apps/api/jsconfig.json": '{"compilerOptions": {"baseUrl": "."}}',
    }
    paths = ["shared/log.ts", "apps/web/main.ts", "apps/api/main.js", "apps/api/db.js"]
    assert targets(paths, "apps/web/main.ts", ref("~/log"), aux) == ["shared/log.ts"]
    assert targets(paths, "apps/api/main.js", ref("db"), aux) == ["apps/api/db.js"]
    assert targets(paths, "apps/api/main.js", ref("~/log"), aux) == []


def test_workspace_package_self_imports():
    aux = {
        "package.json": '{"name": "root", "private": true}',
        "packages/ui/package.json": '{"name": "@acme/ui", "main": "dist/index.js"}',
        "packages/core/package.json": '{"name": "core-lib"}',
    }
    paths = [
        "packages/ui/src/index.ts",
        "packages/ui/src/button.tsx",
        "packages/core/index.js",
        "apps/web/page.tsx",
    ]
    page = "apps/web/page.tsx"
    assert targets(paths, page, ref("@acme/ui"), aux) == ["packages/ui/src/index.ts"]
    assert targets(paths, page, ref("@acme/ui/button"), aux) == ["packages/ui/src/button.tsx"]
    assert targets(paths, page, ref("core-lib"), aux) == ["packages/core/index.js"]
    assert targets(paths, page, ref("@acme/other"), aux) == []
    assert targets(paths, page, ref("node:fs"), aux) == []


def test_relative_folder_import_uses_package_json_main():
    aux = {"lib/package.json": '{"main": "./entry.js"}'}
    paths = ["lib/entry.js", "lib/index.js", "app.js"]
    assert targets(paths, "app.js", ref("./lib", relative=True), aux) == ["lib/entry.js"]


# -- go ----------------------------------------------------------------------------------------


GO_MOD = {"go.mod": "module github.com/acme/app\n\ngo 1.22\n"}


def test_go_package_fans_out_to_non_test_files():
    paths = ["store/a.go", "store/b.go", "store/a_test.go", "main.go", "store/cgo_helper.c"]
    got = targets(paths, "main.go", ref("github.com/acme/app/store"), GO_MOD)
    assert got == ["store/a.go", "store/b.go"]


def test_go_stdlib_and_other_modules_are_external():
    paths = ["main.go", "fmt/x.go"]
    assert targets(paths, "main.go", ref("fmt"), GO_MOD) == []
    assert targets(paths, "main.go", ref("github.com/other/lib"), GO_MOD) == []


def test_go_nested_module_wins_over_its_parent():
    aux = {**GO_MOD, "tools/go.mod": "module github.com/acme/app/tools // tools\n"}
    paths = ["tools/gen/gen.go", "tools/tools/gen/x.go", "main.go"]
    got = targets(paths, "main.go", ref("github.com/acme/app/tools/gen"), aux)
    assert got == ["tools/gen/gen.go"]


def test_go_without_go_mod_reads_gopath_layout():
    paths = ["util/strings.go", "main.go", "assert/x.go"]
    assert targets(paths, "main.go", ref("github.com/me/repo/util")) == ["util/strings.go"]
    assert targets(paths, "main.go", ref("golang.org/x/tools/assert")) == []


def test_go_fan_out_is_capped():
    paths = [f"big/f{i:03d}.go" for i in range(GO_MAX_TARGETS + 8)] + ["main.go"]
    got = targets(paths, "main.go", ref("github.com/acme/app/big"), GO_MOD)
    assert got == [f"big/f{i:03d}.go" for i in range(GO_MAX_TARGETS)]


STD_MOD = {"go.mod": "module std\n\ngo 1.19\n"}


def go_resolve(
    paths: Sequence[str],
    importer: str,
    spec: str,
    aux: Mapping[str, str],
    declarations: Mapping[str, tuple[str, ...]] | None = None,
    go_target: str = "linux/amd64",
    imports: Mapping[str, Sequence[ImportRef]] | None = None,
) -> tuple[list[str], set[str]]:
    """(targets, rule names) of Go import ``spec`` in ``importer``, for ``go_target``."""
    imports = dict(imports or {})
    imports[importer] = (ref(spec),)
    files = [(p, "go", tuple(imports.get(p, ()))) for p in sorted({*paths, importer})]
    resolution = resolve_repo(files, aux, declarations=declarations, go_target=go_target)
    mine = [e for e in resolution.edges if e.src == importer]
    return [e.dst for e in mine], {e.rule for e in mine}


def test_go_module_std_imports_have_no_module_prefix():
    paths = ["net/http/server.go", "net/net.go", "errors/errors.go", "main.go"]
    assert go_resolve(paths, "net/http/server.go", "net", STD_MOD) == (["net/net.go"], {"go:std"})
    assert go_resolve(paths, "main.go", "errors", STD_MOD)[0] == ["errors/errors.go"]
    # a dotted first element is a module path, never a std package
    assert go_resolve(["golang.org/x/y.go", "main.go"], "main.go", "golang.org/x", STD_MOD)[0] == []
    assert go_resolve(paths, "main.go", "C", STD_MOD)[0] == []


def test_go_std_without_module_std_stays_external():
    assert go_resolve(["fmt/print.go", "main.go"], "main.go", "fmt", GO_MOD)[0] == []


def test_go_module_cmd_sees_std_and_its_own_vendor_folder():
    aux = {**STD_MOD, "cmd/go.mod": "module cmd\n"}
    paths = ["fmt/print.go", "cmd/internal/obj/obj.go", "cmd/vendor/golang.org/x/arch/a.go"]
    importer = "cmd/tool/main.go"
    assert go_resolve(paths, importer, "fmt", aux) == (["fmt/print.go"], {"go:std"})
    assert go_resolve(paths, importer, "cmd/internal/obj", aux) == (
        ["cmd/internal/obj/obj.go"],
        {"go:module-path"},
    )
    assert go_resolve(paths, importer, "golang.org/x/arch", aux) == (
        ["cmd/vendor/golang.org/x/arch/a.go"],
        {"go:vendor"},
    )
    # GOROOT's src/vendor belongs to module std, not to module cmd
    assert go_resolve(["vendor/golang.org/x/net/n.go"], importer, "golang.org/x/net", aux)[0] == []
    got = go_resolve(["vendor/golang.org/x/net/n.go"], "net/net.go", "golang.org/x/net", aux)
    assert got == (["vendor/golang.org/x/net/n.go"], {"go:vendor"})


def test_go_package_in_a_folder_named_test_is_code():
    paths = ["internal/test/helper.go", "fmt/print.go"]
    assert go_resolve(paths, "fmt/print.go", "internal/test", STD_MOD)[0] == [
        "internal/test/helper.go"
    ]


def test_go_fan_out_skips_files_that_do_not_build_for_the_target():
    paths = [
        "net/net.go",
        "net/fd_windows.go",
        "net/fd_linux.go",
        "net/sock_arm64.go",
        "net/purego.go",
        "net/gen.go",
        "net/net_test.go",
    ]
    declarations = {
        "net/purego.go": ("net", "//go:build purego"),
        "net/gen.go": ("main", "// +build ignore"),
    }
    got, _ = go_resolve(paths, "main.go", "net", STD_MOD, declarations)
    assert got == ["net/fd_linux.go", "net/net.go"]
    got, _ = go_resolve(paths, "main.go", "net", STD_MOD, declarations, "windows/arm64,purego")
    assert got == ["net/fd_windows.go", "net/net.go", "net/purego.go", "net/sock_arm64.go"]


def test_go_package_where_no_file_builds_keeps_all_its_non_test_files():
    paths = ["winonly/a_windows.go", "winonly/b_windows.go", "winonly/b_windows_test.go"]
    got, _ = go_resolve(paths, "net/fd_windows.go", "winonly", STD_MOD)
    assert got == ["winonly/a_windows.go", "winonly/b_windows.go"]


def test_go_files_importing_c_need_cgo():
    paths = ["net/net.go", "net/cgo_resolver.go"]
    imports = {"net/cgo_resolver.go": (ref("C"),)}
    with_cgo, _ = go_resolve(paths, "main.go", "net", STD_MOD, imports=imports)
    assert with_cgo == ["net/cgo_resolver.go", "net/net.go"]
    without, _ = go_resolve(paths, "main.go", "net", STD_MOD, go_target="linux/amd64,nocgo",
                            imports=imports)
    assert without == ["net/net.go"]


# -- c / c++ -----------------------------------------------------------------------------------


C_PATHS = [
    "include/lib/api.h",
    "src/impl.h",
    "src/impl.c",
    "src/sub/x.c",
    "compat/sys/queue.h",
    "third/stdio.h",
]


def test_c_quote_include_relative_then_include_folders_then_suffix():
    assert targets(C_PATHS, "src/impl.c", ref("impl.h", kind="include")) == ["src/impl.h"]
    assert targets(C_PATHS, "src/sub/x.c", ref("../impl.h", kind="include")) == ["src/impl.h"]
    assert targets(C_PATHS, "src/impl.c", ref("lib/api.h", kind="include")) == ["include/lib/api.h"]
    assert targets(C_PATHS, "src/sub/x.c", ref("impl.h", kind="include")) == ["src/impl.h"]


def test_c_angle_include_only_via_include_folders_or_a_folder_suffix():
    assert targets(C_PATHS, "src/impl.c", ref("lib/api.h", kind="include", system=True)) == [
        "include/lib/api.h"
    ]
    assert targets(C_PATHS, "src/impl.c", ref("sys/queue.h", kind="include", system=True)) == [
        "compat/sys/queue.h"
    ]
    assert targets(C_PATHS, "src/impl.c", ref("stdio.h", kind="include", system=True)) == []
    assert targets(C_PATHS, "src/impl.c", ref("vector", kind="include", system=True)) == []
    with_include = [*C_PATHS, "include/stdio.h"]
    assert targets(with_include, "src/impl.c", ref("stdio.h", kind="include", system=True)) == [
        "include/stdio.h"
    ]


# -- java / kotlin / scala ---------------------------------------------------------------------


JAVA = [
    "core/src/main/java/com/acme/model/User.java",
    "core/src/main/java/com/acme/model/Role.java",
    "core/src/main/java/com/acme/util/Strings.java",
    "core/src/test/java/com/acme/model/UserTest.java",
    "app/src/main/java/com/acme/App.java",
]
APP = "app/src/main/java/com/acme/App.java"


def test_java_class_nested_class_and_static_member_by_path():
    user = "core/src/main/java/com/acme/model/User.java"
    assert targets(JAVA, APP, ref("com.acme.model.User")) == [user]
    assert targets(JAVA, APP, ref("com.acme.model.User.Builder")) == [user]
    assert targets(JAVA, APP, ref("com.acme.util.Strings.join", kind="import_static")) == [
        "core/src/main/java/com/acme/util/Strings.java"
    ]
    assert targets(JAVA, APP, ref("java.util.List")) == []


def test_java_wildcard_without_names_fans_out_to_the_package_without_its_tests():
    got = targets(JAVA, APP, ref("com.acme.model", wildcard=True))
    assert got == [
        "core/src/main/java/com/acme/model/Role.java",
        "core/src/main/java/com/acme/model/User.java",
    ]
    test = "core/src/test/java/com/acme/model/UserTest.java"
    assert targets(JAVA, test, ref("com.acme.util", wildcard=True)) == [
        "core/src/main/java/com/acme/util/Strings.java"
    ]


JAVA_DECL = {
    "core/src/main/java/com/acme/model/User.java": ("com.acme.model",),
    "core/src/main/java/com/acme/model/Role.java": ("com.acme.model",),
    "core/src/main/java/com/acme/model/package-info.java": ("com.acme.model",),
    "core/src/main/java/com/acme/util/Strings.java": ("com.acme.util",),
    "core/src/test/java/com/acme/model/UserTest.java": ("com.acme.model",),
    "app/src/main/java/com/acme/App.java": ("com.acme",),
    "app/src/main/java/com/acme/Role.java": ("com.acme",),
}


def test_java_wildcard_links_only_the_classes_the_file_names():
    paths = [*JAVA_DECL]
    names = ("List", "User", "Strings")  # Strings is another package's class
    got = targets(paths, APP, ref("com.acme.model", wildcard=True, names=names),
                  declarations=JAVA_DECL)
    assert got == ["core/src/main/java/com/acme/model/User.java"]
    # no declarations: the package's folders stand in
    assert targets(paths, APP, ref("com.acme.model", wildcard=True, names=names)) == [
        "core/src/main/java/com/acme/model/User.java"
    ]
    # names nothing of the package: no edge
    assert targets(paths, APP, ref("com.acme.model", wildcard=True, names=("List",)),
                   declarations=JAVA_DECL) == []


def test_java_own_package_shadows_a_wildcard_import():
    paths = [*JAVA_DECL]
    got = targets(paths, APP, ref("com.acme.model", wildcard=True, names=("Role", "User")),
                  declarations=JAVA_DECL)
    assert got == ["core/src/main/java/com/acme/model/User.java"]


def test_java_same_package_classes_named_without_import():
    paths = [*JAVA_DECL]
    test = "core/src/test/java/com/acme/model/UserTest.java"
    same = ref("com.acme.model", kind="same_package", wildcard=True,
               names=("Role", "User", "UserTest", "package-info", "String"))
    assert targets(paths, test, same, declarations=JAVA_DECL) == [
        "core/src/main/java/com/acme/model/Role.java",
        "core/src/main/java/com/acme/model/User.java",
    ]
    assert targets(paths, test, same) == [  # by folder, across source roots
        "core/src/main/java/com/acme/model/Role.java",
        "core/src/main/java/com/acme/model/User.java",
    ]
    user = "core/src/main/java/com/acme/model/User.java"
    assert targets(paths, user, same, declarations=JAVA_DECL) == [
        "core/src/main/java/com/acme/model/Role.java"  # never itself, never a test
    ]


def test_java_package_info_is_never_a_target():
    paths = [*JAVA_DECL]
    for declarations in (JAVA_DECL, None):
        assert targets(paths, APP, ref("com.acme.model", wildcard=True),
                       declarations=declarations) == [
            "core/src/main/java/com/acme/model/Role.java",
            "core/src/main/java/com/acme/model/User.java",
        ]
    assert targets(paths, APP, ref("com.acme.model.package-info"),
                   declarations=JAVA_DECL) == []


def test_java_wildcard_on_a_class_imports_its_members():
    got = targets(JAVA, APP, ref("com.acme.util.Strings", kind="import_static", wildcard=True))
    assert got == ["core/src/main/java/com/acme/util/Strings.java"]


def test_kotlin_declarations_find_files_outside_package_folders_and_top_level_functions():
    paths = [
        "src/main/kotlin/util/Dates.kt",
        "src/main/kotlin/text/Slugs.kt",
        "src/main/kotlin/text/Case.kt",
        "src/main/kotlin/App.kt",
    ]
    declarations = {
        "src/main/kotlin/util/Dates.kt": ("org.acme.util",),
        "src/main/kotlin/text/Slugs.kt": ("org.acme.text",),
        "src/main/kotlin/text/Case.kt": ("org.acme.text",),
        "src/main/kotlin/App.kt": ("org.acme",),
    }
    app = "src/main/kotlin/App.kt"
    assert targets(paths, app, ref("org.acme.util.Dates"), declarations=declarations) == [
        "src/main/kotlin/util/Dates.kt"
    ]
    assert targets(paths, app, ref("org.acme.text.slugify"), declarations=declarations) == [
        "src/main/kotlin/text/Case.kt",
        "src/main/kotlin/text/Slugs.kt",
    ]
    assert targets(paths, app, ref("kotlin.test.assertEquals"), declarations=declarations) == []


def test_kotlin_prefers_its_own_extension_in_mixed_modules():
    paths = [
        "src/com/acme/Foo.java",
        "src/com/acme/Foo.kt",
        "src/com/acme/Main.kt",
        "src/com/acme/Main2.java",
    ]
    assert targets(paths, "src/com/acme/Main.kt", ref("com.acme.Foo")) == ["src/com/acme/Foo.kt"]
    assert targets(paths, "src/com/acme/Main2.java", ref("com.acme.Foo")) == [
        "src/com/acme/Foo.java"
    ]


def test_scala_import_relative_to_the_enclosing_package():
    paths = ["src/com/acme/util/Strings.scala", "src/com/acme/Main.scala"]
    declarations = {
        "src/com/acme/util/Strings.scala": ("com.acme.util",),
        "src/com/acme/Main.scala": ("com.acme",),
    }
    got = targets(paths, "src/com/acme/Main.scala", ref("util.Strings"), declarations=declarations)
    assert got == ["src/com/acme/util/Strings.scala"]


# -- rust --------------------------------------------------------------------------------------


RUST = [
    "src/lib.rs",
    "src/main.rs",
    "src/net.rs",
    "src/net/tcp.rs",
    "src/db/mod.rs",
    "src/db/pool.rs",
    "tests/it.rs",
    "tests/common/mod.rs",
    "src/bin/tool.rs",
]


def test_rust_mod_declarations_follow_the_module_tree():
    assert targets(RUST, "src/lib.rs", ref("net", kind="mod")) == ["src/net.rs"]
    assert targets(RUST, "src/lib.rs", ref("db", kind="mod")) == ["src/db/mod.rs"]
    assert targets(RUST, "src/net.rs", ref("tcp", kind="mod")) == ["src/net/tcp.rs"]
    assert targets(RUST, "src/db/mod.rs", ref("pool", kind="mod")) == ["src/db/pool.rs"]
    assert targets(RUST, "tests/it.rs", ref("common", kind="mod")) == ["tests/common/mod.rs"]
    assert targets(RUST, "src/lib.rs", ref("missing", kind="mod")) == []


def test_rust_use_paths_take_the_longest_existing_module():
    assert targets(RUST, "src/db/pool.rs", ref("crate::net::tcp::Stream")) == ["src/net/tcp.rs"]
    assert targets(RUST, "src/db/pool.rs", ref("crate::net::Addr")) == ["src/net.rs"]
    assert targets(RUST, "src/net/tcp.rs", ref("crate::Config")) == ["src/lib.rs"]
    assert targets(RUST, "src/net/tcp.rs", ref("super::Addr")) == ["src/net.rs"]
    assert targets(RUST, "src/db/pool.rs", ref("super::super::net")) == ["src/net.rs"]
    assert targets(RUST, "src/db/mod.rs", ref("self::pool::Pool")) == ["src/db/pool.rs"]
    assert targets(RUST, "src/lib.rs", ref("std::collections::HashMap")) == []


def test_rust_super_is_the_parent_module_even_under_cfg():
    # the extractor rewrites `use super::*` inside an inline `mod tests { }` to `self`
    inline = ref("self", kind="use", wildcard=True, conditional=True, relative=True)
    assert targets(RUST, "src/net/tcp.rs", inline) == []
    # a `#[cfg(...)] use super::x;` at file level still names the parent module
    gated = ref("super", kind="use", wildcard=True, conditional=True, relative=True)
    assert targets(RUST, "src/net/tcp.rs", gated) == ["src/net.rs"]
    plain = ref("super", kind="use", wildcard=True, relative=True)
    assert targets(RUST, "src/net/tcp.rs", plain) == ["src/net.rs"]


def test_rust_uniform_paths_and_crate_roots():
    assert targets(RUST, "src/lib.rs", ref("net::tcp")) == ["src/net/tcp.rs"]
    # `crate::` in main.rs is main.rs itself, not the library's lib.rs
    assert targets(RUST, "src/main.rs", ref("crate::helpers")) == []
    assert targets(RUST, "src/bin/tool.rs", ref("crate::x")) == []


def test_rust_src_tests_folder_is_a_module_not_an_integration_test_crate():
    paths = ["src/lib.rs", "src/tests/mod.rs", "src/tests/data.rs", "src/tests/run.rs"]
    assert targets(paths, "src/tests/run.rs", ref("crate::tests::data::TABLE")) == [
        "src/tests/data.rs"
    ]
    assert targets(paths, "src/tests/mod.rs", ref("data", kind="mod")) == ["src/tests/data.rs"]


def test_rust_workspace_crates_by_cargo_name():
    aux = {
        "Cargo.toml": '[workspace]\nmembers = ["crates/*"]\n',
        "crates/net-core/Cargo.toml": '[package]\nname = "net-core"\n',
        "crates/app/Cargo.toml": '[package]\nname = "app"\n[lib]\nname = "applib"\n',
        "crates/bad/Cargo.toml": "[package\nname = ",
    }
    paths = [
        "crates/net-core/src/lib.rs",
        "crates/net-core/src/wire.rs",
        "crates/app/src/lib.rs",
        "crates/app/src/main.rs",
    ]
    main = "crates/app/src/main.rs"
    assert targets(paths, main, ref("net_core::wire::Frame"), aux) == [
        "crates/net-core/src/wire.rs"
    ]
    assert targets(paths, main, ref("applib::run")) == []  # no Cargo.toml: unknown crate name
    assert targets(paths, main, ref("applib::run"), aux) == ["crates/app/src/lib.rs"]
    assert targets(paths, main, ref("net_core", kind="extern_crate"), aux) == [
        "crates/net-core/src/lib.rs"
    ]


# -- c# ----------------------------------------------------------------------------------------


CS = [
    "src/Acme.Core/Models/User.cs",
    "src/Acme.Core/Models/Role.cs",
    "src/Acme.Core/Text/Slug.cs",
    "src/Acme.Web/Program.cs",
    "tests/Acme.Core.Tests/Models/UserTests.cs",
]
CS_DECL = {
    "src/Acme.Core/Models/User.cs": ("Acme.Core.Models",),
    "src/Acme.Core/Models/Role.cs": ("Acme.Core.Models",),
    "src/Acme.Core/Text/Slug.cs": ("Acme.Core.Text",),
    "src/Acme.Web/Program.cs": ("Acme.Web",),
    "tests/Acme.Core.Tests/Models/UserTests.cs": ("Acme.Core.Models",),
}


def test_csharp_using_namespace_fans_out_to_declaring_files_not_tests():
    got = targets(
        CS, "src/Acme.Web/Program.cs", ref("Acme.Core.Models", kind="using"), declarations=CS_DECL
    )
    assert got == ["src/Acme.Core/Models/Role.cs", "src/Acme.Core/Models/User.cs"]
    assert (
        targets(
            CS, "src/Acme.Web/Program.cs", ref("System.Linq", kind="using"), declarations=CS_DECL
        )
        == []
    )


def test_csharp_with_declarations_an_undeclared_namespace_is_external():
    paths = [*CS, "src/Vendor/Text/Helper.cs"]
    program = "src/Acme.Web/Program.cs"
    assert targets(paths, program, ref("Vendor.Text", kind="using"), declarations=CS_DECL) == []
    assert targets(paths, program, ref("Vendor.Text", kind="using")) == [
        "src/Vendor/Text/Helper.cs"
    ]


def test_csharp_using_static_and_alias_name_a_type():
    for kind in ("using_static", "using_alias"):
        got = targets(
            CS,
            "src/Acme.Web/Program.cs",
            ref("Acme.Core.Text.Slug", kind=kind),
            declarations=CS_DECL,
        )
        assert got == ["src/Acme.Core/Text/Slug.cs"]


def test_csharp_without_declarations_uses_dotted_project_folders():
    got = targets(CS, "src/Acme.Web/Program.cs", ref("Acme.Core.Models", kind="using"))
    assert got == ["src/Acme.Core/Models/Role.cs", "src/Acme.Core/Models/User.cs"]


# -- php ---------------------------------------------------------------------------------------


PHP = [
    "src/Models/User.php",
    "src/Support/helpers.php",
    "lib/Legacy/Old/Thing.php",
    "app/Http/Kernel.php",
    "public/index.php",
    "bootstrap.php",
]
PHP_AUX = {
    "composer.json": """{"autoload": {"psr-4": {"App\\\\": ["src/"]},
            "psr-0": {"Legacy_": "lib/"}}}"""
}


def test_php_psr4_psr0_and_suffix():
    idx = "public/index.php"
    assert targets(PHP, idx, ref("App\\Models\\User", kind="use"), PHP_AUX) == [
        "src/Models/User.php"
    ]
    assert targets(PHP, idx, ref("Legacy_Old_Thing", kind="use"), PHP_AUX) == [
        "lib/Legacy/Old/Thing.php"
    ]
    assert targets(PHP, idx, ref("Acme\\Http\\Kernel", kind="use"), PHP_AUX) == [
        "app/Http/Kernel.php"
    ]
    assert targets(PHP, idx, ref("Symfony\\Component\\Console", kind="use"), PHP_AUX) == []


def test_php_use_function_points_at_the_namespace_files():
    decl = {"src/Support/helpers.php": ("App\\Support",), "src/Models/User.php": ("App\\Models",)}
    got = targets(
        PHP,
        "public/index.php",
        ref("App\\Support\\slugify", kind="use_function"),
        declarations=decl,
    )
    assert got == ["src/Support/helpers.php"]


def test_php_require_paths():
    idx = "public/index.php"
    assert targets(PHP, idx, ref("/../bootstrap.php", kind="require", relative=True)) == [
        "bootstrap.php"
    ]
    assert targets(PHP, idx, ref("bootstrap.php", kind="include")) == ["bootstrap.php"]
    assert targets(PHP, idx, ref("/../vendor/autoload.php", kind="require", relative=True)) == []


# -- ruby --------------------------------------------------------------------------------------


RUBY = [
    "lib/gem.rb",
    "lib/gem/store.rb",
    "spec/spec_helper.rb",
    "spec/gem/store_spec.rb",
    "tools/json.rb",
    "app/models/user.rb",
]


def test_ruby_require_relative_and_load_path():
    spec = "spec/gem/store_spec.rb"
    assert targets(RUBY, "lib/gem.rb", ref("gem/store", kind="require")) == ["lib/gem/store.rb"]
    assert targets(RUBY, spec, ref("spec_helper", kind="require")) == ["spec/spec_helper.rb"]
    assert targets(RUBY, spec, ref("../../lib/gem", kind="require_relative", relative=True)) == [
        "lib/gem.rb"
    ]
    assert targets(RUBY, spec, ref("json", kind="require")) == []  # a gem, not tools/json.rb
    assert targets(RUBY, spec, ref("models/user", kind="require")) == ["app/models/user.rb"]


# -- swift -------------------------------------------------------------------------------------


SWIFT = [
    "Sources/Core/A.swift",
    "Sources/Core/Sub/B.swift",
    "Sources/App/main.swift",
    "Tests/CoreTests/ATests.swift",
    "Legacy/Kit/K.swift",
]


def test_swift_module_import_fans_out_to_the_module_folder():
    assert targets(SWIFT, "Sources/App/main.swift", ref("Core")) == [
        "Sources/Core/A.swift",
        "Sources/Core/Sub/B.swift",
    ]
    assert targets(SWIFT, "Sources/App/main.swift", ref("Core", names=("B",))) == [
        "Sources/Core/Sub/B.swift"
    ]
    assert targets(SWIFT, "Sources/App/main.swift", ref("Kit")) == ["Legacy/Kit/K.swift"]
    assert targets(SWIFT, "Sources/App/main.swift", ref("Foundation")) == []


# -- repository-level behaviour ----------------------------------------------------------------


def test_output_is_sorted_deterministic_and_never_self():
    a = ImportRef("b", 2)
    files = [
        ("m.py", "python", (ImportRef("m", 1), a, ImportRef("os", 3))),
        ("b.py", "python", (ImportRef("m", 1),)),
        ("x.unknown", "cobol", (ImportRef("m", 1),)),
    ]
    first = resolve_repo(files, {})
    again = resolve_repo(list(reversed(files)), {})
    assert first == again
    assert [(e.src, e.dst) for e in first.edges] == [("b.py", "m.py"), ("m.py", "b.py")]
    assert [(src, r.spec) for src, r in first.unresolved] == [
        ("m.py", "m"),
        ("m.py", "os"),
        ("x.unknown", "m"),
    ]
    assert resolution_stats(first) == {"imports": 5, "resolved": 2, "unresolved": 3, "edges": 2}


def test_resolution_stats_counts_fan_out_once_per_import():
    r = ImportRef("p", 1)
    resolution = Resolution(edges=[Edge("a", "b", r), Edge("a", "c", r)], unresolved=[("a", r)])
    assert resolution_stats(resolution) == {
        "imports": 2,
        "resolved": 1,
        "unresolved": 1,
        "edges": 2,
    }


def test_in_test_tree():
    assert in_test_tree("src/test/java/A.java")
    assert in_test_tree("tests/Acme.Core.Tests/X.cs")
    assert in_test_tree("src/__tests__/a.ts")
    assert not in_test_tree("src/main/java/Test.java")
    assert not in_test_tree("latest/x.py")


def test_config_readers_never_raise():
    assert load_json('{"a": "//not a comment", /* c */ "b": [1,],}') == {
        "a": "//not a comment",
        "b": [1],
    }
    assert load_json('{"s": "a\\"b,}"}') == {"s": 'a"b,}'}
    assert load_json("[1, 2]") == {}
    assert load_json("{broken") == {}
    assert load_json(None) == {}
    assert load_toml("[x\n") == {}
    assert go_module_path('module "example.com/m" // c\n') == "example.com/m"
    assert go_module_path("go 1.21\n") is None


def test_large_repository_resolves_quickly():
    """50,000 paths and 20,000 imports: the index must not scan every path per import."""
    rng = random.Random(7)
    paths = [f"pkg{i % 500}/sub{i % 37}/mod{i}.py" for i in range(50_000)]
    files = []
    for i, path in enumerate(paths):
        imports = ()
        if i % 5 < 2:
            j = rng.randrange(50_000)
            imports = (
                ImportRef(f"pkg{j % 500}.sub{j % 37}.mod{j}", 1),
                ImportRef("os.path", 2),
                ImportRef("__init__", 3),
            )
        files.append((path, "python", imports))
    import time

    started = time.perf_counter()
    resolution = resolve_repo(files, {})
    elapsed = time.perf_counter() - started
    assert resolution_stats(resolution)["resolved"] == 20_000
    assert elapsed < 10.0


# -- properties --------------------------------------------------------------------------------

_LANGS = [
    "python",
    "javascript",
    "typescript",
    "go",
    "c",
    "cpp",
    "java",
    "kotlin",
    "scala",
    "rust",
    "csharp",
    "php",
    "ruby",
    "swift",
]
_EXT = {
    "python": ".py",
    "javascript": ".js",
    "typescript": ".ts",
    "go": ".go",
    "c": ".h",
    "cpp": ".cpp",
    "java": ".java",
    "kotlin": ".kt",
    "scala": ".scala",
    "rust": ".rs",
    "csharp": ".cs",
    "php": ".php",
    "ruby": ".rb",
    "swift": ".swift",
}
_segment = st.sampled_from(["a", "b", "src", "lib", "mod", "index", "..", ".", "", "Foo", "x y"])
_spec = st.lists(_segment, max_size=4).flatmap(
    lambda segs: st.sampled_from(["/", ".", "::", "\\"]).map(lambda sep: sep.join(segs))
)


@settings(max_examples=120, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.lists(_segment.filter(lambda s: s not in ("", ".", "..")), min_size=1, max_size=3),
            st.sampled_from(_LANGS),
        ),
        min_size=1,
        max_size=8,
    ),
    st.lists(
        st.tuples(
            _spec,
            st.booleans(),
            st.booleans(),
            st.sampled_from(
                ["import", "from", "mod", "use", "using", "require", "include", "use_function"]
            ),
        ),
        max_size=6,
    ),
    st.dictionaries(st.sampled_from(sorted(AUX_FILE_NAMES)), st.text(max_size=40), max_size=3),
)
def test_any_input_resolves_without_crashing_to_repository_files(raw_files, raw_refs, aux):
    files = {}
    for segs, lang in raw_files:
        files.setdefault("/".join(segs) + _EXT[lang], lang)
    refs = tuple(
        ImportRef(spec, line, kind=kind, relative=rel, wildcard=wild, names=("b",))
        for line, (spec, rel, wild, kind) in enumerate(raw_refs, 1)
    )
    listing = [(path, lang, refs) for path, lang in sorted(files.items())]
    resolution = resolve_repo(listing, aux)
    for edge in resolution.edges:
        assert edge.dst in files and edge.dst != edge.src
    stats = resolution_stats(resolution)
    assert stats["imports"] == len(files) * len(set(refs))
    keys = [(e.src, e.dst, e.ref.line) for e in resolution.edges]
    assert keys == sorted(keys)


# -- the fixture repositories, end to end -----------------------------------------------------


def _load_fixture(name: str):
    root = FIXTURES / name
    files, aux, declarations = [], {}, {}
    for path in sorted(root.rglob("*")):
        if not path.is_file():
            continue
        rel = path.relative_to(root).as_posix()
        text = path.read_text(encoding="utf-8")
        if path.name in AUX_FILE_NAMES:
            aux[rel] = text
            continue
        lang = language_for_path(rel)
        if lang is None:
            continue
        refs, _ = extract_imports(text, lang.name)
        files.append((rel, lang.name, refs))
        declared = extract_declarations(text, lang.name)
        if declared:
            declarations[rel] = declared
    return files, aux, declarations


FIXTURE_NAMES = sorted(p.stem for p in EXPECTED.glob("*.txt"))


def test_every_language_has_a_fixture_with_expected_edges():
    prefixes = [
        "py-",
        "java-",
        "js-",
        "ts-",
        "go-",
        "rust-",
        "c-",
        "cpp-",
        "cs-",
        "ruby-",
        "php-",
        "kotlin-",
        "scala-",
        "swift-",
    ]
    for prefix in prefixes:
        assert any(name.startswith(prefix) for name in FIXTURE_NAMES), prefix
    assert all((FIXTURES / name).is_dir() for name in FIXTURE_NAMES)


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_fixture_edges_are_exactly_the_expected_ones(name):
    files, aux, declarations = _load_fixture(name)
    resolution = resolve_repo(files, aux, declarations=declarations)
    got = sorted({f"{e.src} -> {e.dst}" for e in resolution.edges})
    expected = [line for line in (EXPECTED / f"{name}.txt").read_text().splitlines() if line]
    assert got == expected
    assert expected == sorted(set(expected))


def test_fixture_without_declarations_still_resolves_java_by_path():
    files, aux, _ = _load_fixture("java-maven")
    resolution = resolve_repo(files, aux)
    got = sorted({f"{e.src} -> {e.dst}" for e in resolution.edges})
    expected = (EXPECTED / "java-maven.txt").read_text().splitlines()
    assert got == expected


def test_python_repository_whose_root_is_the_package() -> None:
    from codepack.records import ImportRef as Ref

    files = [
        ("__init__.py", "python", (Ref("toolz.itertoolz", 1, "from", ("groupby",)),
                                   Ref(".dicttoolz", 2, "from", ("merge",), relative=True))),
        ("itertoolz.py", "python", ()),
        ("dicttoolz.py", "python", (Ref("toolz.itertoolz", 1, "from", ("groupby",)),
                                    Ref("os.path", 2, "import"))),
        ("tests/test_dicttoolz.py", "python", (Ref("toolz.dicttoolz", 1, "from", ("merge",)),
                                               Ref("toolz", 2, "import"))),
    ]
    edges = {(e.src, e.dst) for e in resolve_repo(files, {}).edges}
    assert edges == {
        ("__init__.py", "itertoolz.py"),
        ("__init__.py", "dicttoolz.py"),
        ("dicttoolz.py", "itertoolz.py"),
        ("tests/test_dicttoolz.py", "dicttoolz.py"),
        ("tests/test_dicttoolz.py", "__init__.py"),
    }


def test_root_package_name_needs_two_votes_and_a_module_at_the_root() -> None:
    from codepack.records import ImportRef as Ref

    files = [
        ("__init__.py", "python", (Ref("other.itertoolz", 1, "import"),)),
        ("itertoolz.py", "python", ()),
    ]
    assert resolve_repo(files, {}).edges == []
