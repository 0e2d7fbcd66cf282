"""Ruby and PHP import extraction: require-style calls with static paths, PHP namespace uses
and class names used in code."""

from __future__ import annotations

from textwrap import dedent

from codepack.graph.languages.extract import extract_declarations, extract_imports
from codepack.records import ImportRef as Ref


def refs(source: str, language: str) -> list[Ref]:
    imports, _ = extract_imports(dedent(source), language)
    return list(imports)


def test_ruby_require_forms_and_static_paths_only():
    assert refs(
        """\
        require "a/b"
        require_relative '../x'
        load "tasks.rb"
        autoload :Parser, "lib/parser"
        require("paren")
        require "interp#{x}"
        require name
        foo.require "some_other_method"
        # require "comment"
        s = "require 'string'"
        require './dot'
        """,
        "ruby",
    ) == [
        Ref("a/b", 1, "require"),
        Ref("../x", 2, "require_relative", relative=True),
        Ref("tasks.rb", 3, "load"),
        Ref("lib/parser", 4, "autoload", ("Parser",)),
        Ref("paren", 5, "require"),
        Ref("./dot", 11, "require", relative=True),
    ]


def test_ruby_file_relative_idioms_become_require_relative():
    assert refs(
        """\
        require File.expand_path("../helper", __FILE__)
        require File.expand_path("lib/z", __dir__)
        require File.expand_path("lib/w", File.dirname(__FILE__))
        require File.join(File.dirname(__FILE__), "lib", "q")
        require File.join(__dir__, "r")
        require File.expand_path("no_parent", __FILE__)
        require File.join(ROOT, "s")
        """,
        "ruby",
    ) == [
        Ref("helper", 1, "require_relative", relative=True),
        Ref("lib/z", 2, "require_relative", relative=True),
        Ref("lib/w", 3, "require_relative", relative=True),
        Ref("lib/q", 4, "require_relative", relative=True),
        Ref("r", 5, "require_relative", relative=True),
    ]


def test_ruby_lazy_and_conditional_requires():
    assert refs(
        """\
        def load_plugin
          require 'plugin' if enabled?
        end
        begin
          require 'optional'
        rescue LoadError
        end
        require 'json' unless defined?(JSON)
        class Cli
          require 'class_level'
        end
        """,
        "ruby",
    ) == [
        Ref("plugin", 2, "require", lazy=True),
        Ref("optional", 5, "require", conditional=True),
        Ref("json", 8, "require", conditional=True),
        Ref("class_level", 10, "require"),
    ]


PHP = """\
    <?php
    namespace App\\Http;

    use A\\B\\C;
    use \\A\\B\\C as D, E\\F;
    use A\\B\\{C, D as E, Sub\\F};
    use function A\\b;
    use const A\\C;
    use function A\\{b, c};
    use A\\{function d, const E};
    require 'x.php';
    require_once(__DIR__ . '/x.php');
    include dirname(__FILE__) . "/y.php";
    include dirname(__DIR__, 2) . "/up.php";
    include_once "z$v.php";
    include $path;
    // require 'comment.php';
    $s = "require 'str.php'";
    if (!function_exists('x')) { require_once './cond.php'; }
    class K {
        use SomeTrait;
        function m() { $f = function () use ($x) {}; require "lazy.php"; }
    }
    namespace Other { }
    """


def test_php_uses_group_uses_and_includes():
    assert refs(PHP, "php") == [
        Ref("A\\B\\C", 4, "use"),
        Ref("A\\B\\C", 5, "use", ("D",)),
        Ref("E\\F", 5, "use"),
        Ref("A\\B\\C", 6, "use"),
        Ref("A\\B\\D", 6, "use", ("E",)),
        Ref("A\\B\\Sub\\F", 6, "use"),
        Ref("A\\b", 7, "use_function"),
        Ref("A\\C", 8, "use_const"),
        Ref("A\\b", 9, "use_function"),
        Ref("A\\c", 9, "use_function"),
        Ref("A\\E", 10, "use_const"),
        Ref("A\\d", 10, "use_function"),
        Ref("x.php", 11, "require"),
        Ref("/x.php", 12, "require_once", relative=True),
        Ref("/y.php", 13, "include", relative=True),
        Ref("/../../up.php", 14, "include", relative=True),
        Ref("./cond.php", 19, "require_once", relative=True, conditional=True),
        Ref("SomeTrait", 21, "class"),
        Ref("lazy.php", 22, "require", lazy=True),
    ]


