"""Extractors: one small function per staged table, from a compiled record to its rows of that table.

Staging (:mod:`exodata.ingest.staging`) calls every extractor on every compiled record, in the worker that
compiled it, and adds the columns all of a record's rows share (its publication id, its source).  The
extractor of a ``traced`` table also gives the seed span of each value it puts in the table: those spans
are the record's ``provenance`` rows.  So a new child table is its declaration in
:mod:`exodata.metadata.tables` and its extractor here, registered with :func:`extracts`; the merge and the
assembly follow from its kind.

Extractors give whole columns (list comprehensions, transposed tuples), not a tuple per row: they run for
every record.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from exodata.ingest.model import Record, Value
from exodata.ingest.vocabulary.matcher import Mention
from exodata.ingest.vocabulary.quantities import Quantity
from exodata.metadata import TABLES
from exodata.metadata.classes import STAGED_KINDS, Kind
from exodata.metadata.tables import MERGED_COLUMNS


class Rows(NamedTuple):
    """A record's rows of one table.

    ``columns`` are the record's cells of the table's columns (each a list or tuple of ``count`` cells, or
    one value for them all; staging adds ``publication_id`` and the source); ``spans`` (a traced table's)
    say where each non-null value is in the decoded seed text, as ``(column, position, start, end)``
    (position 0 for a publication column).
    """

    count: int
    columns: dict[str, Any]
    spans: Sequence[tuple[str, int, int, int]] = ()


Extractor = Callable[[Record], Rows]

#: Staged table → its extractor, in the order registered (the order of this module).
EXTRACTORS: dict[str, Extractor] = {}


def extracts(table: str) -> Callable[[Extractor], Extractor]:
    """Register the decorated function as the extractor of ``table`` (a declared table that is staged, and
    not provenance, whose rows are the spans the others give)."""
    kind = TABLES[table].kind
    if kind not in STAGED_KINDS or kind is Kind.PROVENANCE:
        raise ValueError(f"table {table} is {kind}: it is not staged by an extractor")

    def register(extractor: Extractor) -> Extractor:
        EXTRACTORS[table] = extractor
        return extractor

    return register


def columns_of(rows: Sequence[tuple], names: Sequence[str]) -> dict[str, tuple]:
    """The columns of ``rows`` (tuples of cells in the order of ``names``) by name, transposed by ``zip`` in C
    rather than a list comprehension per column (a record has some forty spans and thirty mentions)."""
    return dict(zip(names, zip(*rows)))


@extracts("publications")
def publication(record: Record) -> Rows:
    return Rows(1, {column: record.get(column) for column in MERGED_COLUMNS},
                [(column, 0, value.start, value.end) for column, value in record.fields.items()])


_AUTHOR_VALUES = ("family_name", "given_name", "name_as_written")


@extracts("authors")
def authors(record: Record) -> Rows:
    authors = record.authors
    return Rows(len(authors),
                {"position": [a.position for a in authors], "family_name": [a.family_name for a in authors],
                 "given_name": [a.given_name for a in authors],
                 "name_as_written": [a.name_as_written for a in authors]},
                [(column, a.position, a.start, a.end) for a in authors for column in _AUTHOR_VALUES
                 if getattr(a, column) is not None])


@extracts("affiliations")
def affiliations(record: Record) -> Rows:
    affiliations = record.affiliations
    return Rows(len(affiliations),
                {"position": [a.position for a in affiliations], "text": [a.text for a in affiliations],
                 "country": [a.country for a in affiliations]},
                [(column, a.position, a.start, a.end) for a in affiliations for column in ("text", "country")
                 if getattr(a, column) is not None])


@extracts("author_affiliations")
def author_affiliations(record: Record) -> Rows:
    links = [(a.position, p) for a in record.authors for p in sorted(set(a.affiliations))]
    return Rows(len(links), {"author_position": [a for a, _ in links], "affiliation_position": [p for _, p in links]})


def _items(items: list[Value], column: str) -> Rows:
    """A list of values, numbered from 1 in record order."""
    positions = range(1, len(items) + 1)
    return Rows(len(items), {"position": list(positions), column: [item.value for item in items]},
                [(column, position, item.start, item.end) for position, item in zip(positions, items)])


@extracts("keywords")
def keywords(record: Record) -> Rows:
    return _items(record.keywords, "keyword")


@extracts("funders")
def funders(record: Record) -> Rows:
    return _items(record.funders, "name")


@extracts("mentions")
def mentions(record: Record) -> Rows:
    return Rows(len(record.mentions), columns_of(record.mentions, Mention._fields))


@extracts("vesicle_quantities")
def vesicle_quantities(record: Record) -> Rows:
    return Rows(len(record.quantities), columns_of(record.quantities, Quantity._fields))


@extracts("publication_types")
def publication_types(record: Record) -> Rows:
    types = record.publication_types
    spans = [("publication_type", t.position, t.start, t.end) for t in types]
    spans += [("mesh_id", t.position, *t.id_span) for t in types if t.id_span is not None]
    return Rows(len(types), {"position": [t.position for t in types], "publication_type": [t.name for t in types],
                             "mesh_id": [t.mesh_id for t in types]}, spans)


_HEADING_COLUMNS = ("position", "descriptor", "descriptor_id", "major", "descriptor_major", "qualifiers",
                    "qualifier_ids", "major_qualifiers")


@extracts("subject_headings")
def subject_headings(record: Record) -> Rows:
    headings = record.subject_headings
    if not headings:
        return Rows(0, dict.fromkeys(_HEADING_COLUMNS, ()))
    return Rows(len(headings), columns_of(headings, _HEADING_COLUMNS),
                [(column, h.position, start, end) for h in headings for column, (start, end) in h.spans.items()])
