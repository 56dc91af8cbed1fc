"""Write a built package: deterministic bytes, hashes in the descriptor, and an atomic swap into place.

The layout written into the output directory, and the CSV spelling, are those of :mod:`exodata.package.layout`
(see also ``shared/design/data-model.md``).

Determinism: rows sorted by primary key, fixed Parquet settings (row groups of :data:`ROW_GROUP_ROWS`, zstd
level, page size, statistics), CSV from polars with fixed options, JSON with fixed formatting, no wall-clock time (the
``created`` property appears only when ``SOURCE_DATE_EPOCH`` is set, and then says that instant).

Atomicity: the tables are validated first, then written into a staging directory beside the target; only then are the
entries (``data/``, ``schemas/``, the dataset card ``DATASET.md``, ``datapackage.json``) swapped in by renames, the
descriptor last.
A failure before the swap leaves the previous package untouched; a failure during it rolls back.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

from exodata.metadata import TABLES, Table
from exodata.metadata.arrow import arrow_schema, polars_schema
from exodata.metadata.frictionless import table_schema
from exodata.metadata.order import sort_by_key
from exodata.package.layout import (
    DATA,
    DESCRIPTOR,
    PACKAGE_ENTRIES,
    PARQUET_KEY,
    ROWS_KEY,
    SCHEMA_KEY,
    SCHEMAS,
    table_paths,
    write_csv,
)

if TYPE_CHECKING:
    import polars as pl
    import pyarrow.parquet as pq

PARQUET_SETTINGS = {
    "compression": "zstd",
    "compression_level": 3,
    "use_dictionary": True,
    "write_statistics": True,
    "data_page_size": 1 << 20,
    "version": "2.6",
}


def dump_json(obj: Any) -> bytes:
    """The one JSON formatting used for every file we write (stable across runs)."""
    return (json.dumps(obj, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


#: Rows per Parquet row group at most: the Arrow copy of one row group at a time is what writing a table costs
#: in memory, whatever its length.  (A table written in parts starts a row group with each part.)
ROW_GROUP_ROWS = 1 << 20


def append_parquet(frame: pl.DataFrame, table: Table, writer: pq.ParquetWriter) -> None:
    """Append ``frame`` to an open Parquet file as row groups of at most :data:`ROW_GROUP_ROWS` rows."""
    schema = arrow_schema(table)
    for offset in range(0, max(frame.height, 1), ROW_GROUP_ROWS):
        part = frame.slice(offset, ROW_GROUP_ROWS).to_arrow().cast(schema).combine_chunks()
        writer.write_table(part, row_group_size=max(part.num_rows, 1))


def write_parquet(frame: pl.DataFrame, table: Table, path: Path) -> None:
    """Write ``frame`` (already in key order) as one Parquet file with the package's settings."""
    import pyarrow.parquet as pq

    with pq.ParquetWriter(path, arrow_schema(table), **PARQUET_SETTINGS) as writer:
        append_parquet(frame, table, writer)


