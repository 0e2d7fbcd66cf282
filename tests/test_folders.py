"""Tests for folder inputs: finding repositories, walking them as git does, reading bytes."""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import signal
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from codepack.config import ScanConfig
from codepack.inputs import AUX_MAX_BYTES, FolderRepo, InputError, folders, is_aux_file
from codepack.inputs import discover_inputs as discover_repos
from codepack.inputs.folders import read_bounded
from codepack.records import SkippedFile, SkipReason
from helpers_sources import (
    FIXTURES,
    GIT,
    Found,
    copy_fixture,
    files_under,
    git_files,
    git_init,
    ignored_files,
    make_tree,
)
from helpers_sources import walk as walk_folder

NO_VENDOR = ScanConfig(vendored_dirs=())
needs_git = pytest.mark.skipif(GIT is None, reason="git is not installed")


def walk(root: Path, config: ScanConfig = NO_VENDOR) -> list[Found | SkippedFile]:
    return walk_folder(root, config)


def found_paths(items: list[Found | SkippedFile]) -> list[str]:
    return [i.path for i in items if isinstance(i, Found)]


def skips(items: list[Found | SkippedFile]) -> dict[str, SkippedFile]:
    return {i.path: i for i in items if isinstance(i, SkippedFile)}


@contextlib.contextmanager
def hang_guard(seconds: int = 5) -> Iterator[None]:
    """Fail instead of hanging forever if something opens a fifo for reading."""

    def fail(signum, frame):
        raise TimeoutError("walk or read blocked")

    previous = signal.signal(signal.SIGALRM, fail)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


# ----------------------------------------------------------------------------- discover_repos


def test_folder_of_repos_lists_visible_subfolders_sorted(tmp_path: Path) -> None:
    make_tree(tmp_path, {"zeta/a.py": "", "alpha/b.py": "", ".cache/c.py": "", "notes.txt": ""})
    repos = discover_repos([tmp_path])
    assert [r.name for r in repos] == ["alpha", "zeta"]
    assert repos[0].root == (tmp_path / "alpha").resolve()


def test_folder_with_git_is_one_repo(tmp_path: Path) -> None:
    make_tree(tmp_path, {"proj/.git/HEAD": "ref: refs/heads/main\n", "proj/src/a.py": ""})
    assert discover_repos([tmp_path / "proj"]) == [FolderRepo("proj", (tmp_path / "proj"))]


def test_git_file_marks_a_repo_as_in_worktrees(tmp_path: Path) -> None:
    make_tree(tmp_path, {"wt/.git": "gitdir: ../elsewhere\n", "wt/src/a.py": ""})
    assert [r.name for r in discover_repos([tmp_path / "wt"])] == ["wt"]


def test_single_repo_flag(tmp_path: Path) -> None:
    make_tree(tmp_path, {"proj/src/a.py": "", "proj/tests/t.py": ""})
    assert [r.name for r in discover_repos([tmp_path / "proj"], single_repo=True)] == ["proj"]
    assert [r.name for r in discover_repos([tmp_path / "proj"])] == ["src", "tests"]


