"""``exodata validate``: check a built package directory the way a careful downstream user would.

What it checks, beyond ``frictionless validate`` (which reads only the CSV copies): every resource path is
safe (relative, inside the package, not a URL); the declared ``bytes`` and sha256 ``hash`` of every CSV,
Parquet and schema file; each schema file against the schema source; each Parquet copy against its
pandera schema; primary and foreign keys; mention and quantity offsets against the text; and that the
CSV and Parquet copies hold the same rows.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

from exodata.metadata import TABLES
from exodata.metadata.frictionless import table_schema
from exodata.package.checks import Problem, check_tables
from exodata.package.layout import DESCRIPTOR, PARQUET_KEY, SCHEMA_KEY, read_csv, table_paths
from exodata.package.loading import PackageNotFoundError, package_dir, safe_path
from exodata.package.writing import sha256_of


def _check_file(directory: Path, table: str, relative: Any,
                expected: dict[str, Any]) -> tuple[Path | None, list[Problem]]:
    try:
        path = safe_path(directory, relative)
    except ValueError as error:
        return None, [Problem(table=table, rule="safe path", file=str(relative), message=str(error))]
    if not path.is_file():
        return None, [Problem(table=table, rule="file", file=str(relative), message="file is missing")]
    issues = []
    size = path.stat().st_size
    if expected.get("bytes") != size:
        issues.append(Problem(table=table, rule="bytes", file=relative, message=f"is {size} bytes; the descriptor says "
                                                                  f"{expected.get('bytes')}"))
    digest = f"sha256:{sha256_of(path)}"
    if expected.get("hash") != digest:
        issues.append(Problem(table=table, rule="hash", file=relative,
                              message=f"hash is {digest}; the descriptor says {expected.get('hash')} "
                                    "(the file was changed after the build)"))
    return path, issues


def validate_package(path: str | Path | None = None) -> list[Problem]:
    """Every problem found in the package at ``path``; an empty list means it is valid."""
    import polars as pl

    try:
        directory = package_dir(path)
    except PackageNotFoundError as error:
        return [Problem(table="-", rule="descriptor", message=str(error))]
    try:
        descriptor = json.loads((directory / DESCRIPTOR).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        return [Problem(table="-", rule="descriptor", file=DESCRIPTOR, message=f"cannot be read as JSON: {error}")]
    issues: list[Problem] = []
    listed = descriptor.get("resources") if isinstance(descriptor, dict) else None
    if not isinstance(listed, list):
        return [Problem(table="-", rule="descriptor", file=DESCRIPTOR, message="has no 'resources' list")]
    resources = {}
    for position, resource in enumerate(listed):
        if not isinstance(resource, dict) or not isinstance(resource.get("name"), str):
            issues.append(Problem(table="-", rule="descriptor", file=DESCRIPTOR,
                                  message=f"resource {position} is not an object with a name"))
            continue
        for key in (PARQUET_KEY, SCHEMA_KEY):
            if not isinstance(resource.get(key, {}), dict):
                issues.append(Problem(table=resource["name"], rule="descriptor", file=DESCRIPTOR,
                                      message=f"'{key}' is not an object"))
                resource = {**resource, key: {}}
        resources[resource["name"]] = resource
    for name in sorted(set(resources) - set(TABLES)):
        issues.append(Problem(table=str(name), rule="descriptor", file=DESCRIPTOR,
                              message="unknown table in the descriptor"))
    frames: dict[str, pl.DataFrame] = {}
    for name, table in TABLES.items():
        resource = resources.get(name)
        if resource is None:
            issues.append(Problem(table=name, rule="descriptor", file=DESCRIPTOR,
                                  message="table is missing from the descriptor"))
            continue
        csv_path, found = _check_file(directory, name, resource.get("path"), resource)
        issues += found
        parquet = resource.get(PARQUET_KEY) or {}
        parquet_path, found = _check_file(directory, name, parquet.get("path"), parquet)
        issues += found
        schema_path, found = _check_file(directory, name, resource.get("schema"), resource.get(SCHEMA_KEY) or {})
        issues += found
        if schema_path is not None:
            try:
                declared = json.loads(schema_path.read_text(encoding="utf-8"))
            except (ValueError, UnicodeDecodeError) as error:
                issues.append(Problem(table=name, rule="schema file", file=resource.get("schema"),
                                      message=f"is not JSON: {error}"))
            else:
                if declared != table_schema(table):
                    issues.append(Problem(table=name, rule="schema file", file=resource.get("schema"),
                                        message="differs from the schema this version of exodata declares"))
        if parquet_path is None:
            continue
        try:
            frames[name] = pl.read_parquet(parquet_path)
        except Exception as error:
            issues.append(Problem(table=name, rule="type", file=parquet.get("path"),
                                  message=f"unreadable Parquet: {error}"))
            continue
        if csv_path is not None:
            issues += _compare_copies(name, frames[name], csv_path, resource.get("path"))
    if len(frames) == len(TABLES):
        for issue in check_tables(frames):
            issues.append(issue if issue.file else replace(issue, file=table_paths(issue.table)[1]))
    return issues


def _compare_copies(name: str, parquet_frame, csv_path: Path, relative: str) -> list[Problem]:
    try:
        csv_frame = read_csv(csv_path, TABLES[name])
    except Exception as error:
        return [Problem(table=name, rule="copies agree", file=relative, message=f"unreadable CSV: {error}")]
    if csv_frame.columns != parquet_frame.columns:
        return [Problem(table=name, rule="copies agree", file=relative,
                        message=f"columns {csv_frame.columns} differ from the Parquet copy")]
    if csv_frame.height != parquet_frame.height:
        return [Problem(table=name, rule="copies agree", file=relative,
                        message=f"{csv_frame.height} rows, the Parquet copy has {parquet_frame.height}")]
    try:
        if not csv_frame.equals(parquet_frame.cast(csv_frame.schema, strict=False), null_equal=True):
            return [Problem(table=name, rule="copies agree", file=relative,
                            message="rows differ from the Parquet copy")]
    except Exception as error:
        return [Problem(table=name, rule="copies agree", file=relative,
                        message=f"cannot be compared with the Parquet copy: {error}")]
    return []
