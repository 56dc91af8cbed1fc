"""Find a built package and read its tables (the implementation behind ``exodata.load``).

Kept free of pandera, frictionless and the parsers: loading needs only the descriptor (JSON) and the
Parquet files.  Resource paths are checked before they are opened: a descriptor cannot make ``load``
read a URL or a file outside the package directory.
"""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from exodata.errors import PackageNotFoundError
from exodata.package.layout import DESCRIPTOR as _DESCRIPTOR
from exodata.package.layout import PARQUET_KEY as _PARQUET_KEY

Backend = Literal["polars", "pandas", "arrow"]


def _installed_package() -> Path | None:
    """The copy shipped inside the wheel, else the repository checkout (editable installs)."""
    shipped = Path(str(resources.files("exodata"))) / "_package"
    if (shipped / _DESCRIPTOR).is_file():
        return shipped
    checkout = Path(__file__).resolve().parents[2]
    if (checkout / _DESCRIPTOR).is_file() and (checkout / "exodata" / "__init__.py").is_file():
        return checkout
    return None


def package_dir(path: str | Path | None = None) -> Path:
    """The directory of the package to read: ``path`` (a directory or its datapackage.json) or the installed one."""
    if path is None:
        found = _installed_package()
        if found is None:
            raise PackageNotFoundError(
                "this exodata installation has no built package; reinstall with `pip install exodata`, or build "
                "one with `exodata build` and pass `path=` to load()")
        return found
    candidate = Path(path)
    if candidate.name == _DESCRIPTOR and candidate.is_file():
        return candidate.parent
    if (candidate / _DESCRIPTOR).is_file():
        return candidate
    raise PackageNotFoundError(
        f"no {_DESCRIPTOR} in {candidate}; build one with `exodata build --out {candidate}`")


def package_path(path: str | Path | None = None) -> Path:
    """The directory of the installed package (or of the package at ``path``): where its ``datapackage.json``,
    ``data/`` and ``schemas/`` are, for reading the files with other tools (pandas, DuckDB, R)."""
    return package_dir(path)


def read_descriptor(directory: Path) -> dict[str, Any]:
    """The package descriptor, checked for the shape ``load`` relies on (a list of named resources)."""
    path = directory / _DESCRIPTOR
    try:
        descriptor = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ValueError(f"invalid descriptor {path}: {error}; rebuild with `exodata build`") from None
    resources = descriptor.get("resources") if isinstance(descriptor, dict) else None
    if not isinstance(resources, list) or not all(
            isinstance(r, dict) and isinstance(r.get("name"), str) for r in resources):
        raise ValueError(f"invalid descriptor {path}: 'resources' must be a list of objects with a 'name'; "
                         "check it with `exodata validate`")
    return descriptor


def safe_path(directory: Path, relative: Any) -> Path:
    """``directory/relative`` if ``relative`` is a plain relative path that stays inside ``directory``."""
    if not isinstance(relative, str) or not relative:
        raise ValueError(f"resource path {relative!r} is not a path")
    if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", relative) or relative.startswith(("/", "\\")):
        raise ValueError(f"resource path {relative!r} is a URL or absolute path; only package-relative paths are read")
    root = directory.resolve()
    target = (root / relative).resolve()
    if target != root and root not in target.parents:
        raise ValueError(f"resource path {relative!r} leaves the package directory")
    return target


def tables(path: str | Path | None = None) -> list[str]:
    """Names of the tables in the package, in descriptor order."""
    return [r["name"] for r in read_descriptor(package_dir(path))["resources"]]


def parquet_path(directory: Path, resource: dict[str, Any]) -> Path:
    entry = resource.get(_PARQUET_KEY)
    if not isinstance(entry, dict):
        raise ValueError(f"table {resource['name']!r} has no '{_PARQUET_KEY}' object in the descriptor; "
                         "check the package with `exodata validate`")
    return safe_path(directory, entry.get("path"))


def _read(path: Path, backend: Backend):
    if backend == "polars":
        import polars as pl

        return pl.read_parquet(path)
    import pyarrow.parquet as pq

    table = pq.read_table(path)
    if backend == "arrow":
        return table
    try:
        import pandas as pd
    except ImportError:
        raise ImportError("backend='pandas' needs pandas: pip install 'exodata-msc[pandas]'") from None
    # Arrow-backed columns keep what the tables say: integers with nulls stay integers (pmid, year), lists stay
    # lists, strings stay strings; NumPy dtypes would turn a nullable integer into float64
    return table.to_pandas(types_mapper=pd.ArrowDtype)


def load(table: str | None = None, *, path: str | Path | None = None, backend: Backend = "polars"):
    """Read the exodata tables.

    ``load()`` returns every table as a dict of name → polars DataFrame; ``load("publications")`` one table.
    ``path=`` reads any built package directory instead of the installed copy; ``backend="pandas"`` or
    ``"arrow"`` returns pandas DataFrames or pyarrow Tables.
    """
    if backend not in ("polars", "pandas", "arrow"):
        raise ValueError(f"backend must be 'polars', 'pandas' or 'arrow', not {backend!r}")
    directory = package_dir(path)
    descriptor = read_descriptor(directory)
    by_name = {r["name"]: r for r in descriptor["resources"]}
    if table is not None:
        if table not in by_name:
            raise KeyError(f"no table {table!r} in the package; tables: {', '.join(by_name)}")
        return _read(parquet_path(directory, by_name[table]), backend)
    return {name: _read(parquet_path(directory, r), backend) for name, r in by_name.items()}
