"""codepack.output.stats and `codepack stats`: figures from an output folder, read column by
column."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from codepack.config import OutputConfig
from codepack.output.stats import StatsError, collect, distribution, text_histogram
from codepack.output.writer import ShardWriter, drops_to_table, write_manifest
from codepack.records import Drop, Example, FilePiece

FIXTURE_REPOS = Path(__file__).resolve().parent.parent / "fixtures" / "repos"

# (repo, [(n_tokens, [(path, language, part, n_parts, reason, fim)])])
REPOS = [
    ("acme/app", [
        (120, [("app/models.py", "python", 0, 1, "dependency", "none"),
               ("app/views.py", "python", 0, 1, "dependency", "psm")]),
        (300, [("tests/test_models.py", "python", 0, 1, "test_of", "spm"),
               ("big.py", "python", 0, 2, "alphabetical", "none")]),
        (280, [("big.py", "python", 1, 2, "alphabetical", "none")]),
    ]),
    ("acme/lib", [
        (50, [("src/Main.java", "java", 0, 1, "dependency", "psm")]),
    ]),
    ("acme/tool", [
        (1000, [("main.go", "go", 0, 1, "alphabetical", "none"),
                ("util.go", "go", 0, 1, "alphabetical", "spm")]),
    ]),
]
DROPS = [
    Drop("acme/app", "logo.png", "scan", "binary"),
    Drop("acme/app", "bundle.min.js", "scan", "minified"),
    Drop("acme/lib", "copy.py", "dedup", "duplicate", "acme/app/app/models.py"),
    Drop("acme/tool", "copy2.py", "dedup", "near_duplicate", "acme/app/app/models.py"),
    Drop("acme/tool", "other.py", "dedup", "duplicate", "acme/lib/src/Main.java"),
    Drop("acme/app", "settings.py", "secrets", "redacted", "aws_key"),
]
RUN_STATS = {
    "repos": 3, "files_seen": 14, "files_packed": 7, "examples": 5, "tokens": 1750,
    "skipped.binary": 1, "skipped.minified": 1, "skipped.duplicate": 2,
    "skipped.near_duplicate": 1, "files_redacted": 1,
    "imports_found": 10, "imports_resolved": 6, "imports_unresolved": 4,
    "graph.edges_found": 6, "graph.edges_kept": 5, "graph.edges_removed_for_cycles": 1,
    "graph.files_by_dependency": 3, "graph.files_by_test": 1, "graph.files_by_fallback": 4,
    "graph.components": 2, "graph.largest_component": 3,
    "files_by_language.python": 4, "files_by_language.java": 1, "files_by_language.go": 2,
    "tokens_by_language.python": 700, "tokens_by_language.java": 50,
    "tokens_by_language.go": 1000,
    "dedup.files_exact": 2, "dedup.files_near": 1,
}


def make_examples() -> list[tuple[str, list[Example]]]:
    out = []
    for repo, rows in REPOS:
        examples = [
            Example(repo, i, f"text of {repo} #{i}", n_tokens,
                    [FilePiece(p, lang, part, n_parts, reason, fim)
                     for p, lang, part, n_parts, reason, fim in pieces])
            for i, (n_tokens, pieces) in enumerate(rows)
        ]
        out.append((repo, examples))
    return out


def make_output(out: Path, *, extra_stats: dict | None = None, shard_bytes: int = 1) -> Path:
    """An output folder as `codepack pack` writes it, built with the library's writer."""
    out.mkdir(parents=True, exist_ok=True)
    writer = ShardWriter(out, OutputConfig(shard_bytes=shard_bytes, row_group_rows=2))
    for index, (_, examples) in enumerate(make_examples()):
        writer.add_repo(index, examples)
    writer.close_shard()
    pq.write_table(drops_to_table(DROPS), out / "dropped.parquet")
    write_manifest(out, {
        "codepack_version": "0.1.0", "schema_version": 1, "python": "3.11.0",
        "config": {"examples": {"max_tokens": 1024, "fim_rate": 0.8, "format": "codegemma"}},
        "inputs": ["repos"], "repos": 3,
        "stats": {**RUN_STATS, **(extra_stats or {})},
        "shards": [s.to_dict() for s in writer.shards],
        "token_counter": {"name": "approx", "exact": False},
    })
    return out


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    return make_output(tmp_path / "data")


