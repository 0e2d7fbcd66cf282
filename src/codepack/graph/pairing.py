"""Which files are unit tests, and which file each test tests.

The packer places a test right after the code it tests, so a model sees an implementation and
then its usage. Both questions are answered from paths alone (naming and folder conventions of
each language), and import edges only confirm or refine the answer: a path rule is cheap,
deterministic and right for the large majority of real repositories.

Three kinds of file come out of ``is_test_file``:

* named tests (``test_foo.py``, ``FooTest.java``, ``foo.spec.ts``...): they name a subject stem;
* test-tree files (anything under ``tests/``, ``src/test/java``, ``__tests__/``, ``Tests/``...,
  plus ``conftest.py``): tests too, but helpers, fixtures and ``__init__.py`` name no subject.
  For languages whose convention *is* the folder (Rust ``tests/*.rs``, JS/TS ``test/foo.js`` and
  ``__tests__/foo.js``) the file's own stem is taken as its subject stem;
* everything else: not a test.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import PurePosixPath

from codepack.records import Edge

# Folder names (lower-cased) that hold tests in every language.
_TEST_DIRS = frozenset({"test", "tests", "__tests__", "__mocks__", "testdata"})
# Folder names that hold tests only where the language's tooling says so (RSpec, Jasmine...).
_SPEC_DIRS = frozenset({"spec", "specs"})
_SPEC_DIR_LANGUAGES = frozenset({"ruby", "javascript", "typescript", "tsx"})
# Folder-name suffixes of test projects/targets: ``integration_tests``, ``MyLib.Tests``,
# ``MyAppTests`` (Swift/Xcode), ``UnitTest``. A lower-case letter or digit must precede a
# CamelCase ``Test`` so that ``unittest``/``pytest``/``googletest`` are not taken for tests.
_TEST_DIR_SUFFIX = re.compile(r"(?:[_.\-][Tt]ests?|(?<=[a-z0-9])Tests?)$")
# ... and prefixes: ``test_asyncio`` (CPython), ``tests-e2e``.
_TEST_DIR_PREFIX = re.compile(r"^[Tt]ests?[_\-](?=.)")

# Layout-only folders dropped when comparing a test's folder with its subject's.
_LAYOUT_DIRS = frozenset(
    {"src", "source", "sources", "lib", "main", "unit", "units", "integration", "functional",
     "e2e", "regression"}
)
# Languages whose test folders name the subject by the file's own stem.
_FOLDER_NAMED_LANGUAGES = frozenset({"rust", "javascript", "typescript", "tsx", "c", "cpp"})
# Stems that are a folder's entry point, never a subject name on their own.
MAIN_STEMS = frozenset({"__init__", "__main__", "index", "mod", "lib", "main"})
# Interface-only files: a test pairs with the implementation when both exist.
_INTERFACE_SUFFIXES = (".h", ".hh", ".hpp", ".hxx", ".h++", ".pyi", ".d.ts")

# Languages that test each other's code (a Kotlin test of a Java class, a TS test of a JS file).
_LANGUAGE_FAMILY = {
    "javascript": "js",
    "typescript": "js",
    "tsx": "js",
    "c": "c",
    "cpp": "c",
    "java": "jvm",
    "kotlin": "jvm",
    "scala": "jvm",
}


def _rules(*patterns: str) -> tuple[re.Pattern[str], ...]:
    """File-name conventions: regexes over the stem whose group ``s`` is the subject stem."""
    return tuple(re.compile(p) for p in patterns)


_SNAKE_PREFIX = r"^test_(?P<s>.+)$"
_SNAKE_SUFFIX = r"^(?P<s>.+?)_tests?$"
_CAMEL_PREFIX = r"^Test(?P<s>[A-Z].*)$"


def _camel_suffix(*suffixes: str) -> str:
    return rf"^(?P<s>.+?)(?:{'|'.join(suffixes)})$"


# Stem patterns per language. Order matters only for which group names the subject.
_NAME_RULES: dict[str, tuple[re.Pattern[str], ...]] = {
    "python": _rules(_SNAKE_PREFIX, _SNAKE_SUFFIX),
    "go": _rules(r"^(?P<s>.+)_test$"),
    "ruby": _rules(r"^(?P<s>.+)_spec$", _SNAKE_PREFIX, r"^(?P<s>.+)_test$"),
    "java": _rules(_camel_suffix("Tests", "Test", "TestCase", r"(?<=[a-z0-9])IT"), _CAMEL_PREFIX),
    "kotlin": _rules(_camel_suffix("Tests", "Test", "Spec", r"(?<=[a-z0-9])IT"), _CAMEL_PREFIX),
    "scala": _rules(_camel_suffix("Spec", "Suite", "Tests", "Test")),
    "csharp": _rules(_camel_suffix("Tests", "Test")),
    "php": _rules(_camel_suffix("Test")),
    "swift": _rules(_camel_suffix("Tests", "Test", "Spec")),
    "c": _rules(_SNAKE_PREFIX, r"^(?P<s>.+?)_(?:unit)?tests?$"),
    "cpp": _rules(_SNAKE_PREFIX, r"^(?P<s>.+?)_(?:unit)?tests?$"),
    "javascript": _rules(r"^(?P<s>.+)\.(?:test|spec|e2e-spec|e2e)$"),
    "typescript": _rules(r"^(?P<s>.+)\.(?:test|spec|e2e-spec|e2e)$"),
    "tsx": _rules(r"^(?P<s>.+)\.(?:test|spec|e2e-spec|e2e)$"),
}
# File names that are tests with no subject to name.
_SUBJECTLESS_NAMES = frozenset({"conftest.py", "test.py", "tests.py"})
# Rust's `src/foo/tests.rs` (a `mod tests;` split out) tests its parent module `foo`.
_PARENT_NAMED = {"rust": frozenset({"tests", "test"})}


def _stem(path: PurePosixPath) -> str:
    """The name without its last suffix; ``.d.ts`` declarations count as one suffix."""
    name = path.name
    if name.endswith(".d.ts"):
        return name[: -len(".d.ts")]
    return path.stem if path.suffix else name


def _is_test_dir(part: str, language: str) -> bool:
    lowered = part.lower()
    if lowered in _TEST_DIRS:
        return True
    if lowered in _SPEC_DIRS and language in _SPEC_DIR_LANGUAGES:
        return True
    return bool(_TEST_DIR_SUFFIX.search(part) or _TEST_DIR_PREFIX.match(part))


def in_test_tree(path: str, language: str = "") -> bool:
    """True when a folder on ``path`` is a test folder (``tests/``, ``src/test/``, ``Tests/``)."""
    return any(_is_test_dir(part, language) for part in PurePosixPath(path).parts[:-1])


def _named_subject(stem: str, language: str) -> str | None:
    for rule in _NAME_RULES.get(language, ()):
        match = rule.match(stem)
        if match and match.group("s"):
            return match.group("s")
    return None


def is_test_file(path: str, language: str) -> bool:
    """Whether ``path`` is a test (or test-tree helper) by the conventions of ``language``.

    Unknown languages are judged by their folders only.
    """
    pure = PurePosixPath(path)
    if language == "python" and pure.name in _SUBJECTLESS_NAMES:
        return True
    if language in _PARENT_NAMED and _stem(pure) in _PARENT_NAMED[language]:
        return True
    if _named_subject(_stem(pure), language) is not None:
        return True
    return in_test_tree(path, language)


def test_subject_stem(path: str, language: str) -> str | None:
    """The stem of the file a test names (``test_foo.py`` -> ``foo``), or None.

    None for non-tests and for test-tree files that name nothing (``conftest.py``,
    ``tests/__init__.py``, ``tests/helpers.py``, ``src/test/java/a/Fixtures.java``).
    """
    pure = PurePosixPath(path)
    stem = _stem(pure)
    if language == "python" and pure.name in _SUBJECTLESS_NAMES:
        return None
    if language in _PARENT_NAMED and stem in _PARENT_NAMED[language]:
        parent = pure.parent.name
        return parent or None
    named = _named_subject(stem, language)
    if named is not None:
        return named
    if language in _FOLDER_NAMED_LANGUAGES and in_test_tree(path, language):
        return None if stem in MAIN_STEMS else stem
    return None


# ---------------------------------------------------------------------------------------------
# pairing


def _family(language: str) -> str:
    return _LANGUAGE_FAMILY.get(language, language)


@lru_cache(maxsize=1 << 16)
def _folder_keys(folder: str, language: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A folder's parts, and its mirror key: the parts with layout-only segments removed, so
    mirrored trees compare equal.

    ``src/test/java/a/b`` and ``src/main/java/a/b`` -> ``java/a/b``; ``tests/pkg`` and
    ``src/pkg`` -> ``pkg``; ``MyLib.Tests`` -> ``MyLib``; ``Tests/MyLibTests`` and
    ``Sources/MyLib`` -> ``MyLib``; ``spec/foo`` and ``lib/foo`` -> ``foo``.
    """
    parts = PurePosixPath(folder).parts
    key: list[str] = []
    for part in parts:
        lowered = part.lower()
        if lowered in _LAYOUT_DIRS or lowered in _TEST_DIRS:
            continue
        if lowered in _SPEC_DIRS and language in _SPEC_DIR_LANGUAGES:
            continue
        stripped = _TEST_DIR_PREFIX.sub("", _TEST_DIR_SUFFIX.sub("", part))
        key.append(stripped or part)
    return parts, tuple(key)