def test_looks_like_one_repo_warning(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    make_tree(tmp_path, {"proj/setup.py": "", "proj/src/a.py": ""})
    with caplog.at_level(logging.WARNING, logger="codepack.inputs.folders"):
        discover_repos([tmp_path / "proj"])
    assert "single_repo" in caplog.text and "setup.py" in caplog.text


def test_bad_input_paths_raise_input_error(tmp_path: Path) -> None:
    (tmp_path / "file.txt").write_text("x")
    with pytest.raises(InputError, match="does not exist"):
        discover_repos([tmp_path / "missing"])
    with pytest.raises(InputError, match="unsupported input file"):
        discover_repos([tmp_path / "file.txt"])
    assert issubclass(InputError, ValueError)


def test_colliding_names_are_disambiguated_deterministically(tmp_path: Path) -> None:
    make_tree(tmp_path, {"one/lib/a.py": "", "two/lib/b.py": "", "two/app/c.py": ""})
    repos = discover_repos([tmp_path / "two", tmp_path / "one"])
    assert [r.name for r in repos] == ["app", "one/lib", "two/lib"]
    assert repos == discover_repos([tmp_path / "one", tmp_path / "two"])


def test_same_repo_given_twice_is_listed_once(tmp_path: Path) -> None:
    make_tree(tmp_path, {"r/.git/HEAD": "", "r/a.py": ""})
    assert len(discover_repos([tmp_path / "r", str(tmp_path / "r" / ".")])) == 1


def test_records_are_picklable(tmp_path: Path) -> None:
    repo = FolderRepo("r", tmp_path)
    assert pickle.loads(pickle.dumps(repo)) == repo


# ----------------------------------------------------------------------------- walk order


def test_walk_is_in_sorted_full_path_order(tmp_path: Path) -> None:
    make_tree(
        tmp_path,
        {"a.py": "", "a/x.py": "", "a-b.py": "", "a/b/c.py": "", "B.py": "", "a0/z.py": ""},
    )
    paths = [i.path for i in walk(tmp_path)]
    assert paths == sorted(paths)
    assert paths == ["B.py", "a-b.py", "a.py", "a/b/c.py", "a/x.py", "a0/z.py"]


def test_walk_order_does_not_depend_on_listing_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_tree(tmp_path, {f"d{i}/f{j}.py": "" for i in range(3) for j in range(3)})
    expected = walk(tmp_path)
    real_scandir = os.scandir

    @contextlib.contextmanager
    def reversed_scandir(path):
        with real_scandir(path) as entries:
            yield iter(reversed(list(entries)))

    monkeypatch.setattr(folders.os, "scandir", reversed_scandir)
    assert walk(tmp_path) == expected


def test_git_folder_is_skipped_silently_but_other_hidden_folders_are_walked(tmp_path: Path) -> None:
    make_tree(tmp_path, {".git/config": "", ".github/ci.py": "", "sub/.git": "gitdir: x\n"})
    assert [i.path for i in walk(tmp_path)] == [".github/ci.py"]


def test_missing_root_yields_one_unreadable_skip(tmp_path: Path) -> None:
    (item,) = walk(tmp_path / "missing")
    assert isinstance(item, SkippedFile) and item.reason is SkipReason.UNREADABLE
    assert item.path == "."


# ----------------------------------------------------------------------------- gitignore


@needs_git
def test_nested_gitignore_agrees_with_git(tmp_path: Path) -> None:
    root = copy_fixture("gitignore-nested", tmp_path)
    git_init(root)
    items = walk(root)
    ignored = [s for s in skips(items).values() if s.reason is SkipReason.IGNORED]
    assert set(found_paths(items)) == git_files(root, ignored=False)
    assert ignored_files(root, ignored) == git_files(root, ignored=True)
    # the traps the fixture is about, spelled out
    kept = set(found_paths(items))
    assert {"tmp/keep.py", "sub/keep.log", "secret_ok.py", "pkg/top_only.py"} <= kept
    assert {"build/keep.py", "sub/inner/local.py", "docs/a/b/gen_x.py"}.isdisjoint(kept)


@needs_git
def test_info_exclude_is_honoured_below_gitignore(tmp_path: Path) -> None:
    root = make_tree(tmp_path / "r", {"a.py": "", "b.py": "", "c.py": "", ".gitignore": "!b.py\n"})
    git_init(root)
    (root / ".git" / "info").mkdir(exist_ok=True)
    (root / ".git" / "info" / "exclude").write_text("a.py\nb.py\n")
    items = walk(root)
    kept = {".gitignore", "b.py", "c.py"}
    assert set(found_paths(items)) == git_files(root, ignored=False) == kept


def test_info_exclude_through_gitdir_file(tmp_path: Path) -> None:
    make_tree(tmp_path, {"meta/info/exclude": "secret.py\n", "wt/.git": "gitdir: ../meta\n"})
    make_tree(tmp_path / "wt", {"secret.py": "", "app.py": ""})
    assert found_paths(walk(tmp_path / "wt")) == ["app.py"]


def test_respect_gitignore_off_walks_ignored_files(tmp_path: Path) -> None:
    root = copy_fixture("gitignore-nested", tmp_path)
    items = walk(root, ScanConfig(vendored_dirs=(), respect_gitignore=False))
    assert not skips(items)
    assert len(found_paths(items)) == len(files_under(root, "."))


def test_ignored_folder_is_one_skip_and_never_listed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = {f"dist/chunk{i}/f{j}.js": "x" for i in range(50) for j in range(20)}
    files |= {f"node_modules/pkg{i}/index.js": "x" for i in range(200)}
    make_tree(tmp_path, {**files, ".gitignore": "dist/\n", "app.js": "x"})
    listed: list[str] = []
    real_scandir = os.scandir

    def recording_scandir(path):
        listed.append(os.path.relpath(path, tmp_path))
        return real_scandir(path)

    monkeypatch.setattr(folders.os, "scandir", recording_scandir)
    items = walk(tmp_path, ScanConfig())
    assert listed == ["."]
    assert [(i.path, type(i).__name__) for i in items] == [
        (".gitignore", "Found"),
        ("app.js", "Found"),
        ("dist", "SkippedFile"),
        ("node_modules", "SkippedFile"),
    ]
    dist, node_modules = skips(items)["dist"], skips(items)["node_modules"]
    assert dist.reason is SkipReason.IGNORED and "not walked" in dist.detail
    assert node_modules.reason is SkipReason.VENDORED and "not walked" in node_modules.detail


def test_vendored_folders_at_any_depth(tmp_path: Path) -> None:
    make_tree(tmp_path, {"src/vendor/x.go": "", "src/main.go": "", "a/b/third_party/c.c": ""})
    items = walk(tmp_path, ScanConfig())
    assert found_paths(items) == ["src/main.go"]
    assert {p: s.reason for p, s in skips(items).items()} == {
        "a/b/third_party": SkipReason.VENDORED,
        "src/vendor": SkipReason.VENDORED,
    }
    assert len(found_paths(walk(tmp_path, NO_VENDOR))) == 3


def test_malformed_gitignore_lines_are_dropped_not_fatal(tmp_path: Path) -> None:
    make_tree(tmp_path, {".gitignore": "[z-a].py\n*.log\n", "a.log": "", "b.py": ""})
    assert found_paths(walk(tmp_path)) == [".gitignore", "b.py"]


def test_unreadable_gitignore_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_tree(tmp_path, {"sub/.gitignore": "*.py\n", "sub/a.py": ""})

    def deny(path):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(folders, "read_ignore_file", deny)
    items = walk(tmp_path)
    assert skips(items)["sub/.gitignore"].reason is SkipReason.UNREADABLE
    assert found_paths(items) == ["sub/a.py"]


# Property: random trees and random ignore rules, compared with git itself.
_NAMES = ["a", "b", "c.py", "d.log"]
_PATTERNS = [
    "a", "/a", "a/", "/a/", "*.py", "!*.py", "!c.py", "d.log", "!d.log", "a/**", "**/b",
    "a/**/c.py", "a/*", "!a/b", "!a/b/", "b/c.py", "**/c.py", "*", "!b", "a/b/", "\\!x", "# c",
    "**", "a/**/", "*/c.py", "**/", "!**/d.log", "a/b/**", "[ab]", "?", "c.*", "/b/c.py", "!/a",
    "b/**/b", "!*/", "a ", "!a/**",
]  # fmt: skip
_trees = st.sets(
    st.lists(st.sampled_from(_NAMES), min_size=1, max_size=3).map("/".join), min_size=1, max_size=8
)
_rules = st.lists(st.sampled_from(_PATTERNS), max_size=5)


@needs_git
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tree=_trees, root_rules=_rules, nested_rules=_rules, nested_at=st.sampled_from(["a", "b"]))
def test_gitignore_matches_git_on_random_trees(
    tree: set[str], root_rules: list[str], nested_rules: list[str], nested_at: str
) -> None:
    # a name cannot be both a file and a folder
    files = {p for p in tree if not any(q.startswith(p + "/") for q in tree)}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        make_tree(root, dict.fromkeys(files, "x"))
        (root / ".gitignore").write_text("\n".join(root_rules) + "\n")
        if (root / nested_at).is_dir():
            (root / nested_at / ".gitignore").write_text("\n".join(nested_rules) + "\n")
        git_init(root)
        items = walk(root)
        assert set(found_paths(items)) == git_files(root, ignored=False)
        ignored = [s for s in skips(items).values() if s.reason is SkipReason.IGNORED]
        assert ignored_files(root, ignored) == git_files(root, ignored=True)


