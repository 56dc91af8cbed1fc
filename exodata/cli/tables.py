"""``exodata tables``: the tables of exodata, each with what one row is."""

from __future__ import annotations

import json

import typer

from exodata.cli._common import console


def command(as_json: bool = typer.Option(False, "--json", help="Print the tables as JSON.")) -> None:
    """List exodata's tables and what one row of each is (the names `validate --table` takes)."""
    from exodata.metadata import TABLES

    if as_json:
        print(json.dumps([{"name": t.name, "title": t.title, "description": t.description,
                           "primary_key": list(t.primary_key), "columns": t.column_names} for t in TABLES.values()],
                         ensure_ascii=False, indent=2))
        return
    from rich.table import Table

    table = Table(title="exodata tables (columns: docs/data-dictionary.md)")
    table.add_column("table")
    table.add_column("primary key")
    table.add_column("one row per")
    for t in TABLES.values():
        table.add_row(t.name, ", ".join(t.primary_key), t.description)
    console().print(table)
