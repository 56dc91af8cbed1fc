"""Stage: one seed's compiled records become rows of every table, in the worker that compiled them.

This is the last step of the per-file map.  It turns Python records into compact columnar frames, so that
what crosses the process boundary and what the build holds in memory is columns, not object graphs.
Every staged row carries ``src_file`` / ``src_record`` (the seed record it came from; spilled as the one
number :data:`SOURCE_NUMBER`), and its ``publication_id`` is the record's own id (DOI, PMID, PMCID or content
hash); the merge stage then keeps, per publication, the rows of the records whose values it keeps (see
:mod:`exodata.corpus.merge`).

Each table's rows come from its extractor (:mod:`exodata.ingest.extractors`); ``provenance`` rows are the
spans the extractors of traced tables give.  The ``records`` frame is the merge's input: one row per record
found (compiled or quarantined) with its match keys and the figures the merge weighs (format rank, how many
values and list items it has).
"""

from __future__ import annotations

from functools import cache, partial
from pathlib import Path
from typing import TYPE_CHECKING

from exodata.corpus.keys import local_id, match_keys
from exodata.ingest import formats
from exodata.ingest.compile import SeedResult, compile_file
from exodata.ingest.extractors import EXTRACTORS, columns_of
from exodata.ingest.model import Record
from exodata.metadata import TABLES
from exodata.metadata.classes import STAGED_KINDS
from exodata.metadata.tables import CHILD_TABLES, MERGED_LISTS, of_kind

if TYPE_CHECKING:
    import polars as pl

SOURCE = ("src_file", "src_record")
#: The same source record as one integer, ``file number << 32 | record``, added to every staged frame by
#: :func:`stage_job`: the assembly joins tens of millions of rows on it, several times faster than on a string
#: and an integer.  File numbers follow the build's sorted seed list, so the numbering is deterministic.
SOURCE_NUMBER = "src"
#: Tables whose rows are staged per record (``publications`` and the child tables), in the order they are made.
STAGED = of_kind(*STAGED_KINDS)
#: Columns not spilled because :data:`SOURCE_NUMBER` gives them back (see :func:`spill`): the source record
#: itself; a child table's ``publication_id`` (the assembly gives each row its record's final publication id);
#: provenance's own copy of the source record (:func:`exodata.corpus.parts.with_source_columns`).
NOT_SPILLED = {
    **{name: (*SOURCE, "publication_id") for name in CHILD_TABLES},
    "provenance": (*SOURCE, "publication_id", "file", "record"),
}
#: The column of the ``records`` frame holding how many items a record's list has, for each merged list.
LIST_SIZES = {name: f"n_{name}" for name in MERGED_LISTS}
#: The figures the merge weighs besides a record's values: how many fields it gives, how many letters its
#: authors' given names have (full names beat initials), how many items each list has; 0 when quarantined.
FIGURES = ("n_fields", "author_detail", *LIST_SIZES.values())
#: The merge's view of each record.
RECORD_COLUMNS = {
    "file": "String", "record": "Int64", "format": "String", "encoding": "String", "sha256": "String",
    "status": "String", "reason": "String", "local_id": "String", "keys": "List[String]", "rank": "Int64",
    **dict.fromkeys(FIGURES, "Int64"),
}


@cache
def staged_schema(name: str) -> dict:
    """Column → polars dtype of a staged table: the contract's columns (``publications`` without its
    merge-time ``record_count``) plus the source record."""
    import polars as pl

    from exodata.metadata.arrow import polars_schema

    if name == "records":
        dtypes = {"String": pl.String(), "Int64": pl.Int64(), "List[String]": pl.List(pl.String())}
        return {column: dtypes[kind] for column, kind in RECORD_COLUMNS.items()}
    schema = dict(polars_schema(TABLES[name]))
    schema.pop("record_count", None)
    return {**schema, "src_file": pl.String(), "src_record": pl.Int64()}


@cache
def spilled_schema(name: str) -> dict:
    """Column → polars dtype of a staged table as spilled: :func:`staged_schema` without the columns the source
    number says the same as (:data:`NOT_SPILLED`), with :data:`SOURCE_NUMBER`.  A worker stages straight into
    this shape, so that no column is built only to be dropped."""
    import polars as pl

    dropped = NOT_SPILLED.get(name, SOURCE)
    return {**{column: dtype for column, dtype in staged_schema(name).items() if column not in dropped},
            SOURCE_NUMBER: pl.Int64()}


