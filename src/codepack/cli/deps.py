"""``codepack deps REPO``: every file's imports, what they resolved to, and what stayed external."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from codepack.cli.app import app, err_console, fail, print_json


@app.command("deps")
def deps_command(
    repo: Path = typer.Argument(..., help="One repository folder."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON to stdout."),
    unresolved_only: bool = typer.Option(
        False, "--unresolved", help="Show only imports that resolved to no file."),
) -> None:
    """Show each file's imports and the files they resolve to.

    So you can see why two files are (not) connected."""
    from codepack.api import deps
    from codepack.inputs import InputError

    try:
        report = deps(repo)
    except InputError as exc:
        fail(str(exc))
        return
    if as_json:
        print_json(report)
        return
    table = Table(title=f"imports of {report['repo']}", header_style="bold")
    for column in ("file", "line", "import", "flags", "resolved to", "rule"):
        table.add_column(column)
    for f in report["files"]:
        for imp in f["imports"]:
            if unresolved_only and imp["resolved"]:
                continue
            table.add_row(f["path"], str(imp["line"]), imp["spec"], ",".join(imp["flags"]),
                          "\n".join(imp["resolved"]) or "[dim](external)[/]", imp["rule"])
    err_console.print(table)
    s = report["summary"]
    err_console.print(f"{s['files']} files, {s['imports']} imports, {s['resolved']} resolved, "
                      f"{s['unresolved']} external, {s['edges']} edges")