def test_counts_come_from_shards_and_manifest(out_dir: Path) -> None:
    figures = collect(out_dir)
    assert figures["shards"] == {"files": 3, "rows": 5, "unreadable": 0}
    assert figures["examples"] == 5
    assert figures["tokens"] == 120 + 300 + 280 + 50 + 1000
    assert figures["repos"] == 3
    assert figures["files"]["seen"] == 14
    assert figures["files"]["packed"] == 7
    assert figures["files"]["skipped"] == {
        "binary": 1, "duplicate": 2, "minified": 1, "near_duplicate": 1}
    assert figures["files"]["skipped_total"] == 5
    assert figures["warnings"] == []


def test_languages_fim_order_and_graph(out_dir: Path) -> None:
    figures = collect(out_dir)
    assert [r["language"] for r in figures["languages"]] == ["go", "python", "java"]
    assert figures["languages"][0] == {"language": "go", "files": 2, "tokens": 1000,
                                       "token_share": round(1000 / 1750, 4)}
    # 8 pieces: 4 none, 2 psm, 2 spm
    assert figures["fim"]["pieces"] == {"none": 4, "psm": 2, "spm": 2}
    assert figures["fim"]["share"] == 0.5
    assert figures["order"] == {"alphabetical": 4, "dependency": 3, "test_of": 1}
    graph = figures["graph"]
    assert graph["edges_removed_for_cycles"] == 1
    assert graph["files_by_test"] == 1
    assert graph["resolved_share"] == 0.6


def test_removals_grouped_by_stage_and_dedup_clusters(out_dir: Path) -> None:
    figures = collect(out_dir)
    assert figures["removals"] == [
        {"stage": "dedup", "reason": "duplicate", "files": 2},
        {"stage": "dedup", "reason": "near_duplicate", "files": 1},
        {"stage": "scan", "reason": "binary", "files": 1},
        {"stage": "scan", "reason": "minified", "files": 1},
        {"stage": "secrets", "reason": "redacted", "files": 1},
    ]
    assert figures["audit_rows"] == len(DROPS)
    # three dedup removals, two distinct survivors
    assert figures["dedup"] == {"files_exact": 2, "files_near": 1, "repos_dropped": 0,
                                "clusters": 2}


def test_length_distribution(out_dir: Path) -> None:
    lengths = collect(out_dir)["example_tokens"]
    values = [120, 300, 280, 50, 1000]
    assert lengths["count"] == 5
    assert (lengths["min"], lengths["max"]) == (50, 1000)
    assert lengths["p50"] == 280
    assert lengths["mean"] == pytest.approx(np.mean(values))
    assert sum(b["count"] for b in lengths["histogram"]) == 5


