"""``codepack pack``: folders of repositories in, Parquet shards out."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from codepack.cli.app import app, err_console, fail
from codepack.cli.interrupts import Terminated, interrupt_status
from codepack.config import (
    ConfigError,
    ExampleConfig,
    HygieneConfig,
    OrderConfig,
    OutputConfig,
    PackConfig,
    QualityConfig,
    ScanConfig,
)
from codepack.graph.languages.registry import language_names
from codepack.graph.resolvers.go_build import DEFAULT_GO_TARGET, GoTarget

LANGUAGES = ", ".join(language_names())
FORMATS = ("codegemma", "starcoder2", "qwen2.5", "deepseek", "plain", "template")


# library option names whose flag is not "--" + the name with dashes
_FLAGS = {
    "enabled": "--no-quality",
    "grouping": "--no-grouping",
    "respect_gitignore": "--no-gitignore",
    "languages": "--lang",
    "records_columns": "--columns",
}


def _config_failure(exc: ConfigError) -> None:
    """One line naming the option as its flag (exit status 2)."""
    flag = _FLAGS.get(exc.option, "--" + exc.option.replace("_", "-"))
    fail(f"{flag} {exc.cli_detail}")


def _choice(value: str, allowed: tuple[str, ...], option: str) -> str:
    if value not in allowed:
        fail(f"{option} must be one of {', '.join(allowed)} (got {value!r})")
    return value


@app.command("pack")
def pack_command(
    paths: list[Path] = typer.Argument(
        ..., help="Folders of repositories (each subfolder is one repository), single "
        "repositories (a folder with .git, or any folder with --single-repo), Parquet/JSONL "
        "datasets of (repo, path, content) records, or .tar.gz/.zip archives."
    ),
    out: str = typer.Option(
        ..., "--out", "-o", help="Output folder for the Parquet shards: a local path or any "
        "pyarrow filesystem URI (s3://, gs://, hdfs://, file://)."),
    single_repo: bool = typer.Option(
        False, "--single-repo", help="Treat each PATH as one repository."),
    rev: str | None = typer.Option(
        None, "--rev", help="Read PATHs that are folders as git repositories (bare or not) at "
        "this revision; an error when no PATH is a folder."),
    columns: str | None = typer.Option(
        None, "--columns", help="Column names of Parquet/JSONL record inputs, as "
        "'repo=NAME,path=NAME,content=NAME' (default: detected); an error when no PATH is "
        "one."),
    overwrite: bool = typer.Option(
        False, "--overwrite", help="Replace codepack's files in a non-empty --out."),
    resume: bool = typer.Option(
        False, "--resume", help="Finish an interrupted run into the same --out."),
    workers: int = typer.Option(
        0, "--workers", "-j", help="Worker processes (0 = all cores). Output is identical "
        "for any value."),
    executor: str = typer.Option(
        "local", "--executor", help="Where stages run: local (process pool) or ray "
        "(needs the ray extra). Output is identical for either."),
    ray_address: str | None = typer.Option(
        None, "--ray-address", help="Ray cluster to connect to with --executor ray "
        "(e.g. auto, ray://host:10001); default: start a local Ray."),
    # scan
    lang: list[str] = typer.Option(
        [], "--lang", help=f"Only these languages (repeatable): {LANGUAGES}."),
    include: list[str] = typer.Option(
        [], "--include", help="Only files matching this gitignore-style glob (repeatable)."),
    exclude: list[str] = typer.Option(
        [], "--exclude", help="Skip files matching this gitignore-style glob (repeatable)."),
    no_gitignore: bool = typer.Option(
        False, "--no-gitignore", help="Do not honour .gitignore and .git/info/exclude."),
    max_file_bytes: int = typer.Option(
        1_000_000, "--max-file-bytes", help="Skip files larger than this."),
    import_lines: int = typer.Option(
        0, "--import-lines", help="Extract imports from the first N lines (0 = whole file)."),
    go_target: str = typer.Option(
        DEFAULT_GO_TARGET, "--go-target", help="Which Go files build, so are package-import "
        "targets: GOOS/GOARCH[,nocgo][,go1.N][,tag...]."),
    generated: str = typer.Option(
        "imported", "--generated", help="Generated files: imported (pack those the "
        "repository's code imports), keep (pack all) or skip (pack none)."),
    # quality
    no_quality: bool = typer.Option(
        False, "--no-quality", help="Turn off the alphanumeric-fraction quality filter "
        "(the line-length limits still apply)."),
    max_line_length: int = typer.Option(
        1000, "--max-line-length", help="Skip files with a longer line (minified)."),
    max_mean_line_length: float = typer.Option(
        100.0, "--max-mean-line-length", help="Skip files with a longer mean line (minified)."),
    min_alnum_fraction: float = typer.Option(
        0.25, "--min-alnum-fraction", help="Skip files with less alphanumeric content."),
    # order
    order: str = typer.Option(
        "dependency", "--order", help="File order: dependency, alphabetical or random."),
    seed: int = typer.Option(0, "--seed", help="Seed for FIM, random order and metadata."),
    # examples
    max_tokens: int = typer.Option(
        8192, "--max-tokens", help="Token budget per example, counting every separator."),
    min_tokens: int = typer.Option(
        0, "--min-tokens", help="Drop examples with fewer tokens (counted), except one holding "
        "a part of a split file: a file is always packed whole or not at all."),
    tokenizer: Path | None = typer.Option(
        None, "--tokenizer", help="A Hugging Face tokenizer.json: exact token counts."),
    fmt: str = typer.Option(
        "codegemma", "--format",
        help="Output format: codegemma, starcoder2, qwen2.5, deepseek, plain, template."),
    template: Path | None = typer.Option(
        None, "--template", help="Template file for --format template."),
    oversize: str = typer.Option(
        "split", "--oversize", help="A file longer than the budget: split or skip."),
    repo_metadata_rate: float = typer.Option(
        0.5, "--repo-metadata-rate", help="starcoder2: probability of the repo-name header."),
    fim_rate: float = typer.Option(
        0.8, "--fim-rate", help="Probability that a file is FIM-transformed."),
    spm_rate: float = typer.Option(
        0.5, "--spm-rate", help="Probability of SPM (vs PSM) for a FIM-transformed file."),
    no_grouping: bool = typer.Option(
        False, "--no-grouping", help="Cut greedily instead of between least-related files."),
    # hygiene
    dedup: str = typer.Option("file", "--dedup", help="Deduplicate: file, repo or off."),
    dedup_threshold: float = typer.Option(
        0.7, "--dedup-threshold", help="Jaccard threshold for near duplicates."),
    dedup_num_perm: int = typer.Option(
        256, "--dedup-num-perm", help="MinHash permutations."),
    dedup_ngram: int = typer.Option(5, "--dedup-ngram", help="Word n-gram size of shingles."),
    dedup_min_tokens: int = typer.Option(
        10, "--dedup-min-tokens",
        help="Files with fewer code tokens are never dropped as duplicates."),
    dedup_within_repo: bool = typer.Option(
        False, "--dedup-within-repo",
        help="Also drop near-identical files inside one repository (default: only copies "
        "across repositories and build outputs)."),
    decontaminate: list[str] = typer.Option(
        [], "--decontaminate",
        help="Evaluation set to decontaminate against: 'humaneval' or a JSONL/Parquet file "
        "(repeatable)."),
    decontaminate_column: str | None = typer.Option(
        None, "--decontaminate-column", help="Column of strings in --decontaminate files."),
    decontam_ngram: int = typer.Option(
        10, "--decontam-ngram", help="n-gram size for decontamination."),
    secrets: str = typer.Option(
        "redact", "--secrets", help="Secrets and PII: redact, drop or off."),
    # output
    shard_bytes: int = typer.Option(
        256 * 1024 * 1024, "--shard-bytes",
        help="Start a new shard after a repository once a shard holds this much text."),
    row_group_rows: int = typer.Option(1024, "--row-group-rows", help="Rows per row group."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress and no summary."),
    verbose: bool = typer.Option(
        False, "--verbose", "-v", help="List every skipped or dropped file with its reason."),
) -> None:
    """Pack repositories into training examples, written as Parquet shards to --out."""
    from codepack.examples.formats import FormatError
    from codepack.inputs import InputError
    from codepack.run.driver import OutputError, pack

    unknown = sorted(set(lang) - set(language_names()))
    if unknown:
        fail(f"unknown --lang {', '.join(unknown)}; known: {', '.join(language_names())}")
    # choices and ranges of PackConfig's own fields are checked when it is built (below)
    _choice(fmt, FORMATS, "--format")
    _choice(executor, ("local", "ray"), "--executor")
    if ray_address is not None and executor != "ray":
        fail("--ray-address needs --executor ray")
    if max_tokens < 16:
        fail("--max-tokens must be at least 16")
    if fmt == "template" and template is None:
        fail("--format template needs --template FILE")
    if tokenizer is not None and not tokenizer.is_file():
        fail(f"--tokenizer {tokenizer} is not a file")
    try:
        GoTarget.parse(go_target)
    except ValueError as exc:
        fail(f"--go-target: {exc}")
    if resume and overwrite:
        fail("--resume and --overwrite exclude each other")
    if workers < 0:
        fail(f"--workers must be 0 (all cores) or more (got {workers})")
    if not out.strip():
        fail("--out must name a folder (got an empty string)")

    try:
        config = PackConfig(
            scan=ScanConfig(
                include=tuple(include), exclude=tuple(exclude), languages=tuple(lang),
                max_file_bytes=max_file_bytes, respect_gitignore=not no_gitignore,
                import_lines=import_lines, go_target=go_target, generated=generated,
            ),
            quality=QualityConfig(
                enabled=not no_quality, max_line_length=max_line_length,
                max_mean_line_length=max_mean_line_length, min_alnum_fraction=min_alnum_fraction,
                min_tokens=min_tokens,
            ),
            hygiene=HygieneConfig(
                dedup=dedup, dedup_threshold=dedup_threshold, dedup_num_perm=dedup_num_perm,
                dedup_ngram=dedup_ngram, dedup_min_tokens=dedup_min_tokens,
                dedup_within_repo=dedup_within_repo,
                decontaminate=tuple(decontaminate),
                decontaminate_column=decontaminate_column, decontam_ngram=decontam_ngram,
                secrets=secrets,
            ),
            order=OrderConfig(order=order),
            examples=ExampleConfig(
                max_tokens=max_tokens, tokenizer=str(tokenizer) if tokenizer else None, format=fmt,
                template=str(template) if template else None, oversize=oversize,
                repo_metadata_rate=repo_metadata_rate, fim_rate=fim_rate, spm_rate=spm_rate,
                grouping=not no_grouping,
            ),
            output=OutputConfig(shard_bytes=shard_bytes, row_group_rows=row_group_rows),
            seed=seed,
        )
    except ConfigError as exc:  # a value outside its range or without effect, as the flag
        _config_failure(exc)
        return

    progress = None if quiet else Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
        TextColumn("{task.fields[repo]}"), TimeElapsedColumn(),
        console=err_console, transient=True,
    )
    tasks: dict[str, int] = {}

    def on_progress(stage: str, done: int, total: int, repo: str) -> None:
        if progress is None:
            return
        if stage not in tasks:
            tasks[stage] = progress.add_task(stage, total=total, repo="")
        progress.update(tasks[stage], completed=done, repo=repo)

    try:
        if progress is not None:
            progress.start()
        try:
            summary = pack(
                [str(p) for p in paths], out, config, workers=workers or None,
                executor=executor, ray_address=ray_address,
                single_repo=single_repo, rev=rev, records_columns=columns,
                overwrite=overwrite, resume=resume, progress=on_progress,
                command=shlex.join(["codepack", *sys.argv[1:]]),
            )
        finally:
            if progress is not None:
                progress.stop()
    except (KeyboardInterrupt, Terminated) as exc:  # workers already stopped by pack()
        name, status = interrupt_status(exc)
        sys.stderr.write(f"codepack: interrupted by {name}; finish the run with the same "
                         f"command and --resume (output folder: {out})\n")
        raise typer.Exit(status) from None
    except ConfigError as exc:  # an input option that applies to none of the inputs
        _config_failure(exc)
        return
    except (InputError, OutputError, FormatError) as exc:
        fail(str(exc))
        return
    except (ValueError, OSError) as exc:  # bad option values found by the library
        fail(str(exc))
        return

    if verbose:
        _print_dropped(out)
    if not quiet:
        _print_summary(summary.stats, summary.shards, out, summary.seconds)


def _print_dropped(out: str) -> None:
    import pyarrow.parquet as pq

    from codepack.output.outputs import AUDIT_FILE

    table = pq.read_table(f"{out.rstrip('/')}/{AUDIT_FILE}")
    for row in table.to_pylist():
        detail = f" ({row['detail']})" if row["detail"] else ""
        err_console.print(f"{row['stage']:>13} {row['reason']:<22} {row['repo']}/{row['path']}"
                          f"{detail}", highlight=False, markup=False)


def _print_summary(stats: dict[str, int], shards: list[str], out: str, seconds: float) -> None:
    table = Table(title=f"codepack pack -> {out}", show_header=True, header_style="bold")
    table.add_column("figure")
    table.add_column("value", justify="right")
    for key in ("repos", "files_seen", "files_packed", "examples", "tokens", "bytes_packed",
                "imports_found", "imports_resolved", "audit_rows"):
        table.add_row(key, f"{stats.get(key, 0):,}")
    for key in sorted(k for k in stats if k.startswith("skipped.")):
        table.add_row(key, f"{stats[key]:,}")
    table.add_row("shards", str(len(shards)))
    table.add_row("seconds", f"{seconds:.1f}")
    err_console.print(table)
