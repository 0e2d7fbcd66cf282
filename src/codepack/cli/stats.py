"""``codepack stats OUT_DIR``: what a finished run packed, skipped and removed, and why."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from codepack.cli.app import app, err_console, fail, print_json


@app.command("stats")
def stats_command(
    out_dir: Annotated[Path, typer.Argument(help="An output folder written by `codepack pack`.")],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print one JSON object to stdout.")
    ] = False,
) -> None:
    """Figures of a finished run: files, examples, tokens, removals, graph, lengths.

    Tokens per language, FIM share, removals by stage, dependency-graph figures and the
    distribution of example lengths, read from the shards, manifest and audit file."""
    from codepack.output.stats import StatsError, collect, text_histogram

    try:
        figures = collect(out_dir)
    except StatsError as exc:
        fail(str(exc))
        return
    if as_json:
        print_json(figures)
        return
    for table in summary_tables(figures):
        err_console.print(table)
    lengths = figures["example_tokens"]
    if lengths["histogram"]:
        err_console.print("[bold]example length (tokens)[/]")
        for line in text_histogram(lengths["histogram"]):
            err_console.print(line, highlight=False, markup=False)
    for warning in figures["warnings"]:
        err_console.print(f"[yellow]warning:[/] {escape(warning)}", highlight=False)


def summary_tables(figures: dict[str, Any]) -> list[Table]:
    """The figures of ``codepack.output.stats.collect`` as rich tables, one per topic."""
    tables = [_overview(figures)]
    if figures["languages"]:
        tables.append(_languages(figures["languages"]))
    if figures["files"]["skipped"] or figures["removals"]:
        tables.append(_removals(figures))
    tables.append(_pairs("dependency graph", figures["graph"]))
    tables.append(_lengths(figures["example_tokens"]))
    return tables


def _overview(figures: dict[str, Any]) -> Table:
    files = figures["files"]
    fim = figures["fim"]
    dedup = figures["dedup"]
    rows = {
        "repositories": figures["repos"],
        "repositories with examples": figures["repos_with_examples"],
        "empty repositories": figures["repos_empty"],
        "files seen": files["seen"],
        "files packed": files["packed"],
        "files skipped": files["skipped_total"],
        "files redacted": files["redacted"],
        "examples": figures["examples"],
        "tokens": figures["tokens"],
        "shards": figures["shards"]["files"],
        "FIM share of file pieces": f"{fim['share']:.1%}",
        "dedup: exact duplicate files": dedup["files_exact"],
        "dedup: near duplicate files": dedup["files_near"],
        "dedup: clusters": dedup["clusters"],
    }
    if dedup["repos_dropped"]:
        rows["dedup: repositories dropped"] = dedup["repos_dropped"]
    for mode, count in fim["pieces"].items():
        rows[f"file pieces with FIM {mode}"] = count
    for reason, count in figures["order"].items():
        rows[f"file pieces ordered by {reason}"] = count
    return _pairs(f"codepack stats {figures['out_dir']}", rows)


def _languages(languages: list[dict[str, Any]]) -> Table:
    table = Table(title="per language", header_style="bold")
    table.add_column("language")
    for column in ("files", "tokens", "token share"):
        table.add_column(column, justify="right")
    for row in languages:
        table.add_row(escape(row["language"]), f"{row['files']:,}", f"{row['tokens']:,}",
                      f"{row['token_share']:.1%}")
    return table


def _removals(figures: dict[str, Any]) -> Table:
    """From the audit file when there is one (it has the stage); else the run's counters."""
    table = Table(title="skipped, removed or changed files", header_style="bold")
    table.add_column("stage")
    table.add_column("reason")
    table.add_column("files", justify="right")
    if figures["removals"]:
        for row in figures["removals"]:
            table.add_row(escape(row["stage"]), escape(row["reason"]), f"{row['files']:,}")
    else:
        for reason, count in sorted(figures["files"]["skipped"].items(), key=lambda kv: -kv[1]):
            table.add_row("", escape(reason), f"{count:,}")
    return table


def _lengths(lengths: dict[str, Any]) -> Table:
    keys = ("count", "min", "p10", "p50", "p90", "max", "mean")
    return _pairs("example length (tokens)", {k: lengths[k] for k in keys})


def _pairs(title: str, rows: dict[str, Any]) -> Table:
    table = Table(title=escape(title), header_style="bold")
    table.add_column("figure")
    table.add_column("value", justify="right")
    for key, value in rows.items():
        if isinstance(value, int):
            shown = f"{value:,}"
        elif key.endswith("share") and isinstance(value, float):
            shown = f"{value:.1%}"
        else:
            shown = str(value)
        table.add_row(escape(key), escape(shown))
    return table
