"""Java, Kotlin, Scala and C# import extraction, and the package/namespace declarations
the resolver maps namespace imports through."""

from __future__ import annotations

from textwrap import dedent

from codepack.graph.languages.extract import extract_declarations, extract_imports
from codepack.records import ImportRef as Ref


def refs(source: str, language: str) -> list[Ref]:
    imports, _ = extract_imports(dedent(source), language)
    return list(imports)


JAVA = """\
    package com.acme.app;

    import a.b.C;
    import a.b.*;
    import static a.b.C.m;
    import static a.b.C.*;
    import
        multi.line.Name;
    // import x.y.Commented;
    class K { String s = "import q.Quoted;"; }
    """


def test_java_imports_static_wildcard_and_package():
    uses = ("String",)  # the one type name the code uses
    assert refs(JAVA, "java") == [
        Ref("com.acme.app", 1, "same_package", names=uses, wildcard=True),
        Ref("a.b.C", 3),
        Ref("a.b", 4, names=uses, wildcard=True),
        Ref("a.b.C.m", 5, "import_static"),
        Ref("a.b.C", 6, "import_static", wildcard=True),
        Ref("multi.line.Name", 7),
    ]
    assert extract_declarations(dedent(JAVA), "java") == ("com.acme.app",)


def test_java_type_uses_feed_same_package_and_wildcard_imports():
    source = """\
        package com.acme.shop;

        import com.acme.shop.model.Order;
        import com.acme.shop.util.*;
        import static com.acme.shop.Config.*;

        @Service
        class Checkout<T> extends Base implements Api<Order> {
            @Inject(Scope.ONE) Cart cart = new Cart();
            void run(List<Item> items) {
                Helpers.log(Money.ZERO);
                items.forEach(Printer::print);
                cart.total();
                this.cart.clear();
            }
        }
        """
    uses = (
        "Api", "Base", "Cart", "Helpers", "Inject", "Item", "List", "Money", "Printer",
        "Scope", "Service", "T",
    )  # fmt: skip
    assert refs(source, "java") == [
        Ref("com.acme.shop", 1, "same_package", names=uses, wildcard=True),
        Ref("com.acme.shop.model.Order", 3),
        Ref("com.acme.shop.util", 4, names=uses, wildcard=True),
        Ref("com.acme.shop.Config", 5, "import_static", wildcard=True),
    ]


def test_java_without_package_or_type_uses_adds_nothing():
    assert refs("import a.b.*;\nclass K {}\n", "java") == [Ref("a.b", 1, wildcard=True)]
    assert refs("class K { Foo f; }\n", "java") == []


def test_kotlin_imports_aliases_backticks_and_package():
    source = """\
        @file:JvmName("Util")
        package com.acme.util

        import a.b.C as D
        import a.b.*
        import a.b.`fun`.c
        // import x.Commented
        """
    # the file annotation names JvmName: a used name, offered to the package and the wildcard
    assert refs(source, "kotlin") == [
        Ref("com.acme.util", 2, "same_package", names=("JvmName",), wildcard=True),
        Ref("a.b.C", 4),
        Ref("a.b", 5, names=("JvmName",), wildcard=True),
        Ref("a.b.fun.c", 6),
    ]
    assert extract_declarations(dedent(source), "kotlin") == ("com.acme.util",)


def test_scala_selectors_wildcards_and_lazy_imports():
    assert refs(
        """\
        import a.b.{C, D => E, F as G, _}
        import a.b._
        import a.b.*
        import a.b.C, x.y.Z
        import a.b.{Hidden => _, *}
        import a.b.given
        import a.`type`.T
        object O { def f = { import q.r.S; 1 } }
        """,
        "scala",
    ) == [
        Ref("a.b", 1, wildcard=True),
        Ref("a.b.C", 1),
        Ref("a.b.D", 1),
        Ref("a.b.F", 1),
        Ref("a.b", 2, wildcard=True),
        Ref("a.b", 3, wildcard=True),
        Ref("a.b.C", 4),
        Ref("x.y.Z", 4),
        Ref("a.b", 5, wildcard=True),
        Ref("a.b", 6, wildcard=True),
        Ref("a.type.T", 7),
        Ref("q.r.S", 8, lazy=True),
    ]


def test_scala_chained_and_nested_package_clauses():
    source = """\
        package com.acme
        package sub

        class X
        package nested { class Y }
        """
    assert extract_declarations(dedent(source), "scala") == (
        "com.acme.sub",
        "com.acme.sub.nested",
        "class:com.acme.sub.X",
        "class:com.acme.sub.nested.Y",
    )
    assert extract_declarations("package a.b\nclass X\n", "scala") == ("a.b", "class:a.b.X")


CSHARP = """\
    global using System;
    using static A.B.C;
    using X = A.B.C<int>;
    using Pair = (int, int);
    using global::Foo.Bar;
    #if DEBUG
    using Diagnostics.Extra;
    #endif
    // using Commented;
    namespace Outer.Mid {
      using Inner1;
      namespace Inner {
        class C { void M() { using (var x = y) {} using var z = w; } }
      }
    }
    """


def test_csharp_using_forms():
    assert refs(CSHARP, "csharp") == [
        # plain usings carry the simple type names used (`A.B.C<int>` names C)
        Ref("System", 1, "using", names=("C",)),
        Ref("A.B.C", 2, "using_static"),
        Ref("A.B.C", 3, "using_alias"),
        Ref("Foo.Bar", 5, "using", names=("C",)),
        Ref("Diagnostics.Extra", 7, "using", names=("C",), conditional=True),
        Ref("Inner1", 11, "using", names=("C",)),
        Ref("Outer.Mid.Inner", 12, "same_namespace", names=("C",), wildcard=True),
    ]


def test_csharp_namespaces_nested_and_file_scoped():
    assert extract_declarations(dedent(CSHARP), "csharp") == (
        "Outer.Mid",
        "Outer.Mid.Inner",
        "class:Outer.Mid.Inner.C",
    )
    assert extract_declarations("namespace Company.Product;\nusing A;\n", "csharp") == (
        "Company.Product",
    )


def test_parse_errors_still_yield_imports():
    imports, parse_error = extract_imports(
        "package p;\nimport a.B;\nclass {\nimport c.D;\n", "java"
    )
    assert parse_error
    assert list(imports) == [Ref("a.B", 2), Ref("c.D", 4)]
