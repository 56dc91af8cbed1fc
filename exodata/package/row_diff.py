"""Compare the rows of one table in two packages by primary key: rows added, removed and changed.

Rows are matched on the key (nulls equal to nulls); a matched row is changed when any non-key column both
packages declare differs, null equal to null and list columns compared element by element.  A column whose
type changed is compared by its text (lists joined with ``|``), so ``2020`` and ``"2020"`` are the same value.
Everything runs as lazy polars queries over the Parquet copies (only the key columns are read to find added
and removed rows), collected together so that polars can share the scans.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import polars as pl

_NEW = "__exodata_new"
_FLAG = "__exodata_changed_"


class RowDiffError(ValueError):
    """The rows could not be compared (an unreadable file, duplicate keys); the message names the file."""


@dataclass
class RowDiff:
    """Rows of one table compared by ``key``; ``examples`` and the key samples are sorted by key.  The counts
    are None when the rows were not compared (no key both schemas declare)."""

    key: list[str]
    rows_old: int | None
    rows_new: int | None
    rows_added: int | None = 0
    rows_removed: int | None = 0
    rows_changed: int | None = 0
    columns_changed: dict[str, int] = field(default_factory=dict)
    examples: list[dict[str, Any]] = field(default_factory=list)
    keys_added: list[dict[str, Any]] = field(default_factory=list)
    keys_removed: list[dict[str, Any]] = field(default_factory=list)


def _as_text(column: str, dtype: pl.DataType) -> pl.Expr:
    import polars as pl

    if isinstance(dtype, pl.List):
        return pl.col(column).list.eval(pl.element().cast(pl.String)).list.join("|")
    return pl.col(column).cast(pl.String)


def _differs(column: str, old: pl.DataType, new: pl.DataType) -> pl.Expr:
    """True where the old and the new value of ``column`` differ (null equals null)."""
    import polars as pl

    if old == new:
        return pl.col(column).ne_missing(pl.col(column + _NEW))
    return _as_text(column, old).ne_missing(_as_text(column + _NEW, new))


def _keys(frame: pl.DataFrame, key: list[str], limit: int) -> list[dict[str, Any]]:
    return frame.sort(key, nulls_last=False).head(limit).to_dicts()


def _pick_examples(changed: pl.DataFrame, key: list[str], columns: list[str], limit: int) -> list[tuple[int, str]]:
    """(row, column) pairs to show: the first change of every changed column (in column order), then further
    changes in key order, at most ``limit``; ``changed`` is sorted by key."""
    picked: list[tuple[int, str]] = []
    for column in columns:
        if len(picked) == limit:
            break
        picked.append((int(changed.get_column(_FLAG + column).arg_max()), column))
    for index, row in enumerate(changed.head(limit).iter_rows(named=True)):
        for column in columns:
            if len(picked) == limit:
                break
            if row[_FLAG + column] and (index, column) not in picked:
                picked.append((index, column))
    order = {column: position for position, column in enumerate(columns)}
    return sorted(picked, key=lambda pair: (pair[0], order[pair[1]]))


def compare_rows(old_path: Path, new_path: Path, key: list[str], columns: list[str], *, examples: int = 5,
                 where: str = "") -> RowDiff:
    """Compare the rows of two Parquet copies of a table on ``key``, looking at the non-key ``columns``.

    ``columns`` must exist in both files (the caller takes the fields both schemas declare); ``where`` names
    the table and packages in error messages.  Raises :class:`RowDiffError` when a file cannot be read or a
    key is not unique (then rows cannot be matched: the package is invalid).
    """
    import polars as pl

    old, new = pl.scan_parquet(old_path), pl.scan_parquet(new_path)
    try:
        old_types, new_types = old.collect_schema(), new.collect_schema()
        columns = [c for c in columns if c not in key]
        for types, side in ((old_types, "old"), (new_types, "new")):
            missing = [c for c in (*key, *columns) if c not in types]
            if missing:
                raise RowDiffError(f"{where}: the {side} package's Parquet copy has no column {missing[0]!r}, "
                                   "which its schema declares; check it with `exodata validate`")
        # a key column whose type changed is matched by its text, like any retyped column
        old_key = [pl.col(k) if old_types[k] == new_types[k] else _as_text(k, old_types[k]).alias(k) for k in key]
        new_key = [pl.col(k) if old_types[k] == new_types[k] else _as_text(k, new_types[k]).alias(k) for k in key]
        old_keys, new_keys = old.select(old_key), new.select(new_key)
        unique = (pl.struct(key) if len(key) > 1 else pl.col(key[0])).n_unique()
        joined = old.select(*old_key, *columns).join(
            new.select(*new_key, *[pl.col(c).alias(c + _NEW) for c in columns]), on=key, how="inner",
            nulls_equal=True)
        flags = [_differs(c, old_types[c], new_types[c]).alias(_FLAG + c) for c in columns]
        queries = [
            old_keys.select(pl.len(), unique.alias("unique")),
            new_keys.select(pl.len(), unique.alias("unique")),
            new_keys.join(old_keys, on=key, how="anti", nulls_equal=True),
            old_keys.join(new_keys, on=key, how="anti", nulls_equal=True),
            joined.with_columns(flags).filter(pl.any_horizontal(flags)) if flags else joined.head(0),
        ]
        old_count, new_count, added, removed, changed = pl.collect_all(queries)
    except (pl.exceptions.PolarsError, OSError) as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise RowDiffError(f"{where}: cannot compare the Parquet copies ({first_line}); check both packages "
                           "with `exodata validate`") from None
    for counts, side in ((old_count, "old"), (new_count, "new")):
        if counts["len"][0] != counts["unique"][0]:
            raise RowDiffError(f"{where}: the {side} package's primary key ({', '.join(key)}) is not unique, so "
                               "rows cannot be matched; check it with `exodata validate`")
    result = RowDiff(key=key, rows_old=old_count["len"][0], rows_new=new_count["len"][0],
                     rows_added=added.height, rows_removed=removed.height, rows_changed=changed.height,
                     keys_added=_keys(added, key, examples), keys_removed=_keys(removed, key, examples))
    if changed.height:
        counts = changed.select(pl.col(_FLAG + c).sum() for c in columns).row(0)
        result.columns_changed = {c: int(n) for c, n in zip(columns, counts) if n}
        changed = changed.sort(key, nulls_last=False)
        for index, column in _pick_examples(changed, key, list(result.columns_changed), examples):
            row = changed.row(index, named=True)
            result.examples.append({"key": {k: row[k] for k in key}, "column": column,
                                    "old": row[column], "new": row[column + _NEW]})
    return result
