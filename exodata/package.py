"""Write a built package: deterministic bytes, hashes in the descriptor, and an atomic swap into place.

Layout written into the output directory (see ``shared/design/data-model.md``)::

    datapackage.json       Frictionless descriptor (v2); CSV resources, each with `exodata:parquet`
    schemas/<table>.json   Table Schema per table (generated from exodata/schema/tables.py)
    data/<table>.csv       interchange copy (what every Frictionless tool reads)
    data/<table>.parquet   typed copy (what exodata.load() reads)

Determinism: rows sorted by primary key, fixed Parquet settings (one row group, zstd level, page size,
statistics), CSV from polars with fixed options, JSON with fixed formatting, no wall-clock time (the
``created`` property appears only when ``SOURCE_DATE_EPOCH`` is set, and then says that instant).

Atomicity: the tables are validated first, then written into a staging directory beside the target; only then are the
three entries (``data/``, ``schemas/``, ``datapackage.json``) swapped in by renames, the descriptor last.
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

from exodata.schema import LIST_DELIMITER, TABLES, Table
from exodata.schema.arrow import arrow_schema
from exodata.schema.frictionless import table_schema

if TYPE_CHECKING:
    import polars as pl

DESCRIPTOR = "datapackage.json"
PACKAGE_ENTRIES = ("data", "schemas", DESCRIPTOR)
PARQUET_KEY = "exodata:parquet"
ROWS_KEY = "exodata:rows"
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


def sort_by_key(frame: pl.DataFrame, table: Table) -> pl.DataFrame:
    return frame.select(table.column_names).sort(list(table.primary_key), nulls_last=False, maintain_order=True)


def write_csv(frame: pl.DataFrame, table: Table, path: Path) -> None:
    import polars as pl

    lists = [f.name for f in table.fields if f.type == "list"]
    # an empty list is an empty (null) cell: Table Schema has no other spelling for it
    flat = frame.with_columns(
        pl.when(pl.col(name).list.len() > 0).then(pl.col(name).list.join(LIST_DELIMITER)).alias(name)
        for name in lists
    ) if lists else frame
    flat.write_csv(path, include_header=True, separator=",", line_terminator="\n", quote_style="necessary",
                   null_value="")


def write_parquet(frame: pl.DataFrame, table: Table, path: Path) -> None:
    import pyarrow.parquet as pq

    arrow = frame.to_arrow().cast(arrow_schema(table)).combine_chunks()
    pq.write_table(arrow, path, row_group_size=max(arrow.num_rows, 1), **PARQUET_SETTINGS)


def created_timestamp() -> str | None:
    """ISO time from ``SOURCE_DATE_EPOCH`` (reproducible builds), or None: never the wall clock."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if not epoch:
        return None
    moment = dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _file_entry(root: Path, relative: str) -> dict[str, Any]:
    path = root / relative
    return {"path": relative, "bytes": path.stat().st_size, "hash": f"sha256:{sha256_of(path)}"}


def write_table(frame: pl.DataFrame, table: Table, root: Path) -> dict[str, Any]:
    """Write one table's CSV, Parquet and schema files and return its resource descriptor."""
    frame = sort_by_key(frame, table)
    csv_path, parquet_path, schema_path = (f"data/{table.name}.csv", f"data/{table.name}.parquet",
                                           f"schemas/{table.name}.json")
    write_csv(frame, table, root / csv_path)
    write_parquet(frame, table, root / parquet_path)
    (root / schema_path).write_bytes(dump_json(table_schema(table)))
    csv_entry = _file_entry(root, csv_path)
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
        "exodata:schema": {k: v for k, v in _file_entry(root, schema_path).items() if k != "path"},
        PARQUET_KEY: {**_file_entry(root, parquet_path), "mediatype": "application/vnd.apache.parquet"},
        ROWS_KEY: frame.height,
    }


def write_files(frames: dict[str, pl.DataFrame], root: Path, metadata: dict[str, Any]) -> dict[str, Any]:
    """Write every table, schema and the descriptor into ``root`` (a fresh directory); return the descriptor.

    Consumes ``frames``: each table is removed from the dict once written.

    Tables are written by a small thread pool: polars, pyarrow and hashlib release the GIL while they
    sort, encode, compress and hash, so two cores write two tables at once.  The descriptor lists the
    resources in table order whatever order they finish in.
    """
    from concurrent.futures import ThreadPoolExecutor

    (root / "data").mkdir(parents=True)
    (root / "schemas").mkdir()
    def write_and_release(table: Table) -> dict[str, Any]:
        # the frame leaves the dict as it is written, so memory falls as the tables are done
        return write_table(frames.pop(table.name), table, root)

    with ThreadPoolExecutor(max_workers=min(2, os.cpu_count() or 1)) as pool:
        resources = list(pool.map(write_and_release, TABLES.values()))
    descriptor = {"$schema": "https://datapackage.org/profiles/2.0/datapackage.json", **metadata}
    created = created_timestamp()
    if created:
        descriptor["created"] = created
    descriptor["resources"] = resources
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
    for folder in ("data", "schemas"):
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


def write_package(frames: dict[str, pl.DataFrame], out: Path, metadata: dict[str, Any]) -> dict[str, Any]:
    """Write the package into ``out`` atomically.

    The caller validates the tables first (exodata/checks.py); a failure while writing leaves ``out`` unchanged.
    Refuses (:class:`UnsafeOutputError`) when ``out/data`` or ``out/schemas`` hold files the previous package
    does not list, since the swap would delete them.
    """
    ensure_safe_output(out)
    out.mkdir(parents=True, exist_ok=True)
    staging = out / f".exodata-staging-{os.getpid()}"
    _remove(staging)
    try:
        descriptor = write_files(frames, staging, metadata)
        swap_into_place(staging, out)
    finally:
        _remove(staging)
    return descriptor
