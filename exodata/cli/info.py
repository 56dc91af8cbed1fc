"""``exodata info``: the package's version, tables and row counts."""

from __future__ import annotations

from pathlib import Path

import typer

from exodata.cli._common import console as _console


def command(path: Path | None = typer.Argument(None, help="Package directory (default: the installed package).",
                                                 show_default=False)) -> None:
    """Show the package version, its tables and their row counts."""
    from rich.table import Table

    from exodata.package.loading import package_dir, read_descriptor

    directory = package_dir(path)
    descriptor = read_descriptor(directory)
    table = Table(title=f"exodata {descriptor.get('version')} ({directory})")
    table.add_column("table")
    table.add_column("rows", justify="right")
    table.add_column("description")
    for resource in descriptor["resources"]:
        table.add_row(resource["name"], str(resource.get("exodata:rows", "?")), resource.get("description", ""))
    _console().print(table)
