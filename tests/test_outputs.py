"""Output names and atomic writes (codepack.output.outputs): one home, so writers and the folder
contract agree on every name a run can leave behind."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from codepack.config import OutputConfig
from codepack.output.outputs import (
    AUDIT_FILE,
    CARD_FILE,
    FILES_LEDGER,
    MANIFEST_FILE,
    RUN_FILE,
    atomic_path,
    atomic_write,
    audit_part_name,
    owned_name,
    shard_marker_name,
    shard_name,
    temporary_name,
)
from codepack.output.writer import ShardWriter

WRITTEN = [shard_name(0), shard_name(12345), shard_marker_name(7), audit_part_name(7),
           MANIFEST_FILE, AUDIT_FILE, RUN_FILE, FILES_LEDGER]


@pytest.mark.parametrize("name", WRITTEN)
def test_every_written_name_and_its_temporary_name_is_owned(name: str) -> None:
    assert owned_name(name)
    assert owned_name(temporary_name(name))


def test_the_card_is_owned_only_through_the_ledger_but_its_temporary_name_always() -> None:
    assert not owned_name(CARD_FILE)
    assert owned_name(temporary_name(CARD_FILE))


@pytest.mark.parametrize("name", ["part-notes.parquet", "part-1.parquet", "notes.json",
                                  ".notes.json.tmp", "manifest.json.bak", ".part-00001.tmp",
                                  "README.md.tmp", "..codepack-run.json.tmp"])
def test_names_a_user_may_choose_are_not_owned(name: str) -> None:
    assert not owned_name(name)


def test_temporary_names_are_hidden_once() -> None:
    assert temporary_name("manifest.json") == ".manifest.json.tmp"
    assert temporary_name(RUN_FILE) == ".codepack-run.json.tmp"  # not "..codepack-run..."


def test_atomic_write_replaces_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / MANIFEST_FILE
    target.write_text("old")
    atomic_write(target, "new")
    assert target.read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == [MANIFEST_FILE]


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / AUDIT_FILE
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_bytes(b"half")
        raise RuntimeError("disk full")
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == [AUDIT_FILE]


def test_a_closed_shard_leaves_only_owned_names(tmp_path: Path) -> None:
    writer = ShardWriter(tmp_path, OutputConfig())
    writer.add_repo(0, [])
    writer.close_shard()
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == sorted([shard_name(0), audit_part_name(0), shard_marker_name(0)])
    assert all(owned_name(name) for name in names)
    assert json.loads((tmp_path / shard_marker_name(0)).read_text())["name"] == shard_name(0)