class _Columns:
    """Column lists of one staged table, filled a record at a time with whole columns (list comprehensions,
    transposed tuples and repeats, not a tuple per row: staging runs for every record and must stay cheap).

    A column given one value per call (the publication id, the source record: the same on every row of a
    record) is kept once per call with the call's row count and repeated when the frame is made (see
    :meth:`frame`): repeating such columns cell by cell in Python was a large share of staging.
    """

    def __init__(self, name: str, spilled: bool = False) -> None:
        self.schema = spilled_schema(name) if spilled else staged_schema(name)
        self.string_lists = _string_list_columns(name)
        self.cells: dict[str, list] = {}  # columns given a cell per row
        self.once: dict[str, list] = {}  # columns given one value per call
        self.counts: list[int] = []  # rows added by each call

    def extend(self, count: int, **columns) -> None:
        """Add ``count`` rows: each keyword is a list or tuple of ``count`` cells, or one value for them all (no
        cell is a tuple).  A column must be given the same way on every call.  No rows (a record without
        funders, quantities...) is nothing to do."""
        if not count:
            return
        if not self.counts:  # the first call decides which columns come once per call
            for column in self.schema:
                (self.cells if isinstance(columns[column], (list, tuple)) else self.once)[column] = []
        self.counts.append(count)
        for column, cells in self.cells.items():
            cells.extend(columns[column])
        for column, values in self.once.items():
            values.append(columns[column])

    def frame(self) -> pl.DataFrame:
        """The staged frame: one ``pl.DataFrame`` call over the column lists.

        Columns given once per call are repeated by a pyarrow ``take`` (a polars ``gather`` plans a query each
        time); a seed file of one record makes ten frames, and building each column as its own Series made
        them most of a small file's work (docs/benchmarks.md).
        """
        import polars as pl

        if not self.counts:
            return pl.DataFrame(schema=self.schema)
        data: dict[str, object] = {}
        for column, cells in self.cells.items():
            data[column] = _string_lists(cells) if column in self.string_lists else cells
        if any(count != 1 for count in self.counts):
            import numpy as np
            import pyarrow as pa

            rows = pa.array(np.repeat(np.arange(len(self.counts), dtype=np.int64), self.counts))
            for column, values in self.once.items():
                data[column] = pa.array(values, type=_arrow_type(self.schema[column])).take(rows)
        else:
            data.update(self.once)
        return pl.DataFrame(data, schema=self.schema)


@cache
def _arrow_type(dtype):
    """The Arrow type polars reads back as ``dtype`` (for the once-per-call columns: strings and integers)."""
    import polars as pl

    return pl.Series("x", [], dtype=dtype).to_arrow().type


@cache
def _string_list_columns(name: str) -> frozenset[str]:
    """The list-of-strings columns of staged table ``name``."""
    import polars as pl

    return frozenset(column for column, dtype in staged_schema(name).items() if dtype == pl.List(pl.String))


def _string_lists(cells: list[list[str]]):
    """A list-of-strings column from Python lists, built from its flat values and offsets with pyarrow: polars
    builds a list column from Python lists one inner series at a time, many times slower (a record's match
    keys; docs/benchmarks.md)."""
    import itertools

    import pyarrow as pa

    offsets = pa.array([0, *itertools.accumulate(map(len, cells))], pa.int64())
    values = pa.array([item for items in cells for item in items], pa.large_string())
    return pa.LargeListArray.from_arrays(offsets, values)


def _record_rows(record: Record, out: dict[str, _Columns], /, **shared) -> dict[str, int]:
    """Add one compiled record's rows to every staged table: each extractor's rows, and the spans they give
    as provenance rows; ``shared`` are the columns every row of the record has (the columns of them a table
    has: the rest are ignored).  Returns how many rows each extractor gave."""
    counts: dict[str, int] = {}
    traced: list[str] = []  # the provenance rows' table, and their spans: added once, not once per table
    spans: list[tuple[str, int, int, int]] = []
    for name, extract in EXTRACTORS.items():
        rows = extract(record)
        out[name].extend(rows.count, **rows.columns, **shared)
        if rows.spans:
            traced += [name] * len(rows.spans)
            spans += rows.spans
        counts[name] = rows.count
    out["provenance"].extend(len(spans), table=traced, **columns_of(spans, _SPAN_FIELDS), **shared)
    return counts


