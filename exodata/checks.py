"""Checks on a set of tables, shared by ``exodata build`` (before writing) and ``exodata validate`` (after).

Each problem becomes an :class:`Issue` naming the table, column, row key and value, so a person can find
it.  The checks: every table against its pandera schema (types, nulls, constraints, primary-key
uniqueness), every foreign key, and the character offsets of mentions and quantities against the text
they point into.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from exodata.schema import TABLES, Table
from exodata.schema.tables import ANNOTATED_FIELDS

if TYPE_CHECKING:
    import polars as pl



@dataclass(frozen=True)
class Issue:
    table: str
    message: str
    column: str | None = None
    row: str | None = None
    value: str | None = None
    file: str | None = None

    def __str__(self) -> str:
        where = [self.file or f"table {self.table}"]
        if self.file:
            where.append(f"table {self.table}")
        if self.column:
            where.append(f"column {self.column}")
        if self.row:
            where.append(f"row {self.row}")
        text = ", ".join(where) + f": {self.message}"
        if self.value is not None:
            shown = self.value if len(self.value) <= 80 else self.value[:77] + "..."
            text += f" (value {shown!r})"
        return text


def row_key(frame: pl.DataFrame, table: Table, index: int | None) -> str | None:
    if index is None or index < 0 or index >= frame.height:
        return None
    row = frame.row(index, named=True)
    return ", ".join(f"{c}={row.get(c)!r}" for c in table.primary_key)


#: Tables longer than this are validated slice by slice (pandera's checks need memory per row checked).
CHUNK_ROWS = 250_000


def _pandera_issues(name: str, part: pl.DataFrame, schema, offset: int, whole: pl.DataFrame) -> list[Issue]:
    import pandera.errors as pe

    try:
        schema.validate(part, lazy=True)
    except pe.SchemaErrors as errors:
        table = TABLES[name]
        issues = []
        for case in errors.failure_cases.iter_rows(named=True):
            index = case.get("index")
            issues.append(Issue(
                table=name,
                column=case.get("column"),
                row=row_key(whole, table, offset + index) if index is not None else None,
                value=None if case.get("failure_case") is None else str(case["failure_case"]),
                message=f"fails {case.get('check')}",
            ))
        return issues
    except pe.SchemaError as error:  # pragma: no cover - lazy=True reports through SchemaErrors
        return [Issue(table=name, message=str(error))]
    return []


def _duplicate_keys(name: str, frame: pl.DataFrame) -> list[Issue]:
    table = TABLES[name]
    duplicated = frame.select(table.primary_key).is_duplicated()
    rows = duplicated.arg_true().head(20).to_list()
    issues = [Issue(table=name, column=", ".join(table.primary_key), row=row_key(frame, table, i),
                    message="fails primary key uniqueness (the key occurs more than once)") for i in rows]
    if int(duplicated.sum()) > len(rows):
        issues.append(Issue(table=name, message=f"... and {int(duplicated.sum()) - len(rows)} more duplicate keys"))
    return issues


def check_schema(name: str, frame: pl.DataFrame) -> list[Issue]:
    """Validate one table against its generated pandera schema (data checks included).

    A table longer than :data:`CHUNK_ROWS` is validated slice by slice with the same checks, and its primary
    key over the whole table with one polars pass: the same verdicts, with memory bounded by the slice.
    """
    from exodata.schema.pandera_polars import pandera_schema

    table = TABLES[name]
    if frame.height <= CHUNK_ROWS:
        return _pandera_issues(name, frame, pandera_schema(table), 0, frame)
    schema = pandera_schema(table, unique_key=False)
    issues = []
    for offset in range(0, frame.height, CHUNK_ROWS):
        issues.extend(_pandera_issues(name, frame.slice(offset, CHUNK_ROWS), schema, offset, frame))
    return issues + _duplicate_keys(name, frame)


def check_foreign_keys(frames: dict[str, pl.DataFrame]) -> list[Issue]:
    """Every non-null foreign key of every table points at an existing row."""
    import polars as pl

    issues = []
    for name, table in TABLES.items():
        child = frames.get(name)
        for fk in table.foreign_keys:
            parent = frames.get(fk.resource)
            if child is None or parent is None:
                continue
            keys = child.select(fk.fields).drop_nulls()
            targets = parent.select([pl.col(p).alias(c) for c, p in zip(fk.fields, fk.reference_fields)]).unique()
            dangling = keys.join(targets, on=list(fk.fields), how="anti", nulls_equal=False).unique(
                maintain_order=True)
            for row in dangling.head(20).iter_rows(named=True):
                issues.append(Issue(
                    table=name, column=", ".join(fk.fields),
                    row=", ".join(f"{c}={row[c]!r}" for c in fk.fields),
                    message=f"no matching row in {fk.resource} ({', '.join(fk.reference_fields)})",
                ))
            if dangling.height > 20:
                issues.append(Issue(table=name, column=", ".join(fk.fields),
                                    message=f"... and {dangling.height - 20} more dangling keys to {fk.resource}"))
    return issues


def _offset_rows(frame: pl.DataFrame, frames: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """Rows of a mentions-like table joined with the text they point into (column ``source``)."""
    import polars as pl

    publications = frames["publications"].select("publication_id", *ANNOTATED_FIELDS)
    texts = publications.unpivot(index="publication_id", on=list(ANNOTATED_FIELDS), variable_name="field",
                                 value_name="source")
    in_fields = frame.join(texts, on=["publication_id", "field"], how="left")
    if "keyword_position" not in frame.columns:
        return in_fields
    keywords = frames["keywords"].select(
        "publication_id", pl.col("position").alias("keyword_position"), pl.lit("keyword").alias("field"),
        pl.col("keyword").alias("keyword_source"))
    joined = in_fields.join(keywords, on=["publication_id", "field", "keyword_position"], how="left")
    return joined.with_columns(pl.coalesce("source", "keyword_source").alias("source")).drop("keyword_source")


def check_offsets(frames: dict[str, pl.DataFrame]) -> list[Issue]:
    """``<field text>[start:end] == text`` for every mention and every vesicle quantity (checked in slices, since
    each row is joined with the whole text it points into)."""
    import polars as pl

    issues = []
    for name in ("mentions", "vesicle_quantities"):
        frame = frames.get(name)
        if frame is None or frame.height == 0:
            continue
        # slice by slice: each row carries its whole source text while it is checked
        parts = []
        for offset in range(0, frame.height, CHUNK_ROWS):
            joined = _offset_rows(frame.slice(offset, CHUNK_ROWS), frames)
            found = pl.col("source").str.slice(pl.col("start"), pl.col("end") - pl.col("start")).alias("found")
            mismatched = pl.col("found").is_null() | (pl.col("found") != pl.col("text"))
            parts.append(joined.with_columns(found).filter(mismatched).drop("source"))
        bad = pl.concat(parts)
        table = TABLES[name]
        for row in bad.head(20).iter_rows(named=True):
            issues.append(Issue(
                table=name, column="start, end", value=row["text"],
                row=", ".join(f"{c}={row.get(c)!r}" for c in table.primary_key),
                message=f"offsets point at {row['found']!r} in {row['field']}, not at the mention text",
            ))
        if bad.height > 20:
            issues.append(Issue(table=name, message=f"... and {bad.height - 20} more offset mismatches"))
    return issues


def check_tables(frames: dict[str, pl.DataFrame]) -> list[Issue]:
    """All checks on a complete set of tables; an empty list means the tables are valid."""
    from concurrent.futures import ThreadPoolExecutor

    missing = [Issue(table=name, message="table is missing") for name in TABLES if name not in frames]
    if missing:
        return missing
    # pandera's checks are polars expressions, which release the GIL: tables are checked side by side
    with ThreadPoolExecutor(max_workers=2) as pool:
        per_table = list(pool.map(lambda name: check_schema(name, frames[name]), TABLES))
    issues = [issue for found in per_table for issue in found]
    issues.extend(check_foreign_keys(frames))
    issues.extend(check_offsets(frames))
    return issues


def format_issues(issues: list[Issue], limit: int = 50) -> str:
    """A capped, readable report: the first ``limit`` issues, then how many more."""
    lines = [f"- {issue}" for issue in issues[:limit]]
    if len(issues) > limit:
        lines.append(f"- ... and {len(issues) - limit} more issues")
    return "\n".join(lines)
