"""Long child tables in parts: each part the rows of one range of publication ids, assembled, checked and
written alone, so that a build's memory is bounded by a part, not by a table (see docs/architecture.md).

A table is split in one pass over its spill files (a shuffle: :func:`split_table`), and each part then read
alone (:func:`table_parts`), its rows joined with what the merge says of their records (:func:`with_owners`).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from exodata.ingest.staging import SOURCE_NUMBER, spilled_schema

if TYPE_CHECKING:
    import polars as pl

#: A child table with more staged rows than this is assembled (and checked and written) in parts, each holding
#: the rows of one range of publication ids: the build's memory is then bounded by a part, not by a table.
PART_ROWS = 1_000_000
#: Spill files are read about this many (compressed) bytes at a time when a table is split into parts: larger
#: batches cost memory, and time as well.
SPLIT_BATCH_BYTES = 4 << 20


def part_bounds(publication_ids: pl.Series, rows: int) -> list[str]:
    """The publication ids that split ``rows`` rows into parts of at most about :data:`PART_ROWS` rows, each
    part holding an equal share of the publications: part ``k`` holds the ids in ``[bounds[k-1], bounds[k])``.

    Parts follow the sort order of the ids, so the parts of a table, each sorted by its primary key (which
    starts with ``publication_id``), follow one another in key order: written one after the other they are
    the table in key order.  The bounds depend only on the ids and the row count, so rebuilds split alike.
    """
    ids = publication_ids.unique().sort()
    count = min(-(-rows // PART_ROWS), ids.len())  # a part holds at least one publication
    if count <= 1:
        return []
    return [ids[i * ids.len() // count] for i in range(1, count)]


def scan_staged(name: str, paths: list[Path]) -> pl.LazyFrame:
    """A staged table's spill files as one lazy frame (an empty one, with the staged columns, for no file)."""
    import polars as pl

    if paths:
        return pl.scan_ipc(paths)
    return pl.LazyFrame(schema=spilled_schema(name))


def _batches(paths: list[Path]) -> Iterator[list[Path]]:
    """Consecutive runs of spill files of about :data:`SPLIT_BATCH_BYTES` together."""
    batch: list[Path] = []
    size = 0
    for path in paths:
        batch.append(path)
        size += path.stat().st_size
        if size >= SPLIT_BATCH_BYTES:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def with_owners(rows: pl.DataFrame, owners: pl.DataFrame) -> pl.DataFrame:
    """``rows`` joined (inner) with ``owners`` on :data:`~exodata.ingest.staging.SOURCE_NUMBER`, which ``owners`` holds
    once each, sorted.

    A binary search into the sorted owners and a gather, not a hash join: every batch of a split would build
    the hash table of all the corpus's records again, which cost several times the search (docs/benchmarks.md).
    Rows in the order given.
    """
    import polars as pl

    if owners.height == 0:
        return rows.clear().hstack(owners.drop(SOURCE_NUMBER).clear())
    keys = owners.get_column(SOURCE_NUMBER)
    wanted = rows.get_column(SOURCE_NUMBER)
    at = keys.search_sorted(wanted, side="left").clip(upper_bound=keys.len() - 1)
    found = (keys.gather(at) == wanted).fill_null(False)
    return rows.filter(found).hstack(owners.drop(SOURCE_NUMBER).select(pl.all().gather(at.filter(found))))


def with_source_columns(rows: pl.DataFrame, files: pl.Series) -> pl.DataFrame:
    """Provenance's ``file`` and ``record`` columns again, from the source number (``files[n]`` is the name of
    file number ``n``): they were not spilled (see :data:`~exodata.ingest.staging.NOT_SPILLED`)."""

    number = rows.get_column(SOURCE_NUMBER)
    return rows.with_columns(files.gather(number // (1 << 32)).alias("file"), (number % (1 << 32)).alias("record"))


def split_into_parts(name: str, paths: list[Path], owners: pl.DataFrame, count: int,
                     directory: Path) -> list[list[Path]]:
    """Redistribute a staged table's rows by part (a shuffle): one pass over its spill files, a batch at a
    time, joining each row with what ``owners`` says of its record (its part, whether it was merged, into
    which publication), and writing each part's rows to
    files of its own.  Each part is then read alone, instead of every part scanning the whole table.
    """
    import polars as pl

    outputs: list[list[Path]] = [[] for _ in range(count)]
    for number, batch in enumerate(_batches(paths)):
        rows = with_owners(pl.scan_ipc(batch).collect(), owners)
        for (part,), group in rows.partition_by("part", as_dict=True, include_key=False).items():
            target = directory / name / f"part-{part:04d}" / f"{number:05d}.arrow"
            target.parent.mkdir(parents=True, exist_ok=True)
            # compressed like the spill files: uncompressed, the parts of a long table take about nine times the
            # temporary disk, for little less work (docs/benchmarks.md)
            group.write_ipc(target, compression="lz4")
            outputs[part].append(target)
        del rows
    return outputs


def split_table(name: str, paths: list[Path], ids: pl.DataFrame, workdir: Path | None) -> list[list[Path]] | None:
    """The spill files ``paths`` of child table ``name`` split into parts in ``workdir`` (see :func:`part_bounds`),
    or None when it comes whole.  ``ids`` holds every compiled record's source number, whether it was single
    and its final publication id."""
    import polars as pl

    bounds = part_bounds(ids["final_id"], scan_staged(name, paths).select(pl.len()).collect().item())
    if not bounds or workdir is None:
        return None
    part = pl.Series(bounds, dtype=pl.String).search_sorted(ids["final_id"], side="right")
    by_part = ids.select(SOURCE_NUMBER, "single", "final_id", part.alias("part")).sort(SOURCE_NUMBER)
    return split_into_parts(name, paths, by_part, len(bounds) + 1, workdir)


def table_parts(name: str, paths: list[Path], files_by_part: list[list[Path]] | None,
                owners: pl.DataFrame) -> Iterator[pl.LazyFrame]:
    """The staged rows of child table ``name`` joined with their ``owners``: its spill files ``paths`` whole, or
    the parts :func:`split_table` made, each part's files deleted once it has been read."""
    import polars as pl

    if files_by_part is None:
        yield with_owners(scan_staged(name, paths).collect(), owners).lazy()
        return
    for files in files_by_part:
        if files:
            yield pl.scan_ipc(files)
            for path in files:  # read by now (the caller collects its part): free the disk as we go
                path.unlink()