def _common_prefix(a: Sequence[str], b: Sequence[str]) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _common_suffix(a: Sequence[str], b: Sequence[str]) -> int:
    return _common_prefix(a[::-1], b[::-1])


def _is_interface(path: str) -> bool:
    return path.endswith(_INTERFACE_SUFFIXES)


def _rank(test: str, language: str, candidate: str) -> tuple[object, ...]:
    """Sort key: the best subject for ``test`` sorts first.

    1. the mirrored folder (equal mirror keys), then the longest common tail of mirror keys;
    2. the nearest folder: longest common folder prefix, then fewest hops between folders;
    3. an implementation over an interface (``foo.c`` over ``foo.h``, ``.py`` over ``.pyi``);
    4. path order.
    """
    test_parts, test_key = _folder_keys(str(PurePosixPath(test).parent), language)
    cand_parts, cand_key = _folder_keys(str(PurePosixPath(candidate).parent), language)
    prefix = _common_prefix(test_parts, cand_parts)
    hops = len(test_parts) + len(cand_parts) - 2 * prefix
    return (
        test_key != cand_key,
        -_common_suffix(test_key, cand_key),
        -prefix,
        hops,
        _is_interface(candidate),
        candidate,
    )


def _unrelated(test: str, candidate: str, language: str) -> bool:
    """Both files sit in named packages and the packages share no name: a test under
    ``test_asyncio/`` does not test ``multiprocessing/context.py`` just because of a stem."""
    _, test_key = _folder_keys(str(PurePosixPath(test).parent), language)
    _, cand_key = _folder_keys(str(PurePosixPath(candidate).parent), language)
    return bool(test_key) and bool(cand_key) and not set(test_key) & set(cand_key)


