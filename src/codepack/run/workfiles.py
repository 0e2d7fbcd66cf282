"""Work files: a repository's scan and its dedup records, kept between the two passes.

With dedup on, pass 1 spills each repository's scan to ``--out/.codepack-work/`` and pass 2
(or a ``--resume`` after an interruption) reads it back. Whoever can write into the output
folder can plant a file there, so work files are plain JSON *data*: every record is rebuilt
field by field from codepack's own record classes, every value is type-checked, and nothing
in a work file is ever executed (they used to be pickles, which run code on load). A file that
does not decode — corrupt, truncated, planted, from another codepack version — raises
``WorkFileError``; callers then recompute it from the input instead of trusting it.

The layout follows the record classes' own fields (``dataclasses.fields``), so a field added
to a record is spilled without touching this module; a field of a type this module cannot
check fails loudly at the first spill (and in the tests), never silently.
"""

from __future__ import annotations

import base64
import dataclasses
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from codepack.dedup.plan import DedupRecord, RepoDedupRecord
from codepack.output.outputs import atomic_path
from codepack.records import Drop, ImportRef, RepoScan, SkippedFile, SkipReason, SourceFile

FORMAT = "codepack-work"
VERSION = 1


class WorkFileError(ValueError):
    """A work file that cannot be trusted: unreadable, not JSON, or not codepack's layout."""


# --------------------------------------------------------------------------- value codecs
# annotation (as written in records.py / dedup.py) -> (encode, decode)


def _check(kind: type | tuple[type, ...]) -> Callable[[Any], Any]:
    def decode(value: Any) -> Any:
        if isinstance(value, bool) and kind is not bool:
            raise WorkFileError(f"expected {kind}, got a bool")
        if not isinstance(value, kind):
            raise WorkFileError(f"expected {kind}, got {type(value).__name__}")
        return value
    return decode


def _same(value: Any) -> Any:
    return value


