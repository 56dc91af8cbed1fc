"""Generate the pandera (polars backend) schemas that every table must pass before it is written."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from exodata.metadata.classes import LIST_DELIMITER, Field, Table
from exodata.metadata.arrow import polars_schema

if TYPE_CHECKING:
    import pandera.polars as pa


def _list_items_clean(data) -> object:
    """List items must be non-empty, trimmed strings without the CSV list delimiter."""
    import polars as pl

    item = pl.element()
    ok = (item.str.len_chars() > 0) & ~item.str.contains(LIST_DELIMITER, literal=True) & (
        item.str.strip_chars() == item
    )
    return data.lazyframe.select(pl.col(data.key).list.eval(ok).list.all().fill_null(True))


def _checks(field: Field) -> list:
    import pandera.polars as pa

    checks = []
    if field.pattern is not None:
        checks.append(pa.Check.str_matches(field.pattern))
    if field.enum is not None:
        checks.append(pa.Check.isin(list(field.enum)))
    if field.minimum is not None:
        checks.append(pa.Check.ge(field.minimum))
    if field.maximum is not None:
        checks.append(pa.Check.le(field.maximum))
    if field.type == "string":
        # data-model convention: strings are trimmed and never empty (a missing value is a null)
        checks.append(pa.Check.str_length(min_value=1, name="not_empty"))
    if field.type == "list":
        checks.append(pa.Check(_list_items_clean, name="list_items_clean"))
    return checks


@cache
def pandera_schema(table: Table, unique_key: bool = True) -> pa.DataFrameSchema:
    """The pandera schema of ``table``: dtypes, nullability, constraints, primary-key uniqueness, no extra columns.

    ``unique_key=False`` leaves out the primary-key uniqueness, for validating a large table slice by slice
    (the caller then checks the key over the whole table).
    """
    import pandera.polars as pa

    dtypes = polars_schema(table)
    columns = {
        f.name: pa.Column(dtypes[f.name], checks=_checks(f), nullable=not f.required, required=True,
                          description=f.description)
        for f in table.fields
    }
    return pa.DataFrameSchema(
        columns, name=table.name, strict=True, ordered=True, unique=list(table.primary_key) if unique_key else None,
        description=table.description,
    )
