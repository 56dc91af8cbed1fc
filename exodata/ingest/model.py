"""The records that flow between the stages of a build.

Every stage of a build hands the next one plain dataclasses defined here, so that readers, normalisers,
the annotator and the table builder can be written and tested apart:

* a **reader** turns the decoded text of one seed into :class:`RawRecord` objects whose values are
  :class:`Located` slices of that text (``text[start:end] == located.text`` always holds);
* the **normaliser** turns a :class:`RawRecord` into a :class:`Record` of clean values, each still carrying
  the span of seed text it came from, which becomes the ``provenance`` table.

Types that cross process boundaries (``Value``, ``Author``, ``Affiliation``, ``Record``) avoid ``slots``: they
unpickle faster as named tuples and plain dataclasses.  Nothing here imports anything heavy: the module is part
of ``import exodata``'s closure only through the build, but it stays dependency-free on purpose.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, NamedTuple

#: Scalar publication fields a reader may fill, with their raw text.  ``citation`` (``2021;33(6):757-760``),
#: ``pages`` (``757-760``, ``e0123``) and ``published`` (``John Wiley and Sons Inc. 2020``) are composite
#: fields that the normaliser splits; the rest map one-to-one onto ``publications`` columns.
RAW_FIELDS = (
    "title",
    "title_vernacular",
    "journal",
    "publisher",
    "year",
    "volume",
    "issue",
    "first_page",
    "last_page",
    "pages",
    "citation",
    "published",
    "doi",
    "pmid",
    "pmcid",
    "language",
    "country",
    "abstract",
    "cited_by_count",
)


class Located(NamedTuple):
    """A value as written in a source text: ``source[start:end] == text``.

    The source is the seed text for what readers find, and a value's own text for the parts the composite
    parsers split it into (``exodata/ingest/normalise/citations.py``), which the normaliser shifts by the
    value's start: one span type for both.

    ``decoded`` holds the value when the format encodes it (LaTeX accents in BibTeX, XML entities); the
    span still points at the characters as written.  A named tuple: readers make dozens per record, and a
    tuple is built faster than a frozen dataclass (same fields, same repr; docs/benchmarks.md).
    """

    text: str
    start: int
    end: int
    decoded: str | None = None

    @property
    def value(self) -> str:
        return self.text if self.decoded is None else self.decoded

    @classmethod
    def of(cls, source: str, start: int, end: int) -> Located:
        """The slice ``source[start:end]`` with its span."""
        return cls(source[start:end], start, end)

    def sub(self, start: int, end: int) -> Located:
        """A slice of this value, by offsets relative to its own text."""
        return Located(self.text[start:end], self.start + start, self.start + end)

    def strip(self, chars: str | None = None) -> Located:
        """This value without leading and trailing ``chars`` (white space by default); the span shrinks."""
        left = len(self.text) - len(self.text.lstrip(chars))
        right = len(self.text.rstrip(chars))
        if right <= left:
            return self.sub(left, left)
        return self.sub(left, right)

    def match(self, pattern: str | re.Pattern[str], group: int | str = 0) -> Located | None:
        """The first regex match (``group``) inside this value, located, or None."""
        found = re.search(pattern, self.text)
        if found is None or found.group(group) is None:
            return None
        return self.sub(found.start(group), found.end(group))

    def __bool__(self) -> bool:
        return bool(self.text.strip())


@dataclass(frozen=True, slots=True)
class Problem:
    """Something a reader or normaliser noticed: where, and what a person should do about it."""

    message: str
    offset: int | None = None
    line: int | None = None


@dataclass(slots=True)
class RawAuthor:
    """One author as the record writes it.

    ``affiliations`` are 1-based positions into :attr:`RawRecord.affiliations` (the reader resolves the
    record's own markers, such as WPRIM superscripts or MEDLINE ``AD`` lines, to those positions).
    """

    name: Located
    affiliations: list[int] = field(default_factory=list)


class RawTerm(NamedTuple):
    """A controlled term as the record writes it: a publication type, or a MeSH descriptor or qualifier.

    ``name`` is the term as written; ``id`` its identifier when the record gives one (the ``UI`` attribute of
    PubMed XML); ``major`` whether the record marks it a major topic (``MajorTopicYN="Y"``, or the ``*`` of a
    MEDLINE heading); ``written`` the span of everything that says so (the ``*`` and the name in MEDLINE, the
    whole element with its attributes in XML), or None when that is the name's own span.
    """

    name: Located
    id: Located | None = None
    major: bool = False
    written: tuple[int, int] | None = None

    @property
    def span(self) -> tuple[int, int]:
        """The span of the term as written, marks and attributes included."""
        return self.written if self.written is not None else (self.name.start, self.name.end)


@dataclass(slots=True)
class RawHeading:
    """One MeSH heading as the record writes it.

    ``written`` is the whole heading (the value of a MEDLINE ``MH`` line, ``*`` and ``/`` included; the content
    of a PubMed XML ``MeshHeading``).  A reader that sees the structure (XML) gives the ``descriptor`` and its
    ``qualifiers`` as terms; a MEDLINE reader gives only ``written``, which the normaliser splits at ``/`` and
    reads the ``*`` marks of.
    """

    written: Located
    descriptor: RawTerm | None = None
    qualifiers: list[RawTerm] = field(default_factory=list)


@dataclass(slots=True)
class RawRecord:
    """What a reader found in one record of a seed, every value a :class:`Located` slice of the text.

    ``fields`` uses the names in :data:`RAW_FIELDS`.  ``links`` are URLs or identifiers from which the
    normaliser takes DOI, PMID and PMCID.  A record the reader cannot use sets ``quarantine`` to a reason a
    person can act on (what is missing, where); it is kept as a ``quarantined`` row, never dropped.
    """

    format: str
    index: int = 0
    span: tuple[int, int] | None = None
    fields: dict[str, Located] = field(default_factory=dict)
    links: list[Located] = field(default_factory=list)
    authors: list[RawAuthor] = field(default_factory=list)
    affiliations: list[Located] = field(default_factory=list)
    keywords: list[Located] = field(default_factory=list)
    funders: list[Located] = field(default_factory=list)
    #: The record's own publication types (MEDLINE ``PT``, PubMed XML ``PublicationType``, WPRIM "Publication
    #: Type:") and its indexers' MeSH headings (MEDLINE ``MH``, PubMed XML ``MeshHeading``), in record order.
    publication_types: list[RawTerm] = field(default_factory=list)
    subject_headings: list[RawHeading] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    quarantine: str | None = None

    def set(self, name: str, value: Located | None) -> None:
        """Set a raw field unless the value is missing or blank (a blank value is no value)."""
        if name not in RAW_FIELDS:
            raise KeyError(f"unknown raw field {name!r}; expected one of {', '.join(RAW_FIELDS)}")
        if value is not None and value:
            self.fields[name] = value


class Value(NamedTuple):
    """A normalised value and the span of seed text it was taken from.

    A named tuple (not a slotted dataclass) because compiled records cross process boundaries by pickle, and
    tuples unpickle faster: with ``--jobs`` this is on the build's serial path.
    """

    value: Any
    start: int
    end: int


@dataclass
class Author:
    position: int
    family_name: str | None
    given_name: str | None
    name_as_written: str
    start: int
    end: int
    affiliations: list[int] = field(default_factory=list)


@dataclass
class Affiliation:
    position: int
    text: str
    country: str | None
    start: int
    end: int


class PublicationType(NamedTuple):
    """A publication type as the record gives it (cleaned), its MeSH id when given, and their seed spans."""

    position: int
    name: str
    mesh_id: str | None
    start: int
    end: int
    id_span: tuple[int, int] | None = None


class SubjectHeading(NamedTuple):
    """A MeSH heading, cleaned: the descriptor and its id, the major-topic marks, the qualifiers (with their
    ids when given), and the seed span of each value (``spans``: column → (start, end), for each column that
    holds a value; an empty list has none)."""

    position: int
    descriptor: str
    descriptor_id: str | None
    major: bool
    descriptor_major: bool
    qualifiers: list[str]
    qualifier_ids: list[str]
    major_qualifiers: list[str]
    spans: dict[str, tuple[int, int]]


@dataclass
class Record:
    """A normalised record: clean values for the publication columns and the child tables."""

    format: str
    index: int
    fields: dict[str, Value] = field(default_factory=dict)
    authors: list[Author] = field(default_factory=list)
    affiliations: list[Affiliation] = field(default_factory=list)
    keywords: list[Value] = field(default_factory=list)
    funders: list[Value] = field(default_factory=list)
    publication_types: list[PublicationType] = field(default_factory=list)
    subject_headings: list[SubjectHeading] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    #: Concept mentions (``exodata.ingest.vocabulary.Mention``) and vesicle quantities found in this record's own
    #: normalised values: offsets refer to those strings, which are exactly what a merged publication keeps.
    mentions: list[Any] = field(default_factory=list)
    quantities: list[Any] = field(default_factory=list)

    def get(self, name: str) -> Any:
        found = self.fields.get(name)
        return None if found is None else found.value
