"""``exodata info``: the package's version, tables and row counts."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from exodata.cli._common import console, fail_usage


def command(
    path: Path | None = typer.Argument(None, help="Package directory (default: the installed package).",
                                          show_default=False),
    as_json: bool = typer.Option(False, "--json", help="Print the version and tables as JSON."),
) -> None:
    """Show the package version, its tables and their row counts."""
    from exodata.errors import PackageNotFoundError
    from exodata.package.loading import package_dir, read_descriptor

    try:
        directory = package_dir(path)
        descriptor = read_descriptor(directory)
    except (PackageNotFoundError, ValueError) as wrong:
        fail_usage("info", str(wrong), as_json)
    tables = [{"name": r["name"], "rows": r.get("exodata:rows"), "description": r.get("description", "")}
              for r in descriptor["resources"]]
    if as_json:
        print(json.dumps({"version": descriptor.get("version"), "path": str(directory), "tables": tables},
                         ensure_ascii=False, indent=2))
        return
    from rich.table import Table

    table = Table(title=f"exodata {descriptor.get('version')} ({directory})")
    table.add_column("table")
    table.add_column("rows", justify="right")
    table.add_column("description")
    for row in tables:
        table.add_row(row["name"], str(row["rows"] if row["rows"] is not None else "?"), row["description"])
    console().print(table)
