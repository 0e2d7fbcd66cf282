"""Python import extraction: statement forms, dynamic imports, and the lazy / type-only /
conditional flags that decide how much an edge weighs."""

from __future__ import annotations

from textwrap import dedent

from codepack.graph.languages.extract import extract_imports
from codepack.records import ImportRef as Ref


def refs(source: str, lines: int = 0) -> list[Ref]:
    imports, _ = extract_imports(dedent(source), "python", lines)
    return list(imports)


def test_import_forms_aliases_and_multiple_names():
    assert refs(
        """\
        import a.b.c, d as e
        import a.b as x
        from ..pkg.mod import (
            y as z,
            w,
        )
        from . import x
        from x import *
        """
    ) == [
        Ref("a.b.c", 1),
        Ref("d", 1),
        Ref("a.b", 2),
        Ref("..pkg.mod", 3, "from", ("y", "w"), relative=True),
        Ref(".", 7, "from", ("x",), relative=True),
        Ref("x", 8, "from", wildcard=True),
    ]


def test_future_imports_are_directives_not_dependencies():
    assert refs("from __future__ import annotations\nimport os\n") == [Ref("os", 2)]


def test_imports_in_strings_and_comments_do_not_count():
    assert refs(
        '''\
        # import commented
        """
        >>> import doctested
        """
        s = "from quoted import x"
        import real
        '''
    ) == [Ref("real", 6)]


def test_dynamic_imports_need_a_literal_and_are_lazy_in_functions():
    assert refs(
        """\
        import importlib
        plugin = importlib.import_module("pkg.plugin")
        def load(name):
            importlib.import_module(f"pkg.{name}")
            importlib.import_module(name)
            return __import__("pkg.other")
        mod = import_module(".rel", __package__)
        """
    ) == [
        Ref("importlib", 1),
        Ref("pkg.plugin", 2, "dynamic"),
        Ref("pkg.other", 6, "dynamic", lazy=True),
        Ref(".rel", 7, "dynamic", relative=True),
    ]


def test_type_checking_branch_is_type_only_and_else_is_conditional():
    assert refs(
        """\
        import typing
        from typing import TYPE_CHECKING
        if TYPE_CHECKING:
            from a import A
        else:
            A = None
            import b
        if typing.TYPE_CHECKING:
            import c
        if not TYPE_CHECKING:
            import d
        else:
            import e
        """
    ) == [
        Ref("typing", 1),
        Ref("typing", 2, "from", ("TYPE_CHECKING",)),
        Ref("a", 4, "from", ("A",), type_only=True),
        Ref("b", 7, conditional=True),
        Ref("c", 9, type_only=True),
        Ref("d", 11, conditional=True),
        Ref("e", 13, type_only=True),
    ]


def test_try_and_if_at_module_level_are_conditional():
    assert refs(
        """\
        try:
            import ujson as json
        except ImportError:
            import json
        if sys.platform == "win32":
            import winreg
        elif X:
            import posix
        """
    ) == [
        Ref("ujson", 2, conditional=True),
        Ref("json", 4, conditional=True),
        Ref("winreg", 6, conditional=True),
        Ref("posix", 8, conditional=True),
    ]


def test_function_bodies_are_lazy_at_any_depth_and_class_bodies_are_not():
    assert refs(
        """\
        class K:
            import at_class_level
            def method(self):
                from .sibling import helper
                if x:
                    try:
                        import deep
                    except ImportError:
                        pass
                loader = lambda: __import__("in_lambda")
        if debug:
            def hook():
                import under_module_if
        """
    ) == [
        Ref("at_class_level", 2),
        Ref(".sibling", 4, "from", ("helper",), relative=True, lazy=True),
        # conditions inside a function are not counted: the import is lazy already
        Ref("deep", 7, lazy=True),
        Ref("in_lambda", 10, "dynamic", lazy=True),
        Ref("under_module_if", 13, lazy=True, conditional=True),
    ]


def test_type_checking_inside_a_function_is_lazy_and_type_only():
    assert refs(
        """\
        def f():
            if TYPE_CHECKING:
                import t
        """
    ) == [Ref("t", 3, lazy=True, type_only=True)]


def test_parse_errors_still_yield_the_imports_around_them():
    imports, parse_error = extract_imports(
        "import os\nprint 'python 2'\nfrom a import (b, c)\ndef broken(:\n    import lazy\n",
        "python",
    )
    assert parse_error
    assert list(imports) == [
        Ref("os", 1),
        Ref("a", 3, "from", ("b", "c")),
        Ref("lazy", 5, lazy=True),
    ]
