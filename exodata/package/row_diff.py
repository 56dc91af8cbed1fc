"""Compare the rows of one table in two packages by primary key: rows added, removed and changed.

Rows are matched on the key (nulls equal to nulls); a matched row is changed when any non-key column both
packages declare differs, null equal to null and list columns compared element by element.  A column whose
type changed is compared by its text (lists joined with ``|``), so ``2020`` and ``"2020"`` are the same value.

Two stages keep a diff of millions of rows fast and small in memory:

1. **Fingerprints.**  Each side is read as two 64-bit hashes per row, of its key and of its other values;
   rows added and removed are anti-joins of the key hashes, candidate changed rows an inner join whose value
   hashes differ.  Only the hashes are held (16 bytes a row), and joining integers is several times faster
   than joining the key columns (strings, often several of them).  Two different keys with one hash within a
   table would show as a duplicate: then the real key is checked, and the table is matched on it instead.
2. **Details.**  Only the rows found in stage 1 are read again in full (filtered by their key hash), and the
   changed ones compared column by column on the real key: exact per-column counts and the examples.

A changed row whose values hash to the same 64-bit number as before would be missed: with a good hash that is
a chance of about 1 in 2**64 per changed row.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import polars as pl

_NEW = "__exodata_new"
_FLAG = "__exodata_changed_"
_KEY_HASH = "__exodata_key"
_VALUES_HASH = "__exodata_values"
_ROW = "__exodata_row"


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


@dataclass
class _Side:
    """One Parquet copy: its lazy frame, and the key and value expressions it is compared by."""

    frame: pl.LazyFrame
    key: list[pl.Expr]
    values: list[pl.Expr]

    def fingerprints(self, exact_key: bool) -> pl.LazyFrame:
        """Per row: its number, the key hash (or the comparable key columns) and a hash of the values."""
        import polars as pl

        key = self.key if exact_key else [pl.struct(self.key).hash(seed=0).alias(_KEY_HASH)]
        values = pl.struct(self.values).hash(seed=0) if self.values else pl.lit(0, dtype=pl.UInt64)
        return self.frame.with_row_index(_ROW).select(_ROW, *key, values.alias(_VALUES_HASH))

    def rows(self, numbers: pl.Series, columns: list[pl.Expr]) -> pl.LazyFrame:
        """Row number, comparable key and ``columns`` of the rows numbered ``numbers`` (read once, not hashed)."""
        import polars as pl

        rows = self.frame.with_row_index(_ROW).select(_ROW, *self.key, *columns)
        return rows.filter(pl.col(_ROW).is_in(numbers.implode())) if len(numbers) else rows.head(0)


def _as_text(column: str, dtype: pl.DataType) -> pl.Expr:
    import polars as pl

    if isinstance(dtype, pl.List):
        return pl.col(column).list.eval(pl.element().cast(pl.String)).list.join("|")
    return pl.col(column).cast(pl.String)


def _comparable(names: list[str], types: pl.Schema, other: pl.Schema) -> list[pl.Expr]:
    """Each column as it is compared: itself, or its text when the other side has another type."""
    import polars as pl

    return [pl.col(n) if types[n] == other[n] else _as_text(n, types[n]).alias(n) for n in names]


def _differs(column: str, old: pl.DataType, new: pl.DataType) -> pl.Expr:
    """True where the old and the new value of ``column`` differ (null equals null)."""
    import polars as pl

    if old == new:
        return pl.col(column).ne_missing(pl.col(column + _NEW))
    return _as_text(column, old).ne_missing(_as_text(column + _NEW, new))


def _pick_examples(changed: pl.DataFrame, columns: list[str], limit: int) -> list[tuple[int, str]]:
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


@contextmanager
def _reading(where: str) -> Iterator[None]:
    """Turn polars' and the file system's errors into one-line :class:`RowDiffError` messages."""
    import polars as pl

    try:
        yield
    except (pl.exceptions.PolarsError, OSError) as error:
        text = str(error).strip()
        first_line = text.splitlines()[0] if text else type(error).__name__
        raise RowDiffError(f"{where}: cannot compare the Parquet copies ({first_line}); check both packages "
                           "with `exodata validate`") from None


def _match(old: _Side, new: _Side, key: list[str], where: str) -> tuple[int, int, pl.DataFrame, pl.DataFrame,
                                                                      pl.DataFrame]:
    """Stage 1: the fingerprints of both sides joined on the key (hash): the number of rows of each side, and
    the row numbers of the rows added (in new), removed (in old) and of candidate changed rows (``_ROW`` in
    old, ``_ROW + _NEW`` in new).

    The fingerprints of both sides are collected once (each file is read and hashed once, both at a time) and
    then joined in memory.
    """
    import polars as pl

    for exact in (False, True):
        on = key if exact else [_KEY_HASH]
        old_ids, new_ids = pl.collect_all([old.fingerprints(exact), new.fingerprints(exact)])
        unique = (pl.struct(on) if len(on) > 1 else pl.col(on[0])).n_unique()
        duplicated = [side for side, ids in (("old", old_ids), ("new", new_ids))
                      if ids.select(unique).item() != ids.height]
        if not duplicated:
            return (old_ids.height, new_ids.height,
                    new_ids.join(old_ids, on=on, how="anti", nulls_equal=True).select(_ROW),
                    old_ids.join(new_ids, on=on, how="anti", nulls_equal=True).select(_ROW),
                    old_ids.join(new_ids, on=on, how="inner", nulls_equal=True, suffix=_NEW)
                    .filter(pl.col(_VALUES_HASH) != pl.col(_VALUES_HASH + _NEW)).select(_ROW, _ROW + _NEW))
        if exact:
            raise RowDiffError(f"{where}: the {duplicated[0]} package's primary key ({', '.join(key)}) is not "
                               "unique, so rows cannot be matched; check it with `exodata validate`")
        del old_ids, new_ids
    raise AssertionError("unreachable")  # pragma: no cover


def compare_rows(old_path: Path, new_path: Path, key: list[str], columns: list[str], *, examples: int = 5,
                 where: str = "") -> RowDiff:
    """Compare the rows of two Parquet copies of a table on ``key``, looking at the non-key ``columns``.

    ``columns`` must exist in both files (the caller takes the fields both schemas declare); ``where`` names
    the table and packages in error messages.  Raises :class:`RowDiffError` when a file cannot be read or a
    key is not unique (then rows cannot be matched: the package is invalid).
    """
    import polars as pl

    with _reading(where):
        old_frame, new_frame = pl.scan_parquet(old_path), pl.scan_parquet(new_path)
        old_types, new_types = old_frame.collect_schema(), new_frame.collect_schema()
        columns = [c for c in columns if c not in key]
        for types, side in ((old_types, "old"), (new_types, "new")):
            missing = [c for c in (*key, *columns) if c not in types]
            if missing:
                raise RowDiffError(f"{where}: the {side} package's Parquet copy has no column {missing[0]!r}, "
                                   "which its schema declares; check it with `exodata validate`")
        old = _Side(old_frame, _comparable(key, old_types, new_types), _comparable(columns, old_types, new_types))
        new = _Side(new_frame, _comparable(key, new_types, old_types), _comparable(columns, new_types, old_types))
        rows_old, rows_new, added, removed, candidates = _match(old, new, key, where)
        # stage 2: each side read once more, only the rows found above: keys of rows added and removed, and the
        # candidate changed rows in full, matched on the real key and compared column by column
        old_rows, new_rows = pl.collect_all([
            old.rows(pl.concat([removed[_ROW], candidates[_ROW]]), [pl.col(c) for c in columns]),
            new.rows(pl.concat([added[_ROW], candidates[_ROW + _NEW]]), [pl.col(c).alias(c + _NEW) for c in columns]),
        ])
    result = RowDiff(key=key, rows_old=rows_old, rows_new=rows_new, rows_added=added.height,
                     rows_removed=removed.height)
    for rows, numbers, target in ((new_rows, added[_ROW], result.keys_added),
                                  (old_rows, removed[_ROW], result.keys_removed)):
        target += (rows.filter(pl.col(_ROW).is_in(numbers.implode())).select(key)
                   .sort(key, nulls_last=False).head(examples).to_dicts())
    changed = old_rows.filter(pl.col(_ROW).is_in(candidates[_ROW].implode())).drop(_ROW).join(
        new_rows.filter(pl.col(_ROW).is_in(candidates[_ROW + _NEW].implode())).drop(_ROW),
        on=key, how="inner", nulls_equal=True)
    flags = [_differs(c, old_types[c], new_types[c]).alias(_FLAG + c) for c in columns]
    changed = (changed.with_columns(flags).filter(pl.any_horizontal(flags)).sort(key, nulls_last=False)
               if flags else changed.head(0))
    result.rows_changed = changed.height
    if changed.height:
        counts = changed.select(pl.col(_FLAG + c).sum() for c in columns).row(0)
        result.columns_changed = {c: int(n) for c, n in zip(columns, counts) if n}
        for index, column in _pick_examples(changed, list(result.columns_changed), examples):
            row = changed.row(index, named=True)
            result.examples.append({"key": {k: row[k] for k in key}, "column": column,
                                    "old": row[column], "new": row[column + _NEW]})
    return result
