"""A package directory's layout and the spelling of its CSV copies, defined once for every reader and writer.

Layout (what ``exodata build`` writes, ``exodata.load`` and ``exodata validate`` read, ``exodata diff`` compares)::

    datapackage.json       Frictionless descriptor (v2); CSV resources, each with `exodata:parquet`
    schemas/<table>.json   Table Schema per table (generated from exodata/metadata/tables.py)
    data/<table>.csv       interchange copy (what every Frictionless tool reads)
    data/<table>.parquet   typed copy (what exodata.load() reads)
    DATASET.md             the dataset card, generated from the tables written (exodata/release/card.py)

CSV spelling: comma-separated, ``\\n`` line ends, quoted only where needed, a null as an empty cell, and a list
as its items joined with :data:`~exodata.metadata.LIST_DELIMITER` (the delimiter the Table Schemas declare),
an empty list as an empty cell.  :func:`write_csv` writes it and :func:`read_csv` and :func:`split_list` read it
back.  Nothing heavy is imported at module level: ``exodata.load()`` needs only the names.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from exodata.metadata.classes import LIST_DELIMITER

if TYPE_CHECKING:
    import polars as pl

    from exodata.metadata.classes import Table

DESCRIPTOR = "datapackage.json"
DATA = "data"
SCHEMAS = "schemas"
#: The dataset card written beside the descriptor (:mod:`exodata.release.card`).
CARD = "DATASET.md"
#: What a build replaces in its output directory, in the order it swaps them in: the descriptor last, as it is
#: what makes the package visible.
PACKAGE_ENTRIES = (DATA, SCHEMAS, CARD, DESCRIPTOR)

#: Descriptor properties of our own: a resource's Parquet copy and its schema file (each ``path``, ``bytes``
#: and ``hash``), its row count, and the package's build summary.
PARQUET_KEY = "exodata:parquet"
SCHEMA_KEY = "exodata:schema"
ROWS_KEY = "exodata:rows"
BUILD_KEY = "exodata:build"

#: How polars writes the CSV copies (with ``null_value``, the one spelling of a null: an empty cell).
CSV_OPTIONS = {"separator": ",", "line_terminator": "\n", "quote_style": "necessary", "null_value": ""}


def table_paths(name: str) -> tuple[str, str, str]:
    """The package-relative paths of table ``name``'s CSV copy, Parquet copy and schema file."""
    return f"{DATA}/{name}.csv", f"{DATA}/{name}.parquet", f"{SCHEMAS}/{name}.json"


def _list_columns(table: Table) -> list[str]:
    return [f.name for f in table.fields if f.type == "list"]


def write_csv(frame: pl.DataFrame, table: Table, target: Path | BinaryIO, *, include_header: bool = True) -> None:
    """Write ``frame`` as CSV rows to a path or an open binary file (appending parts: header on the first only)."""
    import polars as pl

    lists = _list_columns(table)
    # an empty list is an empty (null) cell: Table Schema has no other spelling for it
    flat = frame.with_columns(
        pl.when(pl.col(name).list.len() > 0).then(pl.col(name).list.join(LIST_DELIMITER)).alias(name)
        for name in lists
    ) if lists else frame
    flat.write_csv(target, include_header=include_header, **CSV_OPTIONS)


def split_list(column: pl.Series) -> pl.Series:
    """A CSV list cell's items (an empty cell: no items)."""
    import polars as pl

    return column.str.split(LIST_DELIMITER).fill_null(pl.lit([], dtype=pl.List(pl.String)))


def read_csv(path: Path, table: Table) -> pl.DataFrame:
    """A CSV copy read back with its declared dtypes (each list column split into its items)."""
    import polars as pl

    from exodata.metadata.arrow import polars_schema

    lists = _list_columns(table)
    dtypes = polars_schema(table)
    raw = {f.name: (pl.String if f.name in lists else dtypes[f.name]) for f in table.fields}
    frame = pl.read_csv(path, schema=raw, infer_schema=False)  # an empty cell is a null: polars' default
    return frame.with_columns(split_list(frame.get_column(name)) for name in lists)
