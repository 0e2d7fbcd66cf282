"""A user's option either takes effect or is refused with a clear error naming it.

Options that the other options make irrelevant (a rate for a format without FIM, dedup
knobs with dedup off, a template without the template format, input options that apply to
none of the inputs) raise ``ConfigError`` when the config is built, before any work; the
CLI shows it as one line naming the flag and exits with status 2. And ``--no-quality`` turns
off the alphanumeric filter only, as documented, never the line-length limits.
"""

from __future__ import annotations

import tarfile
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from codepack.api import deps, explain, pack_repo_result
from codepack.cli import app
from codepack.config import (
    METADATA_FORMATS,
    NO_FIM_FORMATS,
    ConfigError,
    ExampleConfig,
    HygieneConfig,
    PackConfig,
    QualityConfig,
    ScanConfig,
    check_input_options,
)
from codepack.examples.formats import BUILTIN_FORMATS

LONG_LINE = "x = [" + ", ".join(str(i) for i in range(400)) + "]\n"  # about 2,000 characters
# about 6 KB: the mean-line-length rule applies from 4 KB on
WIDE = "".join(f"value_{i} = 'abcdefghijklmnopqrstuvwxyz'  # {'-' * 60}\n" for i in range(60))
SYMBOLS = "x = 1\n" + "# =-+*/=-+*/=-+*/\n" * 50  # mostly symbols: low alphanumeric fraction


def skip_reasons(files: list[tuple[str, str]], quality: QualityConfig) -> dict[str, str]:
    result = pack_repo_result("r", files, PackConfig(quality=quality))
    return {d.path: d.reason for d in result.audit}


# --------------------------------------------------------------------------- --no-quality


def test_no_quality_keeps_the_line_length_limits() -> None:
    """It used to turn the minified checks off too, so --max-line-length and
    --max-mean-line-length were silently ignored with it."""
    files = [("long.py", LONG_LINE), ("wide.py", WIDE), ("ok.py", "y = 2\n")]
    off = QualityConfig(enabled=False)
    assert skip_reasons(files, off) == {"long.py": "minified", "wide.py": "minified"}
    loosened = QualityConfig(enabled=False, max_line_length=5000, max_mean_line_length=5000)
    assert skip_reasons(files, loosened) == {}


def test_no_quality_turns_off_the_alphanumeric_filter() -> None:
    files = [("symbols.py", SYMBOLS)]
    assert skip_reasons(files, QualityConfig()) == {"symbols.py": "low_quality"}
    assert skip_reasons(files, QualityConfig(enabled=False)) == {}


# --------------------------------------------------------------------------- library


INEFFECTIVE: list[tuple[type, dict[str, Any], str]] = [
    (QualityConfig, {"enabled": False, "min_alnum_fraction": 0.5}, "min_alnum_fraction"),
    (ExampleConfig, {"template": "t.toml"}, "template"),
    (ExampleConfig, {"format": "plain", "template": "t.toml"}, "template"),
    (ExampleConfig, {"format": "codegemma", "repo_metadata_rate": 0.2}, "repo_metadata_rate"),
    (ExampleConfig, {"format": "plain", "fim_rate": 0.5}, "fim_rate"),
    (ExampleConfig, {"format": "plain", "spm_rate": 0.1}, "spm_rate"),
    (ExampleConfig, {"fim_rate": 0.0, "spm_rate": 0.1}, "spm_rate"),
    (HygieneConfig, {"dedup": "off", "dedup_threshold": 0.9}, "dedup_threshold"),
    (HygieneConfig, {"dedup": "off", "dedup_num_perm": 128}, "dedup_num_perm"),
    (HygieneConfig, {"dedup": "off", "dedup_ngram": 3}, "dedup_ngram"),
    (HygieneConfig, {"dedup": "off", "dedup_min_tokens": 0}, "dedup_min_tokens"),
    (HygieneConfig, {"dedup": "repo", "dedup_min_tokens": 0}, "dedup_min_tokens"),
    (HygieneConfig, {"decontaminate_column": "text"}, "decontaminate_column"),
    (HygieneConfig, {"decontam_ngram": 8}, "decontam_ngram"),
    (HygieneConfig, {"decontaminate": ("humaneval",), "decontaminate_column": "prompt"},
     "decontaminate_column"),
    (ScanConfig, {"languages": ("python",), "go_target": "windows/amd64"}, "go_target"),
]


@pytest.mark.parametrize("config, options, option", INEFFECTIVE)
def test_an_option_without_effect_is_refused(config: type, options: dict[str, Any],
                                             option: str) -> None:
    with pytest.raises(ConfigError, match=f"^{option} has no effect") as raised:
        config(**options)
    assert raised.value.option == option


EFFECTIVE: list[tuple[type, dict[str, Any]]] = [
    (QualityConfig, {"enabled": False, "max_line_length": 5000, "max_mean_line_length": 500}),
    (ExampleConfig, {"format": "template", "template": "t.toml", "repo_metadata_rate": 0.2}),
    (ExampleConfig, {"format": "starcoder2", "repo_metadata_rate": 0.2, "spm_rate": 0.9}),
    (ExampleConfig, {"format": "plain", "fim_rate": 0.8, "spm_rate": 0.5}),  # the defaults
    (ExampleConfig, {"fim_rate": 0.0}),
    (HygieneConfig, {"dedup": "repo", "dedup_threshold": 0.9, "dedup_ngram": 3}),
    (HygieneConfig, {"dedup": "off"}),
    (HygieneConfig, {"decontaminate": ("evals.jsonl",), "decontaminate_column": "text",
                     "decontam_ngram": 8}),
    (HygieneConfig, {"decontaminate": ("humaneval", "evals.jsonl"),
                     "decontaminate_column": "text"}),
    (ScanConfig, {"languages": ("go",), "go_target": "windows/amd64"}),
    (ScanConfig, {"go_target": "windows/amd64"}),
]


