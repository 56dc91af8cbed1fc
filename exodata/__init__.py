"""exodata: a versioned, schema-validated dataset of research on MSC-derived exosomes.

>>> import exodata
>>> tables = exodata.load()                 # every table, as polars DataFrames
>>> pubs = exodata.load("publications")     # one table
>>> exodata.validate("my_publications.csv", table="publications")   # raises exodata.ValidationError

Importing this module is cheap on purpose: polars, pandera, frictionless and the parsers are imported
only by the functions and commands that need them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from exodata.errors import PackageNotFoundError, ValidationError

__version__ = "0.7.0"

__all__ = ["PackageNotFoundError", "ValidationError", "__version__", "cite", "load", "package_path", "schema", "tables",
           "validate"]


def __getattr__(name: str):
    if name in {"load", "tables", "package_path"}:
        from exodata.package import loading

        return getattr(loading, name)
    raise AttributeError(f"module 'exodata' has no attribute {name!r}")


def validate(data: Any, table: str, *, package: str | Path | None = None, subset: bool = False,
             max_problems: int | None = None) -> Any:
    """Check ``data`` against exodata's table ``table``; return ``data`` unchanged when it is valid.

    ``data`` is a polars, pandas or Arrow table, a path to a .csv or .parquet file, or a list of paths (parts
    of one table: the primary key is checked across them).  Checked: columns, types, every constraint and row
    rule of the data dictionary, the primary key, foreign keys and offsets against the installed package (or
    the package directory ``package``).  ``subset=True`` accepts a table with only some of the columns, plus
    columns of its own, and checks what it shares.  Raises :class:`ValidationError` (its ``problems`` list the
    first ``max_problems``) when the data is invalid, ``ValueError`` for an unknown table or unreadable file.
    """
    from exodata.package.conformance import check

    many = isinstance(data, (list, tuple))
    sources = [(str(item), item) for item in data] if many else [
        (str(data) if isinstance(data, (str, Path)) else "<data>", data)]
    report = check(sources, table, package=package, subset=subset)
    if not report.valid:
        shown = report.problems if max_problems is None else report.problems[:max_problems]
        raise ValidationError(table, [p.to_dict() for p in shown], len(report.problems))
    return data


def schema(table: str):
    """The pandera (polars) schema of exodata's table ``table``: what a build enforces before it writes.

    ``exodata.schema("publications").validate(frame)`` checks a polars frame's columns, types, constraints
    and row rules (not foreign keys: :func:`validate` checks those against the package).
    """
    from exodata.metadata.pandera_polars import pandera_schema
    from exodata.package.conformance import table_named

    return pandera_schema(table_named(table))


def cite(format: str = "apa") -> str:  # noqa: A002 - the word users know
    """How to cite this version of exodata: ``"apa"``, ``"bibtex"`` or ``"cff"`` (CITATION.cff), with its DOI once
    it is released on Zenodo."""
    from exodata.release.citation import cite as citation

    return citation(format)