def _best(test: str, language: str, candidates: Iterable[str], imported: set[str]) -> str | None:
    """Evidence first: the candidates the test imports or that sit in its own folder (a Go
    test and its subject share a package and need no import; ``reader_test.go`` that imports
    package ``bytes`` still tests the ``reader.go`` beside it, not ``bytes/reader.go``).
    Without evidence, candidates in an unrelated package are dropped. Then ``_rank`` decides."""
    pool = sorted(set(candidates))
    home = PurePosixPath(test).parent
    chosen = [c for c in pool if c in imported or PurePosixPath(c).parent == home]
    pool = chosen or [c for c in pool if not _unrelated(test, c, language)]
    if not pool:
        return None
    return min(pool, key=lambda c: _rank(test, language, c))


@dataclass(slots=True)
class _Index:
    """Non-test files by (language family, stem), by (family, case-folded stem), by (family,
    case-folded stem without leading underscores: ``test_api.py`` tests ``_api.py``, the
    private-module convention of httpx, pydantic and many more) and, for entry points, by
    (family, case-folded folder name)."""

    by_stem: dict[tuple[str, str], list[str]]
    by_folded_stem: dict[tuple[str, str], list[str]]
    by_bare_stem: dict[tuple[str, str], list[str]]
    mains_by_folder: dict[tuple[str, str], list[str]]

    @classmethod
    def build(cls, non_tests: Sequence[tuple[str, str]]) -> _Index:
        by_stem: dict[tuple[str, str], list[str]] = defaultdict(list)
        by_folded: dict[tuple[str, str], list[str]] = defaultdict(list)
        by_bare: dict[tuple[str, str], list[str]] = defaultdict(list)
        mains: dict[tuple[str, str], list[str]] = defaultdict(list)
        for path, language in non_tests:
            pure = PurePosixPath(path)
            stem = _stem(pure)
            family = _family(language)
            by_stem[family, stem].append(path)
            by_folded[family, stem.casefold()].append(path)
            if stem.startswith("_") and stem.strip("_"):
                by_bare[family, stem.lstrip("_").casefold()].append(path)
            if stem in MAIN_STEMS and pure.parent.name:
                mains[family, pure.parent.name.casefold()].append(path)
        return cls(by_stem, by_folded, by_bare, mains)


