"""The building blocks of the one schema source: a table is a list of fields plus keys, declared as data.

Everything else (Frictionless Table Schemas, pandera models, Arrow and polars schemas, the data dictionary)
is generated from these objects by the sibling modules, so a schema fact is written exactly once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: Logical field types and what they become in each target.
TYPES = ("string", "integer", "number", "boolean", "list")

#: Separator of list items in the CSV copy (Table Schema v2 ``list`` type with this ``delimiter``).
LIST_DELIMITER = "|"


@dataclass(frozen=True)
class Field:
    """One column: its type, whether it may be null, its constraints and what it means."""

    name: str
    type: str
    description: str
    required: bool = False
    pattern: str | None = None
    enum: tuple[str, ...] | None = None
    minimum: int | float | None = None
    maximum: int | float | None = None
    unit: str | None = None
    example: str | None = None

    def __post_init__(self) -> None:
        if self.type not in TYPES:
            raise ValueError(f"field {self.name!r}: unknown type {self.type!r}; use one of {TYPES}")
        if self.pattern is not None and not (self.pattern.startswith("^") and self.pattern.endswith("$")):
            raise ValueError(f"field {self.name!r}: anchor the pattern with ^…$ ({self.pattern!r})")


@dataclass(frozen=True)
class ForeignKey:
    """``fields`` of this table reference ``reference_fields`` of table ``resource``."""

    fields: tuple[str, ...]
    resource: str
    reference_fields: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    """A table of the package: its fields in column order, primary key, foreign keys and meaning."""

    name: str
    title: str
    description: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...] = field(default=())

    def __post_init__(self) -> None:
        names = [f.name for f in self.fields]
        if len(set(names)) != len(names):
            raise ValueError(f"table {self.name!r} declares a column twice")
        for key in (self.primary_key, *(fk.fields for fk in self.foreign_keys)):
            missing = set(key) - set(names)
            if missing:
                raise ValueError(f"table {self.name!r}: key columns {sorted(missing)} are not declared")

    @property
    def column_names(self) -> list[str]:
        return [f.name for f in self.fields]

    def field(self, name: str) -> Field:
        for candidate in self.fields:
            if candidate.name == name:
                return candidate
        raise KeyError(f"table {self.name!r} has no column {name!r}")