#: The provenance columns of the spans extractors give.
_SPAN_FIELDS = ("column", "position", "start", "end")


def stage(result: SeedResult, number: int | None = None) -> dict[str, pl.DataFrame]:
    """Every staged frame for one seed file (the ``records`` frame plus one per table in :data:`STAGED`).

    With the file's ``number``, the tables but ``records`` come as they are spilled (:func:`spilled_schema`).
    """
    spilled = number is not None
    out = {name: _Columns(name, spilled and name != "records") for name in ("records", *STAGED)}
    rank = formats.trust_rank(result.format)
    common = {"file": result.file, "format": result.format, "encoding": result.encoding, "sha256": result.sha256,
              "rank": rank}
    for item in result.records:
        record = item.record
        if record is None:
            out["records"].extend(1, record=item.index, status="quarantined", reason=item.reason, local_id=None,
                                  keys=[[]], **dict.fromkeys(FIGURES, 0), **common)
            continue
        pid = local_id(record)
        src = ({SOURCE_NUMBER: (number << 32) + item.index} if spilled
               else {"src_file": result.file, "src_record": item.index})
        counts = _record_rows(record, out, publication_id=pid, file=result.file, record=item.index, **src)
        out["records"].extend(
            1, record=item.index, status="compiled", reason=None, local_id=pid,
            keys=[[f"{kind}:{value}" for kind, value in match_keys(record)]], n_fields=len(record.fields),
            author_detail=sum(len(a.given_name or "") for a in record.authors),
            **{column: counts[name] for name, column in LIST_SIZES.items()}, **common)
    return {name: columns.frame() for name, columns in out.items()}


def stage_job(job: tuple[str, str, int, str | None]) -> dict[str, pl.DataFrame | Path]:
    """The whole per-file map, as a picklable entry point for worker processes.

    ``job`` is ``(path, relative name, file number, spill directory)``.  With a spill directory, every staged
    table but ``records`` is written there as an Arrow IPC file (``<table>/<file number>.arrow``) and its path
    returned instead of the frame: the build then holds only the small ``records`` frames while seeds are
    compiled, and reads each table back once, when it is assembled (see :func:`spill`).
    """
    path, file, number, spill_dir = job
    if spill_dir is None:
        return number_sources(compile_file(Path(path), file, stage), number)
    staged = compile_file(Path(path), file, partial(stage, number=number))
    staged["records"] = number_sources({"records": staged["records"]}, number)["records"]
    return spill(staged, Path(spill_dir), number)


def number_sources(staged: dict[str, pl.DataFrame], number: int) -> dict[str, pl.DataFrame]:
    """Add :data:`SOURCE_NUMBER` to every staged frame of file ``number``.

    Eager Series arithmetic and ``hstack``, not ``with_columns``: each polars query is planned, which costs
    more than the arithmetic on a small frame, and a one-record seed file has ten frames."""
    base = number << 32
    return {name: frame.hstack([(frame.get_column("record" if name == "records" else "src_record") + base)
                                .alias(SOURCE_NUMBER)])
            for name, frame in staged.items()}


def spill(staged: dict[str, pl.DataFrame], directory: Path, number: int) -> dict[str, pl.DataFrame | Path]:
    """Write a file's staged tables (not its ``records``) to ``directory``; empty tables are left out.

    The tables come staged in the spilled shape (:func:`spilled_schema`: without the columns the source number
    says the same as), so every later pass over the spilled rows (the split into parts above all) reads and
    writes only what it cannot rebuild.
    """
    kept: dict[str, pl.DataFrame | Path] = {"records": staged["records"]}
    for name in STAGED:
        frame = staged[name]
        if frame.height:
            target = directory / name / f"{number:07d}.arrow"
            try:
                frame.write_ipc(target, compression="lz4")
            except FileNotFoundError:  # the table's first spill file: make its directory (not checked every time)
                target.parent.mkdir(parents=True, exist_ok=True)
                frame.write_ipc(target, compression="lz4")
            kept[name] = target
    return kept
