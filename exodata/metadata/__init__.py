"""The one schema source (``tables``) and the generators of every schema artefact derived from it."""

from exodata.metadata.classes import LIST_DELIMITER, Field, ForeignKey, Table
from exodata.metadata.tables import TABLES

__all__ = ["LIST_DELIMITER", "TABLES", "Field", "ForeignKey", "Table", "table"]


def table(name: str) -> Table:
    """The declared table ``name``; the error lists the tables there are."""
    try:
        return TABLES[name]
    except KeyError:
        raise KeyError(f"no table {name!r}; the package has: {', '.join(TABLES)}") from None
