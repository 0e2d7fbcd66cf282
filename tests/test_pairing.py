"""Test detection and test -> subject pairing."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codepack.graph import pairing
from codepack.graph.pairing import is_test_file, pair_tests
from codepack.records import Edge, ImportRef

# (path, language, is a test, subject stem)
CONVENTIONS = [
    ("test_foo.py", "python", True, "foo"),
    ("pkg/foo_test.py", "python", True, "foo"),
    ("tests/pkg/test_foo.py", "python", True, "foo"),
    ("tests/conftest.py", "python", True, None),
    ("conftest.py", "python", True, None),
    ("tests/__init__.py", "python", True, None),
    ("tests/helpers.py", "python", True, None),
    ("Lib/test/support/os_helper.py", "python", True, None),
    ("app/tests.py", "python", True, None),
    ("pkg/foo.py", "python", False, None),
    ("src/unittest/case.py", "python", False, None),
    ("src/_pytest/fixtures.py", "python", False, None),
    ("pkg/contest.py", "python", False, None),
    ("src/test/java/a/b/FooTest.java", "java", True, "Foo"),
    ("TestFoo.java", "java", True, "Foo"),
    ("FooTests.java", "java", True, "Foo"),
    ("FooIT.java", "java", True, "Foo"),
    ("src/test/java/a/Fixtures.java", "java", True, None),
    ("AUDIT.java", "java", False, None),
    ("Testing.java", "java", False, None),
    ("src/main/java/a/Manifest.java", "java", False, None),
    ("app/src/test/kotlin/FooTest.kt", "kotlin", True, "Foo"),
    ("FooSpec.scala", "scala", True, "Foo"),
    ("FooSuite.scala", "scala", True, "Foo"),
    ("FooTest.scala", "scala", True, "Foo"),
    ("pkg/foo_test.go", "go", True, "foo"),
    ("pkg/foo.go", "go", False, None),
    ("src/foo.test.ts", "typescript", True, "foo"),
    ("src/foo.spec.js", "javascript", True, "foo"),
    ("src/Button.test.tsx", "tsx", True, "Button"),
    ("src/__tests__/foo.js", "javascript", True, "foo"),
    ("test/index.js", "javascript", True, None),
    ("spec/foo_spec.rb", "ruby", True, "foo"),
    ("test/test_foo.rb", "ruby", True, "foo"),
    ("test/foo_test.rb", "ruby", True, "foo"),
    ("MyLib.Tests/FooTests.cs", "csharp", True, "Foo"),
    ("FooTest.cs", "csharp", True, "Foo"),
    ("tests/parser.rs", "rust", True, "parser"),
    ("tests/common/mod.rs", "rust", True, None),
    ("src/lexer/tests.rs", "rust", True, "lexer"),
    ("src/lexer.rs", "rust", False, None),
    ("tests/FooTest.php", "php", True, "Foo"),
    ("test_foo.c", "c", True, "foo"),
    ("foo_test.c", "c", True, "foo"),
    ("foo_test.cc", "cpp", True, "foo"),
    ("foo_unittest.cc", "cpp", True, "foo"),
    ("googletest/src/gtest.cc", "cpp", False, None),
    ("Tests/CoreTests/FooTests.swift", "swift", True, "Foo"),
    ("Tests/CoreTests/FooTest.swift", "swift", True, "Foo"),
    ("Sources/Core/Foo.swift", "swift", False, None),
    ("integration_tests/run.py", "python", True, None),
    ("spec/helper.py", "python", False, None),  # spec/ is a test folder only for Ruby and JS
    ("tests/data.txt", "", True, None),  # unknown language: folders only
]


@pytest.mark.parametrize(("path", "language", "is_test", "stem"), CONVENTIONS)
def test_conventions(path: str, language: str, is_test: bool, stem: str | None) -> None:
    assert is_test_file(path, language) is is_test
    # imported through the module: pytest would collect a bare `test_subject_stem` as a test
    assert pairing.test_subject_stem(path, language) == stem


def _ref(spec: str = "x") -> ImportRef:
    return ImportRef(spec, 1)


def test_java_prefers_the_mirrored_folder() -> None:
    files = [
        ("src/main/java/a/b/Foo.java", "java"),
        ("src/main/java/a/Foo.java", "java"),
        ("src/main/java/z/Foo.java", "java"),
        ("src/test/java/a/b/FooTest.java", "java"),
    ]
    assert pair_tests(files) == {"src/test/java/a/b/FooTest.java": "src/main/java/a/b/Foo.java"}


def test_python_tests_tree_mirrors_package_or_src_layout() -> None:
    files = [("pkg/foo.py", "python"), ("tools/foo.py", "python"),
             ("tests/pkg/test_foo.py", "python")]
    assert pair_tests(files) == {"tests/pkg/test_foo.py": "pkg/foo.py"}
    src_layout = [("src/pkg/foo.py", "python"), ("other/foo.py", "python"),
                  ("tests/pkg/test_foo.py", "python")]
    assert pair_tests(src_layout) == {"tests/pkg/test_foo.py": "src/pkg/foo.py"}


def test_nearest_folder_then_path_order() -> None:
    files = [("a/x/foo.py", "python"), ("a/y/z/foo.py", "python"), ("a/y/test_foo.py", "python")]
    # a/y/z shares the longer folder prefix with a/y
    assert pair_tests(files) == {"a/y/test_foo.py": "a/y/z/foo.py"}
    tie = [("b/foo.py", "python"), ("a/foo.py", "python"), ("tests/test_foo.py", "python")]
    assert pair_tests(tie) == {"tests/test_foo.py": "a/foo.py"}


def test_unrelated_package_needs_import_evidence() -> None:
    files = [("multiprocessing/context.py", "python"),
             ("test/test_asyncio/test_context.py", "python")]
    assert pair_tests(files) == {}
    edges = [Edge("test/test_asyncio/test_context.py", "multiprocessing/context.py", _ref())]
    assert pair_tests(files, edges) == {
        "test/test_asyncio/test_context.py": "multiprocessing/context.py"
    }
    # a tests/unit/ tree is layout, not a package: it still pairs with pkg/foo.py
    layout = [("pkg/foo.py", "python"), ("tests/unit/pkg/test_foo.py", "python")]
    assert pair_tests(layout) == {"tests/unit/pkg/test_foo.py": "pkg/foo.py"}


def test_import_evidence_picks_the_imported_candidate() -> None:
    files = [("pkg/foo.py", "python"), ("other/foo.py", "python"),
             ("tests/pkg/test_foo.py", "python")]
    edges = [Edge("tests/pkg/test_foo.py", "other/foo.py", _ref())]
    assert pair_tests(files, edges) == {"tests/pkg/test_foo.py": "other/foo.py"}


def test_implementation_preferred_over_header_and_stub() -> None:
    c_files = [("include/foo.h", "c"), ("src/foo.c", "c"), ("tests/test_foo.c", "c")]
    assert pair_tests(c_files) == {"tests/test_foo.c": "src/foo.c"}
    py_files = [("pkg/foo.pyi", "python"), ("pkg/foo.py", "python"), ("pkg/test_foo.py", "python")]
    assert pair_tests(py_files) == {"pkg/test_foo.py": "pkg/foo.py"}


def test_compatible_languages_pair_across_the_family() -> None:
    files = [
        ("src/main/java/a/Foo.java", "java"),
        ("src/test/kotlin/a/FooTest.kt", "kotlin"),
        ("src/foo.js", "javascript"),
        ("src/__tests__/foo.test.ts", "typescript"),
        ("lib/foo.py", "python"),
        ("lib/foo_test.go", "go"),
    ]
    assert pair_tests(files) == {
        "src/test/kotlin/a/FooTest.kt": "src/main/java/a/Foo.java",
        "src/__tests__/foo.test.ts": "src/foo.js",
    }


def test_case_insensitive_fallback() -> None:
    files = [("src/button.js", "javascript"), ("src/Button.test.js", "javascript")]
    assert pair_tests(files) == {"src/Button.test.js": "src/button.js"}


def test_swift_and_csharp_test_targets_mirror_sources() -> None:
    files = [
        ("Sources/Core/Foo.swift", "swift"),
        ("Sources/Other/Foo.swift", "swift"),
        ("Tests/CoreTests/FooTests.swift", "swift"),
        ("MyLib/Foo.cs", "csharp"),
        ("Other/Foo.cs", "csharp"),
        ("MyLib.Tests/FooTests.cs", "csharp"),
    ]
    assert pair_tests(files) == {
        "Tests/CoreTests/FooTests.swift": "Sources/Core/Foo.swift",
        "MyLib.Tests/FooTests.cs": "MyLib/Foo.cs",
    }


def test_rust_integration_and_split_out_unit_tests() -> None:
    files = [("src/parser.rs", "rust"), ("tests/parser.rs", "rust"), ("src/lexer/mod.rs", "rust"),
             ("src/lexer/tests.rs", "rust")]
    assert pair_tests(files) == {"tests/parser.rs": "src/parser.rs"}
    with_file = [*files, ("src/lexer.rs", "rust")]
    assert pair_tests(with_file)["src/lexer/tests.rs"] == "src/lexer.rs"


def test_package_entry_point_needs_import_evidence() -> None:
    files = [("shop/__init__.py", "python"), ("shop/models.py", "python"),
             ("tests/test_shop.py", "python")]
    assert pair_tests(files) == {}
    edges = [Edge("tests/test_shop.py", "shop/models.py", _ref())]
    assert pair_tests(files, edges) == {"tests/test_shop.py": "shop/__init__.py"}
    js = [("src/widgets/index.ts", "typescript"), ("src/widgets/a.ts", "typescript"),
          ("src/widgets.test.ts", "typescript")]
    edges = [Edge("src/widgets.test.ts", "src/widgets/index.ts", _ref())]
    assert pair_tests(js, edges) == {"src/widgets.test.ts": "src/widgets/index.ts"}


def test_never_pairs_to_a_test_or_itself() -> None:
    files = [("tests/test_foo.py", "python"), ("tests/foo.py", "python"),
             ("test_test_foo.py", "python")]
    # tests/foo.py is a test-tree helper; test_test_foo names test_foo, which is a test
    assert pair_tests(files) == {}


def test_subjectless_and_unrelated_tests_stay_unpaired() -> None:
    files = [("pkg/foo.py", "python"), ("tests/conftest.py", "python"),
             ("tests/__init__.py", "python"), ("tests/test_bar.py", "python")]
    assert pair_tests(files) == {}


PATHS = [
    "pkg/foo.py", "pkg/bar.py", "src/pkg/foo.py", "tests/test_foo.py", "tests/pkg/test_bar.py",
    "tests/conftest.py", "pkg/foo_test.py", "lib/foo.py", "tests/test_lib.py", "lib/__init__.py",
    "a/Foo.java", "src/main/java/a/Foo.java", "src/test/java/a/FooTest.java", "x/foo.go",
    "x/foo_test.go", "web/foo.ts", "web/foo.test.ts", "web/__tests__/foo.js",
]
LANG = {".py": "python", ".java": "java", ".go": "go", ".ts": "typescript", ".js": "javascript"}


def _language(path: str) -> str:
    return LANG["." + path.rsplit(".", 1)[1]]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.sampled_from(PATHS), unique=True, min_size=1),
    st.lists(st.tuples(st.sampled_from(PATHS), st.sampled_from(PATHS)), max_size=12),
    st.randoms(use_true_random=False),
)
def test_pairing_is_deterministic_and_well_formed(
    paths: list[str], raw_edges: list[tuple[str, str]], rng: random.Random
) -> None:
    files = [(p, _language(p)) for p in paths]
    edges = [Edge(a, b, _ref(b)) for a, b in raw_edges if a != b]
    pairs = pair_tests(files, edges)
    shuffled_files, shuffled_edges = files[:], edges[:]
    rng.shuffle(shuffled_files)
    rng.shuffle(shuffled_edges)
    assert pair_tests(shuffled_files, shuffled_edges) == pairs
    for test, subject in pairs.items():
        assert test != subject
        assert test in paths and subject in paths
        assert is_test_file(test, _language(test))
        assert not is_test_file(subject, _language(subject))


def test_a_test_pairs_with_a_private_module_of_its_name() -> None:
    files = [("httpx/_api.py", "python"), ("httpx/__init__.py", "python"),
             ("tests/test_api.py", "python"), ("tests/test_client.py", "python"),
             ("httpx/_client.py", "python"), ("httpx/client.py", "python")]
    pairs = pair_tests(files)
    assert pairs["tests/test_api.py"] == "httpx/_api.py"
    # an exact stem wins over the private module of the same name
    assert pairs["tests/test_client.py"] == "httpx/client.py"


def test_c_tests_in_a_test_folder_name_their_subject_by_their_own_stem() -> None:
    files = [("src/parser.c", "c"), ("include/parser.h", "c"), ("test/parser.c", "c"),
             ("test/main.c", "c")]
    pairs = pair_tests(files)
    assert pairs == {"test/parser.c": "src/parser.c"}


def test_fan_out_and_pairing_share_one_test_folder_rule():
    """Resolvers once had a test-folder list of their own: a Java ``spec`` package (production
    code, ``java.security.spec``) was a test tree to them and not to pairing, ``testdata/``,
    ``integration_tests/`` and ``MyAppTests/`` the reverse. A fan-out from production code must
    drop exactly the files pairing calls test-tree files."""
    from codepack.graph.resolvers.base import cap_targets

    app = "src/main/java/com/acme/App.java"
    spec = "src/main/java/com/acme/spec/KeySpec.java"
    assert not pairing.in_test_tree(spec)
    assert cap_targets(app, [spec]) == [spec]
    for test_tree in ("pkg/testdata/b.go", "integration_tests/b.rs", "MyAppTests/b.swift"):
        assert pairing.in_test_tree(test_tree)
        assert cap_targets("pkg/a.go", [test_tree, "pkg/c.go"]) == ["pkg/c.go"]


def test_same_folder_subject_beats_an_imported_namesake() -> None:
    """A Go test shares its subject's package (no import), and importing package ``bytes``
    links it to every file there: ``bytes/reader.go`` must not steal ``reader_test.go``."""
    files = [("archive/tar/reader.go", "go"), ("archive/tar/reader_test.go", "go"),
             ("bytes/reader.go", "go"), ("bytes/buffer.go", "go")]
    edges = [Edge("archive/tar/reader_test.go", dst, _ref())
             for dst in ("bytes/reader.go", "bytes/buffer.go")]
    assert pair_tests(files, edges) == {"archive/tar/reader_test.go": "archive/tar/reader.go"}


def test_a_cpp_test_source_pairs_with_its_own_header() -> None:
    """gtest-style ``tests/FooTest.cpp`` + ``tests/FooTest.h`` (and pybind11's
    ``tests/test_x.cpp`` + ``tests/x.h``): with no subject outside the test tree, the source
    goes after the header it includes, as the build tools' test pairs have it. A header that
    pairs with production code keeps that pair."""
    files = [("tests/JsiTest.cpp", "cpp"), ("tests/JsiTest.h", "cpp"),
             ("tests/test_local.cpp", "cpp"), ("tests/local.h", "cpp"),
             ("tests/lib.cpp", "cpp"), ("tests/lib.h", "cpp"),
             ("tests/Codec.cpp", "cpp"), ("tests/Codec.h", "cpp"), ("src/Codec.cpp", "cpp"),
             ("tests/Loose.cpp", "cpp"), ("tests/Loose.h", "cpp")]
    edges = [Edge(t, h, _ref()) for t, h in [
        ("tests/JsiTest.cpp", "tests/JsiTest.h"), ("tests/test_local.cpp", "tests/local.h"),
        ("tests/lib.cpp", "tests/lib.h"), ("tests/Codec.cpp", "tests/Codec.h")]]
    pairs = pair_tests(files, edges)
    assert pairs["tests/JsiTest.cpp"] == "tests/JsiTest.h"
    assert pairs["tests/test_local.cpp"] == "tests/local.h"
    assert pairs["tests/lib.cpp"] == "tests/lib.h"
    assert pairs["tests/Codec.cpp"] == "src/Codec.cpp"  # a production subject comes first
    assert "tests/Loose.cpp" not in pairs  # beside, but not included: no evidence
