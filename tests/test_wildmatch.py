"""Tests for the gitignore matcher: git's verdicts on random patterns, and bounded time."""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from codepack.config import ScanConfig
from codepack.inputs.ignore import PatternList, ignore_lines
from codepack.inputs.wildmatch import Glob
from codepack.records import SkippedFile, SkipReason
from helpers_sources import GIT, Found, git_files, git_init, ignored_files, make_tree
from helpers_sources import walk as walk_folder

needs_git = pytest.mark.skipif(GIT is None, reason="git is not installed")
NO_VENDOR = ScanConfig(vendored_dirs=())

# Pathological for a backtracking matcher: many stars (or ``**``) that must all be retried
# before a final mismatch. Each is at most about 200 characters.
PATHOLOGICAL = [
    ("*" * 24 + "x", "a" * 60),
    ("*a" * 100, "a" * 199 + "b"),
    ("a*" * 100 + "b", "a" * 300),
    ("**/" * 66 + "x", "a/" * 100 + "y"),
    ("**/a" * 50 + "/b", "a/" * 100 + "c"),
    ("[a]*" * 50 + "b", "a" * 300),
    ("?*" * 100 + "b", "a" * 250),
    ("*a*?" * 50, "a" * 200),
]


def walk(root: Path) -> list[Found | SkippedFile]:
    return walk_folder(root, NO_VENDOR)


def agrees_with_git(root: Path) -> None:
    items = walk(root)
    found = {item.path for item in items if isinstance(item, Found)}
    ignored = [i for i in items if isinstance(i, SkippedFile) and i.reason is SkipReason.IGNORED]
    assert found == git_files(root, ignored=False)
    assert ignored_files(root, ignored) == git_files(root, ignored=True)


@pytest.mark.parametrize(("pattern", "path"), PATHOLOGICAL)
def test_pathological_patterns_match_in_bounded_time(pattern: str, path: str) -> None:
    patterns = PatternList.parse("", [pattern, "!" + pattern, pattern + "/"])
    start = time.perf_counter()
    for is_dir in (False, True):
        patterns.verdict(path, is_dir)
        patterns.verdict(path + "/" + path, is_dir)
    assert time.perf_counter() - start < 0.1


def test_reported_gitignore_line_does_not_hang_a_walk(tmp_path: Path) -> None:
    """The 26-byte line from the report: git answers in milliseconds; so must the walk."""
    make_tree(tmp_path, {".gitignore": "*" * 24 + "x\n", "a" * 40 + ".py": "", "src/x": ""})
    script = (
        "import sys; from codepack.inputs import FolderRepo; from codepack.config import "
        "ScanConfig; print(len(list(FolderRepo('r', sys.argv[1]).entries(ScanConfig())[0])))"
    )
    # a subprocess, so that the old exponential matcher fails the test instead of hanging it
    result = subprocess.run([sys.executable, "-c", script, str(tmp_path)], timeout=30,
                            capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "3"


def test_glob_semantics_spelled_out() -> None:
    cases = {
        (b"*.py", b"a.py"): True,
        (b"*.py", b"a/b.py"): False,  # '*' stays inside one folder
        (b"**/x", b"x"): True,  # a leading **/ may match nothing
        (b"a/**", b"a"): False,  # the folder itself is not below itself
        (b"a/**/b", b"a/b"): True,
        (b"a/**/b", b"a/x/y/b"): True,
        (b"a**b", b"a/b"): False,  # an unbounded ** is a plain *
        (b"[]a]", b"]"): True,  # ']' first in a class is a member
        (b"[!a]", b"/"): False,  # classes never match '/'
        (b"[a-]", b"-"): True,
        (b"[[:digit:]x]", b"7"): True,
        (b"[[:nope:]]", b"n"): False,  # unknown class: git aborts
        (b"[ab", b"a"): False,  # unterminated: git aborts
        (b"a\\", b"a"): False,  # trailing backslash
        (b"\\*", b"*"): True,
        (b"?", "é".encode()): False,  # one byte, as in git: é is two
        (b"??", "é".encode()): True,
    }
    assert {case: Glob.compile(case[0]).match(case[1]) for case in cases} == cases


def test_ignore_file_lines_as_git_splits_them() -> None:
    assert ignore_lines(b"\xef\xbb\xbfa\r\nb\x0bc\n") == ["a", "b\x0bc", ""]


@needs_git
@pytest.mark.parametrize(
    "rules",
    [
        "foo**/bar\n",  # git compares the literal head first: the ** is then bounded
        "a.py\\ \n",  # an escaped trailing space is kept
        "b.py\\\\ \n",  # an escaped backslash does not protect the space after it
        "\xef\xbb\xbfa.py\r\nc/\r\n",  # BOM and CRLF
        "*\n!*/\n!*.py\nc/**\n!c/d/\n",
        "c//\n",  # only one trailing slash is dropped: matches nothing
    ],
)
def test_tricky_lines_agree_with_git(tmp_path: Path, rules: str) -> None:
    files = ["a.py", "a.py ", "b.py\\", "b.py", "foox/y/bar", "c/d/e.py", "c/f.txt", "z.txt"]
    make_tree(tmp_path, dict.fromkeys(files, "x"))
    (tmp_path / ".gitignore").write_bytes(rules.encode("utf-8", "surrogateescape"))
    git_init(tmp_path)
    agrees_with_git(tmp_path)


# Fuzz: random gitignore lines built from the pieces git's matcher treats specially, against
# random trees whose names contain the same characters, compared with git itself.
_PIECES = [
    "a", "b", "é", ".py", "*", "**", "***", "?", "/", "[ab]", "[!a]", "[^b]", "[a-c]", "[]a]",
    "[a-]", "[[:alpha:]]", "[[:nope:]]", "[a", "\\*", "\\[", "\\a", "\\", " ", "\\ ", "!",
]  # fmt: skip
_NAMES = ["a", "b", "ab", "ba", "a.py", "é", "a*", "[a]", "a b", "-", "bé"]
_lines = st.lists(st.sampled_from(_PIECES), min_size=1, max_size=6).map("".join)
_trees = st.sets(
    st.lists(st.sampled_from(_NAMES), min_size=1, max_size=3).map("/".join), min_size=1, max_size=8
)


@needs_git
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tree=_trees, rules=st.lists(_lines, min_size=1, max_size=4))
# found by this test: a `**/` group that consumed bytes was skipped as if it matched nothing
@example(tree={"ba"}, rules=["**/a*"])
def test_random_gitignore_lines_agree_with_git(tree: set[str], rules: list[str]) -> None:
    files = {p for p in tree if not any(q.startswith(p + "/") for q in tree)}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        make_tree(root, dict.fromkeys(files, "x"))
        (root / ".gitignore").write_text("\n".join(rules) + "\n", encoding="utf-8")
        git_init(root)
        agrees_with_git(root)
        for rule in rules:
            start = time.perf_counter()
            PatternList.parse("", [rule]).verdict("/".join(sorted(files)), is_dir=False)
            assert time.perf_counter() - start < 0.1


def test_pattern_with_a_lone_surrogate_is_not_fatal() -> None:
    patterns = PatternList.parse("", ["a\ud800*", "*.py"])
    assert patterns.verdict("x.py", is_dir=False) is True
    assert patterns.verdict("a.txt", is_dir=False) is None
