"""Work files between the passes: every record comes back equal, and a file that is not
exactly what codepack writes is refused with ``WorkFileError`` (never half-trusted)."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import msgpack
import pytest

from codepack.dedup.plan import DedupRecord, RepoDedupRecord
from codepack.records import Drop, ImportRef, RepoScan, SkippedFile, SkipReason, SourceFile
from codepack.run import workfiles
from codepack.run.workfiles import (
    WorkFileError,
    read_dedup_records,
    read_scan,
    write_dedup_records,
    write_scan,
)


def _scan() -> RepoScan:
    """A scan with every kind of value a field can hold (non-ASCII text included)."""
    imports = (ImportRef("pkg.core", 1, "from", ("run", "Stop"), relative=True),
               ImportRef("os", 3, lazy=True, type_only=True, conditional=True, wildcard=True,
                         system=True))
    return RepoScan(
        name="acme/ünï",
        files=[
            SourceFile("a.py", "python", "from pkg.core import run\n# ü ✓ 𝄞\n", 30,
                       content_hash="ab12", imports=imports, parse_error=True,
                       minhash=b"\x00\x01\xff", redactions=2, declarations=("pkg", "acme")),
            SourceFile("b.go", "go", "", 0),
        ],
        skipped=[SkippedFile("gen.go", SkipReason.GENERATED, "header says", "go", ("main",)),
                 SkippedFile("x.png", SkipReason.NOT_CODE)],
        aux={"go.mod": "module acme\n", "package.json": "{}"},
        audit=[Drop("acme/ünï", "a.py", "secrets", "redacted", "aws")],
    )


def _rewrite(path: Path, change: Any) -> None:
    """Decode a work file as plain lists, let ``change`` edit it, write it back."""
    document = msgpack.unpackb(path.read_bytes(), raw=False)
    change(document)
    path.write_bytes(msgpack.packb(document, use_bin_type=True))


def test_a_scan_and_its_records_come_back_equal(tmp_path: Path) -> None:
    scan = _scan()
    write_scan(scan, tmp_path / "scan.msgpack")
    assert read_scan(tmp_path / "scan.msgpack") == scan
    records = [DedupRecord("r", "a.py", "h1", b"\x01\x02", 3, 10),
               DedupRecord("r", "b.py", "h2", None, 3, 0)]
    write_dedup_records(records, tmp_path / "d.msgpack")
    assert read_dedup_records(tmp_path / "d.msgpack") == records
    repo_level = [RepoDedupRecord("r", 2, b"\x05", "h")]
    write_dedup_records(repo_level, tmp_path / "r.msgpack")
    assert read_dedup_records(tmp_path / "r.msgpack") == repo_level
    write_dedup_records([], tmp_path / "none.msgpack")
    assert read_dedup_records(tmp_path / "none.msgpack") == []


def test_an_empty_scan_comes_back_equal(tmp_path: Path) -> None:
    write_scan(RepoScan("empty"), tmp_path / "s")
    assert read_scan(tmp_path / "s") == RepoScan("empty")


def _source_row(document: list[Any]) -> list[Any]:
    return document[2][0]  # [header, head, files, ...]: the first file's row


@pytest.mark.parametrize("change, message", [
    (lambda d: _source_row(d).__setitem__(3, True), "wrong type"),  # a bool for n_bytes
    (lambda d: _source_row(d).__setitem__(3, 1.5), "wrong type"),
    (lambda d: _source_row(d).__setitem__(1, None), "wrong type"),
    (lambda d: _source_row(d)[5][0].__setitem__(3, ["run", 7]), "strings"),  # import names
    (lambda d: _source_row(d)[5][0].__setitem__(1, "1"), "wrong type"),  # import line
    (lambda d: _source_row(d).__setitem__(5, {"spec": "x"}), "wrong type"),
    (lambda d: _source_row(d).append(0), "wrong shape"),
    (lambda d: d[3][0].__setitem__(1, "no_such_reason"), "unknown skip reason"),
    (lambda d: d[1].__setitem__(1, {"go.mod": 1}), "aux"),
    (lambda d: d[1].__setitem__(0, 5), "aux"),
    (lambda d: _source_row(d).__setitem__(2, msgpack.ExtType(1, b"x")), "wrong type"),
    (lambda d: d.pop(), "incomplete"),
    (lambda d: d[0].__setitem__("version", 1), "another codepack version"),
    (lambda d: d[0]["layout"]["ImportRef"].pop(), "another codepack version"),
    (lambda d: d[0].__setitem__("kind", "dedup"), "not 'scan'"),
    (lambda d: d[0].__setitem__("format", "pickle"), "not a codepack work file"),
], ids=["bool-for-int", "float-for-int", "none-for-str", "int-in-names", "str-for-line",
        "map-for-imports", "extra-field", "skip-reason", "aux-value", "name",
        "ext-type", "section-missing", "version", "layout", "kind", "format"])
def test_a_changed_scan_is_refused(tmp_path: Path, change: Any, message: str) -> None:
    path = tmp_path / "scan.msgpack"
    write_scan(_scan(), path)
    _rewrite(path, change)
    with pytest.raises(WorkFileError, match=message):
        read_scan(path)


@pytest.mark.parametrize("data", [b"", b"\xc1", b"\x93\x01", msgpack.packb({"a": 1}),
                                  msgpack.packb([1, 2, 3]), b'{"format": "codepack-work"}'],
                         ids=["empty", "reserved-byte", "truncated", "a-map", "a-list", "json"])
def test_bytes_that_are_no_work_file_are_refused(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "scan.msgpack"
    path.write_bytes(data)
    with pytest.raises(WorkFileError):
        read_scan(path)
    with pytest.raises(WorkFileError):
        read_dedup_records(path)


def test_a_missing_work_file_is_a_work_file_error(tmp_path: Path) -> None:
    with pytest.raises(WorkFileError, match="not a readable work file"):
        read_scan(tmp_path / "absent.msgpack")


def test_dedup_records_of_a_wrong_type_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "d.msgpack"
    write_dedup_records([DedupRecord("r", "a.py", "h1", b"\x01", 3, 10)], path)
    _rewrite(path, lambda d: d[2][0].__setitem__(3, "not bytes"))
    with pytest.raises(WorkFileError, match="wrong type"):
        read_dedup_records(path)


def test_a_scan_is_not_read_as_dedup_records(tmp_path: Path) -> None:
    write_scan(_scan(), tmp_path / "scan.msgpack")
    with pytest.raises(WorkFileError, match="not 'dedup'"):
        read_dedup_records(tmp_path / "scan.msgpack")


def test_a_field_of_a_type_it_cannot_check_fails_loudly() -> None:
    @dataclasses.dataclass
    class WithFloat:
        name: str
        score: float

    with pytest.raises(TypeError, match=r"WithFloat\.score"):
        workfiles._RecordCodec(WithFloat)


def test_the_layout_names_every_field_of_every_spilled_record() -> None:
    for name, cls in [("SourceFile", SourceFile), ("ImportRef", ImportRef),
                      ("SkippedFile", SkippedFile), ("Drop", Drop),
                      ("DedupRecord", DedupRecord), ("RepoDedupRecord", RepoDedupRecord)]:
        assert workfiles._LAYOUT[name] == tuple(f.name for f in dataclasses.fields(cls))
