"""Kotlin, Scala and C#: names used in code linked to the files that declare them.

The exact edge lists of the fixtures are in ``tests/expected_edges``; these tests pin the
rule behind each trap edge (and the edges that must not exist), and the declarations the
extractor reads.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from codepack.graph.languages.extract import extract_declarations, extract_imports
from codepack.graph.languages.registry import language_for_path
from codepack.graph.resolve import resolve_repo
from codepack.records import ImportRef

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "repos"


def _edges(name: str) -> dict[tuple[str, str], set[str]]:
    """``(src, dst) -> rules`` for a fixture repository, extracted and resolved as the scan
    does."""
    root = FIXTURES / name
    files, declarations = [], {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        language = language_for_path(rel) if path.is_file() else None
        if language is None:
            continue
        text = path.read_text(encoding="utf-8")
        refs, _ = extract_imports(text, language.name)
        files.append((rel, language.name, refs))
        declared = extract_declarations(text, language.name)
        if declared:
            declarations[rel] = declared
    edges: dict[tuple[str, str], set[str]] = {}
    for edge in resolve_repo(files, {}, declarations=declarations).edges:
        edges.setdefault((edge.src, edge.dst), set()).add(edge.rule)
    return edges


KOTLIN = "app/src/main/kotlin/com/acme/notes/"
SCALA = "src/main/scala/com/acme/calc/"
SHOP = "src/Acme.Shop/"
GEO = "Sources/Geometry/"


@pytest.mark.parametrize(
    ("fixture", "src", "dst", "rule"),
    [
        # same-package class and top-level function, no import
        ("kotlin-notes", KOTLIN + "App.kt", KOTLIN + "Note.kt", "jvm:same-package"),
        ("kotlin-notes", KOTLIN + "App.kt", KOTLIN + "Formatting.kt", "jvm:same-package"),
        # Java calls a Kotlin top-level function through its file facade FormattingKt
        (
            "kotlin-notes",
            "app/src/main/java/com/acme/notes/Legacy.java",
            KOTLIN + "Formatting.kt",
            "jvm:same-package",
        ),
        # `import com.acme.notes.text.*` naming only titleCase
        ("kotlin-notes", KOTLIN + "Headline.kt", KOTLIN + "text/Case.kt", "jvm:wildcard-named"),
        # a Scala file declaring `enum Op` and `object OpNames`, named after neither
        ("scala-calc", SCALA + "Eval.scala", SCALA + "Ops.scala", "jvm:same-package"),
        ("scala-calc", SCALA + "Parser.scala", SCALA + "Ops.scala", "jvm:same-package"),
        ("scala-calc", SCALA + "Eval.scala", SCALA + "Expr.scala", "jvm:same-package"),
        # both parts of a partial class
        (
            "cs-shop",
            SHOP + "Services/CartService.cs",
            SHOP + "Models/Cart.cs",
            "csharp:using-named",
        ),
        (
            "cs-shop",
            SHOP + "Services/CartService.cs",
            SHOP + "Models/Cart.Discounts.cs",
            "csharp:using-named",
        ),
        # own and enclosing namespaces need no using
        (
            "cs-shop",
            SHOP + "Models/Cart.Discounts.cs",
            SHOP + "Models/Coupon.cs",
            "csharp:same-namespace",
        ),
        (
            "cs-shop",
            SHOP + "Services/CartService.cs",
            SHOP + "ShopInfo.cs",
            "csharp:same-namespace",
        ),
        # Swift: a module's files see each other's top-level names with no import
        ("swift-geometry", GEO + "Polygon.swift", GEO + "Point.swift", "swift:same-module"),
        ("swift-geometry", GEO + "Polygon.swift", GEO + "Internal/Math.swift", "swift:same-module"),
        (
            "swift-geometry",
            "Sources/GeoCLI/main.swift",
            "Sources/GeoCLI/Format.swift",
            "swift:same-module",
        ),
        # a using there only for extension methods
        (
            "cs-shop",
            SHOP + "Program.cs",
            SHOP + "Formatting/MoneyExtensions.cs",
            "csharp:extensions",
        ),
    ],
)
def test_trap_edge_exists_with_its_rule(fixture, src, dst, rule):
    assert rule in _edges(fixture).get((src, dst), set())


@pytest.mark.parametrize(
    ("fixture", "src", "dst"),
    [
        # a wildcard import links only what the file names
        ("kotlin-notes", KOTLIN + "Headline.kt", KOTLIN + "text/Slugs.kt"),
        ("scala-calc", "src/test/scala/com/acme/calc/ParserSpec.scala", SCALA + "util/Big.scala"),
        ("cs-shop", SHOP + "Services/CartService.cs", SHOP + "Models/Inventory.cs"),
        ("cs-shop", SHOP + "Services/CartService.cs", SHOP + "Models/Product.cs"),
        # a same-named class of another package/namespace
        ("kotlin-notes", KOTLIN + "App.kt", "app/src/main/kotlin/com/acme/other/Note.kt"),
        ("kotlin-notes", KOTLIN + "Headline.kt", "app/src/main/kotlin/com/acme/other/Note.kt"),
        ("scala-calc", SCALA + "Eval.scala", "src/main/scala/com/acme/other/Expr.scala"),
        ("cs-shop", SHOP + "Models/Cart.cs", SHOP + "Legacy/Product.cs"),
        # another Swift module's Point; an extension does not declare its type
        ("swift-geometry", GEO + "Polygon.swift", "Sources/Legacy/Point.swift"),
        ("swift-geometry", GEO + "Polygon.swift", GEO + "Point+Scale.swift"),
        # one part of a partial class does not depend on the other
        ("cs-shop", SHOP + "Models/Cart.cs", SHOP + "Models/Cart.Discounts.cs"),
    ],
)
def test_trap_edge_is_absent(fixture, src, dst):
    assert (src, dst) not in _edges(fixture)


def test_kotlin_declarations_list_top_level_names_under_the_package():
    text = (
        "package a.b\n\nclass Foo\nobject O\ntypealias T = Foo\nfun top() = 1\nval prop = 2\n"
        "class Outer { class Nested }\n"
    )
    assert extract_declarations(text, "kotlin") == (
        "a.b",
        "class:a.b.Foo",
        "class:a.b.O",
        "class:a.b.T",
        "class:a.b.top",
        "class:a.b.prop",
        "class:a.b.Outer",
    )


def test_scala_declarations_follow_chained_and_nested_package_clauses():
    chained = "package a\npackage b\n\nclass Foo\nobject Bar\n"
    assert extract_declarations(chained, "scala") == ("a.b", "class:a.b.Foo", "class:a.b.Bar")
    nested = "package a {\n  package b {\n    trait T\n  }\n}\n"
    assert extract_declarations(nested, "scala") == ("a", "a.b", "class:a.b.T")


def test_csharp_declarations_join_nested_namespaces_and_file_scoped_ones():
    nested = "namespace A { namespace B { partial class C { class Inner {} } enum E {} } }"
    assert extract_declarations(nested, "csharp") == ("A", "A.B", "class:A.B.C", "class:A.B.E")
    scoped = "namespace A.B;\npublic record R(int X);\ninterface I {}\n"
    assert extract_declarations(scoped, "csharp") == ("A.B", "class:A.B.R", "class:A.B.I")


def test_csharp_same_namespace_import_is_the_innermost_namespace_with_the_used_names():
    refs, _ = extract_imports(
        "using X.Y;\nnamespace A { namespace B { class C : Base { Other o; } } }", "csharp"
    )
    assert list(refs) == [
        ImportRef("X.Y", 1, kind="using", names=("Base", "Other")),
        ImportRef("A.B", 2, kind="same_namespace", names=("Base", "Other"), wildcard=True),
    ]


def test_kotlin_import_of_an_unlisted_top_level_name_no_longer_fans_out():
    # before: `import a.b.missing` linked every file of package a.b (jvm:package-member)
    files = [
        ("A.kt", "kotlin", [ImportRef("a.b.missing", 3)]),
        ("b/One.kt", "kotlin", []),
        ("b/Two.kt", "kotlin", []),
    ]
    declarations = {
        "A.kt": ("a",),
        "b/One.kt": ("a.b", "class:a.b.one"),
        "b/Two.kt": ("a.b", "class:a.b.Two"),
    }
    assert resolve_repo(files, {}, declarations=declarations).edges == []


def test_swift_sdk_module_is_never_a_folder_of_its_name():
    # expo-modules-core keeps SwiftUI views in ios/Core/Views/SwiftUI/: `import SwiftUI` is
    # Apple's framework, not that folder (it linked 227 false edges before)
    files = [
        ("ios/Platform/Platform.swift", "swift", [ImportRef("SwiftUI", 4)]),
        ("ios/Core/Views/SwiftUI/AnyChild.swift", "swift", [ImportRef("SwiftUI", 3)]),
        ("ios/Core/Views/SwiftUI/Host.swift", "swift", []),
    ]
    assert resolve_repo(files, {}).edges == []


def test_swift_module_folder_holding_the_importer_is_not_its_import():
    files = [
        ("App/Widgets/Widgets/Clock.swift", "swift", [ImportRef("Widgets", 1)]),
        ("App/Widgets/Widgets/Dial.swift", "swift", []),
    ]
    assert resolve_repo(files, {}).edges == []


def test_swift_declarations_are_top_level_names_but_not_extensions():
    text = (
        "struct P {}\nextension P {}\nprotocol S {}\ntypealias V = P\nfunc f() {}\n"
        "let origin = P()\nclass C { func m() {} }\n"
    )
    assert extract_declarations(text, "swift") == (
        "class:P",
        "class:S",
        "class:V",
        "class:f",
        "class:origin",
        "class:C",
    )


def test_named_links_are_not_capped_like_a_package_fan_out():
    # pythonnet's Runtime.cs names over 32 types of its namespace: each is a real dependency,
    # so the 32-target cap of a coarse import (a package, a module) does not apply
    names = tuple(f"T{i:02}" for i in range(40))
    files = [("Runtime.cs", "csharp", [ImportRef("P", 1, kind="same_namespace", names=names)])]
    declarations = {"Runtime.cs": ("P", "class:P.Runtime")}
    for name in names:
        files.append((f"{name}.cs", "csharp", []))
        declarations[f"{name}.cs"] = ("P", f"class:P.{name}")
    edges = resolve_repo(files, {}, declarations=declarations).edges
    assert sorted(e.dst for e in edges) == [f"{name}.cs" for name in names]


def test_swift_file_without_readable_declarations_provides_its_file_name():
    # expo-modules-core's AppContext.swift fails to parse: its type is the one its name says
    files = [
        ("ios/ModuleHolder.swift", "swift", [ImportRef(".", 1, "same_module", ("AppContext",))]),
        ("ios/AppContext.swift", "swift", []),
    ]
    edges = resolve_repo(files, {}, declarations={}).edges
    assert [(e.dst, e.rule) for e in edges] == [("ios/AppContext.swift", "swift:same-module")]