# ----------------------------------------------------------------------------- include/exclude


def test_exclude_and_include_globs(tmp_path: Path) -> None:
    make_tree(
        tmp_path,
        {"src/a.py": "", "src/b.js": "", "docs/c.py": "", "docs/deep/d.py": "", "e.py": ""},
    )
    items = walk(tmp_path, ScanConfig(vendored_dirs=(), exclude=("*.js", "docs/")))
    assert found_paths(items) == ["e.py", "src/a.py"]
    assert skips(items)["src/b.js"].detail == "--exclude"
    assert skips(items)["docs"].detail == "--exclude; directory, not walked"

    items = walk(tmp_path, ScanConfig(vendored_dirs=(), include=("src/",)))
    assert found_paths(items) == ["src/a.py", "src/b.js"]
    assert {s.detail for s in skips(items).values()} == {"--include"}
    assert all(s.reason is SkipReason.IGNORED for s in skips(items).values())


def test_filtered_out_broken_link_counts_as_ignored(tmp_path: Path) -> None:
    (tmp_path / "gone.py").symlink_to(tmp_path / "nowhere.py")
    (item,) = walk(tmp_path, ScanConfig(exclude=("gone.py",)))
    assert (item.reason, item.detail) == (SkipReason.IGNORED, "--exclude")