def _strings(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise WorkFileError("expected a list of strings")
    return tuple(value)


def _encode_bytes(value: bytes | None) -> str | None:
    return None if value is None else base64.b64encode(value).decode("ascii")


def _decode_bytes(value: Any) -> bytes | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise WorkFileError("expected base64 text")
    try:
        return base64.b64decode(value, validate=True)
    except ValueError as exc:
        raise WorkFileError(f"bad base64: {exc}") from exc


def _decode_reason(value: Any) -> SkipReason:
    try:
        return SkipReason(value)
    except ValueError as exc:
        raise WorkFileError(f"unknown skip reason {value!r}") from exc


def _decode_float(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise WorkFileError("expected a number")
    return float(value)


_VALUES: dict[str, tuple[Callable[[Any], Any], Callable[[Any], Any]]] = {
    "str": (_same, _check(str)),
    "int": (_same, _check(int)),
    "bool": (_same, _check(bool)),
    "float": (_same, _decode_float),
    "str | None": (_same, lambda v: None if v is None else _check(str)(v)),
    "int | None": (_same, lambda v: None if v is None else _check(int)(v)),
    "tuple[str, ...]": (list, _strings),
    "bytes | None": (_encode_bytes, _decode_bytes),
    "SkipReason": (str, _decode_reason),
}


# --------------------------------------------------------------------------- record codecs


class _RecordCodec:
    """One record class as a positional list of its fields' values."""

    def __init__(self, cls: type, nested: dict[str, _RecordCodec] | None = None) -> None:
        self.cls = cls
        self.fields = [f.name for f in dataclasses.fields(cls)]
        self.codecs: list[tuple[Callable[[Any], Any], Callable[[Any], Any]]] = []
        for f in dataclasses.fields(cls):
            annotation = str(f.type)
            if nested and annotation in nested:
                self.codecs.append(_list_of(nested[annotation]))
            elif annotation in _VALUES:
                self.codecs.append(_VALUES[annotation])
            else:
                raise TypeError(f"workfiles cannot spill {cls.__name__}.{f.name}: {annotation}")

    def encode(self, record: Any) -> list[Any]:
        return [enc(getattr(record, name))
                for name, (enc, _) in zip(self.fields, self.codecs, strict=True)]

    def decode(self, row: Any) -> Any:
        if not isinstance(row, list) or len(row) != len(self.fields):
            raise WorkFileError(f"a {self.cls.__name__} row has the wrong shape")
        return self.cls(*(dec(value) for value, (_, dec) in zip(row, self.codecs, strict=True)))


def _list_of(codec: _RecordCodec) -> tuple[Callable[[Any], Any], Callable[[Any], Any]]:
    def decode(rows: Any) -> tuple[Any, ...]:
        if not isinstance(rows, list):
            raise WorkFileError(f"expected a list of {codec.cls.__name__}")
        return tuple(codec.decode(row) for row in rows)
    return (lambda records: [codec.encode(r) for r in records], decode)


_IMPORT = _RecordCodec(ImportRef)
_SOURCE = _RecordCodec(SourceFile, {"tuple[ImportRef, ...]": _IMPORT})
_SKIPPED = _RecordCodec(SkippedFile)
_DROP = _RecordCodec(Drop)
_DEDUP = _RecordCodec(DedupRecord)
_REPO_DEDUP = _RecordCodec(RepoDedupRecord)
_CODECS = {"ImportRef": _IMPORT, "SourceFile": _SOURCE, "SkippedFile": _SKIPPED, "Drop": _DROP,
           "DedupRecord": _DEDUP, "RepoDedupRecord": _REPO_DEDUP}


def _layout() -> dict[str, list[str]]:
    """Field names of every spilled class: a reader refuses a file written with another."""
    return {name: codec.fields for name, codec in _CODECS.items()}


# --------------------------------------------------------------------------- files


def _write(path: Path, kind: str, body: dict[str, Any]) -> None:
    """Write atomically: a work file either is complete or does not exist under its name.
    No fsync: a work file lost to a power cut is recomputed like a corrupt one."""
    document = {"format": FORMAT, "version": VERSION, "kind": kind, "layout": _layout(), **body}
    with atomic_path(path) as tmp, tmp.open("w", encoding="utf-8") as fh:
        json.dump(document, fh, ensure_ascii=True, separators=(",", ":"))


def _read(path: Path, kind: str) -> dict[str, Any]:
    try:
        with path.open("r", encoding="utf-8") as fh:
            document = json.load(fh)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise WorkFileError(f"{path.name}: not a readable work file ({exc})") from exc
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise WorkFileError(f"{path.name}: not a codepack work file")
    if document.get("version") != VERSION or document.get("layout") != _layout():
        raise WorkFileError(f"{path.name}: written by another codepack version")
    if document.get("kind") != kind:
        raise WorkFileError(f"{path.name}: holds {document.get('kind')!r}, not {kind!r}")
    return document


def write_scan(scan: RepoScan, path: Path) -> None:
    """Spill one repository's scan."""
    _write(path, "scan", {
        "name": scan.name,
        "files": [_SOURCE.encode(f) for f in scan.files],
        "skipped": [_SKIPPED.encode(s) for s in scan.skipped],
        "aux": scan.aux,
        "audit": [_DROP.encode(d) for d in scan.audit],
    })


def read_scan(path: Path) -> RepoScan:
    """Read a spilled scan back; ``WorkFileError`` if it is not exactly what ``write_scan``
    writes."""
    document = _read(path, "scan")
    try:
        name, aux = document["name"], document["aux"]
        if not isinstance(name, str) or not isinstance(aux, dict) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in aux.items()):
            raise WorkFileError("bad name or aux")
        return RepoScan(
            name=name,
            files=[_SOURCE.decode(row) for row in _rows(document["files"])],
            skipped=[_SKIPPED.decode(row) for row in _rows(document["skipped"])],
            aux=aux,
            audit=[_DROP.decode(row) for row in _rows(document["audit"])],
        )
    except (KeyError, TypeError) as exc:
        raise WorkFileError(f"{path.name}: incomplete scan ({exc})") from exc
    except WorkFileError as exc:
        raise WorkFileError(f"{path.name}: {exc}") from exc


def write_dedup_records(records: list[DedupRecord] | list[RepoDedupRecord], path: Path) -> None:
    """Spill one repository's dedup records (no text)."""
    rows = [(_REPO_DEDUP if isinstance(r, RepoDedupRecord) else _DEDUP, r) for r in records]
    _write(path, "dedup", {"records": [[type(r).__name__, c.encode(r)] for c, r in rows]})


def read_dedup_records(path: Path) -> list[Any]:
    """Read spilled dedup records back; ``WorkFileError`` if they do not validate."""
    document = _read(path, "dedup")
    try:
        out = []
        for kind, row in _rows(document["records"]):
            if kind not in ("DedupRecord", "RepoDedupRecord"):
                raise WorkFileError(f"unknown record kind {kind!r}")
            out.append(_CODECS[kind].decode(row))
        return out
    except (KeyError, TypeError, ValueError) as exc:
        raise WorkFileError(f"{path.name}: bad dedup records ({exc})") from exc


def _rows(value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise WorkFileError("expected a list of rows")
    return value


__all__ = ["WorkFileError", "read_dedup_records", "read_scan", "write_dedup_records",
           "write_scan"]