@pytest.mark.parametrize("config, options", EFFECTIVE)
def test_options_that_take_effect_are_accepted(config: type, options: dict[str, Any]) -> None:
    config(**options)


def test_deps_and_explain_accept_a_pack_config_with_dedup_knobs() -> None:
    """They scan with dedup off: the config's own dedup knobs must not make that an error."""
    config = PackConfig(hygiene=HygieneConfig(dedup_threshold=0.9, dedup_min_tokens=0))
    repo = Path(__file__).resolve().parents[1] / "fixtures" / "repos" / "py-cycles"
    assert deps(repo, config)["files"]
    assert explain(repo, config)
    assert config.hygiene.without_dedup() == HygieneConfig(dedup="off")


def test_format_tables_match_the_formats() -> None:
    """config.py cannot import formats.py (the other way round): its two tables of
    built-in format properties are checked here."""
    for name, fmt in BUILTIN_FORMATS.items():
        assert (name in METADATA_FORMATS) == (fmt.bare_file_header is not None), name
        assert (name in NO_FIM_FORMATS) == (not fmt.has_fim), name
    assert "template" in METADATA_FORMATS


@pytest.mark.parametrize("kinds, options, option", [
    ([None], {"records_columns": "repo=r,path=p,content=c"}, "records_columns"),
    (["archive", "git"], {"records_columns": "repo=r,path=p,content=c", "rev": "v1"},
     "records_columns"),
    (["archive"], {"rev": "v1"}, "rev"),
    (["records", "archive"], {"rev": "v1"}, "rev"),
    (["git", "git"], {"rev": "v1", "scan": ScanConfig(respect_gitignore=False)},
     "respect_gitignore"),
])
def test_input_options_that_apply_to_no_input(kinds: list[str | None], options: dict[str, Any],
                                             option: str) -> None:
    arguments: dict[str, Any] = {"rev": None, "records_columns": None, "scan": ScanConfig()}
    with pytest.raises(ConfigError, match=f"^{option} has no effect"):
        check_input_options(kinds, **{**arguments, **options})


@pytest.mark.parametrize("kinds, options", [
    (["records", None], {"records_columns": "repo=r,path=p,content=c"}),
    (["git", "archive"], {"rev": "v1", "scan": ScanConfig(respect_gitignore=False)}),
    ([None], {"scan": ScanConfig(respect_gitignore=False)}),
])
def test_input_options_that_apply_are_accepted(kinds: list[str | None],
                                              options: dict[str, Any]) -> None:
    arguments: dict[str, Any] = {"rev": None, "records_columns": None, "scan": ScanConfig()}
    check_input_options(kinds, **{**arguments, **options})


# --------------------------------------------------------------------------- command line


@pytest.fixture()
def inputs(tmp_path: Path) -> dict[str, Path]:
    repo = tmp_path / "repos" / "one"
    repo.mkdir(parents=True)
    (repo / "main.py").write_text("print('hello')\n")
    archive = tmp_path / "one.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(repo, arcname="one")
    return {"folder": tmp_path / "repos", "archive": archive}


@pytest.mark.parametrize("input_name, args, message", [
    ("folder", ["--template", "t.toml"], "--template has no effect without --format template"),
    ("folder", ["--format", "plain", "--fim-rate", "0.5"],
     "--fim-rate has no effect: --format plain has no FIM sentinels"),
    ("folder", ["--format", "qwen2.5", "--repo-metadata-rate", "1"], "--repo-metadata-rate"),
    ("folder", ["--fim-rate", "0", "--spm-rate", "1"], "--spm-rate has no effect: --fim-rate"),
    ("folder", ["--no-quality", "--min-alnum-fraction", "0.5"],
     "--min-alnum-fraction has no effect: --no-quality"),
    ("folder", ["--dedup", "off", "--dedup-threshold", "0.5"],
     "--dedup-threshold has no effect: --dedup off"),
    ("folder", ["--decontam-ngram", "5"], "--decontam-ngram has no effect"),
    ("folder", ["--lang", "python", "--go-target", "linux/arm64"],
     "--go-target has no effect: --lang leaves out go"),
    ("folder", ["--columns", "repo=r,path=p,content=c"], "--columns has no effect"),
    ("archive", ["--rev", "HEAD"], "--rev has no effect"),
    ("folder", ["--rev", "HEAD", "--no-gitignore"], "--no-gitignore has no effect with --rev"),
])
def test_the_cli_names_the_flag_without_effect(
    inputs: dict[str, Path], tmp_path: Path, input_name: str, args: list[str], message: str
) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["pack", str(inputs[input_name]), "--out", str(out),
                                      "-q", *args])
    assert result.exit_code == 2, result.output
    assert message in " ".join(result.output.split())
    assert not out.exists()