def created_timestamp() -> str | None:
    """ISO time from ``SOURCE_DATE_EPOCH`` (reproducible builds), or None: never the wall clock."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if not epoch:
        return None
    moment = dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _file_entry(root: Path, relative: str) -> dict[str, Any]:
    path = root / relative
    return {"path": relative, "bytes": path.stat().st_size, "hash": f"sha256:{sha256_of(path)}"}


class HashingFile:
    """A binary file that hashes what is written to it: a CSV's sha256 is then known when it is closed, instead
    of reading the whole file again at the end of a build (the CSV copies are most of a package's bytes), so
    the hashing is spread over the writing."""

    def __init__(self, path: Path) -> None:
        self.raw = path.open("wb")
        self.sha256 = hashlib.sha256()
        self.bytes = 0

    def write(self, data: bytes) -> int:
        self.sha256.update(data)
        self.bytes += len(data)
        return self.raw.write(data)

    def flush(self) -> None:
        self.raw.flush()

    def close(self) -> None:
        self.raw.close()


class TableFiles:
    """One table's files being written, part after part: its CSV and Parquet files stay open until :meth:`close`.

    Parts must come in primary-key order, each sorted (as the assembly yields them); an empty part adds
    nothing, and a table with no rows at all is written as a header and an empty row group.
    """

    def __init__(self, table: Table, root: Path) -> None:
        import pyarrow.parquet as pq

        self.table, self.root, self.rows = table, root, 0
        self.paths = table_paths(table.name)
        self.csv = HashingFile(root / self.paths[0])
        self.parquet = pq.ParquetWriter(root / self.paths[1], arrow_schema(table), **PARQUET_SETTINGS)

    def append(self, frame: pl.DataFrame) -> None:
        if frame.height == 0:
            return
        write_csv(frame, self.table, self.csv, include_header=self.rows == 0)
        append_parquet(frame, self.table, self.parquet)
        self.rows += frame.height

    def close(self) -> dict[str, Any]:
        """Finish the files (and the schema file); return the table's resource descriptor."""
        import polars as pl

        if self.rows == 0:
            empty = pl.DataFrame(schema=polars_schema(self.table))
            write_csv(empty, self.table, self.csv)
            append_parquet(empty, self.table, self.parquet)
        self.csv.close()
        self.parquet.close()
        csv_path, parquet_path, schema_path = self.paths
        (self.root / schema_path).write_bytes(dump_json(table_schema(self.table)))
        csv_entry = {"bytes": self.csv.bytes, "hash": f"sha256:{self.csv.sha256.hexdigest()}"}
        table = self.table
        return {
            "name": table.name,
            "type": "table",
            "title": table.title,
            "description": table.description,
            "path": csv_path,
            "scheme": "file",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "bytes": csv_entry["bytes"],
            "hash": csv_entry["hash"],
            "schema": schema_path,
            SCHEMA_KEY: {k: v for k, v in _file_entry(self.root, schema_path).items() if k != "path"},
            PARQUET_KEY: {**_file_entry(self.root, parquet_path), "mediatype": "application/vnd.apache.parquet"},
            ROWS_KEY: self.rows,
        }

    def discard(self) -> None:
        self.csv.close()
        self.parquet.close()


def write_descriptor(root: Path, metadata: dict[str, Any], resources: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Write ``datapackage.json`` into ``root``, listing the resources in table order; return it."""
    descriptor = {"$schema": "https://datapackage.org/profiles/2.0/datapackage.json", **metadata}
    created = created_timestamp()
    if created:
        descriptor["created"] = created
    descriptor["resources"] = [resources[name] for name in TABLES]
    (root / DESCRIPTOR).write_bytes(dump_json(descriptor))
    return descriptor


def swap_into_place(staging: Path, out: Path) -> None:
    """Move the staged package entries into ``out``; on any failure, put the previous ones back."""
    previous = out / f".exodata-previous-{os.getpid()}"
    previous.mkdir()
    moved: list[str] = []
    installed: list[str] = []
    try:
        for entry in PACKAGE_ENTRIES:  # the descriptor last: it is what makes the package visible
            if (out / entry).exists():
                os.replace(out / entry, previous / entry)
                moved.append(entry)
            os.replace(staging / entry, out / entry)
            installed.append(entry)
    except BaseException:
        for entry in installed:
            _remove(out / entry)
        for entry in moved:
            os.replace(previous / entry, out / entry)
        raise
    finally:
        shutil.rmtree(previous, ignore_errors=True)


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path)
    elif path.exists():
        path.unlink()


class UnsafeOutputError(Exception):
    """The output directory holds files a build would replace but did not write: nothing was touched."""


def foreign_files(out: Path) -> list[str]:
    """Files in ``out/data`` and ``out/schemas`` that the package already there does not list.

    A build replaces those two folders whole, so anything else in them would be lost: the caller refuses.
    """
    listed: set[str] = set()
    descriptor = out / DESCRIPTOR
    if descriptor.is_file():
        try:
            for resource in json.loads(descriptor.read_text(encoding="utf-8")).get("resources", []):
                listed.update(str(p) for p in (resource.get("path"), resource.get("schema"),
                                               (resource.get(PARQUET_KEY) or {}).get("path")) if p)
        except (ValueError, AttributeError, TypeError):
            pass  # an unreadable descriptor lists nothing: every file counts as foreign
    found = []
    for folder in (DATA, SCHEMAS):
        if (out / folder).is_dir():
            for path in sorted((out / folder).rglob("*")):
                relative = path.relative_to(out).as_posix()
                if (path.is_file() or path.is_symlink()) and relative not in listed:
                    found.append(relative)
    return found


def ensure_safe_output(out: Path) -> None:
    """Raise :class:`UnsafeOutputError` when writing a package into ``out`` would delete files it did not write."""
    foreign = foreign_files(out)
    if foreign:
        shown = ", ".join(foreign[:5]) + (f" and {len(foreign) - 5} more" if len(foreign) > 5 else "")
        raise UnsafeOutputError(
            f"{out} holds files that are not part of an exodata package ({shown}); a build replaces data/ and "
            "schemas/ whole, so it would delete them: move them away or choose another --out")


class PackageWriter:
    """Writes a package table by table (or part by part) into a staging directory beside ``out``, then swaps
    it into place.

    Use as a context manager: :meth:`write` every table (a long table in consecutive parts, in key order),
    then :meth:`commit` with the package metadata.  Leaving the block without committing (an exception,
    invalid tables) removes the staging directory and leaves ``out`` untouched.  Refuses
    (:class:`UnsafeOutputError`) when ``out/data`` or ``out/schemas`` hold files the previous package does
    not list, since the swap would delete them.
    """

    def __init__(self, out: Path) -> None:
        self.out = out
        self.staging = out / f".exodata-staging-{os.getpid()}"
        self.open: dict[str, TableFiles] = {}

    def __enter__(self) -> PackageWriter:
        ensure_safe_output(self.out)
        self.out.mkdir(parents=True, exist_ok=True)
        _remove(self.staging)
        (self.staging / DATA).mkdir(parents=True)
        (self.staging / SCHEMAS).mkdir()
        return self

    def write(self, frame: pl.DataFrame, name: str, *, sorted_by_key: bool = False) -> None:
        """Write a table, or the next part of one, into the staging directory.

        ``sorted_by_key=True`` says the rows are already in key order (:func:`sort_by_key`), as a build's
        tables come from the assembly; it saves a copy of the table.
        """
        table = TABLES[name]
        if not sorted_by_key:
            frame = sort_by_key(frame, table)
        if name not in self.open:
            self.open[name] = TableFiles(table, self.staging)
        self.open[name].append(frame)

    def commit(self, metadata: dict[str, Any]) -> dict[str, Any]:
        """Finish every table, write the descriptor and swap the package into ``out``; return the descriptor."""
        from concurrent.futures import ThreadPoolExecutor

        missing = [name for name in TABLES if name not in self.open]
        if missing:
            raise ValueError(f"cannot commit a package without tables {', '.join(missing)}")
        # finishing a table hashes its Parquet and schema files (its CSV was hashed as it was written): hashlib
        # releases the GIL, so two tables are finished at once
        with ThreadPoolExecutor(max_workers=2) as pool:
            resources = dict(zip(TABLES, pool.map(lambda name: self.open.pop(name).close(), list(TABLES))))
        descriptor = write_descriptor(self.staging, metadata, resources)
        from exodata.release.card import write_card

        write_card(self.staging)  # from the staged tables: the card swapped in describes the package beside it
        swap_into_place(self.staging, self.out)
        return descriptor

    def __exit__(self, *exc_info) -> None:
        for files in self.open.values():
            files.discard()
        _remove(self.staging)