def pair_tests(files: Sequence[tuple[str, str]], edges: Sequence[Edge] = ()) -> dict[str, str]:
    """Map each test file to the file it tests: ``{test path: subject path}``.

    ``files`` are ``(path, language)`` pairs; ``edges`` the repository's resolved imports.
    Candidates are non-test files of a compatible language whose stem is the stem the test
    names (exact, else case-insensitive, else with leading underscores dropped from the
    candidate: ``test_api.py`` -> ``_api.py``). The ones the test imports or that share its
    folder pick among them when there are any. Without such evidence a candidate in an
    unrelated package is dropped (the test's and the candidate's folders, minus layout names
    like ``src``/``tests``/``main``, are both non-empty and share no name). Then ``_rank``
    decides: mirrored folder, nearest folder, implementation over interface, path.

    When no file carries the stem, a test named after a *package* (``tests/test_shop.py`` with
    ``shop/__init__.py``; ``foo.test.ts`` with ``foo/index.ts``; ``tests/foo.rs`` with
    ``src/foo/mod.rs``) pairs to that package's entry-point file, but only if the test imports
    the entry point or a file inside that package: a folder name alone is weak evidence.

    A C/C++ test source that finds no subject that way pairs with the same-stem header beside
    it that it includes (``_own_header``): the one case where a subject is a test-tree file.
    A file is never its own subject, a test never pairs to another test otherwise, and the
    result does not depend on the order of ``files`` or ``edges``.
    """
    unique = sorted(set(files))
    language_of = dict(unique)
    tests = [(p, lang) for p, lang in unique if is_test_file(p, lang)]
    test_paths = {p for p, _ in tests}
    index = _Index.build([(p, lang) for p, lang in unique if p not in test_paths])
    imports: dict[str, set[str]] = defaultdict(set)
    for edge in edges:
        if edge.src in test_paths and edge.dst in language_of:
            imports[edge.src].add(edge.dst)

    pairs: dict[str, str] = {}
    for test, language in tests:
        stem = test_subject_stem(test, language)
        if not stem:
            continue
        family = _family(language)
        imported = imports.get(test, set())
        candidates = (
            index.by_stem.get((family, stem))
            or index.by_folded_stem.get((family, stem.casefold()))
            or index.by_bare_stem.get((family, stem.lstrip("_").casefold()), [])
        )
        subject = _best(test, language, candidates, imported)
        if subject is None:
            mains = index.mains_by_folder.get((family, stem.casefold()), [])
            subject = _package_subject(test, language, mains, imported)
        if subject is not None:
            pairs[test] = subject
    for test, language in tests:  # after the others: a header paired elsewhere stays there
        if test not in pairs:
            header = _own_header(test, language, test_subject_stem(test, language),
                                 imports.get(test, set()))
            if header is not None and header not in pairs:
                pairs[test] = header
    return pairs


def _own_header(test: str, language: str, stem: str | None, imported: set[str]) -> str | None:
    """For a C/C++ test source that names no other subject: the header beside it that it
    includes, named after its subject stem or its own stem (``tests/JsiIntegrationTest.cpp``
    after ``tests/JsiIntegrationTest.h``, ``tests/test_local_bindings.cpp`` after
    ``tests/local_bindings.h``). The header lives in the test tree itself: it is the test's
    interface, and the one place a test pairs with another test-tree file."""
    if _family(language) != "c" or _is_interface(test):
        return None
    pure = PurePosixPath(test)
    names = {n for n in (stem, _stem(pure)) if n}
    beside = sorted(
        dst for dst in imported
        if _is_interface(dst) and PurePosixPath(dst).parent == pure.parent
        and _stem(PurePosixPath(dst)) in names
    )
    return beside[0] if beside else None


def _package_subject(
    test: str, language: str, mains: Sequence[str], imported: set[str]
) -> str | None:
    """The entry point among ``mains`` whose package the test imports into, if any."""
    evidenced = []
    for main in mains:
        folder = str(PurePosixPath(main).parent) + "/"
        if main in imported or any(dst.startswith(folder) for dst in imported):
            evidenced.append(main)
    if not evidenced:
        return None
    return min(evidenced, key=lambda c: (_main_rank(c), _rank(test, language, c)))


def _main_rank(path: str) -> int:
    """Prefer the conventional entry point among several in one folder."""
    order = ("__init__", "index", "mod", "lib", "main", "__main__")
    stem = _stem(PurePosixPath(path))
    return order.index(stem) if stem in order else len(order)
