"""Checks on a set of tables, shared by ``exodata build`` (before writing) and ``exodata validate`` (after).

Each problem becomes a :class:`Problem` naming the table, column, row, key, value and the rule it breaks, so a
person can find it.  The checks: every table against its pandera schema (types, nulls, constraints, row
rules, primary-key uniqueness), every foreign key, the character offsets of mentions and quantities against
the text they point into, and the promises between tables (a publication's ``record_count`` is its number of
seed records; a mention's category and label are its concept's).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from exodata.metadata import LIST_DELIMITER, TABLES, Table
from exodata.metadata.tables import ANNOTATED_FIELDS, DEPENDENCY_ORDER, METHOD_COLUMNS, OFFSET_TARGETS

if TYPE_CHECKING:
    import polars as pl



@dataclass(frozen=True)
class Problem:
    """One broken promise: what (``message``, ``rule``) and where (file, table, row, line, key, column, value).

    ``row`` is the 1-based row number in the file or frame checked, ``line`` the line of a CSV file it starts
    on, ``key`` the row's primary key (``publication_id='doi:…', position=2``).  ``to_dict()`` is the record
    ``exodata validate --json`` prints and :class:`exodata.ValidationError` carries.
    """

    table: str
    message: str
    rule: str | None = None
    column: str | None = None
    key: str | None = None
    value: str | None = None
    file: str | None = None
    row: int | None = None
    line: int | None = None

    def to_dict(self) -> dict[str, str | int | None]:
        return {"file": self.file, "table": self.table, "row": self.row, "line": self.line, "key": self.key,
                "column": self.column, "value": self.value, "rule": self.rule, "message": self.message}

    def __str__(self) -> str:
        where = [f"{self.file}:{self.line}" if self.file and self.line else self.file or f"table {self.table}"]
        if self.file:
            where.append(f"table {self.table}")
        if self.row is not None and not self.line:
            where.append(f"row {self.row}")
        if self.key:
            where.append(f"key ({self.key})")
        if self.column:
            where.append(f"column {self.column}")
        text = ", ".join(where) + f": {self.message}"
        if self.value is not None:
            shown = self.value if len(self.value) <= 80 else self.value[:77] + "..."
            text += f" (value {shown!r})"
        return text


def row_key(frame: pl.DataFrame, table: Table, index: int | None) -> str | None:
    if index is None or index < 0 or index >= frame.height:
        return None
    row = frame.row(index, named=True)
    return ", ".join(f"{c}={row.get(c)!r}" for c in table.primary_key if c in row)


#: Tables longer than this are validated slice by slice (pandera's checks need memory per row checked).
CHUNK_ROWS = 250_000


def _pandera_issues(name: str, part: pl.DataFrame, schema, offset: int, whole: pl.DataFrame) -> list[Problem]:
    import pandera.errors as pe

    try:
        schema.validate(part, lazy=True)
    except pe.SchemaErrors as errors:
        return failure_problems(TABLES[name], errors.failure_cases, whole, offset)
    except pe.SchemaError as error:  # pragma: no cover - lazy=True reports through SchemaErrors
        return [Problem(table=name, message=str(error))]
    return []


def failure_problems(table: Table, cases: pl.DataFrame, frame: pl.DataFrame, offset: int = 0) -> list[Problem]:
    """pandera's failure cases as problems: the rule, the column (a row rule's columns), the row (1-based, in
    ``frame``; the validated slice starts at row ``offset``), its key and the value (a row rule's values)."""
    from exodata.metadata.pandera_polars import rule_of

    rules = {rule.name: rule for rule in table.rules}
    problems = []
    for case in cases.iter_rows(named=True):
        index = case.get("index")
        at = None if index is None else offset + index
        in_column = case.get("schema_context") == "Column"
        column = case.get("column") if in_column else None
        rule = rule_of(table, column, case.get("check_number"), case.get("check") or "")
        value = None if case.get("failure_case") is None else str(case["failure_case"])
        if rule in rules:
            column = ", ".join(rules[rule].columns)
            if at is not None:
                row = frame.row(at, named=True)
                value = ", ".join(f"{c}={row[c]!r}" for c in rules[rule].columns)
        problems.append(Problem(
            table=table.name, rule=rule, column=column, value=value,
            key=row_key(frame, table, at), row=None if at is None else at + 1,
            message=rule_message(table, rule, column)))
    return problems


def rule_message(table: Table, rule: str, column: str | None) -> str:
    """What breaking ``rule`` means, in words: the row rules' own descriptions, the constraint for the others."""
    for candidate in table.rules:
        if candidate.name == rule:
            return f"breaks the rule: {candidate.description}"
    field = table.field(column) if column in table.column_names else None
    if field is not None:
        listed = lambda values: ", ".join(values[:12]) + (", …" if len(values) > 12 else "")  # noqa: E731
        described = {
            "pattern": f"does not match {field.pattern}",
            "enum": f"is not one of {field.vocabulary or listed(field.enum or ())}",
            "minimum": f"is below the minimum {field.minimum}",
            "maximum": f"is above the maximum {field.maximum}",
            "normalised text": "is not normalised text (trimmed, single spaces between words, Unicode NFC, not empty)",
            "not empty": "is an empty string (write a missing value as null)",
            "list items": f"has an item that is empty, not normalised or holds {LIST_DELIMITER!r}",
            "item pattern": f"has an item that does not match {field.item_pattern}",
            "item enum": f"has an item that is not one of {listed(field.item_enum or ())}",
            "type": f"is not of type {field.type}",
        }
        if rule in described:
            return described[rule]
    return {"required": "is null, but the column is required", "primary key": "repeats a primary key",
            "missing column": "column is missing", "unexpected column": "is not a column of this table",
            "column order": "columns are out of order"}.get(rule, f"fails {rule}")


def strictly_increasing(frame: pl.DataFrame, key: list[str]) -> bool:
    """Whether every row's ``key`` is greater than the previous row's (nulls first): then no key occurs twice.

    A build's tables come sorted by their key, so this one pass over neighbouring rows usually proves the key
    unique, for less than half the cost of hashing every key (docs/benchmarks.md).  Any order works for the
    proof; when it fails the caller does the full check.
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


def _duplicate_keys(name: str, frame: pl.DataFrame) -> list[Problem]:
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
    issues = [Problem(table=name, rule="primary key", column=", ".join(table.primary_key), key=row_key(frame, table, i),
                      row=i + 1, message="repeats a primary key (the key occurs more than once)") for i in rows]
    if int(duplicated.sum()) > len(rows):
        issues.append(Problem(table=name, rule="primary key",
                              message=f"... and {int(duplicated.sum()) - len(rows)} more duplicate keys"))
    return issues


def check_schema(name: str, frame: pl.DataFrame) -> list[Problem]:
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
        self.record_counts: pl.DataFrame | None = None  # publication_id, record_count
        self.concepts: pl.DataFrame | None = None  # concept_id, category, label

    def check(self, name: str, frame: pl.DataFrame) -> list[Problem]:
        """Every problem of table ``name`` (or of this part of it): its pandera schema, its foreign keys and
        (if any) its offsets."""
        from concurrent.futures import ThreadPoolExecutor

        # the schema check runs beside the key and offset checks: in a build the checker is the longest of the
        # three things done at once (assembling the next part, checking this one, writing it: docs/benchmarks.md),
        # and polars and pyarrow release the GIL
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="exodata-check") as pool:
            schema = pool.submit(check_schema, name, frame)
            relations = self.foreign_key_issues(name, frame)
            if name in OFFSET_TARGETS:
                relations.extend(self.offset_issues(name, frame))
            relations.extend(self.agreement_issues(name, frame))
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
            self.record_counts = frame.select("publication_id", "record_count")
        elif name == "concepts":
            self.concepts = frame.select("concept_id", "category", "label")
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

    def foreign_key_issues(self, name: str, frame: pl.DataFrame) -> list[Problem]:
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
                issues.append(Problem(
                    table=name, rule="foreign key", column=", ".join(fk.fields),
                    value=", ".join(f"{c}={row[c]!r}" for c in fk.fields),
                    message=f"no matching row in {fk.resource} ({', '.join(fk.reference_fields)})",
                ))
            if dangling.height > 20:
                issues.append(Problem(table=name, rule="foreign key", column=", ".join(fk.fields),
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

    def offset_mismatches(self, name: str, frame: pl.DataFrame) -> pl.DataFrame:
        """The rows of ``frame`` (any columns besides the table's pass through) whose ``<field text>[start:end]``
        is not their ``text``, with what the offsets do point at (column ``found``).  Checked in slices, since
        each row is joined with the whole text it points into."""
        import polars as pl

        for parent in OFFSET_TARGETS[name]:
            self._needs(name, parent)
        parts = []
        for offset in range(0, frame.height, CHUNK_ROWS):
            joined = self._offset_rows(frame.slice(offset, CHUNK_ROWS))
            found = pl.col("source").str.slice(pl.col("start"), pl.col("end") - pl.col("start")).alias("found")
            mismatched = pl.col("found").is_null() | (pl.col("found") != pl.col("text"))
            parts.append(joined.with_columns(found).filter(mismatched).drop("source"))
        return pl.concat(parts) if parts else frame.clear().with_columns(pl.lit(None, pl.String).alias("found"))

    def offset_issues(self, name: str, frame: pl.DataFrame) -> list[Problem]:
        """``<field text>[start:end] == text`` for every row."""
        bad = self.offset_mismatches(name, frame)
        issues = []
        for row in bad.head(20).iter_rows(named=True):
            issues.append(Problem(
                table=name, rule="offsets", column="start, end", value=row["text"],
                key=", ".join(f"{c}={row.get(c)!r}" for c in TABLES[name].primary_key),
                message=f"offsets point at {row['found']!r} in {row['field']}, not at the mention text",
            ))
        if bad.height > 20:
            issues.append(Problem(table=name, rule="offsets",
                                  message=f"... and {bad.height - 20} more offset mismatches"))
        return issues

    def agreement_issues(self, name: str, frame: pl.DataFrame) -> list[Problem]:
        """The promises between tables that keys cannot state: a publication's ``record_count`` is the number of
        its seed records that compiled or merged into it; a mention's (and a publication concept's) category,
        and a publication concept's label, are its concept's; each label a `publication_methods` list holds is
        the label of a concept of that list's category."""
        import polars as pl

        issues: list[Problem] = []
        if name == "seed_records" and self.record_counts is not None:
            counted = (frame.filter(pl.col("status") != "quarantined").group_by("publication_id")
                       .agg(pl.len().cast(pl.Int64).alias("counted")))
            wrong = (self.record_counts.join(counted, on="publication_id", how="left")
                     .filter(pl.col("counted").fill_null(0) != pl.col("record_count")).sort("publication_id"))
            for row in wrong.head(20).iter_rows(named=True):
                issues.append(Problem(
                    table="publications", rule="record count", column="record_count", value=str(row["record_count"]),
                    key=f"publication_id={row['publication_id']!r}",
                    message=f"says {row['record_count']} record(s), but seed_records has {row['counted'] or 0} "
                            "compiled or duplicate record(s) for it"))
        if name in ("mentions", "publication_concepts") and self.concepts is not None:
            compared = [("category", "category")] + ([("label", "label")] if name == "publication_concepts" else [])
            joined = frame.join(self.concepts, on="concept_id", how="inner", suffix="_of_concept")
            for column, _ in compared:
                wrong = joined.filter(pl.col(column) != pl.col(f"{column}_of_concept"))
                for row in wrong.head(20).iter_rows(named=True):
                    issues.append(Problem(
                        table=name, rule=f"concept {column}", column=column, value=row[column],
                        key=", ".join(f"{c}={row.get(c)!r}" for c in TABLES[name].primary_key),
                        message=f"is not the {column} of concept {row['concept_id']} "
                                f"({row[f'{column}_of_concept']!r})"))
        if name == "publication_methods" and self.concepts is not None:
            for category, column in METHOD_COLUMNS.items():
                labels = self.concepts.filter(pl.col("category") == category).select(pl.col("label").alias(column))
                listed = frame.select("publication_id", column).explode(column).drop_nulls(column)
                for row in listed.join(labels, on=column, how="anti").head(20).iter_rows(named=True):
                    issues.append(Problem(
                        table=name, rule="concept label", column=column, value=row[column],
                        key=f"publication_id={row['publication_id']!r}",
                        message=f"is not the label of a {category} concept"))
        return issues


def warm_up() -> None:
    """Import pandera and pyarrow's Parquet writer and validate an empty frame of every table once.

    pandera's first validations in a process are slow (imports, backend registration); a build runs this in a
    thread while worker processes compile the seeds and this process waits, so that the first tables are not
    checked slowly later (docs/benchmarks.md).
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


def check_tables(frames: dict[str, pl.DataFrame]) -> list[Problem]:
    """All checks on a complete set of tables; an empty list means the tables are valid."""
    missing = [Problem(table=name, rule="table", message="table is missing") for name in TABLES if name not in frames]
    if missing:
        return missing
    checker = TableChecker()
    return [issue for name in DEPENDENCY_ORDER for issue in checker.check(name, frames[name])]


def format_issues(issues: list[Problem], limit: int = 50) -> str:
    """A capped, readable report: the first ``limit`` issues, then how many more."""
    lines = [f"- {issue}" for issue in issues[:limit]]
    if len(issues) > limit:
        lines.append(f"- ... and {len(issues) - limit} more issues")
    return "\n".join(lines)
