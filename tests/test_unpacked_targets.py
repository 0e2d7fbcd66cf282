"""Files the scan skips for their content stay in the import graph: imports resolve to them
as to any file, ``codepack deps`` reports those edges with the target's skip reason, and the
order never holds them."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from codepack.api import deps, pack_repo_result
from codepack.config import PackConfig, ScanConfig
from codepack.graph.resolve import resolution_stats, resolve_repo, unpacked_files
from codepack.records import ImportRef, SkippedFile, SkipReason
from codepack.scan.steps import with_header

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "repos"
GO_GENERATED = FIXTURES / "go-generated"
TS_BUILD = FIXTURES / "ts-build"


def _imports_of(report: dict, path: str) -> list[dict]:
    (entry,) = [f for f in report["files"] if f["path"] == path]
    return entry["imports"]


# the scan skips generated files itself (by default they are packed when imported)
SKIP_GENERATED = PackConfig(scan=ScanConfig(generated="skip"))


def test_deps_reports_edges_into_generated_files_with_their_skip_reason() -> None:
    report = deps(GO_GENERATED, SKIP_GENERATED)
    (unix,) = [i for i in _imports_of(report, "cmd/probe/main.go") if i["spec"].endswith("unix")]
    # the arm64 file fails on its name; zptrace_armnn_linux.go builds by name but its
    # //go:build line (read from the skipped file's header) rules it out
    assert unix["resolved"] == [
        "unix/syscall.go", "unix/zerrors_linux_amd64.go", "unix/zptrace_x86_linux.go"]
    assert unix["skipped"] == {"unix/zerrors_linux_amd64.go": "generated",
                               "unix/zptrace_x86_linux.go": "generated"}
    assert unix["rule"] == "go:module-path"
    assert report["summary"]["edges"] == 1
    assert report["summary"]["edges_with_skipped"] == 2
    # by default the generated files the package builds from are packed, edges like any
    by_default = deps(GO_GENERATED)
    (unix,) = [i for i in _imports_of(by_default, "cmd/probe/main.go")
               if i["spec"].endswith("unix")]
    assert unix["skipped"] == {} and len(unix["resolved"]) == 3
    assert by_default["summary"]["edges_with_skipped"] == 0


def _go_generated_files() -> list[tuple[str, bytes]]:
    return [(p.relative_to(GO_GENERATED).as_posix(), p.read_bytes())
            for p in sorted(GO_GENERATED.rglob("*")) if p.is_file()]


def test_the_order_holds_only_packed_files() -> None:
    result = pack_repo_result("go-generated", _go_generated_files(), SKIP_GENERATED)
    packed = {piece.path for e in result.examples for piece in e.pieces}
    assert packed == {"cmd/probe/main.go", "unix/syscall.go"}
    assert result.stats["imports_unresolved"] == 1  # "fmt"
    assert result.stats["imports_resolved"] == 1


def test_imported_generated_files_are_packed_before_their_importer() -> None:
    """The two generated files that build for linux/amd64 are package files of ``unix``,
    which main.go imports; the arm variants build for no import and stay skipped."""
    result = pack_repo_result("go-generated", _go_generated_files())
    order = [piece.path for e in result.examples for piece in e.pieces if piece.part == 0]
    assert set(order) == {"cmd/probe/main.go", "unix/syscall.go",
                          "unix/zerrors_linux_amd64.go", "unix/zptrace_x86_linux.go"}
    assert order[-1] == "cmd/probe/main.go"
    assert {d.path for d in result.audit if d.reason == "generated"} == {
        "unix/zerrors_linux_arm64.go", "unix/zptrace_armnn_linux.go"}


def test_deps_text_view_names_the_skip_reason(tmp_path: Path) -> None:
    from codepack.cli import app

    (tmp_path / "a.py").write_text("import b\nimport c\n")
    (tmp_path / "b.py").write_text("x = '" + "a" * 1200 + "'\n")  # minified: a long line
    (tmp_path / "c.py").write_text("def c():\n    return 1\n")
    result = CliRunner().invoke(app, ["deps", str(tmp_path)], env={"COLUMNS": "240"})
    assert result.exit_code == 0, result.output
    assert "(skipped: minified)" in result.output
    summary = " ".join(result.output.split())
    assert "1 edges between packed files, 1 with a file not packed" in summary


def test_edges_to_unpacked_files_never_reach_the_order_edges() -> None:
    ref = ImportRef("./gen", 1, "import", relative=True)
    lone = ImportRef("./only_gen", 2, "import", relative=True)
    resolution = resolve_repo(
        [("a.ts", "typescript", (ref, lone)), ("b.ts", "typescript", ())],
        {},
        unpacked=[SkippedFile("gen.ts", SkipReason.GENERATED, "", "typescript"),
                  SkippedFile("only_gen.ts", SkipReason.MINIFIED, "", "typescript")],
    )
    assert resolution.edges == []
    assert [(e.src, e.dst) for e in resolution.unpacked] == [("a.ts", "gen.ts"),
                                                             ("a.ts", "only_gen.ts")]
    assert resolution.unresolved == []
    assert resolution_stats(resolution) == {"imports": 2, "resolved": 2, "unresolved": 0,
                                            "edges": 0}


def test_only_files_skipped_for_their_content_are_nameable() -> None:
    skipped = [
        SkippedFile("gen.go", SkipReason.GENERATED, "header"),
        SkippedFile("big.py", SkipReason.TOO_LARGE, "2000000 bytes"),
        SkippedFile("dup.js", SkipReason.DUPLICATE, "of x.js"),
        SkippedFile("pkg/__init__.py", SkipReason.EMPTY, "0 bytes"),  # a marker, not a target
        SkippedFile("node_modules", SkipReason.VENDORED, "not walked"),
        SkippedFile("notes.md", SkipReason.NOT_CODE, ".md"),
        SkippedFile("blob.py", SkipReason.BINARY, "NUL"),
        SkippedFile("data.bin", SkipReason.GENERATED, "no language"),
    ]
    found = unpacked_files(skipped)
    assert [(s.path, s.language) for s in found] == [
        ("gen.go", "go"), ("big.py", "python"), ("dup.js", "javascript")]


def test_a_skipped_file_keeps_the_declarations_of_its_header_only() -> None:
    text = ("// Code generated by mkerrors; DO NOT EDIT.\n\n//go:build linux && arm64\n\n"
            "package unix\n\n" + "const X = 1\n" * 5000)
    skip = with_header(SkippedFile("z.go", SkipReason.GENERATED, "header"), text.encode())
    assert skip.language == "go"
    assert skip.declarations == ("unix", "//go:build linux && arm64")
    # a language whose resolver reads no declarations: the name is all it needs
    js = with_header(SkippedFile("m.js", SkipReason.MINIFIED, "long"), b"package x\n")
    assert (js.language, js.declarations) == ("javascript", ())
    # never walked or never code: nothing is read
    vendored = SkippedFile("vendor", SkipReason.VENDORED, "not walked")
    assert with_header(vendored, b"") is vendored


def test_a_one_line_reexport_file_is_packed_with_its_edges() -> None:
    report = deps(TS_BUILD)
    (index,) = _imports_of(report, "src/index.ts")[:1]
    assert index["resolved"] == ["src/operators/map.ts"] and index["skipped"] == {}


def test_deps_reads_the_imports_of_a_skipped_file_back() -> None:
    # compiled CommonJS with one 1,000-character ``exports.a = exports.b = ...`` line is
    # skipped as minified, but what it requires is still a dependency of the repository
    report = deps(TS_BUILD)
    (bundle,) = [f for f in report["files"] if f["path"] == "dist/bundle.cjs"]
    assert bundle["skipped"] == "minified"
    assert [(i["spec"], i["resolved"]) for i in bundle["imports"]] == [
        ("./subscribable.cjs", ["dist/subscribable.cjs"])]
    packed = [f for f in report["files"] if not f["skipped"]]
    assert len(packed) == report["summary"]["files"]
    assert report["summary"]["skipped_files_read"] == 1