# ----------------------------------------------------------------------------- symlinks & specials


@pytest.fixture
def trapped_repo(tmp_path: Path) -> Path:
    """The bad-input fixture plus the traps a git checkout cannot carry."""
    root = copy_fixture("bad-input", tmp_path / "repos")
    outside = tmp_path / "outside.py"
    outside.write_text("print('outside')\n")
    (tmp_path / "outside_dir").mkdir()
    (root / "pkg").mkdir()
    (root / "pkg" / "mod.py").write_text("X = 1\n")
    (root / "alias.py").symlink_to("good.py")  # inside: followed
    (root / "escape.py").symlink_to(outside)  # outside: skipped
    (root / "escape_dir").symlink_to(tmp_path / "outside_dir")
    (root / "broken.py").symlink_to("missing.py")
    (root / "loop_a.py").symlink_to("loop_b.py")
    (root / "loop_b.py").symlink_to("loop_a.py")
    (root / "pkg" / "up").symlink_to("..")  # folder link to an ancestor
    (root / "pkg_alias").symlink_to("pkg")  # folder link: followed once
    (root / "pkg_alias2").symlink_to("pkg")
    os.mkfifo(root / "pipe.py")
    (root / "pipe_link.py").symlink_to("pipe.py")
    (root / ".git").mkdir()
    (root / ".git" / "config").write_text("[remote]\n")
    (root / "git_config.py").symlink_to(".git/config")
    return root


def test_symlinks_and_special_files(trapped_repo: Path) -> None:
    with hang_guard():
        items = walk(trapped_repo, ScanConfig())
    reasons = {p: s.reason for p, s in skips(items).items()}
    assert reasons["escape.py"] is SkipReason.SYMLINK_OUTSIDE
    assert reasons["escape_dir"] is SkipReason.SYMLINK_OUTSIDE
    assert reasons["git_config.py"] is SkipReason.SYMLINK_OUTSIDE  # into git metadata
    assert reasons["broken.py"] is SkipReason.SYMLINK_BROKEN
    assert reasons["loop_a.py"] is reasons["loop_b.py"] is SkipReason.SYMLINK_LOOP
    assert reasons["pkg/up"] is SkipReason.SYMLINK_LOOP
    assert reasons["pkg_alias/up"] is SkipReason.SYMLINK_LOOP
    assert reasons["pkg_alias2"] is SkipReason.SYMLINK_LOOP  # pkg already entered via a link
    assert reasons["pipe.py"] is reasons["pipe_link.py"] is SkipReason.SPECIAL_FILE
    found = {i.path: i.data for i in items if isinstance(i, Found)}
    assert found["alias.py"] == (trapped_repo / "good.py").read_bytes()
    assert found["pkg_alias/mod.py"] == (trapped_repo / "pkg" / "mod.py").read_bytes()
    assert "pkg/mod.py" in found
    assert b"outside" not in b"".join(data or b"" for data in found.values())


def test_mutual_folder_links_terminate(tmp_path: Path) -> None:
    make_tree(tmp_path, {"x/a.py": "", "y/b.py": ""})
    (tmp_path / "x" / "to_y").symlink_to("../y")
    (tmp_path / "y" / "to_x").symlink_to("../x")
    with hang_guard():
        items = walk(tmp_path)
    assert {"x/a.py", "x/to_y/b.py", "y/b.py", "y/to_x/a.py"} == set(found_paths(items))
    assert all(s.reason is SkipReason.SYMLINK_LOOP for s in skips(items).values())


