"""``codepack explain REPO``: the packed order with each file's reason, and the graph."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.table import Table

from codepack.cli.app import app, err_console, fail, print_json
from codepack.output.outdir import OutputError, check_output_file

if TYPE_CHECKING:
    from codepack.config import PackConfig


@app.command("explain")
def explain_command(
    repo: Path = typer.Argument(..., help="One repository folder."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON to stdout."),
    graph_out: Path | None = typer.Option(
        None, "--graph-out",
        help="Write the dependency graph: .graphml, .dot/.gv or .json (by extension)."),
    html_out: Path | None = typer.Option(
        None, "--html", help="Write a self-contained HTML page of the order and the graph."),
    order: str | None = typer.Option(
        None, "--order", help="dependency (default), alphabetical, random."),
    seed: int | None = typer.Option(None, "--seed", help="The run's seed (random order)."),
    config_file: Path | None = typer.Option(
        None, "--config", help="Use every option of a run: its manifest.json (or a JSON "
        "config), so the order shown is the order that run packed."),
) -> None:
    """Show why each file of a repository sits where it does in the packed order.

    The order is the one `codepack pack --single-repo` writes with the same options."""
    from dataclasses import replace

    from codepack.api import explain
    from codepack.inputs import InputError

    if order is not None and order not in ("dependency", "alphabetical", "random"):
        fail("--order must be one of dependency, alphabetical, random")
    try:
        for path, option in ((html_out, "--html"), (graph_out, "--graph-out")):
            if path is not None:
                check_output_file(path, option)
    except OutputError as exc:
        fail(str(exc))
    config = _load_config(config_file)
    if order is not None:
        config = replace(config, order=replace(config.order, order=order))
    if seed is not None:
        config = replace(config, seed=seed)
    try:
        report = explain(repo, config, graph_out=graph_out)
    except InputError as exc:
        fail(str(exc))
        return
    except ValueError as exc:
        fail(str(exc))
        return
    if html_out is not None:
        from codepack.output.html_explain import write_explain_html

        try:
            write_explain_html(report, html_out)
        except OSError as exc:
            fail(f"--html {html_out}: {exc.strerror or exc}")
        err_console.print(f"explain page written to {html_out}")
    if as_json:
        print_json(report)
        return
    table = Table(title=f"packed order of {report['repo']}", header_style="bold")
    for column in ("#", "file", "reason", "detail"):
        table.add_column(column)
    for i, item in enumerate(report["order"]):
        table.add_row(str(i), item["path"], item["reason"], item.get("detail") or "")
    err_console.print(table)
    removed = report.get("removed_edges", [])
    if removed:
        cut = Table(title="edges removed to break cycles", header_style="bold")
        for column in ("importer", "imported", "importance"):
            cut.add_column(column)
        for edge in removed:
            cut.add_row(edge["src"], edge["dst"], f"{edge['weight']:.2f}")
        err_console.print(cut)
    sizes = report.get("component_sizes", [])
    err_console.print(f"components: {len(sizes)} (sizes {sizes[:10]})")
    if graph_out is not None:
        err_console.print(f"graph written to {graph_out}")


def _load_config(path: Path | None) -> PackConfig:
    """The options of ``--config``: a run's manifest (its ``config``) or a bare config."""
    from codepack.config import ConfigError, PackConfig

    if path is None:
        return PackConfig()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        fail(f"--config {path}: not a readable JSON file ({exc})")
    if isinstance(data, dict) and isinstance(data.get("config"), dict):
        data = data["config"]
    if not isinstance(data, dict):
        fail(f"--config {path}: expected a manifest.json or a JSON object of options")
    try:
        return PackConfig.from_dict(data)
    except (ConfigError, ValueError, TypeError) as exc:
        fail(f"--config {path}: {exc}")
        raise  # fail() exits; this line only tells type checkers so
