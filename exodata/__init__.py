"""exodata: a versioned, schema-validated dataset of research on MSC-derived exosomes.

>>> import exodata
>>> tables = exodata.load()                 # every table, as polars DataFrames
>>> pubs = exodata.load("publications")     # one table

Importing this module is cheap on purpose: polars, pandera, frictionless and the parsers are imported
only by the functions and commands that need them.
"""

from __future__ import annotations

__version__ = "0.3.0"

__all__ = ["__version__", "load", "tables"]


def __getattr__(name: str):
    if name in {"load", "tables"}:
        from exodata.package import loading

        return getattr(loading, name)
    raise AttributeError(f"module 'exodata' has no attribute {name!r}")