def test_fifo_is_never_opened_by_the_reader(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.py")
    with hang_guard():
        result = read_bounded(str(tmp_path / "pipe.py"), 100)
    assert not isinstance(result, bytes) and result.reason is SkipReason.SPECIAL_FILE


def test_non_utf8_file_name(tmp_path: Path) -> None:
    bad = os.fsdecode(b"caf\xe9.py")
    try:
        (tmp_path / bad).write_text("x = 1\n")
    except (OSError, UnicodeEncodeError):
        pytest.skip("file system refuses non-UTF-8 names")
    (item,) = walk(tmp_path)
    assert item.reason is SkipReason.NOT_UTF8
    assert item.path == "caf\\xe9.py"
    item.path.encode("utf-8")


# ----------------------------------------------------------------------------- unreadable


def test_unlistable_folder_is_unreadable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_tree(tmp_path, {"ok/a.py": "", "locked/b.py": ""})
    real_scandir = os.scandir

    def scandir(path):
        if os.path.basename(path) == "locked":
            raise PermissionError(13, "Permission denied", path)
        return real_scandir(path)

    monkeypatch.setattr(folders.os, "scandir", scandir)
    items = walk(tmp_path)
    assert found_paths(items) == ["ok/a.py"]
    assert skips(items)["locked"].reason is SkipReason.UNREADABLE
    assert "Permission denied" in skips(items)["locked"].detail


def test_unopenable_file_is_unreadable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "a.py").write_text("x = 1\n")

    def deny(path, flags, mode=0o777):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(folders.os, "open", deny)
    result = read_bounded(str(tmp_path / "a.py"), 100)
    assert not isinstance(result, bytes) and result.reason is SkipReason.UNREADABLE


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads everything")
def test_real_permissions(tmp_path: Path) -> None:
    make_tree(tmp_path, {"locked/b.py": "", "secret.py": "x"})
    (tmp_path / "locked").chmod(0)
    (tmp_path / "secret.py").chmod(0)
    try:
        items = walk(tmp_path)
        assert skips(items)["locked"].reason is SkipReason.UNREADABLE
        result = read_bounded(str(tmp_path / "secret.py"), 100)
        assert not isinstance(result, bytes) and result.reason is SkipReason.UNREADABLE
    finally:
        (tmp_path / "locked").chmod(0o755)
        (tmp_path / "secret.py").chmod(0o644)


# ----------------------------------------------------------------------------- reading


def test_read_bounded_size_limit(tmp_path: Path) -> None:
    limit = 4096
    (tmp_path / "big.py").write_bytes(b"x" * (limit + 1))
    (tmp_path / "fits.py").write_bytes(b"y" * limit)
    big = read_bounded(str(tmp_path / "big.py"), limit)
    assert not isinstance(big, bytes) and big.reason is SkipReason.TOO_LARGE
    assert big.detail == f"{limit + 1} bytes > max_file_bytes {limit}"
    assert read_bounded(str(tmp_path / "fits.py"), limit) == b"y" * limit


def test_file_that_grows_after_stat_is_still_too_large(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "grow.py").write_bytes(b"x" * 100)
    real_fstat = os.fstat

    class Shrunk:
        def __init__(self, info: os.stat_result) -> None:
            self.st_mode, self.st_size = info.st_mode, 0

    monkeypatch.setattr(folders.os, "fstat", lambda fd: Shrunk(real_fstat(fd)))
    assert len(read_bounded(str(tmp_path / "grow.py"), 10)) == 11  # never more than limit + 1
    (result,) = FolderRepo("r", tmp_path).entries(ScanConfig(max_file_bytes=10))[0]
    assert isinstance(result, SkippedFile) and result.reason is SkipReason.TOO_LARGE
    assert "grew" in result.detail


# ----------------------------------------------------------------------------- aux files


def test_one_walk_collects_aux_files_too(tmp_path: Path) -> None:
    make_tree(
        tmp_path,
        {
            "go.mod": "module example.com/x\n",
            "web/package.json": '\ufeff{"name": "web"}',
            "web/tsconfig.base.json": "{}",
            "web/node_modules/dep/package.json": "{}",
            "build/package.json": "{}",
            ".gitignore": "build/\n",
            "big/Cargo.toml": "#" * (AUX_MAX_BYTES + 1),
            "latin/setup.cfg": b"[metadata]\nname = caf\xe9\n",
            "src/main.go": "package main\n",
        },
    )
    config = ScanConfig(include=("src/",))
    entries, aux = FolderRepo("r", tmp_path).entries(config)
    assert aux == {
        "go.mod": "module example.com/x\n",
        "web/package.json": '{"name": "web"}',
        "web/tsconfig.base.json": "{}",
    }
    assert [e[0] for e in entries if not isinstance(e, SkippedFile)] == ["src/main.go"]


def test_is_aux_file() -> None:
    assert is_aux_file("a/b/go.mod") and is_aux_file("tsconfig.app.json")
    assert not is_aux_file("src/package.py") and not is_aux_file("tsconfig.json.bak")


def test_bad_input_fixture_is_walked_without_surprises() -> None:
    items = walk(FIXTURES / "bad-input", ScanConfig())
    reasons = {p: s.reason for p, s in skips(items).items()}
    assert reasons == {
        "build": SkipReason.IGNORED,
        "scratch.py": SkipReason.IGNORED,
        "vendor": SkipReason.VENDORED,
    }
    assert "good.py" in found_paths(items)
