"""The order of the package's rows, beside the schema source: by primary key (:func:`sort_by_key`).

Rows are assembled, checked and written in key order; the assembly and the writer both sort with this.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from exodata.metadata.classes import Table

if TYPE_CHECKING:
    import polars as pl


def sort_by_key(frame: pl.DataFrame, table: Table) -> pl.DataFrame:
    """``table``'s columns of ``frame``, rows sorted by its primary key (nulls first; ties keep their order)."""
    return frame.select(table.column_names).sort(list(table.primary_key), nulls_last=False, maintain_order=True)
