"""Cut files back out of packed examples: the inverse of packing, for checking output.

Every row stores, per file piece, where its body lies in ``text`` (``file_starts`` /
``file_ends``, code-point offsets) and whether it was FIM-transformed (``fim_modes``). Undoing
FIM on each body and joining a file's parts in order gives the file's content back exactly
(after secret redaction, which the audit file records).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from codepack.examples.fim import undo_fim
from codepack.examples.formats import Format


def row_pieces(row: Mapping[str, Any], fmt: Format) -> list[tuple[str, int, str]]:
    """``(path, part, content)`` for every file piece of one output row."""
    text = row["text"]
    pieces = []
    for path, part, mode, start, end in zip(
        row["paths"], row["file_parts"], row["fim_modes"], row["file_starts"], row["file_ends"],
        strict=True,
    ):
        pieces.append((path, part, undo_fim(text[start:end], fmt, mode)))
    return pieces


def reassemble(rows: Iterable[Mapping[str, Any]], fmt: Format) -> dict[tuple[str, str], str]:
    """``(repo, path) -> content`` for every file in ``rows`` (all rows of a run, any order).

    Raises ``ValueError`` if a file's parts are missing or repeated.
    """
    parts: dict[tuple[str, str], dict[int, str]] = {}
    n_parts: dict[tuple[str, str], int] = {}
    for row in rows:
        for (path, part, content), total in zip(
            row_pieces(row, fmt), row["file_n_parts"], strict=True
        ):
            key = (row["repo"], path)
            seen = parts.setdefault(key, {})
            if part in seen:
                raise ValueError(f"{key[0]}/{path}: part {part} appears twice")
            seen[part] = content
            n_parts[key] = total
    files = {}
    for key, seen in parts.items():
        if sorted(seen) != list(range(n_parts[key])):
            raise ValueError(f"{key[0]}/{key[1]}: parts {sorted(seen)} of {n_parts[key]}")
        files[key] = "".join(seen[i] for i in range(n_parts[key]))
    return files
