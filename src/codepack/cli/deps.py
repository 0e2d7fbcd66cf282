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
            targets = [_shown(target, imp["skipped"]) for target in imp["resolved"]]
            importer = _shown(f["path"], {f["path"]: f["skipped"]} if f["skipped"] else {})
            table.add_row(importer, str(imp["line"]), imp["spec"], ",".join(imp["flags"]),
                          "\n".join(targets) or "[dim](external)[/]", imp["rule"])
    err_console.print(table)
    s = report["summary"]
    err_console.print(f"{s['files']} files (+{s['skipped_files_read']} skipped), "
                      f"{s['imports']} imports, {s['resolved']} resolved, "
                      f"{s['unresolved']} external, {s['edges']} edges between packed files, "
                      f"{s['edges_with_skipped']} with a file not packed")


def _shown(target: str, skipped: dict[str, str]) -> str:
    """A resolved file, with the reason it is not packed when the scan skipped it: the
    dependency is real, but the file is not in the data."""
    reason = skipped.get(target)
    return f"{target} [yellow](skipped: {reason})[/]" if reason else target
