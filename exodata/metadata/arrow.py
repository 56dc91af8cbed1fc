"""Generate the Arrow and polars schemas used to write and read the tables."""

from __future__ import annotations

from typing import TYPE_CHECKING

from exodata.metadata.classes import Table

if TYPE_CHECKING:
    import polars as pl
    import pyarrow as pa


def arrow_schema(table: Table) -> pa.Schema:
    """The Arrow schema of ``table``: column order, types and nullability (required → not null)."""
    import pyarrow as pa

    types = {
        "string": pa.string(),
        "integer": pa.int64(),
        "number": pa.float64(),
        "boolean": pa.bool_(),
        "list": pa.list_(pa.string()),
    }
    return pa.schema(
        [pa.field(f.name, types[f.type], nullable=not f.required) for f in table.fields],
        metadata={"exodata.table": table.name},
    )


def polars_schema(table: Table) -> dict[str, pl.DataType]:
    """Column name → polars dtype, in column order."""
    import polars as pl

    types = {
        "string": pl.String(),
        "integer": pl.Int64(),
        "number": pl.Float64(),
        "boolean": pl.Boolean(),
        "list": pl.List(pl.String()),
    }
    return {f.name: types[f.type] for f in table.fields}
