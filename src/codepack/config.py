"""Configuration: frozen dataclasses with every default in one place.

One sub-config per stage keeps each module's knobs next to each other and lets a stage take
only what it needs. ``PackConfig`` is what the CLI and ``codepack.pack`` build; it is
JSON-serialisable (``to_dict``) so the manifest records exactly what produced a dataset.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, is_dataclass
from typing import Any

from codepack.resolvers.go_build import DEFAULT_GO_TARGET

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
    # go1.N,tag...]; see codepack.resolvers.go_build
    go_target: str = DEFAULT_GO_TARGET
    vendored_dirs: tuple[str, ...] = VENDORED_DIRS


@dataclass(frozen=True)
class QualityConfig:
    """BigCode-style quality filters. A file failing one is skipped with a counted reason."""

    enabled: bool = True
    max_line_length: int = 1000
    max_mean_line_length: float = 100.0
    min_alnum_fraction: float = 0.25
    # examples with fewer tokens are dropped (counted); 0 keeps all
    min_tokens: int = 0


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
    decontaminate: tuple[str, ...] = ()  # files (JSONL/Parquet) and/or "humaneval"
    decontaminate_column: str | None = None  # column of strings in those files
    decontam_ngram: int = 10
    secrets: str = "redact"  # redact|drop|off


@dataclass(frozen=True)
class OrderConfig:
    """How the files of one repository are ordered."""

    order: str = "dependency"  # dependency|alphabetical|random
    seed: int = 0


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
    seed: int = 0
    grouping: bool = True  # cut between the least related neighbours, not just greedily


@dataclass(frozen=True)
class OutputConfig:
    """Where and how Parquet shards are written."""

    shard_bytes: int = 256 * 1024 * 1024  # rotate after a repository once a shard is this big
    row_group_rows: int = 1024
    compression: str = "zstd"


@dataclass(frozen=True)
class PackConfig:
    """Everything that determines the output of a run."""

    scan: ScanConfig = field(default_factory=ScanConfig)
    quality: QualityConfig = field(default_factory=QualityConfig)
    hygiene: HygieneConfig = field(default_factory=HygieneConfig)
    order: OrderConfig = field(default_factory=OrderConfig)
    examples: ExampleConfig = field(default_factory=ExampleConfig)
    output: OutputConfig = field(default_factory=OutputConfig)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (tuples become lists)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PackConfig:
        """Inverse of ``to_dict``; unknown keys are rejected so typos do not pass silently."""
        return _build(cls, data)


def _build(cls: type, data: dict[str, Any]) -> Any:
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
