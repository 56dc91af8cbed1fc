"""Stage: one seed's compiled records become rows of every table, in the worker that compiled them.

This is the last step of the per-file map.  It turns Python records into compact columnar frames, so that
what crosses the process boundary and what the build holds in memory is columns, not object graphs.
Every staged row carries ``src_file`` / ``src_record`` (the seed record it came from), and its
``publication_id`` is the record's own id (DOI, PMID, PMCID or content hash); the merge stage then keeps,
per publication, the rows of the records whose values it keeps (see :mod:`exodata.merge`).

The ``records`` frame is the merge's input: one row per record found (compiled or quarantined) with its
match keys and the figures the merge weighs (format rank, how many values and list items it has).
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from pathlib import Path

from exodata.compile import SeedResult, compile_path
from exodata.merge import FORMAT_RANK, PUBLICATION_COLUMNS, local_id, match_keys
from exodata.model import Record
from exodata.schema import TABLES

if TYPE_CHECKING:
    import polars as pl

SOURCE = ("src_file", "src_record")
#: Tables whose rows are staged per record (``conflicts`` and ``publication_concepts`` come later).
STAGED = ("publications", "authors", "affiliations", "author_affiliations", "keywords", "funders", "provenance",
          "mentions", "vesicle_quantities")
LIST_TABLES = ("authors", "affiliations", "keywords", "funders")
#: The merge's view of each record.
RECORD_COLUMNS = {
    "file": "String", "record": "Int64", "format": "String", "encoding": "String", "sha256": "String",
    "status": "String", "reason": "String", "local_id": "String", "keys": "List[String]", "rank": "Int64",
    "n_fields": "Int64", "n_authors": "Int64", "author_detail": "Int64", "n_affiliations": "Int64",
    "n_keywords": "Int64", "n_funders": "Int64",
}


@cache
def staged_schema(name: str) -> dict:
    """Column → polars dtype of a staged table: the contract's columns (``publications`` without its
    merge-time ``record_count``) plus the source record."""
    import polars as pl

    from exodata.schema.arrow import polars_schema

    if name == "records":
        dtypes = {"String": pl.String(), "Int64": pl.Int64(), "List[String]": pl.List(pl.String())}
        return {column: dtypes[kind] for column, kind in RECORD_COLUMNS.items()}
    schema = dict(polars_schema(TABLES[name]))
    schema.pop("record_count", None)
    return {**schema, "src_file": pl.String(), "src_record": pl.Int64()}


def _record_rows(record: Record, file: str, index: int, pid: str, rows: dict[str, list]) -> None:
    src = (file, index)
    values = [record.get(column) for column in PUBLICATION_COLUMNS]
    rows["publications"].append((pid, *values, *src))
    provenance = rows["provenance"]
    for column, value in record.fields.items():
        provenance.append((pid, "publications", column, 0, file, index, value.start, value.end, *src))
    for author in record.authors:
        rows["authors"].append((pid, author.position, author.family_name, author.given_name,
                                author.name_as_written, *src))
        for column in ("family_name", "given_name", "name_as_written"):
            if getattr(author, column) is not None:
                provenance.append((pid, "authors", column, author.position, file, index, author.start,
                                   author.end, *src))
        for affiliation_position in sorted(set(author.affiliations)):
            rows["author_affiliations"].append((pid, author.position, affiliation_position, *src))
    for affiliation in record.affiliations:
        rows["affiliations"].append((pid, affiliation.position, affiliation.text, affiliation.country, *src))
        for column in ("text", "country"):
            if getattr(affiliation, column) is not None:
                provenance.append((pid, "affiliations", column, affiliation.position, file, index,
                                   affiliation.start, affiliation.end, *src))
    for name, column in (("keywords", "keyword"), ("funders", "name")):
        for position, item in enumerate(getattr(record, name), start=1):
            rows[name].append((pid, position, item.value, *src))
            provenance.append((pid, name, column, position, file, index, item.start, item.end, *src))
    for m in record.mentions:
        rows["mentions"].append((pid, m.concept_id, m.category, m.field, m.keyword_position, m.start, m.end,
                                 m.text, *src))
    for q in record.quantities:
        rows["vesicle_quantities"].append((pid, q.quantity, q.value_min, q.value_max, q.unit, q.field, q.start,
                                           q.end, q.text, *src))


def stage(result: SeedResult) -> dict[str, pl.DataFrame]:
    """Every staged frame for one seed file (the ``records`` frame plus one per table in :data:`STAGED`)."""
    import polars as pl

    rows: dict[str, list] = {name: [] for name in ("records", *STAGED)}
    rank = FORMAT_RANK.get(result.format or "", len(FORMAT_RANK))
    common = (result.file, None, result.format, result.encoding, result.sha256)
    for item in result.records:
        record = item.record
        if record is None:
            rows["records"].append((result.file, item.index, *common[2:], "quarantined", item.reason, None, [],
                                    rank, 0, 0, 0, 0, 0, 0))
            continue
        pid = local_id(record)
        keys = [f"{kind}:{value}" for kind, value in match_keys(record)]
        rows["records"].append((
            result.file, item.index, *common[2:], "compiled", None, pid, keys, rank, len(record.fields),
            len(record.authors), sum(len(a.given_name or "") for a in record.authors), len(record.affiliations),
            len(record.keywords), len(record.funders)))
        _record_rows(record, result.file, item.index, pid, rows)
    return {name: pl.DataFrame(table_rows, schema=staged_schema(name), orient="row")
            for name, table_rows in rows.items()}


def stage_job(job: tuple[str, str]) -> dict[str, pl.DataFrame]:
    """The whole per-file map, as a picklable entry point for worker processes: ``(path, relative name)``."""
    path, file = job
    return stage(compile_path(Path(path), file))
