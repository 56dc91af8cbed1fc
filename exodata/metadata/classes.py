"""The building blocks of the one schema source: a table is a list of fields plus keys and rules, declared as data.

Everything else (Frictionless Table Schemas, pandera models, Arrow and polars schemas, the data dictionary)
is generated from these objects by the sibling modules, so a schema fact is written exactly once.  Every
promise a description makes is a constraint here too (a pattern, an enum, a bound, normalised text, a row
rule), so that the checks fail when the promise is broken.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import polars as pl

#: Logical field types and what they become in each target.
TYPES = ("string", "integer", "number", "boolean", "list")

#: Separator of list items in the CSV copy (Table Schema v2 ``list`` type with this ``delimiter``).
LIST_DELIMITER = "|"

#: Normalised text (the data model's string convention): no white space but single spaces between words, so
#: trimmed and with inner runs collapsed, never empty.  Unicode NFC is checked beside it (a regex cannot say it).
NORMALISED_TEXT_PATTERN = r"^\S+( \S+)*$"


@dataclass(frozen=True)
class Field:
    """One column: its type, whether it may be null, its constraints and what it means.

    ``normalised`` (strings and list items) promises the data model's convention: NFC, trimmed, inner white
    space collapsed to single spaces, never empty.  ``item_pattern`` and ``item_enum`` constrain each item of a
    list.  ``vocabulary`` names where an ``enum`` comes from (shown in the data dictionary instead of a long
    list).
    """

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
    normalised: bool = True
    item_pattern: str | None = None
    item_enum: tuple[str, ...] | None = None
    vocabulary: str | None = None

    def __post_init__(self) -> None:
        if self.type not in TYPES:
            raise ValueError(f"field {self.name!r}: unknown type {self.type!r}; use one of {TYPES}")
        for pattern in (self.pattern, self.item_pattern):
            if pattern is not None and not (pattern.startswith("^") and pattern.endswith("$")):
                raise ValueError(f"field {self.name!r}: anchor the pattern with ^…$ ({pattern!r})")
        if (self.item_pattern or self.item_enum) and self.type != "list":
            raise ValueError(f"field {self.name!r}: item constraints are for list fields")

    @property
    def text(self) -> bool:
        """Whether values (or list items) are strings."""
        return self.type in ("string", "list")


@dataclass(frozen=True)
class ForeignKey:
    """``fields`` of this table reference ``reference_fields`` of table ``resource``."""

    fields: tuple[str, ...]
    resource: str
    reference_fields: tuple[str, ...]


@dataclass(frozen=True)
class Rule:
    """A promise about each row that involves several columns (``reason`` is null exactly when compiled…).

    ``holds`` builds a polars expression that is true for every row keeping the promise (nulls count as
    kept: a null column is the business of its own field's constraints); it is a function so that declaring
    a rule imports nothing.  ``columns`` are the columns it reads, for reporting and for ``--subset`` checks
    (a rule is checked only when all of them are present).
    """

    name: str
    description: str
    columns: tuple[str, ...]
    holds: Callable[[], pl.Expr]


class Kind(StrEnum):
    """How a build makes a table's rows (:mod:`exodata.corpus.assemble` dispatches on it).

    The members are in the order a build prefers to make tables in, each table still after the tables it
    depends on (:func:`exodata.metadata.order.dependency_order`): the tables made from corpus-wide frames
    first, then the child tables, which are staged per record and assembled from their spill files, a long
    one in parts.
    """

    #: One row per merged work: a record's own row, or the merge's chosen values for a duplicate group.
    PUBLICATION = "publication"
    #: The curated vocabulary, read from the repository.
    VOCABULARY = "vocabulary"
    #: One row per record read, with what became of it.
    SEED = "seed"
    #: A child table holding a list of the record's, kept whole from one record of a duplicate group (the
    #: fullest, then the most trusted); a list that ``follows`` others is kept only when one record's lists
    #: of them all are kept.
    CHILD_LIST = "child list"
    #: A child table holding the seed spans of the values of every ``traced`` table, kept for each value
    #: from every record that supports it.
    PROVENANCE = "provenance"
    #: A child table whose rows belong to one field of the record (named in its ``field`` column), kept from
    #: the record whose value of that field is kept.
    PER_FIELD = "per field"
    #: Computed from the table named in ``derived_from``, part by part, right after each part of it.
    DERIVED = "derived"
    #: Made from the merge's duplicate groups alone.
    MERGE = "merge"


#: The kinds of table whose rows a worker stages from each record (all but provenance by an extractor of
#: their own: provenance rows are the spans those extractors give).
STAGED_KINDS = (Kind.PUBLICATION, Kind.CHILD_LIST, Kind.PROVENANCE, Kind.PER_FIELD)
#: Child tables: staged per record, each row of one publication, spilled without its ``publication_id``
#: (each row gets its record's final id at assembly) and assembled a part at a time when long.
CHILD_KINDS = (Kind.CHILD_LIST, Kind.PROVENANCE, Kind.PER_FIELD)


@dataclass(frozen=True)
class Table:
    """A table of the package: its fields in column order, primary key, foreign keys, row rules and meaning,
    and how a build makes it (``kind``).

    ``traced`` (a publication or child list table): provenance holds the seed span of each of its values.
    ``follows`` (a child list): the lists it is kept with.  ``derived_from`` (a derived table): its source.
    """

    name: str
    title: str
    description: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]
    kind: Kind
    foreign_keys: tuple[ForeignKey, ...] = field(default=())
    rules: tuple[Rule, ...] = field(default=())
    traced: bool = False
    follows: tuple[str, ...] = ()
    derived_from: str | None = None

    def __post_init__(self) -> None:
        names = [f.name for f in self.fields]
        if len(set(names)) != len(names):
            raise ValueError(f"table {self.name!r} declares a column twice")
        for key in (self.primary_key, *(fk.fields for fk in self.foreign_keys), *(r.columns for r in self.rules)):
            missing = set(key) - set(names)
            if missing:
                raise ValueError(f"table {self.name!r}: key or rule columns {sorted(missing)} are not declared")
        if not isinstance(self.kind, Kind):
            raise TypeError(f"table {self.name!r}: kind {self.kind!r} is not a Kind")
        if self.traced and self.kind not in (Kind.PUBLICATION, Kind.CHILD_LIST):
            raise ValueError(f"table {self.name!r}: only publication and child list tables are traced")
        if self.follows and self.kind is not Kind.CHILD_LIST:
            raise ValueError(f"table {self.name!r}: only a child list follows other lists")
        if (self.derived_from is None) != (self.kind is not Kind.DERIVED):
            raise ValueError(f"table {self.name!r}: a derived table, and only one, names what it is derived_from")
        if self.kind is Kind.PER_FIELD and "field" not in names:
            raise ValueError(f"table {self.name!r}: a per field table names each row's field in a `field` column")
        if self.kind in CHILD_KINDS and "publication_id" not in names:
            raise ValueError(f"table {self.name!r}: a child table's rows belong to a publication (`publication_id`)")

    @property
    def column_names(self) -> list[str]:
        return [f.name for f in self.fields]

    def field(self, name: str) -> Field:
        for candidate in self.fields:
            if candidate.name == name:
                return candidate
        raise KeyError(f"table {self.name!r} has no column {name!r}")