def test_text_column_is_never_read(out_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[tuple[str, ...]] = []
    original = pq.ParquetFile.iter_batches

    def spy(self, *args, columns=None, **kwargs):
        asked.append(tuple(columns or ("<all>",)))
        return original(self, *args, columns=columns, **kwargs)

    monkeypatch.setattr(pq.ParquetFile, "iter_batches", spy)
    monkeypatch.setattr(pq, "read_table", lambda *a, **k: pytest.fail("read_table used"))
    collect(out_dir)
    assert asked, "stats must read the shards batch by batch"
    assert all("text" not in cols and "<all>" not in cols for cols in asked)


def test_unknown_and_malformed_manifest_keys_are_tolerated(tmp_path: Path) -> None:
    out = make_output(tmp_path / "data", extra_stats={
        "graph.brand_new": 7, "some.future.counter": 3, "tokens": "lots", "files_seen": None})
    figures = collect(out)
    assert figures["graph"]["brand_new"] == 7
    assert figures["files"]["seen"] == 0  # null counts as zero
    assert figures["tokens"] == 1750  # from the shards, not the manifest


def test_corrupt_shard_is_counted_not_fatal(out_dir: Path) -> None:
    (out_dir / "part-00001.parquet").write_bytes(b"not parquet at all")
    figures = collect(out_dir)
    assert figures["shards"]["unreadable"] == 1
    assert figures["examples"] == 4  # the other shards still count
    assert any("part-00001.parquet does not read" in w for w in figures["warnings"])


def test_missing_manifest_falls_back_to_shards(out_dir: Path) -> None:
    (out_dir / "manifest.json").unlink()
    figures = collect(out_dir)
    assert figures["repos"] == 3
    assert figures["files"]["packed"] == 7  # first parts of file pieces (big.py once)
    assert {r["language"]: r["files"] for r in figures["languages"]} == {
        "python": 4, "java": 1, "go": 2}
    assert any("no manifest.json" in w for w in figures["warnings"])


def test_broken_manifest_and_shard_mismatch_are_warned(out_dir: Path) -> None:
    manifest = json.loads((out_dir / "manifest.json").read_text())
    manifest["shards"].append({"name": "part-00009.parquet"})
    (out_dir / "manifest.json").write_text(json.dumps(manifest))
    assert any("not on disk: part-00009.parquet" in w for w in collect(out_dir)["warnings"])
    (out_dir / "manifest.json").write_text("{truncated")
    figures = collect(out_dir)
    assert figures["examples"] == 5
    assert any("manifest.json does not read" in w for w in figures["warnings"])


def test_shard_without_some_columns(tmp_path: Path) -> None:
    out = tmp_path / "data"
    out.mkdir()
    pq.write_table(pq.read_table(make_output(tmp_path / "full") / "part-00000.parquet",
                                 columns=["repo", "n_tokens"]), out / "part-00000.parquet")
    figures = collect(out)
    assert figures["examples"] == 3
    assert figures["fim"] == {"pieces": {}, "share": 0.0}
    assert any("has no column(s)" in w for w in figures["warnings"])


def test_not_an_output_folder(tmp_path: Path) -> None:
    with pytest.raises(StatsError, match="not a folder"):
        collect(tmp_path / "missing")
    with pytest.raises(StatsError, match="not a codepack output folder"):
        collect(tmp_path)


def test_empty_run(tmp_path: Path) -> None:
    out = tmp_path / "data"
    out.mkdir()
    write_manifest(out, {"codepack_version": "0.1.0", "stats": {}, "shards": []})
    figures = collect(out)
    assert figures["examples"] == 0
    assert figures["example_tokens"]["histogram"] == []
    assert text_histogram(figures["example_tokens"]["histogram"]) == []


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=5000), min_size=1, max_size=300))
def test_distribution_matches_numpy(values: list[int]) -> None:
    summary = distribution(np.bincount(np.array(values)))
    array = np.array(values)
    assert summary["count"] == len(values)
    assert (summary["min"], summary["max"]) == (array.min(), array.max())
    for p in (10, 50, 90):
        assert summary[f"p{p}"] == int(np.percentile(array, p, method="inverted_cdf"))
    assert summary["mean"] == pytest.approx(array.mean(), abs=0.01)
    bins = summary["histogram"]
    assert sum(b["count"] for b in bins) == len(values)
    assert bins[0]["lo"] == array.min() and bins[-1]["hi"] == array.max()
    assert all(a["hi"] + 1 == b["lo"] for a, b in itertools.pairwise(bins))
    assert len(bins) <= 20


def test_text_histogram_merges_bins() -> None:
    bins = [{"lo": i * 10, "hi": i * 10 + 9, "count": i} for i in range(20)]
    lines = text_histogram(bins, rows=10, width=10)
    assert len(lines) == 10
    assert lines[0].split() == ["0-19", "▏", "1"]  # a non-empty bin always shows
    assert lines[-1].split() == ["180-199", "█" * 10, "37"]


def _cli():
    from codepack.cli import app

    return app


def test_cli_json_is_the_library_dict(out_dir: Path) -> None:
    result = CliRunner().invoke(_cli(), ["stats", str(out_dir), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == collect(out_dir)


def test_cli_tables(out_dir: Path) -> None:
    result = CliRunner().invoke(_cli(), ["stats", str(out_dir)])
    assert result.exit_code == 0, result.output
    for needle in ("files packed", "near_duplicate", "edges_removed_for_cycles", "p90", "█"):
        assert needle in result.output


def test_cli_bad_folder(tmp_path: Path) -> None:
    result = CliRunner().invoke(_cli(), ["stats", str(tmp_path / "nope")])
    assert result.exit_code == 2
    assert "not a folder" in result.output


@pytest.mark.skipif(not FIXTURE_REPOS.is_dir() or not any(FIXTURE_REPOS.iterdir()),
                    reason="fixtures/repos is empty")
def test_end_to_end_on_a_real_run(tmp_path: Path) -> None:
    import codepack

    summary = codepack.pack([FIXTURE_REPOS], tmp_path / "data", workers=1)
    figures = collect(tmp_path / "data")
    assert figures["warnings"] == []
    assert figures["examples"] == summary.stats.get("examples", 0) > 0
    assert figures["tokens"] == summary.stats.get("tokens", 0)
    assert figures["repos"] == summary.stats["repos"]
    assert figures["audit_rows"] == summary.audit_rows
    assert sum(r["files"] for r in figures["removals"]) == summary.audit_rows
    assert figures["example_tokens"]["max"] <= 8192
