"""codepack.output.card: a Hub-readable dataset card with tables, and deterministic PNG plots."""

from __future__ import annotations

import importlib.util
import json
import struct
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from codepack.config import OutputConfig
from codepack.output.card import human_count, render_card, size_category, write_card
from codepack.output.stats import collect
from codepack.output.writer import ShardWriter, drops_to_table, write_manifest
from codepack.records import Drop, Example, FilePiece

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def make_output(out: Path, n_repos: int = 4) -> Path:
    """A small output folder written with the library's writer (two shards, an audit)."""
    out.mkdir(parents=True, exist_ok=True)
    writer = ShardWriter(out, OutputConfig(shard_bytes=200, row_group_rows=4))
    languages = ("python", "java", "go", "rust")
    for r in range(n_repos):
        examples = [
            Example(f"org/repo{r}", i, f"# file {i}\n" * (5 + 3 * i), 40 + 90 * i + 7 * r,
                    [FilePiece(f"src/m{i}.x", languages[(r + i) % 4], 0, 1, "dependency",
                               ("none", "psm", "spm")[i % 3])])
            for i in range(6)
        ]
        writer.add_repo(r, examples)
    writer.close_shard()
    drops = [Drop("org/repo0", "a.bin", "scan", "binary"),
             Drop("org/repo1", "b.py", "dedup", "duplicate", "org/repo0/b.py"),
             Drop("org/repo1", "c.py", "quality", "low_quality", "alnum 0.1")]
    pq.write_table(drops_to_table(drops), out / "dropped.parquet")
    write_manifest(out, manifest(writer))
    return out


def manifest(writer: ShardWriter) -> dict:
    return {
        "codepack_version": "0.1.0", "schema_version": 1, "python": "3.11.9",
        "dependencies": {"pyarrow": "20.0.0"},
        "config": {"examples": {"max_tokens": 600, "fim_rate": 0.8, "format": "codegemma"}},
        "stats": {"repos": 4, "files_seen": 27, "files_packed": 24, "skipped.binary": 1,
                  "skipped.duplicate": 1, "skipped.low_quality": 1,
                  "tokens_by_language.python": 900, "tokens_by_language.java": 700,
                  "tokens_by_language.go": 500, "tokens_by_language.rust": 300,
                  "graph.edges_found": 12, "graph.edges_removed_for_cycles": 2},
        "shards": [s.to_dict() for s in writer.shards],
        "token_counter": {"name": "approx", "exact": False},
    }


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    return make_output(tmp_path / "data")


def _write(out: Path, command: str | None = "codepack pack repos --out data") -> Path:
    return write_card(out, collect(out), json.loads((out / "manifest.json").read_text()), command)


def _front_matter(text: str) -> dict:
    yaml = pytest.importorskip("yaml")
    assert text.startswith("---\n")
    return yaml.safe_load(text.split("---\n")[1])


def test_front_matter_declares_the_shards_as_train_split(out_dir: Path) -> None:
    meta = _front_matter(_write(out_dir).read_text())
    assert meta["configs"] == [{"config_name": "default",
                                "data_files": [{"split": "train", "path": "part-*.parquet"}]}]
    assert meta["license"] == "other"
    assert meta["task_categories"] == ["text-generation"]
    assert meta["size_categories"] == ["n<1K"]
    assert {"code", "python", "rust"} <= set(meta["tags"])


def test_huggingface_hub_reads_the_card(out_dir: Path) -> None:
    hub = pytest.importorskip("huggingface_hub")
    card = hub.DatasetCard.load(_write(out_dir))
    assert card.data.configs[0]["data_files"][0]["path"] == "part-*.parquet"
    assert card.data.license == "other"


