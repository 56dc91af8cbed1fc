"""Check data of one's own against one of exodata's tables: ``exodata validate --table`` and ``exodata.validate``.

A downstream project keeps tables that follow exodata's (extra publications, mentions of its own, a derived
table with a few of our columns and some of theirs) and checks them in its CI.  What is checked, per file or
frame: the columns (none missing, none unexpected, in order; with ``subset`` only the shared ones), each
value's type, every constraint and row rule of the schema source (the same pandera checks a build runs), the
primary key across all the files given, the foreign keys against the installed package (or another one), and
mention and quantity offsets against the package's texts.  Each problem names the file, the row (and the
line of a CSV file), the primary key, the column, the value and the rule.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from exodata.metadata import TABLES, Table
from exodata.metadata.tables import OFFSET_TARGETS
from exodata.package.checks import Problem, row_key
from exodata.package.layout import split_list

if TYPE_CHECKING:
    import polars as pl

#: Columns added to every frame while it is checked: where each row came from.
_FILE, _ROW = "__exodata_file", "__exodata_row"
READABLE = {".csv": "CSV", ".parquet": "Parquet", ".pq": "Parquet"}


class UsageError(ValueError):
    """The call itself is wrong (an unknown table, a missing or unreadable kind of file): exit 2, not 1."""


@dataclass
class Report:
    """The outcome of checking data against one table."""

    table: str
    sources: list[str]
    problems: list[Problem] = field(default_factory=list)
    subset: bool = False
    package: str | None = None

    @property
    def valid(self) -> bool:
        return not self.problems

    def to_dict(self, max_problems: int | None = None) -> dict[str, Any]:
        shown = self.problems if max_problems is None else self.problems[:max_problems]
        return {"valid": self.valid, "table": self.table, "files": self.sources, "subset": self.subset,
                "package": self.package, "problem_count": len(self.problems), "shown": len(shown),
                "problems": [p.to_dict() for p in shown]}


def table_named(name: str) -> Table:
    if name not in TABLES:
        raise UsageError(f"no table {name!r} in exodata; tables: {', '.join(TABLES)} (`exodata tables` lists them)")
    return TABLES[name]


# -- reading ----------------------------------------------------------------------------------------------

def read_file(path: Path) -> pl.DataFrame:
    """A CSV (every column as text, empty cells null) or Parquet file, as it is; :class:`UsageError` when the
    file is missing or of another kind."""
    import polars as pl

    kind = READABLE.get(path.suffix.lower())
    if kind is None:
        raise UsageError(f"{path}: cannot tell its format from the name; give a .csv or .parquet file")
    if not path.is_file():
        raise UsageError(f"{path}: no such file")
    try:
        if kind == "CSV":
            return pl.read_csv(path, infer_schema=False)
        return pl.read_parquet(path)
    except Exception as error:  # polars says what is wrong with the bytes; keep it to one line
        raise UsageError(f"{path}: cannot be read as {kind} ({' '.join(str(error).split())[:200]})") from None


def as_polars(data: Any) -> pl.DataFrame:
    """A polars, pandas or Arrow table as a polars DataFrame."""
    import polars as pl

    if isinstance(data, pl.LazyFrame):
        return data.collect()
    if isinstance(data, pl.DataFrame):
        return data
    module = type(data).__module__.split(".", 1)[0]
    if module == "pandas":
        return pl.from_pandas(data)
    if module == "pyarrow":
        return pl.from_arrow(data)
    raise UsageError(f"cannot check a {type(data).__name__}: give a polars, pandas or Arrow table, or a path to a "
                     ".csv or .parquet file")


# -- columns and types ------------------------------------------------------------------------------------

def _column_problems(frame: pl.DataFrame, table: Table, source: str, subset: bool) -> tuple[list[str], list[Problem]]:
    """The declared columns the frame holds (in declared order), and what is wrong with its columns."""
    declared, present = table.column_names, [c for c in frame.columns if c not in (_FILE, _ROW)]
    shared = [c for c in declared if c in present]
    problems = []
    if subset:
        if not shared:
            problems.append(Problem(table=table.name, file=source, rule="missing column",
                                    message=f"holds none of the columns of {table.name} ({', '.join(declared)})"))
        return shared, problems
    for name in declared:
        if name not in present:
            problems.append(Problem(table=table.name, file=source, column=name, rule="missing column",
                                    message="column is missing (check a table with only some of the columns "
                                            "with --subset)"))
    for name in present:
        if name not in declared:
            problems.append(Problem(table=table.name, file=source, column=name, rule="unexpected column",
                                    message=f"is not a column of {table.name} (to keep extra columns, check with "
                                            "--subset)"))
    if not problems and present != declared:
        problems.append(Problem(table=table.name, file=source, rule="column order", value=", ".join(present),
                                message=f"columns are out of order; expected {', '.join(declared)}"))
    return shared, problems


def _typed(frame: pl.DataFrame, table: Table, columns: list[str], source: str) -> tuple[pl.DataFrame, list[Problem]]:
    """The frame's ``columns`` cast to their declared types; a value that is not of its type is a problem (and
    null afterwards, so that it is reported once)."""
    import polars as pl

    from exodata.metadata.arrow import polars_schema

    dtypes = polars_schema(table)
    casts, problems = [], []
    for name in columns:
        target, column = dtypes[name], frame.get_column(name)
        if column.dtype == target:
            casts.append(column)
            continue
        if target == pl.List(pl.String) and column.dtype == pl.String:
            # the CSV copy's spelling of a list: items joined with the delimiter, an empty cell for none
            cast = split_list(column)
        elif target == pl.Boolean and column.dtype == pl.String:
            cast = column.str.to_lowercase().replace_strict({"true": True, "false": False}, default=None,
                                                           return_dtype=pl.Boolean)
        else:
            try:
                cast = column.cast(target, strict=False)
            except Exception:  # no cast at all between the two types
                cast = pl.Series(name, [None] * column.len(), dtype=target)
        failed = (column.is_not_null() & cast.is_null()).arg_true()
        kind = {"integer": "an integer", "number": "a number", "boolean": "true or false",
                "list": "a list of strings", "string": "text"}[table.field(name).type]
        for at in failed.head(_PER_COLUMN).to_list():
            problems.append(Problem(table=table.name, file=source, row=frame[_ROW][at], column=name, rule="type",
                                    key=row_key(frame, table, at), value=str(column[at]), message=f"is not {kind}"))
        if failed.len() > _PER_COLUMN:
            problems.append(Problem(table=table.name, file=source, column=name, rule="type",
                                    message=f"... and {failed.len() - _PER_COLUMN} more values that are not {kind}"))
        casts.append(cast.alias(name))
    return pl.DataFrame([*casts, frame.get_column(_FILE), frame.get_column(_ROW)]), problems


#: At most this many problems of one kind in one column are listed one by one.
_PER_COLUMN = 100


# -- constraints, keys, offsets ---------------------------------------------------------------------------

def _constraint_problems(frame: pl.DataFrame, table: Table, columns: list[str],
                         type_failures: set[tuple[str, int]]) -> list[Problem]:
    """Every constraint and row rule of the schema source that the shared columns allow checking (pandera)."""
    import pandera.errors as pe

    from exodata.metadata.pandera_polars import pandera_schema
    from exodata.package.checks import failure_problems

    schema = pandera_schema(table, unique_key=False, columns=tuple(columns))
    try:
        schema.validate(frame.select(columns), lazy=True)
    except pe.SchemaErrors as errors:
        problems = []
        for problem in failure_problems(table, errors.failure_cases, frame):
            if problem.row is not None:  # the frame's row → the file and row it came from
                problem = replace(problem, file=frame[_FILE][problem.row - 1], row=frame[_ROW][problem.row - 1])
            if problem.rule == "required" and (problem.column, problem.row) in type_failures:
                continue  # reported as a type problem already
            problems.append(problem)
        return problems
    return []


def _duplicate_key_problems(frame: pl.DataFrame, table: Table) -> list[Problem]:
    import polars as pl

    key = list(table.primary_key)
    repeated = frame.filter(pl.struct(key).is_duplicated())
    return [Problem(table=table.name, rule="primary key", file=row[_FILE], row=row[_ROW], column=", ".join(key),
                    key=", ".join(f"{c}={row[c]!r}" for c in key), message="repeats a primary key")
            for row in repeated.head(_PER_COLUMN * 10).iter_rows(named=True)]


def _package_table(directory: Path, name: str, columns: Sequence[str]) -> pl.DataFrame:
    import polars as pl

    from exodata.package.loading import parquet_path, read_descriptor

    resources = {r["name"]: r for r in read_descriptor(directory)["resources"]}
    if name not in resources:
        raise UsageError(f"the package in {directory} has no table {name!r} to check against")
    return pl.read_parquet(parquet_path(directory, resources[name]), columns=list(columns))


def _foreign_key_problems(frame: pl.DataFrame, table: Table, directory: Path) -> list[Problem]:
    import polars as pl

    problems = []
    for fk in table.foreign_keys:
        if not set(fk.fields) <= set(frame.columns):
            continue
        targets = _package_table(directory, fk.resource, fk.reference_fields).unique().select(
            [pl.col(p).alias(c) for c, p in zip(fk.fields, fk.reference_fields)])
        dangling = frame.drop_nulls(list(fk.fields)).join(targets, on=list(fk.fields), how="anti")
        for row in dangling.head(_PER_COLUMN * 10).iter_rows(named=True):
            problems.append(Problem(
                table=table.name, rule="foreign key", file=row[_FILE], row=row[_ROW], column=", ".join(fk.fields),
                value=", ".join(str(row[c]) for c in fk.fields),
                message=f"no matching row in {fk.resource} ({', '.join(fk.reference_fields)}) of the package "
                        f"in {directory}"))
    return problems


def _offset_problems(frame: pl.DataFrame, table: Table, directory: Path) -> list[Problem]:
    """Mention and quantity offsets against the package's texts (rows of publications it does not hold are
    left to the foreign-key check)."""
    from exodata.package.checks import TableChecker

    needed = {"publication_id", "field", "start", "end", "text"} | (
        {"keyword_position"} if "keywords" in OFFSET_TARGETS[table.name] else set())
    if not needed <= set(frame.columns):
        return []
    checker = TableChecker()
    publications = _package_table(directory, "publications", TABLES["publications"].column_names)
    checker.remember("publications", publications)
    if "keywords" in OFFSET_TARGETS[table.name]:
        checker.remember("keywords", _package_table(directory, "keywords", TABLES["keywords"].column_names))
    rows = frame.drop_nulls(["publication_id", "field", "start", "end", "text"]).join(
        publications.select("publication_id"), on="publication_id", how="semi")
    bad = checker.offset_mismatches(table.name, rows)
    return [Problem(table=table.name, rule="offsets", file=row[_FILE], row=row[_ROW], column="start, end",
                    value=row["text"], key=", ".join(f"{c}={row.get(c)!r}" for c in table.primary_key),
                    message=f"offsets point at {row['found']!r} in {row['field']} of the package's "
                            f"{row['publication_id']}, not at the text")
            for row in bad.head(_PER_COLUMN * 10).iter_rows(named=True)]


# -- CSV line numbers -------------------------------------------------------------------------------------

def _csv_lines(path: Path) -> list[int]:
    """The line each data row of a CSV file starts on (1-based; the header is line 1)."""
    starts = []
    with path.open(newline="", encoding="utf-8", errors="replace") as handle:
        reader = csv.reader(handle)
        line = 1
        for _ in reader:
            starts.append(line)
            line = reader.line_num + 1
    return starts[1:]


def _with_lines(problems: list[Problem], paths: dict[str, Path]) -> list[Problem]:
    lines: dict[str, list[int]] = {}
    out = []
    for problem in problems:
        path = paths.get(problem.file or "")
        if path is not None and problem.row is not None and path.suffix.lower() == ".csv":
            starts = lines.setdefault(problem.file, _csv_lines(path))
            if problem.row <= len(starts):
                problem = replace(problem, line=starts[problem.row - 1])
        out.append(problem)
    return out


# -- the entry point --------------------------------------------------------------------------------------

def check(sources: Iterable[tuple[str, Any]], table_name: str, *, package: str | Path | None = None,
          subset: bool = False) -> Report:
    """Check data against table ``table_name``.

    ``sources`` are ``(label, data)`` pairs: a path to a .csv or .parquet file, or a polars, pandas or Arrow
    table (``label`` names it in problems).  The primary key is checked across all of them together; foreign
    keys and offsets against the package at ``package`` (default: the installed one).  With ``subset`` the data
    may hold only some of the table's columns plus columns of its own: the shared columns are checked, and the
    keys and rules whose columns are all there.  Raises :class:`UsageError` for a wrong call (unknown table,
    missing file, no package).
    """
    import polars as pl

    from exodata.package.loading import package_dir

    table = table_named(table_name)
    directory = package_dir(package)
    report = Report(table=table.name, sources=[], subset=subset, package=str(package) if package else None)
    frames, paths = [], {}
    for label, data in sources:
        if isinstance(data, (str, Path)):
            path = Path(data)
            paths[label] = path
            frame = read_file(path)
        else:
            frame = as_polars(data)
        report.sources.append(label)
        frame = frame.with_columns(pl.lit(label).alias(_FILE),
                                   pl.int_range(1, pl.len() + 1, dtype=pl.Int64).alias(_ROW))
        shared, found = _column_problems(frame, table, label, subset)
        report.problems += found
        if not shared:
            continue
        typed, found = _typed(frame, table, shared, label)
        report.problems += found
        failures = {(p.column, p.row) for p in found if p.row is not None}
        report.problems += _constraint_problems(typed, table, shared, failures)
        frames.append(typed)
    if frames:
        whole = pl.concat(frames, how="diagonal_relaxed")
        if not subset and set(table.primary_key) <= set(whole.columns):
            report.problems += _duplicate_key_problems(whole, table)
        report.problems += _foreign_key_problems(whole, table, directory)
        if table.name in OFFSET_TARGETS:
            report.problems += _offset_problems(whole, table, directory)
    report.problems = sorted(_with_lines(report.problems, paths), key=lambda p: (
        report.sources.index(p.file) if p.file in report.sources else -1, p.row is None, p.row or 0))
    return report
