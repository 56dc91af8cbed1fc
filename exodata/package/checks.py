"""Checks on a set of tables, shared by ``exodata build`` (before writing) and ``exodata validate`` (after).

Each problem becomes an :class:`Issue` naming the table, column, row key and value, so a person can find
it.  The checks: every table against its pandera schema (types, nulls, constraints, primary-key
uniqueness), every foreign key, and the character offsets of mentions and quantities against the text
they point into.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from exodata.metadata import TABLES, Table
from exodata.metadata.tables import ANNOTATED_FIELDS, DEPENDENCY_ORDER, OFFSET_TARGETS

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


def strictly_increasing(frame: pl.DataFrame, key: list[str]) -> bool:
    """Whether every row's ``key`` is greater than the previous row's (nulls first): then no key occurs twice.

    A build's tables come sorted by their key, so this one pass over neighbouring rows usually proves the key
    unique, for about a third of the cost of hashing every key (measured on 900k provenance rows: 0.12 s
    against 0.27 s).  Any order works for the proof; when it fails the caller does the full check.
    """
    import polars as pl

    if frame.height < 2:
        return True
    compared = frame.select(
        [((pl.col(c).shift(1).is_null() & pl.col(c).is_not_null()) | (pl.col(c).shift(1) < pl.col(c)).fill_null(False))
         .alias(f"less{i}") for i, c in enumerate(key)]
        + [pl.col(c).shift(1).eq_missing(pl.col(c)).alias(f"equal{i}") for i, c in enumerate(key)]).slice(1)
    # row > previous row: greater in the first column that differs (each column materialised once above)
    greater, equal = pl.lit(False), pl.lit(True)
    for i in range(len(key)):
        greater = greater | (equal & pl.col(f"less{i}"))
        equal = equal & pl.col(f"equal{i}")
    return bool(compared.select(greater.all()).item())


def _duplicate_keys(name: str, frame: pl.DataFrame) -> list[Issue]:
    import polars as pl

    table = TABLES[name]
    key = list(table.primary_key)
    if strictly_increasing(frame, key):
        return []
    # a 64-bit hash per row first (a wide multi-column key hashed whole would need memory per row), then the
    # exact comparison on the rows whose hashes collide: the same verdict in a fraction of the memory
    candidates = frame.select(pl.struct(key).hash(seed=0)).to_series().is_duplicated().arg_true()
    duplicated = frame[candidates].select(key).is_duplicated()
    rows = candidates.filter(duplicated).head(20).to_list()
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
    from exodata.metadata.pandera_polars import pandera_schema

    table = TABLES[name]
    if frame.height <= CHUNK_ROWS:
        return _pandera_issues(name, frame, pandera_schema(table), 0, frame)
    schema = pandera_schema(table, unique_key=False)
    issues = []
    for offset in range(0, frame.height, CHUNK_ROWS):
        issues.extend(_pandera_issues(name, frame.slice(offset, CHUNK_ROWS), schema, offset, frame))
    return issues + _duplicate_keys(name, frame)


class TableChecker:
    """Checks tables one at a time (a long table in parts), remembering only what later tables are checked against.

    A table's foreign keys are checked against the keys of the tables it points at, and mention and quantity
    offsets against the publication fields and keywords they point into; so each table must come after those
    (as in :data:`~exodata.metadata.tables.DEPENDENCY_ORDER`).  A table may come in parts, provided no
    publication's rows are split between parts (primary keys start with ``publication_id``, so each key is
    then checked for uniqueness within its part).  Holding keys and texts instead of whole tables is what
    lets a build check and write a table, then let it go.
    """

    def __init__(self) -> None:
        self.kept: dict[tuple[str, tuple[str, ...]], list[pl.DataFrame]] = {}  # distinct keys, by part
        self.texts: pl.DataFrame | None = None  # publication_id, field, source: what offsets point into
        self.keyword_parts: list[pl.DataFrame] = []
        self.seen: set[str] = set()
        self.wanted = {(fk.resource, fk.reference_fields) for t in TABLES.values() for fk in t.foreign_keys}

    def check(self, name: str, frame: pl.DataFrame) -> list[Issue]:
        """Every problem of table ``name`` (or of this part of it): its pandera schema, its foreign keys and
        (if any) its offsets."""
        from concurrent.futures import ThreadPoolExecutor

        # the schema check runs beside the key and offset checks: in a build the checker is the longest of the
        # three things done at once (assembling the next part, checking this one, writing it), and polars and
        # pyarrow release the GIL (measured at 100k records: 10.1 s of the corpus-wide 15.7 s were checks)
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="exodata-check") as pool:
            schema = pool.submit(check_schema, name, frame)
            relations = self.foreign_key_issues(name, frame)
            if name in OFFSET_TARGETS:
                relations.extend(self.offset_issues(name, frame))
            issues = schema.result()
        self.remember(name, frame)
        return issues + relations

    def remember(self, name: str, frame: pl.DataFrame) -> None:
        import polars as pl

        for resource, fields in self.wanted:
            if resource == name:
                self.kept.setdefault((name, fields), []).append(frame.select(fields).unique())
        if name == "publications":
            self.texts = frame.select("publication_id", *ANNOTATED_FIELDS).unpivot(
                index="publication_id", on=list(ANNOTATED_FIELDS), variable_name="field", value_name="source")
        elif name == "keywords":
            self.keyword_parts.append(frame.select(
                "publication_id", pl.col("position").alias("keyword_position"), pl.col("keyword").alias("source")))
        self.seen.add(name)

    def targets(self, resource: str, fields: tuple[str, ...]) -> pl.DataFrame:
        """The distinct keys of ``resource`` (all its parts so far)."""
        return _joined(self.kept[resource, fields])

    @property
    def keywords(self) -> pl.DataFrame:
        """publication_id, keyword_position, source: the keywords offsets point into (all parts so far)."""
        return _joined(self.keyword_parts)

    def _needs(self, name: str, parent: str) -> None:
        if parent not in self.seen:
            raise ValueError(f"table {name} is checked before {parent}, which it points into")

    def foreign_key_issues(self, name: str, frame: pl.DataFrame) -> list[Issue]:
        """Every non-null foreign key of ``frame`` points at an existing row."""
        import polars as pl

        issues = []
        for fk in TABLES[name].foreign_keys:
            self._needs(name, fk.resource)
            targets = self.targets(fk.resource, fk.reference_fields).select(
                [pl.col(p).alias(c) for c, p in zip(fk.fields, fk.reference_fields)])
            keys = frame.select(fk.fields).drop_nulls()
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

    def _offset_rows(self, frame: pl.DataFrame) -> pl.DataFrame:
        """Rows of a mentions-like table joined with the text they point into (column ``source``).

        Only keyword rows are looked up among the keywords, and only this frame's publications among the texts:
        the frame is one part of a long table, and joins cost by the size of both sides.
        """
        import polars as pl

        texts = self.texts.join(frame.select("publication_id").unique(), on="publication_id", how="semi")
        if "keyword_position" not in frame.columns:
            return frame.join(texts, on=["publication_id", "field"], how="left")
        in_keywords = pl.col("field") == "keyword"
        return pl.concat([
            frame.filter(~in_keywords).join(texts, on=["publication_id", "field"], how="left"),
            frame.filter(in_keywords).join(self.keywords, on=["publication_id", "keyword_position"], how="left"),
        ])

    def offset_issues(self, name: str, frame: pl.DataFrame) -> list[Issue]:
        """``<field text>[start:end] == text`` for every row (checked in slices, since each row is joined with
        the whole text it points into)."""
        import polars as pl

        for parent in OFFSET_TARGETS[name]:
            self._needs(name, parent)
        if frame.height == 0:
            return []
        parts = []
        for offset in range(0, frame.height, CHUNK_ROWS):
            joined = self._offset_rows(frame.slice(offset, CHUNK_ROWS))
            found = pl.col("source").str.slice(pl.col("start"), pl.col("end") - pl.col("start")).alias("found")
            mismatched = pl.col("found").is_null() | (pl.col("found") != pl.col("text"))
            parts.append(joined.with_columns(found).filter(mismatched).drop("source"))
        bad = pl.concat(parts)
        issues = []
        for row in bad.head(20).iter_rows(named=True):
            issues.append(Issue(
                table=name, column="start, end", value=row["text"],
                row=", ".join(f"{c}={row.get(c)!r}" for c in TABLES[name].primary_key),
                message=f"offsets point at {row['found']!r} in {row['field']}, not at the mention text",
            ))
        if bad.height > 20:
            issues.append(Issue(table=name, message=f"... and {bad.height - 20} more offset mismatches"))
        return issues


def warm_up() -> None:
    """Import pandera and pyarrow's Parquet writer and validate an empty frame of every table once.

    pandera's first validations in a process cost about 0.4 s (imports, backend registration); a build runs
    this in a thread while worker processes compile the seeds and this process waits, so that the first tables
    are not checked slowly later (measured at 10k records: the publications check 0.38 -> 0.04 s).
    """
    import polars as pl
    import pyarrow.parquet  # noqa: F401 - the writer's import, made here for the same reason

    from exodata.metadata.arrow import polars_schema
    from exodata.metadata.pandera_polars import pandera_schema

    for table in TABLES.values():
        empty = pl.DataFrame(schema=polars_schema(table))
        for unique_key in (True, False):
            pandera_schema(table, unique_key=unique_key).validate(empty, lazy=True)


def _joined(parts: list[pl.DataFrame]) -> pl.DataFrame:
    """The parts kept so far as one frame, concatenated once and kept so (later parts append to the list)."""
    import polars as pl

    if len(parts) > 1:
        parts[:] = [pl.concat(parts)]
    return parts[0]


def check_tables(frames: dict[str, pl.DataFrame]) -> list[Issue]:
    """All checks on a complete set of tables; an empty list means the tables are valid."""
    missing = [Issue(table=name, message="table is missing") for name in TABLES if name not in frames]
    if missing:
        return missing
    checker = TableChecker()
    return [issue for name in DEPENDENCY_ORDER for issue in checker.check(name, frames[name])]


def format_issues(issues: list[Issue], limit: int = 50) -> str:
    """A capped, readable report: the first ``limit`` issues, then how many more."""
    lines = [f"- {issue}" for issue in issues[:limit]]
    if len(issues) > limit:
        lines.append(f"- ... and {len(issues) - limit} more issues")
    return "\n".join(lines)