def test_load_dataset_on_the_folder_uses_the_card(
        out_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    datasets = pytest.importorskip("datasets")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    _write(out_dir)
    ds = datasets.load_dataset(str(out_dir), split="train", cache_dir=str(tmp_path / "cache"))
    assert ds.num_rows == 24  # the examples, not dropped.parquet's rows
    assert "text" in ds.column_names and "stage" not in ds.column_names


def test_card_shows_provenance_and_figures(out_dir: Path) -> None:
    text = _write(out_dir, "codepack pack repos --out data --max-tokens 600").read_text()
    assert "codepack pack repos --out data --max-tokens 600" in text
    assert "<details>" in text and '"max_tokens": 600' in text
    assert "| examples | 24 |" in text
    assert "| python | 6 | 900 | 37.5% |" in text
    assert "| dedup | duplicate | 1 |" in text
    assert "| edges removed to break cycles | 2 |" in text
    assert "`list<string>`" in text  # the schema table
    assert "approx (approximate)" in text


def test_plots_are_real_deterministic_pngs(out_dir: Path) -> None:
    pytest.importorskip("matplotlib")
    card = _write(out_dir).read_text()
    names = ("example_lengths", "tokens_by_language", "skip_reasons")
    first = {}
    for name in names:
        assert f"(plots/{name}.png)" in card
        data = (out_dir / "plots" / f"{name}.png").read_bytes()
        assert data.startswith(PNG_SIGNATURE)
        width, height = struct.unpack(">II", data[16:24])
        assert (width, height) == (800, 450)
        chunks = _png_chunk_types(data)
        assert b"tIME" not in chunks and b"tEXt" not in chunks  # no timestamp, no version
        first[name] = data
    _write(out_dir)
    for name in names:
        assert (out_dir / "plots" / f"{name}.png").read_bytes() == first[name]


def _png_chunk_types(data: bytes) -> list[bytes]:
    types, pos = [], len(PNG_SIGNATURE)
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        types.append(data[pos + 4:pos + 8])
        pos += 12 + length
    return types


def test_without_matplotlib_the_card_says_how_to_get_plots(
        out_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [m for m in sys.modules if m == "matplotlib" or m.startswith("matplotlib.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import fails
    text = _write(out_dir).read_text()
    assert "pip install 'codepack[report]'" in text
    assert "](plots/" not in text
    assert "| examples | 24 |" in text  # the tables are still there


def test_same_inputs_give_the_same_card(out_dir: Path, tmp_path: Path) -> None:
    other = make_output(tmp_path / "elsewhere" / "data")
    assert _write(out_dir).read_bytes() == _write(other).read_bytes()  # no paths, no times


def test_hostile_strings_are_escaped() -> None:
    stats = {"examples": 1, "warnings": ["shard <script>x</script> | broken"],
             "removals": [{"stage": "scan", "reason": "a|b", "files": 1}]}
    text = render_card(stats, {"config": {}}, "codepack pack `odd` ```dir```", plots={})
    assert "<script>" not in text
    assert "&lt;script&gt;" in text
    assert "| scan | a\\|b | 1 |" in text
    assert "````shell\ncodepack pack `odd` ```dir```\n````" in text


def test_empty_output_still_gives_a_card(tmp_path: Path) -> None:
    out = tmp_path / "data"
    out.mkdir()
    write_manifest(out, {"codepack_version": "0.1.0", "stats": {}, "shards": []})
    card = write_card(out, collect(out), {"stats": {}}, None)
    text = card.read_text()
    assert "0 examples" in text
    assert "command line was not recorded" in text
    assert not (out / "plots" / "example_lengths.png").exists()  # nothing to plot


@pytest.mark.parametrize(("rows", "label"), [
    (0, "n<1K"), (999, "n<1K"), (1000, "1K<n<10K"), (123_456, "100K<n<1M"),
    (2_000_000_000, "n>1B"),
])
def test_size_category(rows: int, label: str) -> None:
    assert size_category(rows) == label


@pytest.mark.parametrize(("value", "text"), [
    (0, "0"), (950, "950"), (12_000, "12K"), (3_450_000, "3.5M"), (1.2e9, "1.2B")])
def test_human_count(value: float, text: str) -> None:
    assert human_count(value) == text


FIXTURE_REPOS = Path(__file__).resolve().parent.parent / "fixtures" / "repos"


@pytest.mark.skipif(not FIXTURE_REPOS.is_dir(), reason="fixtures/repos is missing")
def test_a_real_run_writes_the_card(tmp_path: Path) -> None:
    import codepack

    summary = codepack.pack([FIXTURE_REPOS], tmp_path / "data", workers=1)
    text = (tmp_path / "data" / "README.md").read_text()
    assert _front_matter(text)["configs"][0]["data_files"][0]["path"] == "part-*.parquet"
    assert f"| examples | {summary.stats['examples']:,} |" in text
    if importlib.util.find_spec("matplotlib") is not None:
        assert (tmp_path / "data" / "plots" / "example_lengths.png").is_file()
