"""The stage glue: scan of in-memory files, dedup records, dependency positions."""

from __future__ import annotations

from codepack.api import pack_repo_result
from codepack.config import ExampleConfig, PackConfig
from codepack.records import Edge, ImportRef
from codepack.run.pipeline import earlier_dependencies

CONFIG = PackConfig(examples=ExampleConfig(fim_rate=0.0))
BODY = "".join(
    f"def function_{i}(value):\n    return value * {i} + offset_{i}\n" for i in range(40)
)


def test_duplicate_files_are_dropped_but_tiny_ones_are_kept() -> None:
    files = [
        ("a/big.py", BODY),
        ("b/big.py", BODY),  # exact duplicate: one survives
        ("a/__init__.py", "from .big import function_1\n"),
        ("b/__init__.py", "from .big import function_1\n"),  # 5 code tokens: structure, kept
    ]
    result = pack_repo_result("repo", files, CONFIG)
    paths = {p for e in result.examples for p in e.paths}
    assert paths == {"a/big.py", "a/__init__.py", "b/__init__.py"}
    dropped = [(d.path, d.reason, d.detail) for d in result.audit if d.stage == "dedup"]
    assert dropped == [("b/big.py", "duplicate", "repo/a/big.py")]
    assert result.stats["skipped.duplicate"] == 1


def test_every_file_is_counted_once() -> None:
    files = [("x.py", BODY), ("blob.py", "\x00binary"), ("notes.txt", "hello"), ("e.py", "")]
    result = pack_repo_result("repo", files, CONFIG)
    skipped = {d.path: d.reason for d in result.audit}
    assert skipped == {"blob.py": "binary", "notes.txt": "not_code", "e.py": "empty"}
    assert result.stats["files_seen"] == 4
    assert result.stats["files_packed"] == 1


def test_earlier_dependencies_are_positions_of_imports_placed_before() -> None:
    ref = ImportRef("m", 1)
    edges = [Edge("c.py", "a.py", ref), Edge("c.py", "b.py", ref), Edge("a.py", "c.py", ref)]
    # order a, b, c: c imports a and b (both earlier); a imports c (later: not counted)
    assert earlier_dependencies(["a.py", "b.py", "c.py"], edges) == [[], [], [0, 1]]


def test_tokens_are_attributed_to_languages_by_body_length() -> None:
    files = [("a.py", BODY), ("b.go", "package b\n\nfunc B() int { return 1 }\n")]
    result = pack_repo_result("repo", files, CONFIG)
    stats = result.stats
    python, go = stats["tokens_by_language.python"], stats["tokens_by_language.go"]
    assert python > go > 0
    assert python + go <= stats["tokens"] <= python + go + len(result.examples) * 2


def test_empty_repositories_are_counted() -> None:
    empty = pack_repo_result("repo", [], CONFIG)
    assert empty.examples == []
    assert empty.stats["repos_empty"] == 1 and empty.stats["repos_without_examples"] == 1
    skipped_only = pack_repo_result("repo", [("README.md", "# hi\n")], CONFIG)
    assert skipped_only.stats["repos_empty"] == 0
    assert skipped_only.stats["repos_without_examples"] == 1


def test_secrets_are_redacted_or_the_file_dropped() -> None:
    from dataclasses import replace

    leaky = 'TOKEN = "ghp_' + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8" + '"\nVALUE = 1\n'
    files = [("leaky.py", leaky), ("x.py", BODY)]
    redacted = pack_repo_result("repo", files, CONFIG)
    text = "".join(e.text for e in redacted.examples)
    assert "ghp_" not in text and "VALUE = 1" in text
    assert [(d.path, d.reason) for d in redacted.audit if d.stage == "secrets"] == [
        ("leaky.py", "redacted")]
    drop = replace(CONFIG, hygiene=replace(CONFIG.hygiene, secrets="drop"))
    dropped = pack_repo_result("repo", files, drop)
    assert {p for e in dropped.examples for p in e.paths} == {"x.py"}
    assert dropped.stats["skipped.secrets"] == 1