def test_php_namespaces_and_declared_classes():
    assert extract_declarations(dedent(PHP), "php") == (
        "App\\Http",
        "class:App\\Http\\K",
        "Other",
    )


def test_php_classes_declared_in_braced_namespaces_and_the_global_one():
    source = """\
        <?php
        namespace A\\B { interface I {} trait T {} }
        namespace C { enum E {} final class K {} }
        namespace { class G {} }
        """
    assert extract_declarations(dedent(source), "php") == (
        "A\\B",
        "class:A\\B\\I",
        "class:A\\B\\T",
        "C",
        "class:C\\E",
        "class:C\\K",
        "class:G",
    )


CLASS_NAMES = """\
    <?php
    namespace App;
    #[Attr, \\Full\\Attr2(1)]
    final class K extends Base implements I1, \\G\\I2 {
        use T1;
        private ?Prop $p;
        public function m(Param|int $a, self $c, Foo $f): Ret {
            $x = new Foo(); $y = new \\F\\Q\\R; $z = new Node\\Block\\Doc(); $w = new Foo();
            Stat::call(); Stat2::CONST; Stat3::class; Stat4::$prop; $o = new class {};
            if ($a instanceof Inst) {}
            try {} catch (Ex1 | \\Ex2 $e) {}
            return static::x() + parent::y() + self::Z + new $dynamic() + strlen('x');
        }
    }
    """


def test_php_class_names_in_code_once_per_file_with_type_hints_type_only():
    # `Foo` is a parameter type and is created with `new` (twice): one import, the `new`
    def cls(spec: str, line: int, **flags: bool) -> Ref:
        return Ref(spec, line, "class", **flags)

    lazy_type = {"lazy": True, "type_only": True}
    assert refs(CLASS_NAMES, "php") == [
        cls("Attr", 3),
        cls("\\Full\\Attr2", 3),
        cls("Base", 4),
        cls("I1", 4),
        cls("\\G\\I2", 4),
        cls("T1", 5),
        cls("Prop", 6, type_only=True),
        cls("Param", 7, **lazy_type),
        cls("Ret", 7, **lazy_type),
        cls("Foo", 8, lazy=True),
        cls("Node\\Block\\Doc", 8, lazy=True),
        cls("\\F\\Q\\R", 8, lazy=True),
        cls("Stat", 9, lazy=True),
        cls("Stat2", 9, lazy=True),
        cls("Stat3", 9, lazy=True),
        cls("Stat4", 9, lazy=True),
        cls("Inst", 10, lazy=True),
        cls("Ex1", 11, **lazy_type),
        cls("\\Ex2", 11, **lazy_type),
    ]


def test_php_html_template_includes():
    source = "<html>\n<?php include 'header.php'; ?>\n<p>require 'text.php';</p>\n"
    assert refs(source, "php") == [Ref("header.php", 2, "include")]


def test_php_class_named_by_a_use_alias_is_left_to_the_use_line():
    source = """\
        <?php
        namespace App;
        use Lib\\Thing;
        use Lib\\Other as Alias;
        function f(Thing $t): alias {
            return new Thing() ?? Thing\\Part::make() ?? new Alias() ?? new Local();
        }
        """
    assert refs(source, "php") == [
        Ref("Lib\\Thing", 3, "use"),
        Ref("Lib\\Other", 4, "use", ("Alias",)),
        Ref("Local", 6, "class", lazy=True),
        Ref("Thing\\Part", 6, "class", lazy=True),
    ]


def test_php_top_lines_keep_a_type_hint_whose_use_in_code_comes_later():
    source = "<?php\nnamespace App;\nfunction f(Thing $t) {\n\n\n    return new Thing();\n}\n"
    imports, _ = extract_imports(source, "php", import_lines=4)
    assert list(imports) == [Ref("Thing", 3, "class", lazy=True, type_only=True)]
    imports, _ = extract_imports(source, "php")
    assert list(imports) == [Ref("Thing", 6, "class", lazy=True)]
