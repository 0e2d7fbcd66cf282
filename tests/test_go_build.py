"""Go build constraints: the //go:build evaluator, legacy // +build lines, file-name rules,
the target option, and where the scan finds constraint lines."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from codepack.api import deps
from codepack.config import PackConfig, ScanConfig
from codepack.graph.languages.extract import extract_file
from codepack.graph.resolvers.go_build import (
    DEFAULT_GO_TARGET,
    GoTarget,
    constraints_hold,
    name_builds,
)

LINUX = GoTarget.parse(DEFAULT_GO_TARGET)


def holds(*lines: str, target: GoTarget = LINUX) -> bool:
    return constraints_hold(lines, target)


# -- the target -------------------------------------------------------------------------------


def test_target_parses_platform_cgo_release_and_tags():
    target = GoTarget.parse("windows/arm64,nocgo,go1.19,purego")
    assert (target.goos, target.goarch) == ("windows", "arm64")
    assert (target.cgo, target.release) == (False, 19)
    assert target.tags == frozenset({"purego"})
    assert GoTarget("linux", "amd64", True, None, frozenset()) == LINUX


@pytest.mark.parametrize("bad", ["linux", "linux/x99", "plan10/amd64", "linux/amd64,a b", ""])
def test_target_rejects_what_go_would_not_accept_with_a_message(bad):
    with pytest.raises(ValueError, match="Go target"):
        GoTarget.parse(bad)


def test_tags_a_target_sets():
    assert all(LINUX.satisfies(t) for t in ("linux", "amd64", "unix", "gc", "cgo", "go1.1"))
    assert not any(LINUX.satisfies(t) for t in ("windows", "arm64", "ignore", "purego", "gccgo"))
    android = GoTarget.parse("android/arm64")
    assert android.satisfies("linux") and android.satisfies("unix")
    assert not GoTarget.parse("windows/amd64").satisfies("unix")
    pinned = GoTarget.parse("linux/amd64,go1.19")
    assert pinned.satisfies("go1.19") and not pinned.satisfies("go1.20")
    assert not GoTarget.parse("linux/amd64,nocgo").satisfies("cgo")


# -- //go:build -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("linux", True),
        ("!linux", False),
        ("linux && amd64", True),
        ("linux && arm64", False),
        ("windows || amd64", True),
        ("!(windows || darwin)", True),
        ("unix && !(arm64 || 386)", True),
        ("purego || !(linux || darwin)", False),
        ("cgo && !netgo", True),
        ("ignore", False),
        ("go1.18 && !go1.1", False),
        ("!!linux", True),
        ("linux || windows && arm64", True),  # && binds tighter than ||
        ("(linux || windows) && arm64", False),
    ],
)
def test_go_build_expressions(expression, expected):
    assert holds(f"//go:build {expression}") is expected


@pytest.mark.parametrize(
    "malformed", ["linux &&", "(linux", "linux)", "linux amd64", "&& x", "a@b"]
)
def test_malformed_go_build_line_keeps_the_file(malformed):
    assert holds(f"//go:build {malformed}") is True


def test_go_build_line_wins_over_plus_build_lines():
    assert holds("//go:build linux", "// +build windows") is True
    assert holds("//go:build windows", "// +build linux") is False


# -- // +build --------------------------------------------------------------------------------


def test_plus_build_space_is_or_comma_is_and_lines_are_and():
    assert holds("// +build windows linux") is True
    assert holds("// +build linux,arm64") is False
    assert holds("// +build linux,!arm64 darwin") is True
    assert holds("// +build linux darwin", "// +build arm64") is False
    assert holds("// +build linux darwin", "// +build amd64 arm64") is True
    assert holds("//\t+build !linux") is False
    assert holds("// +build !!linux") is False  # go/build rejects a double negation


# -- file names -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("net/net.go", True),
        ("net/fd_linux.go", True),
        ("net/fd_windows.go", False),
        ("net/fd_linux_amd64.go", True),
        ("net/fd_linux_arm64.go", False),
        ("net/fd_darwin_amd64.go", False),
        ("net/sock_arm64.go", False),
        ("net/sock_amd64.go", True),
        ("net/fd_unix.go", True),  # unix is a build tag, not a file-name constraint
        ("net/linux.go", True),  # the suffix needs an underscore before it
        ("net/net_test.go", False),
        ("net/net_linux_test.go", False),
        ("net/_gen.go", False),
        ("net/.hidden.go", False),
        ("net/defs_windows.pb.go", False),  # the suffix is read before the first dot
    ],
)
def test_file_name_rules(path, expected):
    assert name_builds(path, LINUX) is expected


def test_android_builds_linux_files():
    assert name_builds("x/fd_linux.go", GoTarget.parse("android/arm64"))


# -- where the scan finds the lines -----------------------------------------------------------


GO_FILE = """// Copyright 2026 The Authors.

//go:build linux && !cgo
// +build linux,!cgo

// Package x is documented here.
// +build not-a-constraint-without-a-blank-line
package x

// +build after-the-package-clause
import "fmt"
"""


def test_declarations_hold_the_package_then_the_constraint_lines_before_the_package_clause():
    extraction = extract_file(GO_FILE, "go")
    assert extraction.declarations == ("x", "//go:build linux && !cgo", "// +build linux,!cgo")
    assert [ref.spec for ref in extraction.imports] == ["fmt"]


def test_constraint_needs_a_blank_line_before_the_package_clause():
    assert extract_file("//go:build linux\npackage x\n", "go").declarations == ("x",)
    assert extract_file("//go:build linux\n\npackage x\n", "go").declarations == (
        "x",
        "//go:build linux",
    )


def test_constraint_counts_when_a_blank_line_ends_its_comment_run():
    text = "//go:build linux\n// Copyright 2026.\n\n// Package x.\npackage x\n"
    assert extract_file(text, "go").declarations == ("x", "//go:build linux")
    doc = "// Copyright 2026.\n\n// Package x.\n//go:build linux\npackage x\n"
    assert extract_file(doc, "go").declarations == ("x",)


def test_top_lines_extraction_keeps_the_constraint_lines():
    extraction = extract_file(GO_FILE, "go", import_lines=5)
    assert "//go:build linux && !cgo" in extraction.declarations


# -- the option, end to end -------------------------------------------------------------------

GO_STD = Path(__file__).resolve().parent.parent / "fixtures" / "repos" / "go-std"


def _net_targets(config: PackConfig | None) -> set[str]:
    report = deps(GO_STD, config)
    (server,) = [f for f in report["files"] if f["path"] == "net/http/server.go"]
    return {t for imp in server["imports"] if imp["spec"] == "net" for t in imp["resolved"]}


def test_go_target_option_reaches_the_resolver():
    default = _net_targets(None)
    windows = _net_targets(PackConfig(scan=ScanConfig(go_target="windows/amd64")))
    assert "net/fd_unix.go" in default and "net/fd_windows.go" not in default
    assert "net/fd_windows.go" in windows and "net/fd_unix.go" not in windows


def test_cli_rejects_a_bad_go_target(tmp_path: Path):
    from codepack.cli import app

    result = CliRunner().invoke(
        app, ["pack", str(GO_STD), "--out", str(tmp_path / "out"), "--go-target", "linux"]
    )
    assert result.exit_code != 0
    assert "--go-target" in result.output and "GOOS/GOARCH" in result.output
