"""Configuration: frozen dataclasses with every default in one place.

One sub-config per stage keeps each module's knobs next to each other and lets a stage take
only what it needs. ``PackConfig`` is what the CLI and ``codepack.pack`` build; it is
JSON-serialisable (``to_dict``) so the manifest records exactly what produced a dataset.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import MISSING, asdict, dataclass, field, fields, is_dataclass, replace
from typing import Any

from codepack.graph.resolvers.go_build import DEFAULT_GO_TARGET

VENDORED_DIRS: tuple[str, ...] = (
    "node_modules",
    "vendor",
    "third_party",
    "thirdparty",
    "third-party",
    "site-packages",
    "bower_components",
    "Pods",
    "Carthage",
)


INT32_MAX = 2**31 - 1


class ConfigError(ValueError):
    """An option value outside its range, or an option that would have no effect with the
    others: raised when the config is built, before any work, so a bad value never costs a
    scan and no option is silently ignored. The message names the option as the library
    spells it; the CLI maps it to its own flag name and shows ``cli_detail``, which names
    the other options as flags."""

    def __init__(self, option: str, message: str, cli_message: str | None = None) -> None:
        super().__init__(f"{option} {message}")
        self.option = option
        self.detail = message
        self.cli_detail = cli_message or message


def _number(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
        raise ConfigError(name, f"must be a number (got {value!r})")
    return value


def _at_least(name: str, value: Any, low: float) -> None:
    if _number(name, value) < low:
        raise ConfigError(name, f"must be at least {low} (got {value!r})")


def _between(name: str, value: Any, low: float, high: float) -> None:
    if not low <= _number(name, value) <= high:
        raise ConfigError(name, f"must be between {low} and {high} (got {value!r})")


def _one_of(name: str, value: Any, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise ConfigError(name, f"must be one of {', '.join(allowed)} (got {value!r})")


def _unused(config: Any, names: Sequence[str], because: str, cli_because: str) -> None:
    """Refuse a value set for an option that the other options make irrelevant.

    "Set" means different from the field's default: a dataclass cannot tell a default
    passed explicitly from one left alone, and the default is what the run does anyway.
    """
    for name in names:
        default = next(f.default for f in fields(config) if f.name == name)
        assert default is not MISSING, name
        if getattr(config, name) != default:
            raise ConfigError(name, f"has no effect: {because}", f"has no effect: {cli_because}")


def check_input_options(
    kinds: Sequence[str | None],
    *,
    rev: str | None,
    records_columns: object | None,
    scan: ScanConfig,
) -> None:
    """Refuse the input options that apply to none of the inputs.

    ``kinds`` are the inputs' kinds (``codepack.inputs.input_kind``: ``records``,
    ``archive``, ``git``, or None for a folder of repositories). ``rev`` reads folders as
    git repositories: archives and record files have no revisions. ``records_columns``
    names the columns of record inputs. A git revision lists its tracked files, which
    ``.gitignore`` never hides, so turning ignore rules off changes nothing when every input
    is one.
    """
    if records_columns is not None and "records" not in kinds:
        raise ConfigError("records_columns", "has no effect: no input is a Parquet/JSONL "
                          "records file or folder")
    if rev is not None and "git" not in kinds:
        raise ConfigError("rev", "has no effect: no input is a folder (a git repository); "
                          "archives and records files have no revisions")
    if not scan.respect_gitignore and kinds and all(kind == "git" for kind in kinds):
        raise ConfigError(
            "respect_gitignore", "has no effect: every input is a git revision, which lists "
            "tracked files only (.gitignore never applies to them)",
            "has no effect with --rev: a git revision lists tracked files only (.gitignore "
            "never applies to them)")


@dataclass(frozen=True)
class ScanConfig:
    """Which files of a repository are read, and which are skipped before packing."""

    include: tuple[str, ...] = ()  # gitignore-style globs; empty = everything
    exclude: tuple[str, ...] = ()  # gitignore-style globs
    languages: tuple[str, ...] = ()  # restrict to these language ids; empty = all
    max_file_bytes: int = 1_000_000
    respect_gitignore: bool = True
    # import extraction reads the first N lines of each file; 0 = the whole file
    import_lines: int = 0
    # which Go files build (and so are targets of a package import): GOOS/GOARCH[,nocgo,
    # go1.N,tag...]; see codepack.graph.resolvers.go_build
    go_target: str = DEFAULT_GO_TARGET
    vendored_dirs: tuple[str, ...] = VENDORED_DIRS
    # generated files (a generator's header marker, ``_pb2.py``, ``.pb.go``...): "imported"
    # packs those the repository's other code imports (directly or through other generated
    # files) and skips the rest, "keep" packs all, "skip" none (StarCoder2's filter)
    generated: str = "imported"

    def __post_init__(self) -> None:
        _at_least("max_file_bytes", self.max_file_bytes, 1)
        _at_least("import_lines", self.import_lines, 0)
        _one_of("generated", self.generated, ("imported", "keep", "skip"))
        if self.languages and "go" not in self.languages:
            _unused(self, ("go_target",), "go is not among languages",
                    "--lang leaves out go")


@dataclass(frozen=True)
class QualityConfig:
    """BigCode-style quality filters. A file failing one is skipped with a counted reason.

    ``enabled`` turns off the alphanumeric-fraction filter only: the line-length limits
    (``minified``) always apply, and are loosened by raising them.
    """

    enabled: bool = True
    max_line_length: int = 1000
    max_mean_line_length: float = 100.0
    min_alnum_fraction: float = 0.25
    # examples with fewer tokens are dropped (counted); 0 keeps all
    min_tokens: int = 0

    def __post_init__(self) -> None:
        _at_least("max_line_length", self.max_line_length, 1)
        _at_least("max_mean_line_length", self.max_mean_line_length, 1)
        _between("min_alnum_fraction", self.min_alnum_fraction, 0.0, 1.0)
        _between("min_tokens", self.min_tokens, 0, INT32_MAX)
        if not self.enabled:
            _unused(self, ("min_alnum_fraction",), "the alphanumeric filter is off "
                    "(enabled=False)", "--no-quality turns the alphanumeric filter off")


@dataclass(frozen=True)
class HygieneConfig:
    """Deduplication, decontamination and secrets/PII handling."""

    dedup: str = "file"  # file|repo|off
    dedup_threshold: float = 0.7
    dedup_num_perm: int = 256
    dedup_ngram: int = 5
    # files with fewer code tokens are exempt: package markers and one-line re-export stubs
    # are structure, not content, and dropping them breaks their repository's imports
    dedup_min_tokens: int = 10
    # also drop near-identical files inside one repository (per-platform variants, a package
    # generated from another); off: only copies across repositories and build outputs go,
    # since a repository's own variants are files its imports name (dedup.plan.may_drop_for)
    dedup_within_repo: bool = False
    decontaminate: tuple[str, ...] = ()  # files (JSONL/Parquet) and/or "humaneval"
    decontaminate_column: str | None = None  # column of strings in those files
    decontam_ngram: int = 10
    secrets: str = "redact"  # redact|drop|off

    def __post_init__(self) -> None:
        _one_of("dedup", self.dedup, ("file", "repo", "off"))
        _between("dedup_threshold", self.dedup_threshold, 0.0, 1.0)
        # the MinHash signature is banded for LSH: at least 2 permutations, and a bound that
        # keeps a signature (4 bytes each) far below any memory limit
        _between("dedup_num_perm", self.dedup_num_perm, 2, 8192)
        _between("dedup_ngram", self.dedup_ngram, 1, 100)
        _at_least("dedup_min_tokens", self.dedup_min_tokens, 0)
        _between("decontam_ngram", self.decontam_ngram, 1, 100)
        _one_of("secrets", self.secrets, ("redact", "drop", "off"))
        if self.dedup == "off":
            _unused(self, ("dedup_threshold", "dedup_num_perm", "dedup_ngram",
                           "dedup_min_tokens", "dedup_within_repo"), "dedup is off", "--dedup off")
        elif self.dedup == "repo":  # whole repositories are compared: no file is exempt
            _unused(self, ("dedup_min_tokens", "dedup_within_repo"),
                    "dedup repo compares whole repositories",
                    "--dedup repo compares whole repositories")
        if not self.decontaminate:
            _unused(self, ("decontaminate_column", "decontam_ngram"),
                    "nothing to decontaminate against", "no --decontaminate source given")
        elif all(source.lower() == "humaneval" for source in self.decontaminate):
            _unused(self, ("decontaminate_column",), "humaneval has no columns to choose; "
                    "the column is read from decontaminate files",
                    "humaneval has no columns to choose; the column is read from "
                    "--decontaminate files")

    def without_dedup(self) -> HygieneConfig:
        """This config with dedup off, for scans that never deduplicate (``deps``,
        ``explain``): the dedup knobs go back to their defaults, as they must with dedup off.
        """
        defaults = HygieneConfig()
        return replace(self, dedup="off", **{name: getattr(defaults, name) for name in (
            "dedup_threshold", "dedup_num_perm", "dedup_ngram", "dedup_min_tokens",
            "dedup_within_repo")})


@dataclass(frozen=True)
class OrderConfig:
    """How the files of one repository are ordered."""

    order: str = "dependency"  # dependency|alphabetical|random

    def __post_init__(self) -> None:
        _one_of("order", self.order, ("dependency", "alphabetical", "random"))


# built-in formats that draw per example whether it carries the repository name and paths
# (a template does when it sets bare_file_header), and those without FIM sentinels; the
# tests check both against codepack.examples.formats
METADATA_FORMATS: tuple[str, ...] = ("starcoder2", "template")
NO_FIM_FORMATS: tuple[str, ...] = ("plain",)


@dataclass(frozen=True)
class ExampleConfig:
    """How ordered files are cut into examples and rendered."""

    max_tokens: int = 8192
    tokenizer: str | None = None  # path to a Hugging Face tokenizer.json
    format: str = "codegemma"  # codegemma|starcoder2|qwen2.5|deepseek|plain|template
    template: str | None = None  # path to a user template (format=template)
    oversize: str = "split"  # split|skip
    repo_metadata_rate: float = 0.5  # starcoder2: probability of the <repo_name> header
    fim_rate: float = 0.8
    spm_rate: float = 0.5
    grouping: bool = True  # cut between the least related neighbours, not just greedily

    def __post_init__(self) -> None:
        # n_tokens is an int32 column
        _between("max_tokens", self.max_tokens, 1, INT32_MAX)
        _one_of("oversize", self.oversize, ("split", "skip"))
        for name in ("repo_metadata_rate", "fim_rate", "spm_rate"):
            _between(name, getattr(self, name), 0.0, 1.0)
        self._check_effective()

    def _check_effective(self) -> None:
        """Refuse options the format or the other options would silently ignore."""
        fmt = self.format
        if self.template is not None and fmt != "template":
            raise ConfigError("template", f"has no effect: format is {fmt!r}, not 'template'",
                              "has no effect without --format template")
        if fmt not in METADATA_FORMATS:
            _unused(self, ("repo_metadata_rate",), f"format {fmt!r} does not draw per "
                    "example whether to write the repository name and paths",
                    f"--format {fmt} does not draw per example whether to write the "
                    "repository name and paths (starcoder2 and templates with a "
                    "bare_file_header do)")
        if fmt in NO_FIM_FORMATS:
            _unused(self, ("fim_rate", "spm_rate"), f"format {fmt!r} has no FIM sentinels",
                    f"--format {fmt} has no FIM sentinels")
        elif self.fim_rate == 0:
            _unused(self, ("spm_rate",), "fim_rate is 0", "--fim-rate is 0")


@dataclass(frozen=True)
class OutputConfig:
    """Where and how Parquet shards are written."""

    shard_bytes: int = 256 * 1024 * 1024  # rotate after a repository once a shard is this big
    row_group_rows: int = 1024
    compression: str = "zstd"

    def __post_init__(self) -> None:
        _at_least("shard_bytes", self.shard_bytes, 1)
        _between("row_group_rows", self.row_group_rows, 1, INT32_MAX)


@dataclass(frozen=True)
class PackConfig:
    """Everything that determines the output of a run."""

    scan: ScanConfig = field(default_factory=ScanConfig)
    quality: QualityConfig = field(default_factory=QualityConfig)
    hygiene: HygieneConfig = field(default_factory=HygieneConfig)
    order: OrderConfig = field(default_factory=OrderConfig)
    examples: ExampleConfig = field(default_factory=ExampleConfig)
    output: OutputConfig = field(default_factory=OutputConfig)
    # the one seed of a run: random order, FIM draws and StarCoder2's metadata draws all
    # derive from it (each hashed with what it decides), so one number reproduces a dataset
    seed: int = 0

    def __post_init__(self) -> None:
        _between("seed", self.seed, -(2**63), 2**63 - 1)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (tuples become lists)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PackConfig:
        """Inverse of ``to_dict``; unknown keys are rejected so typos do not pass silently.

        Configs written before the seed was one field (``order.seed`` and ``examples.seed``)
        still load: their seed becomes ``seed``; two different seeds are refused.
        """
        return _build(cls, _one_seed(data))


def _one_seed(data: dict[str, Any]) -> dict[str, Any]:
    """``data`` with the older per-stage ``seed`` keys folded into the top-level one."""
    data = dict(data)
    seeds = set()
    for stage in ("order", "examples"):
        sub = data.get(stage)
        if isinstance(sub, dict) and "seed" in sub:
            data[stage] = {k: v for k, v in sub.items() if k != "seed"}
            seeds.add(sub["seed"])
    if "seed" in data:
        seeds.add(data["seed"])
    if len(seeds) > 1:
        raise ConfigError("seed", f"is given more than once with different values "
                          f"({', '.join(sorted(map(repr, seeds)))}): a run has one seed")
    if seeds:
        data["seed"] = seeds.pop()
    return data


def _build(cls: type, data: dict[str, Any]) -> Any:
    """A config dataclass from a dict, nested sub-configs included."""
    known = {f.name: f for f in fields(cls)}
    unknown = set(data) - set(known)
    if unknown:
        raise ValueError(f"unknown {cls.__name__} option(s): {', '.join(sorted(unknown))}")
    kwargs: dict[str, Any] = {}
    for name, value in data.items():
        default = known[name].default_factory() if callable(known[name].default_factory) else None
        if is_dataclass(default) and isinstance(value, dict):
            kwargs[name] = _build(type(default), value)
        elif isinstance(value, list):
            kwargs[name] = tuple(value)
        else:
            kwargs[name] = value
    return cls(**kwargs)
